// Pull (docs/sync.md §5 "Pull"): the changes in a device's scope after its cursor, in change-log order, one page at a time.
//
// A device receives only what it needs now. Its scope has a start in the log (devices.scope_start_seq, moved by every
// tablet assignment change and every pull from a fresh cursor): of the rows meant for the device itself or for its
// resident, pull gives nothing from before that start but evicts. A fresh cursor does not replay the log at all: the
// hub starts a new scope and writes references to the device's current scope's records after it (startFreshScope,
// scope-references.ts), which pull serves as those records' current state; the device reads on from there, so neither
// a tablet's earlier assignees nor the people who once lived in a kiosk's unit ever reach it.
import { Change } from '../protocol/index';
import type { HubDatabase, SqlExecutor } from '../db/database';
import { startDeviceScope } from './change-log';
import { appendScopeReferences, referenceKey, servedReferences } from './scope-references';
import { logPositionHolds, type LoggedChange } from './log-position';

interface ChangeRow {
  readonly seq: number;
  readonly entity: string;
  readonly record_id: string;
  readonly version: number;
  readonly op: 'upsert' | 'delete' | 'evict';
  readonly data: unknown;
  /** A reference to a record of a fresh scope (scope-references.ts): no data, served as the record's current state. */
  readonly by_reference: boolean;
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
 * assignees' backfills, of which only the evicts still matter (to a device holding an older cursor, and so that
 * person's records); the resident's rows before it are covered by the backfill that follows it. References of an
 * earlier fresh scope stay: pull serves a reference only while its record is in the device's scope as it stands
 * (scope-references.ts), so they cannot bring back an earlier assignee, and a tablet reassigned before it had read
 * them still needs the site's rules and staff among them (the assignment's backfill is the new resident's alone).
 */
function scopedChangesSql(scope: DeviceScope): { sql: string; audienceParams: string[] } {
  const branch = (where: string): string =>
    `(SELECT seq, entity, record_id, version, op, data, by_reference FROM change_log WHERE ${where} ORDER BY seq LIMIT $3)`;
  const branches = [
    branch('site_id = $4 AND audience_unit IS NULL AND audience_resident IS NULL AND audience_device IS NULL AND seq > $2'),
    branch("audience_device = $1 AND seq > $2 AND (seq > $5 OR op = 'evict' OR by_reference)"),
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
  return {
    sql: `SELECT seq, entity, record_id, version, op, data, by_reference FROM (${branches.join(' UNION ALL ')}) scoped ORDER BY seq LIMIT $3`,
    audienceParams,
  };
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

/** The page, the device's scope, the log's row at the cursor and the site's last row, as one statement read them. */
interface PageReading {
  readonly rows: ChangeRow[];
  /** The device row in the statement's snapshot; null when the device is gone. */
  readonly scope: DeviceScope | null;
  /** The change at the cursor's seq; null when the log holds none there. */
  readonly held: LoggedChangeRow | null;
  /** The last row of the presumed site's log; null when it has none. */
  readonly siteEnd: (LoggedChangeRow & { readonly seq: number }) | null;
}

interface LoggedChangeRow {
  readonly entity: string;
  readonly record_id: string;
  readonly version: number;
  readonly op: ChangeRow['op'];
}

interface PageStatementRow extends Partial<ChangeRow> {
  readonly reading: { device: DeviceScope | null; held: LoggedChangeRow | null; siteEnd: (LoggedChangeRow & { seq: number }) | null } | null;
}

/**
 * A pull is one round trip (issue 20): the page for the scope this process presumes the device has, and beside it the
 * device's real scope, the cursor's row (is the position still this hub's history?) and the site's end, all from the
 * one snapshot a single statement sees. When the real scope is the presumed one the page is exactly what reading the
 * device row first would have given; when it is not (a tablet reassigned since), the caller reads again with it.
 * The page's audience values stay parameters, as scopedChangesSql needs for its plan (exported for the plan test).
 */
export function pullStatement(deviceId: string, presumed: DeviceScope, afterSeq: number, limit: number): { sql: string; params: (string | number)[] } {
  const page = scopedChangesQuery(deviceId, presumed, afterSeq, limit);
  const sql = `WITH page AS (${page.sql}),
       device AS (SELECT site_id, housing_unit_id, assigned_resident_id, scope_start_seq FROM devices WHERE device_id = $1),
       held AS (SELECT entity, record_id, version, op FROM change_log WHERE seq = $2),
       site_end AS (SELECT seq, entity, record_id, version, op FROM change_log WHERE site_id = $4 ORDER BY seq DESC LIMIT 1)
  SELECT seq, entity, record_id, version, op, data, by_reference, NULL::jsonb AS reading FROM page
  UNION ALL
  SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, jsonb_build_object(
    'device', (SELECT to_jsonb(device) FROM device),
    'held', (SELECT to_jsonb(held) FROM held),
    'siteEnd', (SELECT to_jsonb(site_end) FROM site_end))
  ORDER BY seq NULLS LAST`;
  return { sql, params: page.params };
}

async function readPageWithScope(db: SqlExecutor, deviceId: string, presumed: DeviceScope, afterSeq: number, limit: number): Promise<PageReading> {
  const statement = pullStatement(deviceId, presumed, afterSeq, limit);
  const rows = await db.query<PageStatementRow>(statement.sql, statement.params);
  const reading = rows.at(-1)?.reading;
  if (reading === undefined || reading === null) throw new Error('the pull statement returned no reading row');
  // jsonb carries bigint columns as JSON numbers; the seqs stay below 2^53 (hub/db: seq is read as a number everywhere).
  return {
    rows: rows.slice(0, -1) as ChangeRow[],
    scope: reading.device === null ? null : { ...reading.device, scope_start_seq: Number(reading.device.scope_start_seq) },
    held: reading.held,
    siteEnd: reading.siteEnd === null ? null : { ...reading.siteEnd, seq: Number(reading.siteEnd.seq) },
  };
}

function sameScope(a: DeviceScope, b: DeviceScope): boolean {
  return (
    a.site_id === b.site_id &&
    a.housing_unit_id === b.housing_unit_id &&
    a.assigned_resident_id === b.assigned_resident_id &&
    a.scope_start_seq === b.scope_start_seq
  );
}

async function readScope(db: SqlExecutor, deviceId: string): Promise<DeviceScope | null> {
  const [scope] = await db.query<DeviceScope>('SELECT site_id, housing_unit_id, assigned_resident_id, scope_start_seq FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  return scope ?? null;
}

/** Reads against a presumed scope before one read in a transaction settles it (a tablet reassigned again and again). */
const presumedScopeAttempts = 3;

/**
 * The page after `afterSeq` and the scope it was read for, consistent with each other: a tablet unassigned while
 * this runs gets either the old scope and no evict yet, or the new scope with the evict, never a mix.
 */
async function readConsistentPage(db: HubDatabase, deviceId: string, presumed: DeviceScope | null, afterSeq: number, limit: number): Promise<PageReading> {
  let scope = presumed ?? (await readScope(db, deviceId));
  for (let attempt = 0; attempt < presumedScopeAttempts; attempt += 1) {
    if (scope === null) return { rows: [], scope: null, held: null, siteEnd: null };
    const reading = await readPageWithScope(db, deviceId, scope, afterSeq, limit);
    if (reading.scope !== null && sameScope(reading.scope, scope)) return reading;
    scope = reading.scope;
  }
  // The scope kept moving under the reads: the device row and the page from one transaction's snapshot settle it.
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const settled = await readScope(tx, deviceId);
    return settled === null ? { rows: [], scope: null, held: null, siteEnd: null } : readPageWithScope(tx, deviceId, settled, afterSeq, limit);
  });
}

function loggedChangeOf(row: LoggedChangeRow): LoggedChange {
  return { entity: row.entity, id: row.record_id, version: row.version, op: row.op };
}

/**
 * The page's changes: a logged row as it is, a reference as its record's current state, loaded for the whole page at
 * once (one statement per kind of record on it) — or nothing, for a record no longer in the device's scope.
 */
async function changesOf(db: SqlExecutor, scope: DeviceScope | null, rows: readonly ChangeRow[]): Promise<Change[]> {
  const references = rows.filter((row) => row.by_reference);
  if (references.length === 0) return rows.map(changeOf);
  // Rows come only for a device that exists, so the page has the scope it was read for.
  if (scope === null) throw new Error('a page of references without the scope it was read for');
  const served = await servedReferences(db, scope, references);
  return rows.flatMap((row) => {
    if (!row.by_reference) return [changeOf(row)];
    const change = served.get(referenceKey(row.entity, row.record_id));
    return change === undefined ? [] : [change];
  });
}

async function pageOf(db: SqlExecutor, reading: PageReading, afterSeq: number, limit: number): Promise<PulledPage> {
  const page = reading.rows.slice(0, limit);
  const changes = await changesOf(db, reading.scope, page);
  const hasMore = reading.rows.length > limit;
  const last = page.at(-1);
  let end = last === undefined ? null : { seq: last.seq, change: loggedChangeOf(last) };
  // The device has everything of its site up to the site's last row in this snapshot (change-log order is commit order:
  // nothing below it can still appear), so its cursor moves there. Without this, a device whose own last change is old
  // would keep a cursor below what this hub process has seen, and every empty pull would need a query.
  if (!hasMore && reading.siteEnd !== null && reading.siteEnd.seq > (end?.seq ?? afterSeq))
    end = { seq: reading.siteEnd.seq, change: loggedChangeOf(reading.siteEnd) };
  return { changes, lastSeq: end?.seq ?? afterSeq, lastChange: end?.change ?? null, hasMore, scope: reading.scope };
}

/**
 * A pull from a fresh cursor: the device holds nothing, so it gets its current scope as references written for it
 * alone after a new scope start (scope-references.ts), instead of the log from seq 0 (which holds earlier assignees and
 * former residents of its unit). Device row first, then the change-log lock (the writers' lock order); with the lock
 * held no writer can commit between the scope read here and the references, so every later change follows them in
 * the log. The references carry no record data: writing them costs rows of ids, not the records' words.
 * Returns the device's new scope, whose start is the position it reads on from; null when the device is gone.
 */
async function startFreshScope(db: HubDatabase, deviceId: string, now: number): Promise<DeviceScope | null> {
  return db.transaction(async (tx) => {
    const [device] = await tx.query<{ site_id: string; housing_unit_id: string | null; assigned_resident_id: string | null }>(
      'SELECT site_id, housing_unit_id, assigned_resident_id FROM devices WHERE device_id = $1 FOR UPDATE',
      [deviceId],
    );
    if (device === undefined) return null;
    const scopeStart = await startDeviceScope(tx, deviceId);
    await appendScopeReferences(tx, deviceId, device, now);
    return { ...device, scope_start_seq: scopeStart };
  });
}

/** Where a pull cursor points: a log position and the fingerprint of the change there (log-position.ts). */
export interface CursorPosition {
  readonly seq: number;
  readonly fingerprint: string | null;
}

export type PullOutcome =
  | { readonly kind: 'page'; readonly page: PulledPage }
  /** The cursor's position is not in this hub's history any more (a restore, a lost commit): the device starts over. */
  | { readonly kind: 'positionLost' };

/**
 * One page after the cursor, or — for a fresh cursor (null) — the first page of the device's fresh scope.
 * `presumedScope` is the scope this hub process last saw the device with (null: unknown, read first); a pull whose
 * presumption holds is one database round trip, and one more statement per kind of record its references name.
 */
export async function pullChanges(
  db: HubDatabase,
  input: { deviceId: string; after: CursorPosition | null; limit: number; now: number; presumedScope: DeviceScope | null },
): Promise<PullOutcome> {
  if (input.after === null) {
    const scope = await startFreshScope(db, input.deviceId, input.now);
    const reading = await readConsistentPage(db, input.deviceId, scope, scope?.scope_start_seq ?? 0, input.limit);
    return { kind: 'page', page: await pageOf(db, reading, scope?.scope_start_seq ?? 0, input.limit) };
  }
  const reading = await readConsistentPage(db, input.deviceId, input.presumedScope, input.after.seq, input.limit);
  if (reading.scope !== null && !logPositionHolds(input.after, reading.held === null ? null : loggedChangeOf(reading.held))) return { kind: 'positionLost' };
  return { kind: 'page', page: await pageOf(db, reading, input.after.seq, input.limit) };
}
