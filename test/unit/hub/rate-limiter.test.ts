import { describe, expect, it } from 'vitest';
import { FailureRateLimiter } from '../../../hub/http/rate-limiter';

function limiterAt(start = 1_000_000, options: { maxFailures?: number; windowMs?: number; maxAddresses?: number } = {}) {
  const clock = { now: start };
  const limiter = new FailureRateLimiter({
    maxFailures: options.maxFailures ?? 3,
    windowMs: options.windowMs ?? 10_000,
    now: () => clock.now,
    ...(options.maxAddresses === undefined ? {} : { maxAddresses: options.maxAddresses }),
  });
  return { limiter, clock };
}

describe('FailureRateLimiter', () => {
  it('limits an address once it reaches the allowed failures, and only that address', () => {
    const { limiter } = limiterAt();
    for (let failure = 0; failure < 2; failure++) limiter.recordFailure('10.0.0.5');
    expect(limiter.isLimited('10.0.0.5')).toBe(false);
    limiter.recordFailure('10.0.0.5');
    expect(limiter.isLimited('10.0.0.5')).toBe(true);
    expect(limiter.isLimited('10.0.0.6')).toBe(false);
  });

  it('forgets failures as the window slides past them, one at a time', () => {
    const { limiter, clock } = limiterAt();
    limiter.recordFailure('a');
    clock.now += 4_000;
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.isLimited('a')).toBe(true);
    clock.now += 6_000; // the first failure is now exactly a window old
    expect(limiter.isLimited('a')).toBe(false);
    limiter.recordFailure('a');
    expect(limiter.isLimited('a')).toBe(true);
  });

  it('remembers a bounded number of addresses, forgetting the least recent first', () => {
    const { limiter } = limiterAt(0, { maxFailures: 1, maxAddresses: 2 });
    limiter.recordFailure('first');
    limiter.recordFailure('second');
    limiter.recordFailure('first');
    limiter.recordFailure('third');
    expect([limiter.isLimited('first'), limiter.isLimited('second'), limiter.isLimited('third')]).toEqual([true, false, true]);
  });

  it('refuses nonsense options with a TypeError naming the option', () => {
    expect(() => new FailureRateLimiter({ maxFailures: 0, windowMs: 1, now: () => 0 })).toThrow(/maxFailures/);
    expect(() => new FailureRateLimiter({ maxFailures: 1, windowMs: -5, now: () => 0 })).toThrow(/windowMs/);
  });
});
