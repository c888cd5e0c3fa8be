import type { Migration } from '../migrate';

/**
 * Two query costs the inbox-open and mail-search benchmarks found (BENCHMARKS.md), both growing with what other
 * letters and other people the device holds rather than with what the screen shows:
 *
 * - Whether a letter was read here, and a sent reply's outbox row, are found by the message id inside the outbox row's
 *   JSON arguments. With only the resident's index, each letter of a conversation scanned all of the person's outbox
 *   rows: a 1,000-letter conversation the person had read took 126 ms to list instead of 17. The message id becomes a
 *   generated column with an index, so each lookup is one probe. (An index on the bare json_extract expression is not
 *   used for a comparison with a TEXT column: SQLite applies TEXT affinity to the expression side first.)
 * - Search ranked every match of every resident on the device and only then kept the searcher's (resident_id was
 *   UNINDEXED). The index is rebuilt with the resident as an indexed column, so a search's MATCH names the person and
 *   FTS5 intersects their documents before ranking. Everything is queued to be indexed again (migration 0008's queue).
 */
export const migration0009MailQueryIndexes: Migration = {
  version: 9,
  name: 'mail-query-indexes',
  up(db) {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN message_id TEXT GENERATED ALWAYS AS (json_extract(args, '$.messageId')) VIRTUAL;
      CREATE INDEX outbox_by_message ON outbox (message_id, name);

      DROP TABLE mail_search;
      DELETE FROM mail_search_documents;
      CREATE VIRTUAL TABLE mail_search USING fts5 (
        message_id UNINDEXED,
        resident_id,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      DELETE FROM mail_search_queue;
      INSERT INTO mail_search_queue (message_id, resident_id) SELECT message_id, resident_id FROM messages;
      INSERT INTO mail_search_queue (message_id, resident_id) SELECT message_id, resident_id FROM mail_outgoing;
    `);
  },
};
