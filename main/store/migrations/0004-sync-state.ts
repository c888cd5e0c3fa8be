import type { Migration } from '../migrate';

/**
 * What the device knows about its sync with the hub (one row), and the outbox of mutations it owes the hub.
 *
 * `last_mutation_id` is the high-water mark of outbox ids. It is kept here rather than read from the outbox alone
 * because settled rows of an evicted resident are deleted: if the newest row went, `max(mutation_id) + 1` would hand
 * out an id the hub has already seen, and the hub would skip that mutation as done.
 */
export const migration0004SyncState: Migration = {
  version: 4,
  name: 'sync-state',
  up(db) {
    db.exec(`
      CREATE TABLE sync_state (
        singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
        device_id          TEXT,
        hub_url            TEXT,
        -- opaque to the device; stored in the same transaction as the batch it follows
        cursor             TEXT,
        last_mutation_id   INTEGER NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
        last_success_at    INTEGER,
        last_error_code    TEXT,
        last_error_message TEXT,
        last_error_at      INTEGER,
        CHECK ((last_error_code IS NULL) = (last_error_at IS NULL))
      ) STRICT;
      INSERT INTO sync_state (singleton) VALUES (1);

      CREATE TABLE outbox (
        mutation_id   INTEGER PRIMARY KEY CHECK (mutation_id > 0),
        name          TEXT NOT NULL CHECK (name IN ('sendMessage', 'markRead', 'buyStamps')),
        args          TEXT NOT NULL CHECK (json_valid(args)),
        -- whose mutation it is: what "waiting on this device" is counted by, and what an evict keeps
        resident_id   TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'refused')),
        result_code   TEXT,
        result_reason TEXT,
        settled_at    INTEGER,
        CHECK ((status = 'refused') = (result_code IS NOT NULL)),
        CHECK ((status = 'pending') = (settled_at IS NULL))
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (status, mutation_id);
      CREATE INDEX outbox_by_resident ON outbox (resident_id, status);
    `);
  },
};
