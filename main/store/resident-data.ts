// Removing one person's data from the device: what a tablet's unassignment does (main/tablet/tablet-assignment.ts),
// before the hub's evict arrives. Apply-pull's evict removes the replica rows and keeps the person's unsent actions
// for the hub; this goes further, because the device is about to serve someone else and the hub has already taken
// everything the person did (the caller refuses while anything of theirs is unsent). So every table that holds the
// person's data loses their rows in one transaction, including the mail search index, which otherwise keeps their words
// until the indexer's next idle moment.
//
// What stays: the audit log (append-only by design; its entries name the person by record id only, never by name or
// words) and the outbox rows that carry those entries (resident_id NULL). Tombstones hold record ids and versions only.
import type { DeviceDatabase } from './database';
import { pinLockoutQueries, type PinLockoutQueries } from './pin-lockouts';
import { replicaQueries, type ReplicaQueries } from './replica';
import { residentQueries, type ResidentQueries } from './residents';

/** Every table that holds rows of one person's data, with the SQL that counts that person's rows in it. */
export const residentDataTables = {
  residents: 'SELECT count(*) AS n FROM residents WHERE resident_id = ?',
  pin_lockouts: "SELECT count(*) AS n FROM pin_lockouts WHERE subject_kind = 'resident' AND subject_id = ?",
  contacts: 'SELECT count(*) AS n FROM contacts WHERE resident_id = ?',
  messages: 'SELECT count(*) AS n FROM messages WHERE resident_id = ?',
  message_attachments: 'SELECT count(*) AS n FROM message_attachments a JOIN messages m USING (message_id) WHERE m.resident_id = ?',
  stamp_entries: 'SELECT count(*) AS n FROM stamp_entries WHERE resident_id = ?',
  debit_entries: 'SELECT count(*) AS n FROM debit_entries WHERE resident_id = ?',
  balances: 'SELECT count(*) AS n FROM balances WHERE resident_id = ?',
  visits: 'SELECT count(*) AS n FROM visits WHERE resident_id = ?',
  letter_notices: 'SELECT count(*) AS n FROM letter_notices WHERE resident_id = ?',
  messaging_pauses: 'SELECT count(*) AS n FROM messaging_pauses WHERE resident_id = ?',
  mail_drafts: 'SELECT count(*) AS n FROM mail_drafts WHERE resident_id = ?',
  mail_outgoing: 'SELECT count(*) AS n FROM mail_outgoing WHERE resident_id = ?',
  mail_search: 'SELECT count(*) AS n FROM mail_search WHERE resident_id = ?',
  mail_search_queue: 'SELECT count(*) AS n FROM mail_search_queue WHERE resident_id = ?',
  outbox: 'SELECT count(*) AS n FROM outbox WHERE resident_id = ?',
} as const;
export type ResidentDataTable = keyof typeof residentDataTables;

export interface ResidentDataQueries {
  /** Rows of this person per table (the check after a removal; service diagnostics). */
  rowCounts(residentId: string): Record<ResidentDataTable, number>;
  /**
   * Removes every row of the person's data in one transaction and returns the attachment hashes no row refers to any
   * more; the caller removes those files after the commit (a file removed for a rolled-back transaction is lost).
   */
  removeResident(residentId: string): { readonly releasedBlobs: readonly string[]; readonly rowsRemoved: number };
}

/** The query modules it shares with its store's (./store-queries.ts), so their statements are not prepared twice. */
export interface ResidentDataParts {
  readonly replica: ReplicaQueries;
  readonly residents: ResidentQueries;
  readonly lockouts: PinLockoutQueries;
}

export function residentDataQueries(db: DeviceDatabase, parts?: ResidentDataParts): ResidentDataQueries {
  const counts = Object.fromEntries(Object.entries(residentDataTables).map(([table, sql]) => [table, db.prepare<[string], { n: number }>(sql)])) as Record<
    ResidentDataTable,
    ReturnType<typeof db.prepare<[string], { n: number }>>
  >;
  const replica = parts?.replica ?? replicaQueries(db);
  const residents = parts?.residents ?? residentQueries(db);
  const lockouts = parts?.lockouts ?? pinLockoutQueries(db);
  const deleteDrafts = db.prepare<[string]>('DELETE FROM mail_drafts WHERE resident_id = ?');
  const deleteOutgoing = db.prepare<[string]>('DELETE FROM mail_outgoing WHERE resident_id = ?');
  // Every outbox row of theirs: the caller has made sure none is still pending (the hub has them all).
  const deleteOutbox = db.prepare<[string]>('DELETE FROM outbox WHERE resident_id = ?');
  // The index's bookkeeping first (it finds documents through the index rows), then the rows, then the queue the
  // deletes above just added to: nothing is left for the indexer to do for this person.
  const deleteSearchDocuments = db.prepare<[string]>(
    'DELETE FROM mail_search_documents WHERE document_id IN (SELECT rowid FROM mail_search WHERE resident_id = ?)',
  );
  const deleteSearchRows = db.prepare<[string]>('DELETE FROM mail_search WHERE resident_id = ?');
  const deleteSearchQueue = db.prepare<[string]>('DELETE FROM mail_search_queue WHERE resident_id = ?');

  const rowCounts = (residentId: string): Record<ResidentDataTable, number> =>
    Object.fromEntries(Object.entries(counts).map(([table, statement]) => [table, statement.get(residentId)?.n ?? 0])) as Record<ResidentDataTable, number>;

  const remove = db.transaction((residentId: string) => {
    const before = Object.values(rowCounts(residentId)).reduce((sum, n) => sum + n, 0);
    const touched = replica.removeResidentRecords(residentId);
    // The residents row's delete trigger also clears drafts and sent-but-unsynced letters; here explicitly, whatever
    // that trigger keeps for the hub.
    residents.remove(residentId);
    lockouts.remove('resident', residentId);
    deleteDrafts.run(residentId);
    deleteOutgoing.run(residentId);
    deleteOutbox.run(residentId);
    deleteSearchDocuments.run(residentId);
    deleteSearchRows.run(residentId);
    deleteSearchQueue.run(residentId);
    return { releasedBlobs: replica.unreferenced(touched), rowsRemoved: before };
  });

  return { rowCounts, removeResident: (residentId) => remove(residentId) };
}
