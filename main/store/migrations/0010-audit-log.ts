import type { Migration } from '../migrate';

/**
 * The audit log (docs/security.md §9 "The audit log and its hash chain"; hub/protocol/audit.ts): sign-ins, wrong PINs, lockouts and staff actions, each
 * entry carrying the hash of the one before, appended in the same transaction as the outbox row that carries it to the
 * hub. Append-only: triggers refuse UPDATE and DELETE, and nothing (evict, a new identity) removes an entry.
 *
 * `chain` is 1 for a store's first hub identity and goes up by one each time the device is enrolled again under a
 * new id (main/sync/identity.ts): the hub keeps one chain per device id, starting at seq 1, so a new id starts a new
 * chain whose first entry names where the old one ended. Entries written before the first enrollment belong to
 * chain 1 with device_id NULL (they are hashed that way; the hub accepts them as the start of the device's chain).
 *
 * The outbox is rebuilt because SQLite cannot change a CHECK: it learns the `appendAuditEntry` mutation, and its
 * resident_id becomes nullable, since an audit entry is the device's own and not any person's waiting action. The mail
 * trigger that reads the outbox is dropped and created again around the rebuild (renaming a table over a name a
 * trigger body mentions fails while that name is missing).
 */
export const migration0010AuditLog: Migration = {
  version: 10,
  name: 'audit-log',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        chain       INTEGER NOT NULL CHECK (chain > 0),
        seq         INTEGER NOT NULL CHECK (seq > 0),
        device_id   TEXT,
        at          INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        actor_kind  TEXT CHECK (actor_kind IN ('resident', 'staff')),
        actor_id    TEXT,
        -- canonical JSON of the details, exactly as hashed
        details     TEXT NOT NULL CHECK (json_valid(details)),
        prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash        TEXT NOT NULL CHECK (length(hash) = 64),
        PRIMARY KEY (chain, seq),
        CHECK ((actor_kind IS NULL) = (actor_id IS NULL))
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;

      DROP TRIGGER mail_resident_removed;
      CREATE TABLE outbox_rebuilt (
        mutation_id   INTEGER PRIMARY KEY CHECK (mutation_id > 0),
        name          TEXT NOT NULL CHECK (name IN ('sendMessage', 'markRead', 'buyStamps', 'appendAuditEntry')),
        args          TEXT NOT NULL CHECK (json_valid(args)),
        -- whose mutation it is; NULL for the device's own (audit entries)
        resident_id   TEXT,
        created_at    INTEGER NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'refused')),
        result_code   TEXT,
        result_reason TEXT,
        settled_at    INTEGER,
        message_id    TEXT GENERATED ALWAYS AS (json_extract(args, '$.messageId')) VIRTUAL,
        CHECK ((status = 'refused') = (result_code IS NOT NULL)),
        CHECK ((status = 'pending') = (settled_at IS NULL))
      ) STRICT;
      INSERT INTO outbox_rebuilt (mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at)
        SELECT mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at FROM outbox;
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
