// The one backoff (rules/backoff.ts) every retry and lockout grows its waits with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doublingStep, fullJitter } from '../../../rules/backoff';

describe('doublingStep', () => {
  const steps = { first: 250, cap: 10_000 };

  it('starts at the first step, doubles, and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((step) => doublingStep(step, steps))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('treats a count that is not a whole positive number as the first step or its whole part, never NaN', () => {
    expect(doublingStep(-3, steps)).toBe(250);
    expect(doublingStep(Number.NaN, steps)).toBe(250);
    expect(doublingStep(Number.POSITIVE_INFINITY, steps)).toBe(250);
    expect(doublingStep(2.7, steps)).toBe(1000);
  });

  it('reaches the cap for huge counts without overflowing, and never shrinks', () => {
    expect(doublingStep(1_000_000, { first: 1, cap: 24 * 3600 * 1000 })).toBe(24 * 3600 * 1000);
    expect(doublingStep(1_000_000, { first: 0, cap: 5 })).toBe(0);
    fc.assert(
      fc.property(fc.nat(2000), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 1e9 }), (step, first, cap) => {
        const wait = doublingStep(step, { first, cap });
        expect(wait).toBeLessThanOrEqual(cap);
        expect(doublingStep(step + 1, { first, cap })).toBeGreaterThanOrEqual(wait);
      }),
    );
  });
});

describe('fullJitter', () => {
  it('draws below the ceiling, whole, and never below the floor', () => {
    expect(fullJitter(1000, () => 0)).toBe(0);
    expect(fullJitter(1000, () => 0, 200)).toBe(200);
    expect(fullJitter(1000, () => 0.5)).toBe(500);
    expect(fullJitter(1000, () => 0.9999)).toBe(999);
  });

  it('clamps a random source that strays outside [0, 1)', () => {
    expect(fullJitter(1000, () => -1)).toBe(0);
    expect(fullJitter(1000, () => 7)).toBe(1000);
  });
});
