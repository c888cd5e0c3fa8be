import type { Migration } from '../migrate';

/**
 * Mail on the device: the person's drafts, the replies they sent from here (so a reply shows at once and its timeline
 * can join the outbox row with the hub's copy once it arrives), and a full-text index over their mail.
 *
 * `mail_outgoing` is the device's own record, not part of the replica: the hub's copy of the same message arrives in
 * `messages` under the same id, and the screens prefer it once it is there. It finds its outbox row by the message id
 * in the mutation's arguments, not by mutation id: a new device identity renumbers pending mutations. The search index is kept by triggers,
 * so apply-pull and the mail service need not know it exists (a sent reply may be indexed twice, from
 * `mail_outgoing` and from `messages`; searches take distinct ids); `unicode61 remove_diacritics 2` lets "Sofia" find
 * "Sofía".
 */
export const migration0007Mail: Migration = {
  version: 7,
  name: 'mail',
  up(db) {
    db.exec(`
      CREATE TABLE mail_drafts (
        draft_id            TEXT PRIMARY KEY,
        resident_id         TEXT NOT NULL,
        contact_id          TEXT NOT NULL,
        reply_to_message_id TEXT,
        body                TEXT NOT NULL,
        updated_at          INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX mail_drafts_by_resident ON mail_drafts (resident_id, updated_at);

      CREATE TABLE mail_outgoing (
        message_id          TEXT PRIMARY KEY,
        resident_id         TEXT NOT NULL,
        contact_id          TEXT NOT NULL,
        body                TEXT NOT NULL,
        written_at          INTEGER NOT NULL,
        reply_to_message_id TEXT,
        use_return_stamp    INTEGER NOT NULL CHECK (use_return_stamp IN (0, 1)),
        -- what the person was shown it would cost them, held against their confirmed stamps until the hub answers
        own_stamps          INTEGER NOT NULL CHECK (own_stamps >= 0)
      ) STRICT;
      CREATE INDEX mail_outgoing_by_resident ON mail_outgoing (resident_id, contact_id, written_at);

      CREATE VIRTUAL TABLE mail_search USING fts5 (
        message_id UNINDEXED,
        resident_id UNINDEXED,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
      );

      CREATE TRIGGER mail_search_message_insert AFTER INSERT ON messages BEGIN
        INSERT INTO mail_search (message_id, resident_id, body) VALUES (new.message_id, new.resident_id, new.body);
      END;
      CREATE TRIGGER mail_search_message_update AFTER UPDATE OF body, resident_id ON messages BEGIN
        DELETE FROM mail_search WHERE message_id = old.message_id;
        INSERT INTO mail_search (message_id, resident_id, body) VALUES (new.message_id, new.resident_id, new.body);
      END;
      CREATE TRIGGER mail_search_message_delete AFTER DELETE ON messages BEGIN
        DELETE FROM mail_search WHERE message_id = old.message_id;
      END;
      CREATE TRIGGER mail_search_outgoing_insert AFTER INSERT ON mail_outgoing BEGIN
        INSERT INTO mail_search (message_id, resident_id, body) VALUES (new.message_id, new.resident_id, new.body);
      END;
      CREATE TRIGGER mail_search_outgoing_delete AFTER DELETE ON mail_outgoing BEGIN
        DELETE FROM mail_search WHERE message_id = old.message_id;
      END;

      -- The person is gone from this device (released, moved, evicted): their drafts go, and so do their sent replies
      -- except those still waiting in the outbox, which must reach the hub.
      CREATE TRIGGER mail_resident_removed AFTER DELETE ON residents BEGIN
        DELETE FROM mail_drafts WHERE resident_id = old.resident_id;
        DELETE FROM mail_outgoing WHERE resident_id = old.resident_id AND NOT EXISTS (
          SELECT 1 FROM outbox o WHERE o.status = 'pending' AND o.name = 'sendMessage' AND json_extract(o.args, '$.messageId') = mail_outgoing.message_id);
      END;

      -- Mail synced before this version is searchable too.
      INSERT INTO mail_search (message_id, resident_id, body) SELECT message_id, resident_id, body FROM messages;
    `);
  },
};
