// The change log that pull reads (docs/sync.md §5 "Pull"). Every write to a synced record appends its change here in the same
// transaction. Each row names its audience (see the comment on the change_log table): the whole site, the resident
// (their tablets) together with the resident's housing unit at the time of writing (its kiosks), one housing unit
// only (backfill and evict for kiosks), or one device only (backfill and evict for a tablet).
import type { z } from 'zod';
import { syncedEntities, type SyncedEntity } from '../protocol/index';
import type { AudienceKey } from '../db/commit-notes';
import type { HubTransaction, SqlExecutor } from '../db/database';

export type SyncedRecord<E extends SyncedEntity> = z.infer<(typeof syncedEntities)[E]>;

/** An upsert carries the whole record as the device stores it; a delete withdraws one record. */
export type RecordChange =
  | {
      [E in SyncedEntity]: { readonly entity: E; readonly id: string; readonly version: number; readonly op: 'upsert'; readonly data: SyncedRecord<E> };
    }[SyncedEntity]
  | { readonly entity: SyncedEntity; readonly id: string; readonly version: number; readonly op: 'delete' };

export type Audience =
  | { readonly kind: 'site'; readonly siteId: string }
  /** The resident's own records: their tablets and, while they are housed, the kiosks of their housing unit. */
  | { readonly kind: 'resident'; readonly siteId: string; readonly residentId: string; readonly housingUnitId: string | null }
  /** The kiosks of one housing unit only: a backfill when a resident moves in, an evict when one moves out. */
  | { readonly kind: 'housingUnit'; readonly siteId: string; readonly housingUnitId: string }
  /** One device only: a tablet's backfill when assigned, its evict when unassigned. */
  | { readonly kind: 'device'; readonly siteId: string; readonly deviceId: string };

export type EvictAudience = Extract<Audience, { kind: 'housingUnit' | 'device' }>;

interface AudienceColumns {
  readonly unit: string | null;
  readonly resident: string | null;
  readonly device: string | null;
}

function columnsOf(audience: Audience): AudienceColumns {
  switch (audience.kind) {
    case 'site':
      return { unit: null, resident: null, device: null };
    case 'resident':
      return { unit: audience.housingUnitId, resident: audience.residentId, device: null };
    case 'housingUnit':
      return { unit: audience.housingUnitId, resident: null, device: null };
    case 'device':
      return { unit: null, resident: null, device: audience.deviceId };
    default: {
      const unknownAudience: never = audience;
      throw new Error(`unknown audience ${JSON.stringify(unknownAudience)}`);
    }
  }
}

/**
 * Writers take their site's transaction-scoped lock before appending, and hold it until they commit. Change-log
 * sequence numbers are drawn from a sequence when the row is inserted, not when the transaction commits; without the
 * lock a transaction could take seq 10, commit after another one's seq 11, and a device that pulled up to 11 in
 * between would never see 10. With it, commit order equals seq order within a site, so what a pull sees of its site's
 * log is always a prefix. A device reads only its own site's rows (its site, its unit, its resident, itself — all of
 * one site), so one site's order is all a pull needs, and two sites' writers never wait on each other. A transaction
 * that writes to two sites (a resident moving between them) takes both locks first, in site order
 * (holdChangeLogLocks), so two such moves cannot deadlock. Services acquire their row locks (device, then resident)
 * before appending, so these locks always come last.
 */
const changeLogLockClass = 73_041_170;

/** Takes a site's change-log lock until the transaction ends (taking it again in the same transaction is harmless). */
export async function holdChangeLogLock(tx: SqlExecutor, siteId: string): Promise<void> {
  // The two-key form: the class names the change log, the site's hash the site. Two sites whose names hash alike
  // share a lock, which costs them waiting, never order.
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [changeLogLockClass, siteId]);
}

/** The locks of several sites, in one order for every transaction. */
export async function holdChangeLogLocks(tx: SqlExecutor, siteIds: readonly string[]): Promise<void> {
  for (const siteId of [...new Set(siteIds)].sort()) await holdChangeLogLock(tx, siteId);
}

/**
 * Starts a new scope for a device at the end of the log as it stands: pull never gives the device its own or its
 * resident's rows from before this position except evicts (hub/services/pull.ts), so whatever follows — a tablet's
 * backfill for its new resident, a fresh device's snapshot — is all of its past the device receives. The lock is held
 * from here to commit, so no writer can append between the position read and the rows this transaction appends.
 */
export async function startDeviceScope(tx: HubTransaction, deviceId: string): Promise<number> {
  const [device] = await tx.query<{ site_id: string }>('SELECT site_id FROM devices WHERE device_id = $1', [deviceId]);
  if (device === undefined) throw new Error(`no device ${deviceId} to start a scope for`);
  await holdChangeLogLock(tx, device.site_id);
  const [end] = await tx.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::bigint AS seq FROM change_log');
  const scopeStart = end?.seq ?? 0;
  await tx.query('UPDATE devices SET scope_start_seq = $2 WHERE device_id = $1', [deviceId, scopeStart]);
  tx.announceDevice(deviceId);
  return scopeStart;
}

/** The keys the hub's watchers and device streams know this audience by (hub/db/commit-notes.ts). */
export function audienceKeysOf(columns: AudienceColumns, siteId: string): AudienceKey[] {
  const keys: AudienceKey[] = [];
  if (columns.unit === null && columns.resident === null && columns.device === null) keys.push(`s:${siteId}`);
  if (columns.unit !== null) keys.push(`u:${columns.unit}`);
  if (columns.resident !== null) keys.push(`r:${columns.resident}`);
  if (columns.device !== null) keys.push(`d:${columns.device}`);
  return keys;
}

/** The keys of everything a device receives: its site, itself, a kiosk's unit, a tablet's resident. */
export function deviceAudienceKeys(device: {
  readonly device_id: string;
  readonly site_id: string;
  readonly housing_unit_id: string | null;
  readonly assigned_resident_id: string | null;
}): AudienceKey[] {
  const keys: AudienceKey[] = [`s:${device.site_id}`, `d:${device.device_id}`];
  if (device.housing_unit_id !== null) keys.push(`u:${device.housing_unit_id}`);
  if (device.assigned_resident_id !== null) keys.push(`r:${device.assigned_resident_id}`);
  return keys;
}

function ensureValid(change: RecordChange): void {
  if (change.op !== 'upsert') return;
  const parsed = syncedEntities[change.entity].safeParse(change.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`refusing to log an invalid ${change.entity} ${change.id}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`);
  }
}

async function insertRows(
  tx: HubTransaction,
  siteId: string,
  columns: AudienceColumns,
  rows: readonly { entity: string; id: string; version: number; op: 'upsert' | 'delete' | 'evict'; data: string | null }[],
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await holdChangeLogLock(tx, siteId);
  // Multi-row INSERTs (a backfill can be a few hundred rows), well below Postgres's 65,535 parameters per statement.
  // Sequence numbers follow the VALUES order.
  const columnsPerRow = 10;
  const rowsPerStatement = 500;
  let lastSeq = 0;
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const tuples = chunk.map((_, index) => `(${Array.from({ length: columnsPerRow }, (__, column) => `$${index * columnsPerRow + column + 1}`).join(', ')})`);
    const params = chunk.flatMap((row) => [siteId, columns.unit, columns.resident, columns.device, row.entity, row.id, row.version, row.op, row.data, now]);
    const inserted = await tx.query<{ seq: number }>(
      `INSERT INTO change_log (site_id, audience_unit, audience_resident, audience_device, entity, record_id, version, op, data, created_at)
       VALUES ${tuples.join(', ')} RETURNING seq`,
      params,
    );
    for (const row of inserted) lastSeq = Math.max(lastSeq, row.seq);
  }
  tx.announceLog(siteId, audienceKeysOf(columns, siteId), lastSeq);
}

/** Appends upserts and deletes for one audience. Every upsert is checked against the protocol's record schema first. */
export async function appendChanges(tx: HubTransaction, audience: Audience, changes: readonly RecordChange[], now: number): Promise<void> {
  changes.forEach(ensureValid);
  await insertRows(
    tx,
    audience.siteId,
    columnsOf(audience),
    changes.map((change) => ({
      entity: change.entity,
      id: change.id,
      version: change.version,
      op: change.op,
      data: change.op === 'upsert' ? JSON.stringify(change.data) : null,
    })),
    now,
  );
}

/**
 * Tells one housing unit's kiosks, or one tablet, that a resident has left its scope: the device deletes everything of
 * theirs except mutations not yet pushed. Evicts never go to a resident audience (the schema refuses it), so a
 * tablet never deletes its own resident because a kiosk elsewhere lost them.
 */
export async function appendEvict(tx: HubTransaction, audience: EvictAudience, residentId: string, residentVersion: number, now: number): Promise<void> {
  await insertRows(tx, audience.siteId, columnsOf(audience), [{ entity: 'resident', id: residentId, version: residentVersion, op: 'evict', data: null }], now);
}
