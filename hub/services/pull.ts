// Pull (docs/sync.md §5 "Pull"): the changes in a device's scope after its cursor, in change-log order, one page at a time.
//
// A device receives only what it needs now. Its scope has a start in the log (devices.scope_start_seq, moved by every
// tablet assignment change and every pull from a fresh cursor): of the rows meant for the device itself or for its
// resident, pull gives nothing from before that start but evicts. A fresh cursor does not replay the log at all: the
// hub writes a snapshot of the device's current scope for it (startFreshScope) and the device reads on from there, so
// neither a tablet's earlier assignees nor the people who once lived in a kiosk's unit ever reach it.
import { Change } from '../protocol/index';
import type { HubDatabase, SqlExecutor } from '../db/database';
import { appendChanges, startDeviceScope, type RecordChange } from './change-log';
import { loadSiteRules, residentColumns, residentSnapshot, staffRecord, type ResidentRow } from './records';
import { staffInScope } from './staff';
import type { LoggedChange } from './log-position';

interface ChangeRow {
  readonly seq: number;
  readonly entity: string;
  readonly record_id: string;
  readonly version: number;
  readonly op: 'upsert' | 'delete' | 'evict';
  readonly data: unknown;
}

export interface PulledPage {
  readonly changes: Change[];
  /**
   * Where the device's next pull starts: the last change returned or, when the page reached the end of the device's
   * changes, the site's last row (the position asked for when the site has none after it).
   */
  readonly lastSeq: number;
  /** The logged change at lastSeq when it moved (its fingerprint goes in the cursor); null when it did not. */
  readonly lastChange: LoggedChange | null;
  readonly hasMore: boolean;
  /** The device's scope as this pull read it; null when the device is gone. */
  readonly scope: DeviceScope | null;
}

export interface DeviceScope {
  readonly site_id: string;
  readonly housing_unit_id: string | null;
  readonly assigned_resident_id: string | null;
  /** The log position the device's current scope starts after (migration 0004). */
  readonly scope_start_seq: number;
}

/**
 * One branch per audience the device belongs to, each over its own partial index on (audience, seq), read in seq
 * order and cut at the page size: a page costs at most four short index reads however long the history behind the
 * cursor. The audience values are parameters, read from the device row just before: when they came from subqueries
 * the planner could not see them, and once the log had statistics (ANALYZE, autovacuum) it chose to walk the log from
 * the cursor and filter, which made a long catch-up quadratic (BENCHMARKS.md; test/integration/hub/pull-plan.test.ts
 * checks the plan). A branch whose audience the device does not have is left out rather than matched against NULL.
 * The branches never overlap: a kiosk has no assigned resident and a tablet no housing unit.
 *
 * The scope start ($5) cuts the two branches that hold earlier scopes: the device's own rows before it are earlier
 * assignees' backfills and earlier snapshots, of which only the evicts still matter (to a device holding an older
 * cursor, and so that person's records); the resident's rows before it are covered by the backfill that follows it.
 */
function scopedChangesSql(scope: DeviceScope): { sql: string; audienceParams: string[] } {
  const branch = (where: string): string => `(SELECT seq, entity, record_id, version, op, data FROM change_log WHERE ${where} ORDER BY seq LIMIT $3)`;
  const branches = [
    branch('site_id = $4 AND audience_unit IS NULL AND audience_resident IS NULL AND audience_device IS NULL AND seq > $2'),
    branch("audience_device = $1 AND seq > $2 AND (seq > $5 OR op = 'evict')"),
  ];
  // Only parameters the statement uses: PostgreSQL refuses one whose type it cannot infer.
  const audienceParams: string[] = [];
  if (scope.housing_unit_id !== null) {
    audienceParams.push(scope.housing_unit_id);
    branches.push(branch(`audience_unit = $${5 + audienceParams.length} AND seq > $2`));
  }
  if (scope.assigned_resident_id !== null) {
    audienceParams.push(scope.assigned_resident_id);
    branches.push(branch(`audience_resident = $${5 + audienceParams.length} AND seq > GREATEST($2::bigint, $5::bigint)`));
  }
  return { sql: `SELECT seq, entity, record_id, version, op, data FROM (${branches.join(' UNION ALL ')}) scoped ORDER BY seq LIMIT $3`, audienceParams };
}

function changeOf(row: ChangeRow): Change {
  const change =
    row.op === 'upsert'
      ? { entity: row.entity, id: row.record_id, version: row.version, op: row.op, data: row.data }
      : { entity: row.entity, id: row.record_id, version: row.version, op: row.op };
  // Validated when written; parsed again here so a damaged row fails loudly at the hub instead of on a device.
  return Change.parse(change);
}

/** The statement and parameters of one page for this device (exported for the plan test). */
export function scopedChangesQuery(deviceId: string, scope: DeviceScope, afterSeq: number, limit: number): { sql: string; params: (string | number)[] } {
  const { sql, audienceParams } = scopedChangesSql(scope);
  // One row more than asked tells whether another page follows.
  return { sql, params: [deviceId, afterSeq, limit + 1, scope.site_id, scope.scope_start_seq, ...audienceParams] };
}

async function readPage(tx: SqlExecutor, input: { deviceId: string; afterSeq: number; limit: number }): Promise<PulledPage> {
  const [scope] = await tx.query<DeviceScope>('SELECT site_id, housing_unit_id, assigned_resident_id, scope_start_seq FROM devices WHERE device_id = $1', [
    input.deviceId,
  ]);
  if (scope === undefined) return { changes: [], lastSeq: input.afterSeq, lastChange: null, hasMore: false, scope: null };
  const query = scopedChangesQuery(input.deviceId, scope, input.afterSeq, input.limit);
  const rows = await tx.query<ChangeRow>(query.sql, query.params);
  const page = rows.slice(0, input.limit);
  const changes = page.map(changeOf);
  const hasMore = rows.length > input.limit;
  const last = page.at(-1);
  let end = last === undefined ? null : { seq: last.seq, change: { entity: last.entity, id: last.record_id, version: last.version, op: last.op } };
  if (!hasMore) {
    // The device has everything of its site up to the site's last row in this snapshot (change-log order is commit
    // order: nothing below it can still appear), so its cursor moves there. Without this, a device whose own last
    // change is old would keep a cursor below what this hub process has seen, and every empty pull would need a query.
    const [siteEnd] = await tx.query<ChangeRow>('SELECT seq, entity, record_id, version, op FROM change_log WHERE site_id = $1 ORDER BY seq DESC LIMIT 1', [
      scope.site_id,
    ]);
    if (siteEnd !== undefined && siteEnd.seq > (end?.seq ?? input.afterSeq))
      end = { seq: siteEnd.seq, change: { entity: siteEnd.entity, id: siteEnd.record_id, version: siteEnd.version, op: siteEnd.op } };
  }
  return { changes, lastSeq: end?.seq ?? input.afterSeq, lastChange: end?.change ?? null, hasMore, scope };
}

/**
 * Everything a device holds right now, as one backfill: the site's rules, the staff who work where it stands
 * (staffInScope) and every record of each resident it serves — a kiosk's unit's active residents, a tablet's assigned
 * resident while active.
 */
async function scopeSnapshot(
  tx: SqlExecutor,
  device: { site_id: string; housing_unit_id: string | null; assigned_resident_id: string | null },
): Promise<RecordChange[]> {
  const changes: RecordChange[] = [];
  const rules = await loadSiteRules(tx, device.site_id);
  if (rules !== null) changes.push({ entity: 'siteRules', id: device.site_id, version: rules.version, op: 'upsert', data: rules.record });
  for (const staff of await staffInScope(tx, { siteId: device.site_id, housingUnitId: device.housing_unit_id })) {
    changes.push({ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) });
  }
  const residents =
    device.housing_unit_id !== null
      ? await tx.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE housing_unit_id = $1 AND status = 'active' ORDER BY resident_id`, [
          device.housing_unit_id,
        ])
      : device.assigned_resident_id !== null
        ? await tx.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1 AND status = 'active'`, [device.assigned_resident_id])
        : [];
  for (const resident of residents) changes.push(...(await residentSnapshot(tx, resident)));
  return changes;
}

/**
 * A pull from a fresh cursor: the device holds nothing, so it gets its current scope as a snapshot written for it alone
 * after a new scope start, instead of the log from seq 0 (which holds earlier assignees and former residents of its
 * unit). Device row first, then the change-log lock (the writers' lock order); with the lock held no writer can commit
 * between the state read here and the snapshot's rows, so every later change follows the snapshot in the log.
 * Returns the position the device reads on from.
 */
async function startFreshScope(db: HubDatabase, deviceId: string, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [device] = await tx.query<{ site_id: string; housing_unit_id: string | null; assigned_resident_id: string | null }>(
      'SELECT site_id, housing_unit_id, assigned_resident_id FROM devices WHERE device_id = $1 FOR UPDATE',
      [deviceId],
    );
    if (device === undefined) return 0;
    const scopeStart = await startDeviceScope(tx, deviceId);
    await appendChanges(tx, { kind: 'device', siteId: device.site_id, deviceId }, await scopeSnapshot(tx, device), now);
    return scopeStart;
  });
}

/** One page after `afterSeq`, or — for a fresh cursor (null) — the first page of a snapshot of the device's scope. */
export async function pullChanges(db: HubDatabase, input: { deviceId: string; afterSeq: number | null; limit: number; now: number }): Promise<PulledPage> {
  const afterSeq = input.afterSeq ?? (await startFreshScope(db, input.deviceId, input.now));
  // The device row and the page from one snapshot, as the single statement before gave: a tablet unassigned while this
  // runs gets either the old scope and no evict yet, or the new scope with the evict, never a mix.
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return readPage(tx, { deviceId: input.deviceId, afterSeq, limit: input.limit });
  });
}
