import type { Migration } from '../migrate';

/**
 * The device's replica of the hub's records for its scope (hub/protocol/records.ts): one table per entity, each row
 * carrying the hub's `version` so a batch applied twice changes nothing. Money is integer cents and stamps integer
 * counts, exactly as the hub sent them; the device never sums a ledger into a balance.
 *
 * No foreign keys point at `residents`: the hub's change log may carry a resident's messages before the resident
 * (backfill order is the hub's), and an evict removes them together anyway. Attachments and stamp books are parts of
 * their parent record, so they cascade with it.
 */
export const migration0006SyncedRecords: Migration = {
  version: 6,
  name: 'synced-records',
  up(db) {
    db.exec(`
      CREATE TABLE staff (
        staff_id     TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        -- sha256 of the badge id; the badge id itself never reaches the device. Not UNIQUE: a badge moving from one
        -- staff member to another must not make a batch fail on the order its two changes arrive in.
        badge_hash   TEXT NOT NULL CHECK (length(badge_hash) = 64),
        pin_hash     TEXT NOT NULL,
        version      INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX staff_by_badge ON staff (badge_hash);

      CREATE TABLE contacts (
        contact_id   TEXT PRIMARY KEY,
        resident_id  TEXT NOT NULL,
        display_name TEXT NOT NULL,
        relationship TEXT NOT NULL,
        approved     INTEGER NOT NULL CHECK (approved IN (0, 1)),
        version      INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX contacts_by_resident ON contacts (resident_id);

      CREATE TABLE messages (
        message_id           TEXT PRIMARY KEY,
        resident_id          TEXT NOT NULL,
        contact_id           TEXT NOT NULL,
        direction            TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        body                 TEXT NOT NULL,
        written_at           INTEGER NOT NULL,
        received_at          INTEGER NOT NULL,
        status               TEXT NOT NULL CHECK (status IN ('inReview', 'delivered', 'read', 'rejected')),
        status_changed_at    INTEGER NOT NULL,
        rejection_reason     TEXT,
        carries_return_stamp INTEGER NOT NULL CHECK (carries_return_stamp IN (0, 1)),
        return_stamp_used    INTEGER NOT NULL CHECK (return_stamp_used IN (0, 1)),
        reply_to_message_id  TEXT,
        stamps_charged       INTEGER NOT NULL CHECK (stamps_charged >= 0),
        stamps_returned      INTEGER NOT NULL CHECK (stamps_returned >= 0),
        read_at              INTEGER,
        version              INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX messages_by_resident ON messages (resident_id, received_at);

      CREATE TABLE message_attachments (
        message_id       TEXT NOT NULL REFERENCES messages (message_id) ON DELETE CASCADE,
        attachment_id    TEXT NOT NULL,
        -- the order the hub listed them in
        position         INTEGER NOT NULL CHECK (position >= 0),
        kind             TEXT NOT NULL CHECK (kind IN ('photo', 'ecard', 'video')),
        sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
        byte_size        INTEGER NOT NULL CHECK (byte_size > 0),
        mime_type        TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('delivered', 'rejected')),
        rejection_reason TEXT,
        -- the bytes are on disk under blobs/, verified; set only by the blob fetcher
        downloaded       INTEGER NOT NULL DEFAULT 0 CHECK (downloaded IN (0, 1)),
        PRIMARY KEY (message_id, attachment_id)
      ) STRICT;
      CREATE INDEX attachments_by_sha256 ON message_attachments (sha256);
      CREATE INDEX attachments_to_fetch ON message_attachments (downloaded, status);

      CREATE TABLE stamp_entries (
        entry_id    TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL,
        -- stamps: positive adds, negative spends
        amount      INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        reference   TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        version     INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX stamp_entries_by_resident ON stamp_entries (resident_id, created_at);

      CREATE TABLE debit_entries (
        entry_id     TEXT PRIMARY KEY,
        resident_id  TEXT NOT NULL,
        -- integer cents: positive adds, negative spends
        amount_cents INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        reference    TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        version      INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX debit_entries_by_resident ON debit_entries (resident_id, created_at);

      -- As the hub last confirmed it; never computed here.
      CREATE TABLE balances (
        resident_id     TEXT PRIMARY KEY,
        stamps          INTEGER NOT NULL CHECK (stamps >= 0),
        available_cents INTEGER NOT NULL CHECK (available_cents >= 0),
        holds_cents     INTEGER NOT NULL CHECK (holds_cents >= 0),
        confirmed_at    INTEGER NOT NULL,
        version         INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;

      CREATE TABLE visits (
        visit_id         TEXT PRIMARY KEY,
        resident_id      TEXT NOT NULL,
        visitor_name     TEXT NOT NULL,
        kind             TEXT NOT NULL CHECK (kind IN ('onSite', 'remote')),
        starts_at        INTEGER NOT NULL,
        duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
        status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
        version          INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;
      CREATE INDEX visits_by_resident ON visits (resident_id, starts_at);

      CREATE TABLE site_rules (
        site_id                     TEXT PRIMARY KEY,
        site_name                   TEXT NOT NULL,
        characters_per_stamp        INTEGER NOT NULL CHECK (characters_per_stamp > 0),
        stamps_per_attachment       INTEGER NOT NULL CHECK (stamps_per_attachment >= 0),
        max_attachments             INTEGER NOT NULL CHECK (max_attachments >= 0),
        max_attachment_bytes        INTEGER NOT NULL CHECK (max_attachment_bytes > 0),
        refund_stamps_on_rejection  INTEGER NOT NULL CHECK (refund_stamps_on_rejection IN (0, 1)),
        version                     INTEGER NOT NULL CHECK (version > 0)
      ) STRICT;

      CREATE TABLE site_stamp_books (
        site_id     TEXT NOT NULL REFERENCES site_rules (site_id) ON DELETE CASCADE,
        position    INTEGER NOT NULL CHECK (position >= 0),
        stamps      INTEGER NOT NULL CHECK (stamps > 0),
        price_cents INTEGER NOT NULL CHECK (price_cents > 0),
        PRIMARY KEY (site_id, position)
      ) STRICT;

      -- The version at which the hub deleted a record, so that an older upsert of it seen again cannot bring it back.
      -- (An evict leaves none: the same records come back with the same versions when the person returns.)
      CREATE TABLE sync_tombstones (
        entity    TEXT NOT NULL,
        record_id TEXT NOT NULL,
        version   INTEGER NOT NULL CHECK (version > 0),
        PRIMARY KEY (entity, record_id)
      ) STRICT;
    `);
  },
};
