// Lockouts follow the person (issue "A device is trusted with nothing it cannot prove", item 4). Each device counts
// the wrong PINs typed on it and pushes every one as an audit entry; the hub folds those entries, from all of a
// person's devices, into one count with the same rule (rules/pin-lockout.ts) and publishes the lockout on the
// resident's record, so the tablet refuses a PIN the kiosk locked out at its next pull.
//
// Why the audit entries and not a mutation of their own: every wrong PIN and every sign-in is already pushed, exactly
// once per device and seq, in order per device and with the time it happened; a second message for the same event
// could disagree with the first, and old devices would not send it. The time is the entry's (when the PIN was typed),
// so wrong PINs that reach the hub hours later from a device that was offline lock nobody out after the fact.
import { afterCorrectPin, afterWrongPin, defaultPinRules, isLockedOut, noPinLockout, type AuditEvent, type PinLockoutState } from '../protocol/index';
import type { SqlExecutor, HubTransaction } from '../db/database';
import { appendHubAuditEntry } from './audit';
import type { HubContext } from './context';
import type { DeviceRow } from './devices';
import { residentChange, residentColumns, type ResidentRow } from './records';
import { lockActiveResident, lockResident, publishForResident } from './residents';

export interface ResidentLockout extends PinLockoutState {
  readonly clearedAt: number | null;
}

function lockoutOf(resident: ResidentRow): ResidentLockout {
  return {
    failedAttempts: resident.pin_failed_attempts,
    lockouts: resident.pin_lockouts,
    lockedUntil: resident.pin_locked_until,
    clearedAt: resident.pin_lockout_cleared_at,
  };
}

/** What an audit entry says about a resident's PIN: wrong, right (a sign-in), or nothing. */
function pinOutcomeOf(event: AuditEvent): 'wrong' | 'right' | null {
  if (event.actor === null || event.actor.kind !== 'resident') return null;
  if (event.kind === 'pinRejected') return 'wrong';
  if (event.kind === 'signIn') return 'right';
  return null;
}

/**
 * Stores the person's count; the published part (lockedUntil, clearedAt) goes to their devices with a new version
 * only when it changed, so counting wrong PINs below the limit writes no change.
 */
async function saveLockout(tx: HubTransaction, resident: ResidentRow, next: ResidentLockout, now: number): Promise<ResidentRow> {
  const published = next.lockedUntil !== resident.pin_locked_until || next.clearedAt !== resident.pin_lockout_cleared_at;
  const [after] = await tx.query<ResidentRow>(
    `UPDATE residents SET pin_failed_attempts = $2, pin_lockouts = $3, pin_locked_until = $4, pin_lockout_cleared_at = $5, version = version + $6
      WHERE resident_id = $1 RETURNING ${residentColumns}`,
    [resident.resident_id, next.failedAttempts, next.lockouts, next.lockedUntil, next.clearedAt, published ? 1 : 0],
  );
  if (after === undefined) throw new Error(`resident ${resident.resident_id} vanished inside its own lock`);
  if (published) await publishForResident(tx, after, [residentChange(after)], now);
  return after;
}

/**
 * Counts one audit entry a device pushed (called once per stored entry, inside push's transaction with the device
 * row locked: device, then resident, then the change log — the writers' lock order). While the person is locked out
 * a wrong PIN does not count, as on a device, where the PIN is not even checked then.
 */
export async function countPinOutcome(tx: HubTransaction, device: DeviceRow, event: AuditEvent, at: number, now: number): Promise<void> {
  const outcome = pinOutcomeOf(event);
  if (outcome === null || event.actor === null) return;
  const resident = await lockResident(tx, event.actor.id);
  if (resident === null || resident.site_id !== device.site_id || resident.status !== 'active') return;
  const before = lockoutOf(resident);
  // Nor does a right one lift it: a device that let the PIN through did not know of the lockout, because the sign-in
  // came before it (pushed late, after the wrong PINs that set it) or on a device that had not heard yet. Only the
  // lockout's end or staff clear it.
  if (isLockedOut(before, at)) return;
  const next = outcome === 'wrong' ? afterWrongPin(before, defaultPinRules, at) : afterCorrectPin();
  // Most sign-ins find nothing to clear: no write for them.
  if (next.failedAttempts === before.failedAttempts && next.lockouts === before.lockouts && next.lockedUntil === before.lockedUntil) return;
  await saveLockout(tx, resident, { ...next, clearedAt: before.clearedAt }, now);
}

export async function residentLockout(db: SqlExecutor, residentId: string): Promise<ResidentLockout | null> {
  const [resident] = await db.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1`, [residentId]);
  return resident === undefined ? null : lockoutOf(resident);
}

/**
 * Staff clear a person's lockout at the console: the count starts again, and every device of theirs forgets its own
 * count when the record reaches it (it carries the time of the clear). Audited on the hub's chain with who did it.
 */
export async function clearLockout(hub: HubContext, input: { residentId: string; operator: string }): Promise<{ resident: ResidentRow; was: ResidentLockout }> {
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    const was = lockoutOf(resident);
    const now = hub.now();
    const after = await saveLockout(tx, resident, { ...noPinLockout, clearedAt: now }, now);
    await appendHubAuditEntry(
      tx,
      {
        kind: 'lockoutCleared',
        actor: null,
        details: {
          residentId: resident.resident_id,
          operator: input.operator,
          failedAttempts: was.failedAttempts,
          lockouts: was.lockouts,
          lockedUntil: was.lockedUntil,
        },
      },
      now,
    );
    return { resident: after, was };
  });
}
