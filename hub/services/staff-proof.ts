// A staff member's proof, checked at the hub, for what a device asks on their behalf (a tablet's assign and release).
// A staff id alone proves nothing — every device of the site receives every staff id — so the request carries the
// staff member's PIN, checked here against their PIN hash (hub/security/pin-hash.ts) with a lockout of its own kept at
// the hub (the devices' sign-in lockouts live on each device, and a stolen credential would bring a fresh count).
// Every outcome that matters is appended to the hub's audit chain in the same transaction as the count, so a refusal
// is counted and recorded, or neither.
import type { SqlExecutor } from '../db/database';
import { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, type PinLockoutState, type PinRules } from '../../rules/pin-lockout';
import { verifyPin } from '../security/pin-hash';
import { appendHubAuditEntry } from './audit';

/** The same numbers as the devices' default sign-in rule: five tries, then five minutes, doubling up to a day. */
export const staffProofRules: PinRules = { maxAttempts: 5, lockoutBaseSeconds: 5 * 60, lockoutMaxSeconds: 24 * 60 * 60 };

export type StaffProofAction = 'assign' | 'release';

export type StaffProofRefusal =
  | { readonly refusal: 'staffNotKnown' }
  | { readonly refusal: 'staffPinWrong'; readonly attemptsLeft: number }
  | { readonly refusal: 'staffLockedOut'; readonly until: number };

export type StaffProofOutcome = { readonly ok: true } | ({ readonly ok: false } & StaffProofRefusal);

export interface StaffProofInput {
  readonly siteId: string;
  readonly deviceId: string;
  readonly staffId: string;
  readonly staffPin: string;
  readonly action: StaffProofAction;
}

/**
 * Checks the PIN inside the caller's transaction, holding the staff member's lockout row, so parallel guesses take
 * turns and none of them escapes the count. While locked out the PIN is not even checked: a guess then teaches nothing.
 */
export async function checkStaffProof(tx: SqlExecutor, input: StaffProofInput, now: number): Promise<StaffProofOutcome> {
  const [staff] = await tx.query<{ pin_hash: string }>("SELECT pin_hash FROM staff WHERE staff_id = $1 AND site_id = $2 AND status = 'active'", [
    input.staffId,
    input.siteId,
  ]);
  if (staff === undefined) return { ok: false, refusal: 'staffNotKnown' };
  await tx.query('INSERT INTO staff_proof_lockouts (staff_id) VALUES ($1) ON CONFLICT (staff_id) DO NOTHING', [input.staffId]);
  const [row] = await tx.query<{ failures: number; lockouts: number; locked_until: number | null }>(
    'SELECT failures, lockouts, locked_until FROM staff_proof_lockouts WHERE staff_id = $1 FOR UPDATE',
    [input.staffId],
  );
  if (row === undefined) throw new Error(`staff_proof_lockouts row for ${input.staffId} vanished inside its own transaction`);
  const before: PinLockoutState = { failedAttempts: row.failures, lockouts: row.lockouts, lockedUntil: row.locked_until };
  const actor = { kind: 'staff', id: input.staffId } as const;
  if (isLockedOut(before, now) && before.lockedUntil !== null) {
    await appendHubAuditEntry(tx, { kind: 'staffLockedOutAttempt', actor, details: { deviceId: input.deviceId, until: before.lockedUntil } }, now);
    return { ok: false, refusal: 'staffLockedOut', until: before.lockedUntil };
  }
  const right = await verifyPin(input.staffPin, staff.pin_hash);
  const after = right ? afterCorrectPin() : afterWrongPin(before, staffProofRules, now);
  await tx.query('UPDATE staff_proof_lockouts SET failures = $2, lockouts = $3, locked_until = $4 WHERE staff_id = $1', [
    input.staffId,
    after.failedAttempts,
    after.lockouts,
    after.lockedUntil,
  ]);
  if (right) return { ok: true };
  if (after.lockedUntil !== null) {
    await appendHubAuditEntry(tx, { kind: 'staffLockedOut', actor, details: { deviceId: input.deviceId, until: after.lockedUntil } }, now);
    return { ok: false, refusal: 'staffLockedOut', until: after.lockedUntil };
  }
  const left = attemptsLeft(after, staffProofRules);
  await appendHubAuditEntry(tx, { kind: 'staffPinRejected', actor, details: { deviceId: input.deviceId, action: input.action, attemptsLeft: left } }, now);
  return { ok: false, refusal: 'staffPinWrong', attemptsLeft: left };
}
