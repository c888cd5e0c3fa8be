// Pull (SYNC.md): the changes in a device's scope after its cursor, in change-log order, one page at a time.
import { Change } from '../protocol/index';
import type { SqlExecutor } from '../db/database';

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

/**
 * One statement, so the device's current scope (its housing unit, or its tablet's resident) and the log are read at
 * the same instant: a tablet unassigned while this runs gets either the old scope and no evict yet, or the new scope
 * with the evict, never a mix. Each audience is its own branch over its own partial index on (audience, seq), read in
 * seq order and cut at the page size, so a page costs at most four pages of index reads however long the history
 * behind the cursor. The branches never overlap: a kiosk has no assigned resident and a tablet no housing unit.
 */
const scopedChangesSql = `
  SELECT seq, entity, record_id, version, op, data FROM (
    (SELECT * FROM change_log
      WHERE site_id = (SELECT site_id FROM devices WHERE device_id = $1)
        AND audience_unit IS NULL AND audience_resident IS NULL AND audience_device IS NULL AND seq > $2
      ORDER BY seq LIMIT $3)
    UNION ALL
    (SELECT * FROM change_log WHERE audience_unit = (SELECT housing_unit_id FROM devices WHERE device_id = $1) AND seq > $2 ORDER BY seq LIMIT $3)
    UNION ALL
    (SELECT * FROM change_log WHERE audience_resident = (SELECT assigned_resident_id FROM devices WHERE device_id = $1) AND seq > $2 ORDER BY seq LIMIT $3)
    UNION ALL
    (SELECT * FROM change_log WHERE audience_device = $1 AND seq > $2 ORDER BY seq LIMIT $3)
  ) scoped
  ORDER BY seq
  LIMIT $3`;

function changeOf(row: ChangeRow): Change {
  const change = row.op === 'upsert' ? { entity: row.entity, id: row.record_id, version: row.version, op: row.op, data: row.data } : { entity: row.entity, id: row.record_id, version: row.version, op: row.op };
  // Validated when written; parsed again here so a damaged row fails loudly at the hub instead of on a device.
  return Change.parse(change);
}

export async function pullChanges(db: SqlExecutor, input: { deviceId: string; afterSeq: number; limit: number }): Promise<PulledPage> {
  // One row more than asked tells whether another page follows.
  const rows = await db.query<ChangeRow>(scopedChangesSql, [input.deviceId, input.afterSeq, input.limit + 1]);
  const page = rows.slice(0, input.limit);
  return {
    changes: page.map(changeOf),
    lastSeq: page.at(-1)?.seq ?? input.afterSeq,
    hasMore: rows.length > input.limit,
  };
}
