// Counts failures (bad bearer tokens, bad enrollment codes) per client address in a sliding window. An address over
// the limit is refused with 429 before its request is even checked, so guessing secrets or codes from it stops
// paying off. In memory: a hub restart forgets, which is fine for a throttle.

export interface FailureRateLimitOptions {
  /** Failures allowed per address within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly now: () => number;
  /** Addresses remembered at most; the oldest are forgotten first, so a flood of addresses cannot exhaust memory. */
  readonly maxAddresses?: number;
}

export const defaultFailureRateLimit = { maxFailures: 10, windowMs: 10 * 60 * 1000 } as const;

export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxAddresses: number;

  constructor(private readonly options: FailureRateLimitOptions) {
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1) throw new TypeError(`maxFailures must be a positive integer, not ${options.maxFailures}`);
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) throw new TypeError(`windowMs must be a positive number, not ${options.windowMs}`);
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  private recent(address: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (kept.length === 0) this.failures.delete(address);
    else this.failures.set(address, kept);
    return kept;
  }

  isLimited(address: string): boolean {
    return this.recent(address).length >= this.options.maxFailures;
  }

  recordFailure(address: string): void {
    const kept = this.recent(address);
    kept.push(this.options.now());
    // Re-inserting moves the address to the end of the Map's order: the first key is always the least recent.
    this.failures.delete(address);
    this.failures.set(address, kept);
    while (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next();
      if (oldest.done === true) break;
      this.failures.delete(oldest.value);
    }
  }
}
