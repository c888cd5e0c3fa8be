import type { Migration } from '../migrate';

/**
 * A person's language choice travels to the hub as the `chooseLanguage` mutation (docs/languages.md §5 "Where a
 * choice is kept"), so the hub's next update of their record no longer overwrites it. The outbox's CHECK lists the
 * mutation names and SQLite cannot change a CHECK, so the table is rebuilt with the new name, keeping every row, its
 * id and its answer. The mail trigger that reads the outbox is dropped and created again around the rebuild, as in
 * 0010 (renaming a table over a name a trigger body mentions fails while that name is missing).
 */
export const migration0019LanguageChoiceMutation: Migration = {
  version: 19,
  name: 'language-choice-mutation',
  up(db) {
    db.exec(`
      DROP TRIGGER mail_resident_removed;
      CREATE TABLE outbox_rebuilt (
        mutation_id    INTEGER PRIMARY KEY CHECK (mutation_id > 0),
        name           TEXT NOT NULL CHECK (name IN ('sendMessage', 'markRead', 'buyStamps', 'appendAuditEntry', 'chooseLanguage')),
        args           TEXT NOT NULL CHECK (json_valid(args)),
        -- whose mutation it is; NULL for the device's own (audit entries)
        resident_id    TEXT,
        created_at     INTEGER NOT NULL,
        status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'refused')),
        result_code    TEXT,
        result_reason  TEXT,
        settled_at     INTEGER,
        message_id     TEXT GENERATED ALWAYS AS (json_extract(args, '$.messageId')) VIRTUAL,
        -- the numbers the hub gave with a refusal (0012)
        result_figures TEXT,
        CHECK ((status = 'refused') = (result_code IS NOT NULL)),
        CHECK ((status = 'pending') = (settled_at IS NULL))
      ) STRICT;
      INSERT INTO outbox_rebuilt (mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, result_figures)
        SELECT mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, result_figures FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_rebuilt RENAME TO outbox;
      CREATE INDEX outbox_pending ON outbox (status, mutation_id);
      CREATE INDEX outbox_by_resident ON outbox (resident_id, status);
      CREATE INDEX outbox_by_message ON outbox (message_id, name);
      CREATE TRIGGER mail_resident_removed AFTER DELETE ON residents BEGIN
        DELETE FROM mail_drafts WHERE resident_id = old.resident_id;
        DELETE FROM mail_outgoing WHERE resident_id = old.resident_id AND NOT EXISTS (
          SELECT 1 FROM outbox o WHERE o.status = 'pending' AND o.name = 'sendMessage' AND json_extract(o.args, '$.messageId') = mail_outgoing.message_id);
      END;
    `);
  },
};
