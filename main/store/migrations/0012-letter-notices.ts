import type { Migration } from '../migrate';

/**
 * Stopped letters and refusal figures (issue 13).
 *
 * `letter_notices` replicates the hub's `letterStopped` records: a family member's letter the facility stopped, with
 * the sender's name and the reviewer's reason and nothing of the letter. `seen_at` is this device's own note that the
 * person has had the notice on screen, so the home screen counts only notices they have not seen; it is not synced (a
 * notice seen at the kiosk is shown once more on the tablet, which is the safe side).
 *
 * `outbox.result_figures` keeps the numbers the hub gave with a refusal (JSON of hub/protocol RefusalFigures), so the
 * screens word it from a code and figures in the person's language instead of showing the hub's English reason.
 */
export const migration0012LetterNotices: Migration = {
  version: 12,
  name: 'letter-notices',
  up(db) {
    db.exec(`
      CREATE TABLE letter_notices (
        notice_id      TEXT PRIMARY KEY,
        resident_id    TEXT NOT NULL,
        contact_id     TEXT NOT NULL,
        sender_name    TEXT NOT NULL,
        reason         TEXT NOT NULL,
        stopped_at     INTEGER NOT NULL,
        after_delivery INTEGER NOT NULL CHECK (after_delivery IN (0, 1)),
        seen_at        INTEGER,
        version        INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX letter_notices_by_resident ON letter_notices (resident_id, stopped_at);

      ALTER TABLE outbox ADD COLUMN result_figures TEXT;
    `);
  },
};
