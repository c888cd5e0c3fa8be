// The mail search index's upkeep (migration 0008): writes queue message ids; these queries make the index match the
// store for queued entries, oldest first or one person's first. Reading the index stays in mail.ts.
import type { DeviceDatabase } from './database';

interface QueueRow {
  seq: number;
  message_id: string;
}

export interface MailSearchIndexQueries {
  /** Entries waiting to be indexed. */
  pending(): number;
  /** Indexes up to `limit` of the oldest entries in one transaction; returns how many entries it took. */
  indexOldest(limit: number): number;
  /** Indexes every entry of this person's mail in one transaction; returns how many entries it took. */
  indexFor(residentId: string): number;
}

export function mailSearchIndexQueries(db: DeviceDatabase): MailSearchIndexQueries {
  const countPending = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM mail_search_queue');
  const selectOldest = db.prepare<[number], QueueRow>('SELECT seq, message_id FROM mail_search_queue ORDER BY seq LIMIT ?');
  // No index on resident: the queue is empty most of the time, and a full scan of a catch-up's queue takes milliseconds.
  const selectFor = db.prepare<[string], QueueRow>('SELECT seq, message_id FROM mail_search_queue WHERE resident_id = ? ORDER BY seq');
  const deleteEntry = db.prepare<[number]>('DELETE FROM mail_search_queue WHERE seq = ?');
  // The hub's copy first: once a sent reply has synced, its text is the one the hub holds.
  const selectCurrent = db.prepare<[{ id: string }], { resident_id: string; body: string }>(`
    SELECT resident_id, body FROM messages WHERE message_id = @id
    UNION ALL
    SELECT resident_id, body FROM mail_outgoing WHERE message_id = @id
    LIMIT 1`);
  const selectDocument = db.prepare<[string], { document_id: number }>('SELECT document_id FROM mail_search_documents WHERE message_id = ?');
  const insertDocument = db.prepare<[string]>('INSERT INTO mail_search_documents (message_id) VALUES (?)');
  const deleteDocument = db.prepare<[number]>('DELETE FROM mail_search_documents WHERE document_id = ?');
  const insertIndexRow = db.prepare<[number, string, string, string]>('INSERT INTO mail_search (rowid, message_id, resident_id, body) VALUES (?, ?, ?, ?)');
  const deleteIndexRow = db.prepare<[number]>('DELETE FROM mail_search WHERE rowid = ?');

  /** Makes the message's index row match the store: replaced, added or removed. */
  const reindex = (messageId: string): void => {
    const document = selectDocument.get(messageId);
    const current = selectCurrent.get({ id: messageId });
    if (document !== undefined) deleteIndexRow.run(document.document_id);
    if (current === undefined) {
      if (document !== undefined) deleteDocument.run(document.document_id);
      return;
    }
    const documentId = document?.document_id ?? Number(insertDocument.run(messageId).lastInsertRowid);
    insertIndexRow.run(documentId, messageId, current.resident_id, current.body);
  };

  const indexEntries = db.transaction((entries: readonly QueueRow[]): number => {
    // A message queued several times (written, then read, then changed) is indexed once, as it is now.
    const done = new Set<string>();
    for (const entry of entries) {
      if (!done.has(entry.message_id)) {
        reindex(entry.message_id);
        done.add(entry.message_id);
      }
      deleteEntry.run(entry.seq);
    }
    return entries.length;
  });

  return {
    pending: () => countPending.get()?.n ?? 0,
    indexOldest: (limit) => indexEntries(selectOldest.all(limit)),
    indexFor: (residentId) => indexEntries(selectFor.all(residentId)),
  };
}
