// The scope this hub process last read for each device (hub/services/pull.ts), so that the next pull can read its page
// and check that scope in one statement instead of reading the device row first. Only a presumption: every pull reads
// the device row beside its page in the same snapshot and reads again when they differ, so a stale entry costs a
// round trip, never a wrong page — which is why nothing here listens for notes.
import type { DeviceScope } from '../services/pull';

/** Enough for every device of a large state system; beyond it the least recently used read their scope first. */
export const defaultPresumedScopes = 50_000;

export class PresumedScopes {
  /** Insertion order is use order: a read moves the entry to the end, the oldest is first. */
  private readonly byDevice = new Map<string, DeviceScope>();

  constructor(private readonly maxEntries = defaultPresumedScopes) {}

  get size(): number {
    return this.byDevice.size;
  }

  of(deviceId: string): DeviceScope | null {
    const scope = this.byDevice.get(deviceId);
    if (scope === undefined) return null;
    this.byDevice.delete(deviceId);
    this.byDevice.set(deviceId, scope);
    return scope;
  }

  /** What a pull read; null (the device is gone) forgets it. */
  remember(deviceId: string, scope: DeviceScope | null): void {
    this.byDevice.delete(deviceId);
    if (scope === null) return;
    this.byDevice.set(deviceId, scope);
    while (this.byDevice.size > this.maxEntries) {
      const oldest = this.byDevice.keys().next();
      if (oldest.done === true) break;
      this.byDevice.delete(oldest.value);
    }
  }
}
