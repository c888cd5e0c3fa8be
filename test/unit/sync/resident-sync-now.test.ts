import { describe, expect, it } from 'vitest';
import type { SyncState, SyncStatus } from '../../../main/contract';
import type { SyncEvent } from '../../../main/sync/sync-machine';
import { createResidentSyncTrigger } from '../../../main/sync/resident-sync-now';

function statusIn(state: SyncState): SyncStatus {
  return { state, lastSuccessAt: null, pendingMutations: 0, lastError: null, nextAttemptAt: null, blobsWaiting: 0, errorCounts: {} };
}

function fakeEngine(state: SyncState) {
  const sent: SyncEvent[] = [];
  const engine = { state, sent, status: () => statusIn(engine.state), send: (event: SyncEvent) => void sent.push(event) };
  return engine;
}

describe("a resident's Sync now", () => {
  it('wakes the engine: SYNC_NOW when asked, NETWORK_UP when the screen saw the network return', () => {
    const engine = fakeEngine('backingOff');
    let now = 1_000_000;
    const trigger = createResidentSyncTrigger({ sync: () => engine, now: () => now, notEnrolledStatus: () => statusIn('notEnrolled'), minGapMs: 15_000 });
    expect(trigger('asked').outcome).toBe('started');
    now += 15_000;
    expect(trigger('networkBack').outcome).toBe('started');
    expect(engine.sent).toEqual([{ type: 'SYNC_NOW' }, { type: 'NETWORK_UP' }]);
  });

  it('refuses a second start within the gap and says when the next is allowed, sending nothing', () => {
    const engine = fakeEngine('idle');
    let now = 50_000;
    const trigger = createResidentSyncTrigger({ sync: () => engine, now: () => now, notEnrolledStatus: () => statusIn('notEnrolled'), minGapMs: 15_000 });
    trigger('asked');
    now += 14_999;
    expect(trigger('asked')).toMatchObject({ outcome: 'tooSoon', retryAt: 65_000 });
    expect(trigger('networkBack')).toMatchObject({ outcome: 'tooSoon', retryAt: 65_000 });
    expect(engine.sent).toHaveLength(1);
    now += 1;
    expect(trigger('asked').outcome).toBe('started');
    expect(engine.sent).toHaveLength(2);
  });

  it.each<SyncState>(['pulling', 'pushing'])('while %s it adds nothing and does not use up the allowance', (state) => {
    const engine = fakeEngine(state);
    const trigger = createResidentSyncTrigger({ sync: () => engine, now: () => 0, notEnrolledStatus: () => statusIn('notEnrolled') });
    expect(trigger('asked')).toMatchObject({ outcome: 'alreadySyncing', retryAt: null });
    expect(engine.sent).toEqual([]);
    engine.state = 'idle';
    expect(trigger('asked').outcome).toBe('started');
  });

  it('on a device that is not enrolled there is nothing to start', () => {
    const trigger = createResidentSyncTrigger({ sync: () => null, now: () => 0, notEnrolledStatus: () => statusIn('notEnrolled') });
    expect(trigger('asked')).toEqual({ outcome: 'notEnrolled', retryAt: null, status: statusIn('notEnrolled') });
  });
});
