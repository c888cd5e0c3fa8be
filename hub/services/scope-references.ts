// A fresh device's scope as references (docs/sync.md §3 "Scope", §5 "Pull"; migration 0021).
//
// A device pulling from a fresh cursor gets its current scope and then the log after its scope start, never the log
// from its beginning (which holds a tablet's earlier assignees and the people who once lived in a kiosk's unit). The
// hub used to append a copy of every record of that scope to the log for the device alone; for a unit whose residents
// hold 95,000 letters that was ~100 MB written in one request. It now appends, set-based and in the same transaction
// and lock as the scope start, one row per record naming it and the version it had (by_reference, no data), and pull
// loads the records' current state when it serves those rows, a batch per entity.
//
// Serving a record's current state rather than its state at the scope start is safe because of what a device does with
// it: newest version wins, so a change logged after the reference that the device reads later is no older than what it
// holds. A record is served only while it is still in the device's scope as pull reads it (the same rules that chose
// it: residentsInScope, staffInScope, visibleToResident) and skipped otherwise — whatever took it out of scope (a
// move, a release, a withdrawn letter, a lifted pause, staff moved or removed) is in the log after the reference, and
// the device that never got the record needs none of it. Serving it anyway could even outlast that change: staff leaving
// a unit are deleted there at a version below their current one.
import { Change, syncedEntities, type SyncedEntity } from '../protocol/index';
import type { HubTransaction, SqlExecutor } from '../db/database';
import type { RecordChange } from './change-log';
import {
  attachmentColumns,
  balanceChange,
  captionTracksColumn,
  contactChange,
  contactColumns,
  ledgerEntryChange,
  ledgerEntryColumns,
  letterNoticeColumns,
  letterStoppedChange,
  loadSiteRules,
  messageChange,
  messageColumns,
  messagingPauseChange,
  messagingPauseColumns,
  residentChange,
  residentColumns,
  staffRecord,
  visibleToResident,
  visitChange,
  visitColumns,
  type AttachmentRow,
  type ContactRow,
  type LedgerEntryRow,
  type LetterNoticeRow,
  type MessageRow,
  type MessagingPauseRow,
  type ResidentRow,
  type VisitRow,
} from './records';
import { staffInScope, staffInScopeCondition } from './staff';

/** What decides a device's scope: its site and a kiosk's unit or a tablet's resident. */
export interface ScopeOwner {
  readonly site_id: string;
  readonly housing_unit_id: string | null;
  readonly assigned_resident_id: string | null;
}

/**
 * The residents a device serves, as SQL over the residents row `alias`: a kiosk's unit's active residents, a tablet's
 * assigned resident while active. The placeholders name the device's site, unit and assigned resident (either null).
 */
function residentsInScope(alias: string, siteParam: string, unitParam: string, residentParam: string): string {
  return `${alias}.site_id = ${siteParam} AND ${alias}.status = 'active'
      AND (${alias}.housing_unit_id = ${unitParam}::text OR ${alias}.resident_id = ${residentParam}::text)`;
}

/** The resident_id of every resident the device serves, with its site, unit and resident as the placeholders given. */
function scopedResidentIds(siteParam: string, unitParam: string, residentParam: string): string {
  return `SELECT r.resident_id FROM residents r WHERE ${residentsInScope('r', siteParam, unitParam, residentParam)}`;
}

/**
 * Each kind of record a resident's devices keep, in the order residentSnapshot gives them (the resident before the
 * records that name them, contacts before letters): where its rows are, its id and version, and its order.
 */
const residentRecordSources: readonly { entity: SyncedEntity; table: string; id: string; version: string; order: string }[] = [
  { entity: 'resident', table: 'residents', id: 'resident_id', version: 'version', order: 'resident_id' },
  { entity: 'balance', table: 'residents', id: 'resident_id', version: 'balance_version', order: 'resident_id' },
  { entity: 'contact', table: 'contacts', id: 'contact_id', version: 'version', order: 'resident_id, created_at, contact_id' },
  { entity: 'message', table: 'messages', id: 'message_id', version: 'version', order: 'resident_id, received_at, message_id' },
  { entity: 'stampEntry', table: 'stamp_ledger', id: 'entry_id', version: '1', order: 'resident_id, created_at, entry_id' },
  { entity: 'debitEntry', table: 'debit_ledger', id: 'entry_id', version: '1', order: 'resident_id, created_at, entry_id' },
  { entity: 'visit', table: 'visits', id: 'visit_id', version: 'version', order: 'resident_id, starts_at, visit_id' },
  { entity: 'letterStopped', table: 'letter_notices', id: 'notice_id', version: 'version', order: 'resident_id, stopped_at, notice_id' },
  { entity: 'messagingPause', table: 'messaging_suspensions', id: 'suspension_id', version: 'version', order: 'resident_id, starts_at, suspension_id' },
];

/**
 * Appends, for one device, a reference to every record in its scope as the transaction sees it: the site's rules, the
 * staff in its scope and every record of each resident it serves. One INSERT … SELECT per kind of record, so no
 * record's data leaves the database and the rows' order (their seqs) is the kinds' order above. The caller holds the
 * site's change-log lock (startDeviceScope), so these rows follow the scope start with nothing between.
 */
export async function appendScopeReferences(tx: HubTransaction, deviceId: string, scope: ScopeOwner, now: number): Promise<void> {
  let lastSeq = 0;
  // $1 device, $2 site, $3 now, $4 unit, $5 resident: each statement is given only the ones it uses, as PostgreSQL
  // refuses a parameter whose type it cannot infer.
  const params = [deviceId, scope.site_id, now, scope.housing_unit_id, scope.assigned_resident_id];
  for (const [select, used] of [
    ["SELECT 'siteRules' AS entity, site_id AS record_id, version FROM sites WHERE site_id = $2", 3],
    [`SELECT 'staff' AS entity, s.staff_id AS record_id, s.version FROM staff s WHERE ${staffInScopeCondition('s', '$2', '$4')} ORDER BY s.staff_id`, 4],
    ...residentRecordSources.map(
      (source) =>
        [
          `SELECT '${source.entity}' AS entity, ${source.id} AS record_id, ${source.version} AS version FROM ${source.table}
            WHERE resident_id IN (${scopedResidentIds('$2', '$4', '$5')}) ORDER BY ${source.order}`,
          5,
        ] as const,
    ),
  ] as const) {
    const [inserted] = await tx.query<{ seq: number | null }>(
      `WITH inserted AS (
         INSERT INTO change_log (site_id, audience_device, entity, record_id, version, op, data, by_reference, created_at)
         SELECT $2, $1, refs.entity, refs.record_id, refs.version, 'upsert', NULL, true, $3 FROM (${select}) refs
         RETURNING seq)
       SELECT max(seq)::bigint AS seq FROM inserted`,
      params.slice(0, used),
    );
    if (inserted?.seq !== null && inserted?.seq !== undefined) lastSeq = Math.max(lastSeq, Number(inserted.seq));
  }
  if (lastSeq > 0) tx.announceLog(scope.site_id, [`d:${deviceId}`], lastSeq);
}

/** A reference row of a page: which record, by its log row. */
export interface ReferenceRow {
  readonly entity: string;
  readonly record_id: string;
}

/** Where a served reference's change is found: entity and id. */
export function referenceKey(entity: string, id: string): string {
  return `${entity}\n${id}`;
}

function isSyncedEntity(entity: string): entity is SyncedEntity {
  return Object.hasOwn(syncedEntities, entity);
}

/** Rows of `table` whose `idColumn` is one of ids and whose resident the device serves ($1 ids, $2–$4 the scope). */
async function scopedRows<Row extends object>(
  db: SqlExecutor,
  scope: ScopeOwner,
  table: string,
  columns: string,
  idColumn: string,
  ids: readonly string[],
): Promise<Row[]> {
  return db.query<Row>(
    `SELECT ${columns} FROM ${table} WHERE ${idColumn} IN (SELECT jsonb_array_elements_text($1::jsonb)) AND resident_id IN (${scopedResidentIds('$2', '$3', '$4')})`,
    [JSON.stringify(ids), scope.site_id, scope.housing_unit_id, scope.assigned_resident_id],
  );
}

/** The current state of one kind of referenced record, built as every other change of it is (records.ts). */
async function currentChanges(db: SqlExecutor, scope: ScopeOwner, entity: SyncedEntity, ids: readonly string[]): Promise<RecordChange[]> {
  switch (entity) {
    case 'siteRules': {
      if (!ids.includes(scope.site_id)) return [];
      const rules = await loadSiteRules(db, scope.site_id);
      return rules === null ? [] : [{ entity: 'siteRules', id: scope.site_id, version: rules.version, op: 'upsert', data: rules.record }];
    }
    case 'staff': {
      const wanted = new Set(ids);
      const staff = await staffInScope(db, { siteId: scope.site_id, housingUnitId: scope.housing_unit_id });
      return staff
        .filter((row) => wanted.has(row.staff_id))
        .map((row) => ({ entity: 'staff', id: row.staff_id, version: row.version, op: 'upsert', data: staffRecord(row) }));
    }
    case 'resident':
      return (await scopedRows<ResidentRow>(db, scope, 'residents', residentColumns, 'resident_id', ids)).map(residentChange);
    case 'balance':
      return (await scopedRows<ResidentRow>(db, scope, 'residents', residentColumns, 'resident_id', ids)).map(balanceChange);
    case 'contact':
      return (await scopedRows<ContactRow>(db, scope, 'contacts', contactColumns, 'contact_id', ids)).map(contactChange);
    case 'message': {
      const messages = (await scopedRows<MessageRow>(db, scope, 'messages', messageColumns, 'message_id', ids)).filter(visibleToResident);
      if (messages.length === 0) return [];
      const attachments = await db.query<AttachmentRow>(
        `SELECT ${attachmentColumns}, ${captionTracksColumn('attachments')} FROM attachments
          WHERE message_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
        [JSON.stringify(messages.map((message) => message.message_id))],
      );
      const byMessage = new Map<string, AttachmentRow[]>();
      for (const attachment of attachments) {
        const list = byMessage.get(attachment.message_id) ?? [];
        list.push(attachment);
        byMessage.set(attachment.message_id, list);
      }
      return messages.map((message) => messageChange(message, byMessage.get(message.message_id) ?? []));
    }
    case 'stampEntry':
      return (await scopedRows<LedgerEntryRow>(db, scope, 'stamp_ledger', ledgerEntryColumns, 'entry_id', ids)).map((row) => ledgerEntryChange('stamps', row));
    case 'debitEntry':
      return (await scopedRows<LedgerEntryRow>(db, scope, 'debit_ledger', ledgerEntryColumns, 'entry_id', ids)).map((row) => ledgerEntryChange('debit', row));
    case 'visit':
      return (await scopedRows<VisitRow>(db, scope, 'visits', visitColumns, 'visit_id', ids)).map(visitChange);
    case 'letterStopped':
      return (await scopedRows<LetterNoticeRow>(db, scope, 'letter_notices', letterNoticeColumns, 'notice_id', ids)).map(letterStoppedChange);
    case 'messagingPause':
      // A lifted pause comes back as a delete, which its lifting logged already: only a pause still on is served.
      return (await scopedRows<MessagingPauseRow>(db, scope, 'messaging_suspensions', messagingPauseColumns, 'suspension_id', ids))
        .map(messagingPauseChange)
        .filter((change) => change.op === 'upsert');
    default: {
      const unknownEntity: never = entity;
      throw new Error(`no reference loader for ${String(unknownEntity)}`);
    }
  }
}

/**
 * The changes a page's reference rows stand for, by referenceKey: each record's current state while it is still in the
 * device's scope (`scope`, as the page was read for), one load per kind of record on the page. A record not in the
 * answer is skipped: it left the scope or was deleted, and the log after the reference says so.
 */
export async function servedReferences(db: SqlExecutor, scope: ScopeOwner, rows: readonly ReferenceRow[]): Promise<Map<string, Change>> {
  const idsByEntity = new Map<SyncedEntity, string[]>();
  for (const row of rows) {
    if (!isSyncedEntity(row.entity)) throw new Error(`a reference to an unknown kind of record: ${row.entity}`);
    const ids = idsByEntity.get(row.entity) ?? [];
    ids.push(row.record_id);
    idsByEntity.set(row.entity, ids);
  }
  const served = new Map<string, Change>();
  for (const [entity, ids] of idsByEntity) {
    // Parsed as changeOf parses a logged row, so a record that fails its schema fails here, not on a device.
    for (const change of await currentChanges(db, scope, entity, ids)) served.set(referenceKey(change.entity, change.id), Change.parse(change));
  }
  return served;
}
