// Counts failures per key in a sliding window; a key over the limit is refused with 429. In memory: a hub restart
// forgets, which is fine for a throttle.
//
// What a key is decides whom a limit can hurt, so the keys are defined here once (limitKeys) and each names the one
// party whose own failures fill it:
// - a device's failures (an unknown booking number, a wrong staff PIN) count against that device's id, never its
//   address: a tablet that cannot type a booking number must not stop the kiosk beside it from syncing;
// - a token that names no device counts against the address it came from, and only requests carrying such tokens are
//   refused there — a valid credential from the same address (a unit behind one NAT, every device behind one load
//   balancer) is looked up first and always let through, so one broken or hostile device cannot lock out the others;
// - enrollment codes and the console's admin token, which name nobody until they are right, count per address.

export interface FailureRateLimitOptions {
  /** Failures allowed per key within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly now: () => number;
  /** Keys remembered at most; the oldest are forgotten first, so a flood of addresses cannot exhaust memory. */
  readonly maxAddresses?: number;
}

export const limitKeys = {
  unknownToken: (address: string) => `unknown-token:${address}`,
  enrollment: (address: string) => `enrollment:${address}`,
  adminToken: (address: string) => `admin-token:${address}`,
  device: (deviceId: string) => `device:${deviceId}`,
} as const;

export const defaultFailureRateLimit = { maxFailures: 10, windowMs: 10 * 60 * 1000 } as const;

export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxAddresses: number;

  constructor(private readonly options: FailureRateLimitOptions) {
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1)
      throw new TypeError(`maxFailures must be a positive integer, not ${options.maxFailures}`);
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

  /** The limit every key is held to, for saying it in words and on the audit chain. */
  get limit(): { readonly maxFailures: number; readonly windowMs: number } {
    return { maxFailures: this.options.maxFailures, windowMs: this.options.windowMs };
  }

  /**
   * Counts one failure; true when this one brought the key to its limit (the moment it starts being refused), so a
   * caller can record that moment once rather than every refusal after it.
   */
  recordFailure(address: string): boolean {
    const kept = this.recent(address);
    kept.push(this.options.now());
    const reachedLimit = kept.length === this.options.maxFailures;
    // Re-inserting moves the address to the end of the Map's order: the first key is always the least recent.
    this.failures.delete(address);
    this.failures.set(address, kept);
    while (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next();
      if (oldest.done === true) break;
      this.failures.delete(oldest.value);
    }
    return reachedLimit;
  }
}
