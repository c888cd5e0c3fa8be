// The wrong-PIN rule, as pure functions, shared by the devices (sign-in, service mode) and the hub (staff proof for a
// tablet's assignment): after `maxAttempts` wrong PINs in a row the person is locked out, and each lockout lasts twice
// as long as the one before, up to a cap. Defined once here so the hub's count and the devices' cannot drift apart.

export interface PinRules {
  readonly maxAttempts: number;
  readonly lockoutBaseSeconds: number;
  readonly lockoutMaxSeconds: number;
}

export interface PinLockoutState {
  readonly failedAttempts: number;
  readonly lockouts: number;
  readonly lockedUntil: number | null;
}

export function lockoutDurationMs(lockoutNumber: number, rules: PinRules): number {
  const seconds = Math.min(rules.lockoutBaseSeconds * 2 ** Math.max(0, lockoutNumber - 1), rules.lockoutMaxSeconds);
  return seconds * 1000;
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
  return { failedAttempts: 0, lockouts: 0, lockedUntil: null };
}
