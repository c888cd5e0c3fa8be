// Whether a pull cursor's position is still the change-log position it was issued for. A hub that went back in time
// (a power cut before commits were durable, a restore from last night's backup) hands out the same seq numbers again
// for different changes; a device whose cursor is past the restored head would then skip, silently, every change the
// restored hub writes below its old position. A cursor therefore carries a fingerprint of the change at its seq, and
// the hub checks that the change is still there and still the same.
import { createHash } from 'node:crypto';

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
 * True when the log still holds, at the cursor's `seq`, the change the cursor was issued after: `held` is the change
 * the log has at that seq now (null: none). Seq 0 is the start, always held. A cursor from before fingerprints
 * (`fingerprint` null) is checked only for a seq the log has reached.
 */
export function logPositionHolds(position: { readonly seq: number; readonly fingerprint: string | null }, held: LoggedChange | null): boolean {
  if (position.seq === 0) return true;
  if (held === null) return false;
  return position.fingerprint === null || changeFingerprint(held) === position.fingerprint;
}
