import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PinLockoutState } from '../../../main/store/pin-lockouts';
import { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, lockoutDurationMs } from '../../../main/signin/lockout-policy';

const rules = { maxAttempts: 5, lockoutBaseSeconds: 60, lockoutMaxSeconds: 3600 };
const fresh: PinLockoutState = { failedAttempts: 0, lockouts: 0, lockedUntil: null };

describe('wrong-PIN lockout', () => {
  it('locks out on the fifth wrong PIN in a row, not before', () => {
    let state = fresh;
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      state = afterWrongPin(state, rules, 1000);
      expect(isLockedOut(state, 1000)).toBe(false);
      expect(attemptsLeft(state, rules)).toBe(5 - attempt);
    }
    state = afterWrongPin(state, rules, 1000);
    expect(state).toEqual({ failedAttempts: 0, lockouts: 1, lockedUntil: 1000 + 60_000 });
    expect(isLockedOut(state, 1000 + 59_999)).toBe(true);
    expect(isLockedOut(state, 1000 + 60_000)).toBe(false);
  });

  it('each lockout lasts twice the one before, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => lockoutDurationMs(n, rules) / 1000)).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('a correct PIN resets the count and the growth', () => {
    expect(afterCorrectPin()).toEqual(fresh);
  });

  it('never shortens a lockout and never goes past the cap, whatever the history', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (wrongs) => {
        let state = fresh;
        let previousDuration = 0;
        for (const wrong of wrongs) {
          const before = state.lockouts;
          state = wrong ? afterWrongPin(state, rules, 0) : afterCorrectPin();
          if (state.lockouts > before && state.lockedUntil !== null) {
            expect(state.lockedUntil).toBeGreaterThanOrEqual(previousDuration);
            expect(state.lockedUntil).toBeLessThanOrEqual(rules.lockoutMaxSeconds * 1000);
            previousDuration = state.lockedUntil;
          }
          if (!wrong) previousDuration = 0;
          expect(state.failedAttempts).toBeLessThan(rules.maxAttempts);
        }
      }),
    );
  });
});
