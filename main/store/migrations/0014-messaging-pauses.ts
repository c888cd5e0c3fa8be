import type { Migration } from '../migrate';

/**
 * Messaging pauses (issue 17, review): staff paused a resident's messaging until a date, with a reason. Replicates the
 * hub's `messagingPause` records so the home and compose screens say it before the person writes, offline too; the
 * hub refuses their letters while it holds whatever the device shows. A pause lifted early arrives as a delete.
 */
export const migration0014MessagingPauses: Migration = {
  version: 14,
  name: 'messaging-pauses',
  up(db) {
    db.exec(`
      CREATE TABLE messaging_pauses (
        pause_id     TEXT PRIMARY KEY,
        resident_id  TEXT NOT NULL,
        paused_until INTEGER NOT NULL,
        reason       TEXT NOT NULL,
        version      INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX messaging_pauses_by_resident ON messaging_pauses (resident_id, paused_until);
    `);
  },
};
