// Counts the requests the hub refused since it started, by code. A flood of junk tokens is turned away cheaply (the
// rate limiter) and must still be visible to staff as a number, not only as log lines someone has to grep: the health
// route (routes.ts) reports these counts. In memory, like the limiter: a restart starts again from zero, which the
// route says by reporting since when it counts.
import type { HubErrorCode } from '../protocol/index';

export class RefusalCounts {
  private readonly counts = new Map<HubErrorCode, number>();

  constructor(readonly since: number) {}

  count(code: HubErrorCode): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  /** code → refusals, only codes that happened; keys sorted so two reports compare as text. */
  snapshot(): Partial<Record<HubErrorCode, number>> {
    const result: Partial<Record<HubErrorCode, number>> = {};
    for (const [code, count] of [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) result[code] = count;
    return result;
  }
}
