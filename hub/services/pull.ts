// Pull (SYNC.md): the changes in a device's scope after its cursor, in change-log order, one page at a time.
import { Change } from '../protocol/index';
import type { HubDatabase, SqlExecutor } from '../db/database';

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
  /** The change-log position of the last change returned (the position asked for when nothing was new). */
  readonly lastSeq: number;
  readonly hasMore: boolean;
}

interface DeviceScope {
  readonly site_id: string;
  readonly housing_unit_id: string | null;
  readonly assigned_resident_id: string | null;
}

/**
 * One branch per audience the device belongs to, each over its own partial index on (audience, seq), read in seq
 * order and cut at the page size: a page costs at most four short index reads however long the history behind the
 * cursor. The audience values are parameters, read from the device row just before: when they came from subqueries
 * the planner could not see them, and once the log had statistics (ANALYZE, autovacuum) it chose to walk the log from
 * the cursor and filter, which made a long catch-up quadratic (BENCHMARKS.md; test/integration/hub/pull-plan.test.ts
 * checks the plan). A branch whose audience the device does not have is left out rather than matched against NULL.
 * The branches never overlap: a kiosk has no assigned resident and a tablet no housing unit.
 */
function scopedChangesSql(scope: DeviceScope): { sql: string; audienceParams: string[] } {
  const branch = (where: string): string => `(SELECT seq, entity, record_id, version, op, data FROM change_log WHERE ${where} AND seq > $2 ORDER BY seq LIMIT $3)`;
  const branches = [
    branch('site_id = $4 AND audience_unit IS NULL AND audience_resident IS NULL AND audience_device IS NULL'),
    branch('audience_device = $1'),
  ];
  // Only parameters the statement uses: PostgreSQL refuses one whose type it cannot infer.
  const audienceParams: string[] = [];
  if (scope.housing_unit_id !== null) {
    audienceParams.push(scope.housing_unit_id);
    branches.push(branch(`audience_unit = $${4 + audienceParams.length}`));
  }
  if (scope.assigned_resident_id !== null) {
    audienceParams.push(scope.assigned_resident_id);
    branches.push(branch(`audience_resident = $${4 + audienceParams.length}`));
  }
  return { sql: `SELECT seq, entity, record_id, version, op, data FROM (${branches.join(' UNION ALL ')}) scoped ORDER BY seq LIMIT $3`, audienceParams };
}

function changeOf(row: ChangeRow): Change {
  const change = row.op === 'upsert' ? { entity: row.entity, id: row.record_id, version: row.version, op: row.op, data: row.data } : { entity: row.entity, id: row.record_id, version: row.version, op: row.op };
  // Validated when written; parsed again here so a damaged row fails loudly at the hub instead of on a device.
  return Change.parse(change);
}

/** The statement and parameters of one page for this device (exported for the plan test). */
export function scopedChangesQuery(deviceId: string, scope: DeviceScope, afterSeq: number, limit: number): { sql: string; params: (string | number)[] } {
  const { sql, audienceParams } = scopedChangesSql(scope);
  // One row more than asked tells whether another page follows.
  return { sql, params: [deviceId, afterSeq, limit + 1, scope.site_id, ...audienceParams] };
}

async function readPage(tx: SqlExecutor, input: { deviceId: string; afterSeq: number; limit: number }): Promise<PulledPage> {
  const [scope] = await tx.query<DeviceScope>('SELECT site_id, housing_unit_id, assigned_resident_id FROM devices WHERE device_id = $1', [input.deviceId]);
  if (scope === undefined) return { changes: [], lastSeq: input.afterSeq, hasMore: false };
  const query = scopedChangesQuery(input.deviceId, scope, input.afterSeq, input.limit);
  const rows = await tx.query<ChangeRow>(query.sql, query.params);
  const page = rows.slice(0, input.limit);
  return { changes: page.map(changeOf), lastSeq: page.at(-1)?.seq ?? input.afterSeq, hasMore: rows.length > input.limit };
}

export async function pullChanges(db: HubDatabase, input: { deviceId: string; afterSeq: number; limit: number }): Promise<PulledPage> {
  // The device row and the page from one snapshot, as the single statement before gave: a tablet unassigned while this
  // runs gets either the old scope and no evict yet, or the new scope with the evict, never a mix.
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return readPage(tx, input);
  });
}
