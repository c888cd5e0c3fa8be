// Whether a pull cursor's position is still the change-log position it was issued for. A hub that went back in time
// (a power cut before commits were durable, a restore from last night's backup) hands out the same seq numbers again
// for different changes; a device whose cursor is past the restored head would then skip, silently, every change the
// restored hub writes below its old position. A cursor therefore carries a fingerprint of the change at its seq, and
// the hub checks that the change is still there and still the same.
import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../db/database';

export interface LoggedChange {
  readonly entity: string;
  readonly id: string;
  readonly version: number;
  readonly op: string;
}

/** A short, stable name for one change-log entry: which record, at which version, by which operation. */
export function changeFingerprint(change: LoggedChange): string {
  return createHash('sha256').update(`${change.entity}\n${change.id}\n${change.version}\n${change.op}`).digest('base64url').slice(0, 16);
}

/**
 * True when the log still holds, at `seq`, the change the cursor was issued after (seq 0 is the start, always held).
 * A cursor from before fingerprints (`fingerprint` null) is checked only for a seq the log has reached.
 */
export async function logPositionHolds(db: SqlExecutor, seq: number, fingerprint: string | null): Promise<boolean> {
  if (seq === 0) return true;
  const [row] = await db.query<{ entity: string; record_id: string; version: number; op: string }>(
    'SELECT entity, record_id, version, op FROM change_log WHERE seq = $1',
    [seq],
  );
  if (row === undefined) return false;
  return fingerprint === null || changeFingerprint({ entity: row.entity, id: row.record_id, version: row.version, op: row.op }) === fingerprint;
}
