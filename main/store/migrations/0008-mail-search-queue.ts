import type { Migration } from '../migrate';

/**
 * The mail search index moves out of the write path. Migration 0007 tokenized every letter inside the transaction that
 * wrote it, so a pull batch of 1,000 letters also built 1,000 index entries before its commit: more than half of what
 * applying mail cost (BENCHMARKS.md, sync-apply). Now a write only appends the message id to `mail_search_queue`
 * (a rowid append, in the same transaction, so nothing can be missed), and main/mail/search-indexer.ts indexes the
 * queue when the device is otherwise idle — and first of all for the person who searches, so a search never misses
 * their mail.
 *
 * `mail_search_documents` says which index row holds which message: replacing or removing a message's text finds its
 * row by key, where 0007's `DELETE … WHERE message_id = ?` scanned the whole index (message_id is UNINDEXED), once per
 * message of an evicted resident. A reply sent from here exists in `mail_outgoing` and, once synced, in `messages`
 * under the same id; it now has one index row, holding whichever copy exists (the hub's first).
 */
export const migration0008MailSearchQueue: Migration = {
  version: 8,
  name: 'mail-search-queue',
  up(db) {
    db.exec(`
      DROP TRIGGER mail_search_message_insert;
      DROP TRIGGER mail_search_message_update;
      DROP TRIGGER mail_search_message_delete;
      DROP TRIGGER mail_search_outgoing_insert;
      DROP TRIGGER mail_search_outgoing_delete;
      DROP TABLE mail_search;

      CREATE VIRTUAL TABLE mail_search USING fts5 (
        message_id UNINDEXED,
        resident_id UNINDEXED,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE mail_search_documents (
        document_id INTEGER PRIMARY KEY,
        message_id  TEXT NOT NULL UNIQUE
      ) STRICT;
      -- Messages whose index row must be made to match the store (written, changed or removed). The resident is the
      -- one the message belonged to when queued, so a search can index that person's entries first.
      CREATE TABLE mail_search_queue (
        seq         INTEGER PRIMARY KEY,
        message_id  TEXT NOT NULL,
        resident_id TEXT NOT NULL
      ) STRICT;

      CREATE TRIGGER mail_search_queue_message_insert AFTER INSERT ON messages BEGIN
        INSERT INTO mail_search_queue (message_id, resident_id) VALUES (new.message_id, new.resident_id);
      END;
      -- The hub resends a whole message when only its status changes (read, reviewed): that is no reason to reindex it.
      CREATE TRIGGER mail_search_queue_message_update AFTER UPDATE OF body, resident_id ON messages
        WHEN old.body IS NOT new.body OR old.resident_id IS NOT new.resident_id BEGIN
        INSERT INTO mail_search_queue (message_id, resident_id) VALUES (new.message_id, new.resident_id);
      END;
      CREATE TRIGGER mail_search_queue_message_delete AFTER DELETE ON messages BEGIN
        INSERT INTO mail_search_queue (message_id, resident_id) VALUES (old.message_id, old.resident_id);
      END;
      CREATE TRIGGER mail_search_queue_outgoing_insert AFTER INSERT ON mail_outgoing BEGIN
        INSERT INTO mail_search_queue (message_id, resident_id) VALUES (new.message_id, new.resident_id);
      END;
      CREATE TRIGGER mail_search_queue_outgoing_delete AFTER DELETE ON mail_outgoing BEGIN
        INSERT INTO mail_search_queue (message_id, resident_id) VALUES (old.message_id, old.resident_id);
      END;

      -- Everything already on the device is indexed again, the next time the indexer runs.
      INSERT INTO mail_search_queue (message_id, resident_id) SELECT message_id, resident_id FROM messages;
      INSERT INTO mail_search_queue (message_id, resident_id) SELECT message_id, resident_id FROM mail_outgoing;
    `);
  },
};
