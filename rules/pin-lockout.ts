// The wrong-PIN rule, as pure functions: after `maxAttempts` wrong PINs in a row the person is locked out, and each
// lockout lasts twice as long as the one before, up to the cap. It lives in rules/ because both sides apply it:
// each device to the PINs typed on it (main/signin, also offline), the hub to every device's wrong PINs together
// (hub/services/lockouts.ts), so a person locked out at one device is locked out at all of theirs, and the hub to the
// staff PIN that proves a tablet's assignment (hub/services/staff-proof.ts). One definition, so none can count
// differently.
import { doublingStep } from './backoff';

export interface PinRules {
  readonly maxAttempts: number;
  readonly lockoutBaseSeconds: number;
  readonly lockoutMaxSeconds: number;
}

/** The rule a site runs with unless its kiosk configuration says otherwise; the hub counts across devices with it. */
export const defaultPinRules: PinRules = { maxAttempts: 5, lockoutBaseSeconds: 60, lockoutMaxSeconds: 3600 };

export interface PinLockoutState {
  readonly failedAttempts: number;
  readonly lockouts: number;
  readonly lockedUntil: number | null;
}

export const noPinLockout: PinLockoutState = { failedAttempts: 0, lockouts: 0, lockedUntil: null };

export function lockoutDurationMs(lockoutNumber: number, rules: PinRules): number {
  return doublingStep(lockoutNumber - 1, { first: rules.lockoutBaseSeconds, cap: rules.lockoutMaxSeconds }) * 1000;
}

export function isLockedOut(state: PinLockoutState, now: number): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

export function attemptsLeft(state: PinLockoutState, rules: PinRules): number {
  return Math.max(0, rules.maxAttempts - state.failedAttempts);
}

export function afterWrongPin(state: PinLockoutState, rules: PinRules, now: number): PinLockoutState {
  const failedAttempts = state.failedAttempts + 1;
  if (failedAttempts < rules.maxAttempts) return { ...state, failedAttempts, lockedUntil: null };
  const lockouts = state.lockouts + 1;
  return { failedAttempts: 0, lockouts, lockedUntil: now + lockoutDurationMs(lockouts, rules) };
}

/** A correct PIN clears the count and the growth: the next lockout starts short again. */
export function afterCorrectPin(): PinLockoutState {
  return noPinLockout;
}
