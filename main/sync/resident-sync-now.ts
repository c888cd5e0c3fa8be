// A resident's "Sync now": the one sync trigger a resident may pull. It only wakes the engine (nothing is read or
// written for them), and it is rate-limited, because unlike staff's button it is in front of everyone all day, and the
// machine's backoff (sync-machine.ts) is exactly what it lets a person cut short.
import type { ResidentSyncNowResult, SyncState, SyncStatus } from '../contract';
import type { SyncEngine } from './engine';

/** One resident-started sync per this long: enough to retry after walking to a Wi-Fi spot, not enough to hammer a hub. */
export const residentSyncMinGapMs = 15_000;

export type ResidentSyncReason = 'asked' | 'networkBack';

export interface ResidentSyncTriggerOptions {
  /** The engine once the device is enrolled; null before. */
  readonly sync: () => Pick<SyncEngine, 'status' | 'send'> | null;
  readonly now: () => number;
  /** The status a device without an engine reports. */
  readonly notEnrolledStatus: () => SyncStatus;
  readonly minGapMs?: number;
}

/** States in which a cycle is already under way: a trigger then adds nothing the person can see. */
function isSyncing(state: SyncState): boolean {
  switch (state) {
    case 'pulling':
    case 'pushing':
      return true;
    // Downloading photos: a new trigger starts a pull at once (text never waits on photos), so it is worth sending.
    case 'fetchingBlobs':
    case 'idle':
    case 'backingOff':
    case 'notEnrolled':
      return false;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

export function createResidentSyncTrigger(options: ResidentSyncTriggerOptions): (reason: ResidentSyncReason) => ResidentSyncNowResult {
  const minGapMs = options.minGapMs ?? residentSyncMinGapMs;
  let lastStartedAt: number | null = null;
  return (reason) => {
    const engine = options.sync();
    if (engine === null) return { outcome: 'notEnrolled', retryAt: null, status: options.notEnrolledStatus() };
    const before = engine.status();
    if (isSyncing(before.state)) return { outcome: 'alreadySyncing', retryAt: null, status: before };
    const at = options.now();
    if (lastStartedAt !== null && at - lastStartedAt < minGapMs) return { outcome: 'tooSoon', retryAt: lastStartedAt + minGapMs, status: before };
    lastStartedAt = at;
    // Not awaited: a hub that does not answer would hold the call for the request timeout; the header follows
    // sync.statusChanged. NETWORK_UP and SYNC_NOW act alike in the machine; the name keeps the log honest.
    engine.send(reason === 'networkBack' ? { type: 'NETWORK_UP' } : { type: 'SYNC_NOW' });
    return { outcome: 'started', retryAt: null, status: engine.status() };
  };
}
