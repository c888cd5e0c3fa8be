// The sync machine under a simulated clock: what starts a cycle, the order of its phases, backoff that grows with
// full jitter inside its bounds, and no spinning however the steps fail. No real waiting, no wall-clock assertions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import type { SyncError } from '../../../main/contract';
import {
  backoffDelay,
  syncMachine,
  syncStatusOf,
  type BackoffPolicy,
  type BlobStep,
  type PullStep,
  type PushStep,
  type SyncEvent,
} from '../../../main/sync/sync-machine';
import type { SyncProblem } from '../../../main/sync/sync-errors';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';

const backoff: BackoffPolicy = { baseMs: 2_000, maxMs: 300_000, minMs: 1_000 };
const intervalMs = 30_000;
const unreachable: SyncProblem = { code: 'hubUnreachable', message: 'The hub could not be reached.' };

interface Harness {
  readonly actor: ReturnType<typeof createActor<typeof syncMachine>>;
  readonly clock: SimulatedClock;
  readonly calls: string[];
  readonly successes: number[];
  readonly failures: Array<{ error: SyncError; retryInMs: number }>;
  readonly blobSignals: AbortSignal[];
  rest(): Promise<void>;
  send(event: SyncEvent): Promise<void>;
  state(): string;
}

function startMachine(
  options: {
    pull?: () => PullStep | Promise<PullStep>;
    push?: () => PushStep | Promise<PushStep>;
    blobs?: (signal: AbortSignal) => BlobStep | Promise<BlobStep>;
    random?: () => number;
    maxPullBatchesPerCycle?: number;
  } = {},
): Harness {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  const successes: number[] = [];
  const failures: Array<{ error: SyncError; retryInMs: number }> = [];
  const blobSignals: AbortSignal[] = [];
  const actor = createActor(
    syncMachine.provide({
      actors: {
        pullBatch: fromPromise<PullStep>(async () => {
          calls.push('pull');
          return options.pull ? options.pull() : { ok: true, hasMore: false };
        }),
        pushMutations: fromPromise<PushStep>(async () => {
          calls.push('push');
          return options.push ? options.push() : { ok: true };
        }),
        fetchBlobs: fromPromise<BlobStep>(async ({ signal }) => {
          calls.push('blobs');
          blobSignals.push(signal);
          return options.blobs ? options.blobs(signal) : { problems: [] };
        }),
      },
      actions: {
        cycleSucceeded: (_, { at }) => void successes.push(at),
        cycleFailed: (_, failure) => void failures.push(failure),
      },
    }),
    {
      clock,
      input: {
        now: () => clock.now(),
        intervalMs,
        streamingIntervalMs: 900_000,
        backoff,
        random: options.random ?? (() => 0.5),
        maxPullBatchesPerCycle: options.maxPullBatchesPerCycle ?? 50,
        lastSuccessAt: null,
        lastError: null,
      },
    },
  );
  actor.start();
  const rest = async () => {
    await waitFor(actor, (snapshot) => snapshot.matches('idle') || snapshot.matches('backingOff'));
  };
  return {
    actor,
    clock,
    calls,
    successes,
    failures,
    blobSignals,
    rest,
    send: async (event) => {
      actor.send(event);
      await rest();
    },
    state: () => syncStatusOf(actor.getSnapshot(), { pendingMutations: 0, blobsWaiting: 0 }).state,
  };
}

/** A promise the test resolves when it wants the step to finish. */
function gate<T>(): { promise: Promise<T>; open(value: T): void } {
  let open: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('sync machine triggers', () => {
  it('waits in idle until the interval, then runs pull → push → blobs and rests again', async () => {
    const sync = startMachine();
    expect(sync.state()).toBe('idle');
    sync.clock.increment(intervalMs - 1);
    expect(sync.calls).toEqual([]);
    sync.clock.increment(1);
    await sync.rest();
    expect(sync.calls).toEqual(['pull', 'push', 'blobs']);
    expect(sync.successes).toEqual([intervalMs]);
    // The interval starts again from the end of the cycle.
    sync.clock.increment(intervalMs);
    await sync.rest();
    expect(sync.calls).toHaveLength(6);
  });

  it.each<SyncEvent>([
    { type: 'MUTATION_RECORDED' },
    { type: 'NETWORK_UP' },
    { type: 'RESIDENT_SIGNED_IN', residentId: 'r1' },
    { type: 'SYNC_NOW' },
    { type: 'HUB_CHANGED' },
    { type: 'STREAM_CONNECTED' },
  ])('$type starts a cycle at once, pull first', async (event) => {
    const sync = startMachine();
    await sync.send(event);
    expect(sync.calls).toEqual(['pull', 'push', 'blobs']);
  });

  it('pulls batch after batch while the hub has more, then pushes', async () => {
    const more = [true, true, false];
    const sync = startMachine({ pull: () => ({ ok: true, hasMore: more.shift() ?? false }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull', 'pull', 'pull', 'push', 'blobs']);
  });

  it('a long backfill yields to a push after the batch cap, then carries on', async () => {
    let remaining = 5;
    const sync = startMachine({ maxPullBatchesPerCycle: 2, pull: () => ({ ok: true, hasMore: --remaining > 0 }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull', 'pull', 'push', 'blobs', 'pull', 'pull', 'push', 'blobs', 'pull', 'push', 'blobs']);
  });

  it.each<{ name: string; triggers: SyncEvent[] }>([
    { name: 'a mutation and a “sync now”', triggers: [{ type: 'MUTATION_RECORDED' }, { type: 'SYNC_NOW' }] },
    { name: 'two changes announced by the hub’s stream', triggers: [{ type: 'HUB_CHANGED' }, { type: 'HUB_CHANGED' }] },
  ])('triggers during a cycle ($name) run exactly one more cycle after it', async ({ triggers }) => {
    const pushGate = gate<PushStep>();
    let pushes = 0;
    const sync = startMachine({ push: () => (++pushes === 1 ? pushGate.promise : { ok: true }) });
    sync.actor.send({ type: 'SYNC_NOW' });
    await waitFor(sync.actor, (snapshot) => snapshot.matches('pushing'));
    for (const trigger of triggers) sync.actor.send(trigger);
    pushGate.open({ ok: true });
    await sync.rest();
    expect(sync.calls).toEqual(['pull', 'push', 'blobs', 'pull', 'push', 'blobs']);
  });

  it('text never waits on photos: a sign-in stops the blob phase and pulls at once', async () => {
    const sync = startMachine({ blobs: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ problems: [] }))) });
    sync.actor.send({ type: 'SYNC_NOW' });
    await waitFor(sync.actor, (snapshot) => snapshot.matches('fetchingBlobs'));
    sync.actor.send({ type: 'RESIDENT_SIGNED_IN', residentId: 'r1' });
    expect(sync.state()).toBe('pulling');
    expect(sync.blobSignals[0]?.aborted).toBe(true);
  });
});

describe('sync machine with the hub’s change stream', () => {
  it('polls at the long interval while the stream is open, and at the ordinary one again from the moment it closes', async () => {
    const sync = startMachine();
    await sync.send({ type: 'STREAM_CONNECTED' });
    expect(sync.calls).toEqual(['pull', 'push', 'blobs']);
    // The ordinary interval passes without a poll: the stream would have said.
    sync.clock.increment(intervalMs * 2);
    expect(sync.calls).toHaveLength(3);
    sync.clock.increment(900_000 - intervalMs * 2);
    await sync.rest();
    expect(sync.calls).toHaveLength(6);
    // Lost: waiting starts over at the ordinary interval.
    sync.clock.increment(1000);
    sync.actor.send({ type: 'STREAM_LOST' });
    sync.clock.increment(intervalMs - 1);
    expect(sync.calls).toHaveLength(6);
    sync.clock.increment(1);
    await sync.rest();
    expect(sync.calls).toHaveLength(9);
  });

  it('while backing off, an announced change waits for the retry; the stream reopening is the network back and tries at once', async () => {
    let failing = true;
    const sync = startMachine({ random: () => 0.999, pull: () => (failing ? { ok: false, problem: unreachable } : { ok: true, hasMore: false }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.state()).toBe('backingOff');
    sync.actor.send({ type: 'HUB_CHANGED' });
    expect(sync.calls).toEqual(['pull']);
    failing = false;
    await sync.send({ type: 'STREAM_CONNECTED' });
    expect(sync.calls).toEqual(['pull', 'pull', 'push', 'blobs']);
    expect(sync.state()).toBe('idle');
  });
});

describe('sync machine failures', () => {
  it('a failed pull backs off, skips push, and shows the error in words with its time', async () => {
    const sync = startMachine({ pull: () => ({ ok: false, problem: unreachable }) });
    sync.clock.increment(5_000);
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull']);
    expect(sync.state()).toBe('backingOff');
    const status = syncStatusOf(sync.actor.getSnapshot(), { pendingMutations: 3, blobsWaiting: 1 });
    // random 0.5 × ceiling 2 s = 1 s.
    expect(status).toEqual({
      state: 'backingOff',
      lastSuccessAt: null,
      pendingMutations: 3,
      lastError: { code: 'hubUnreachable', message: 'The hub could not be reached.', at: 5_000 },
      nextAttemptAt: 6_000,
      blobsWaiting: 1,
      errorCounts: { hubUnreachable: 1 },
    });
    expect(sync.failures).toEqual([{ error: status.lastError, retryInMs: 1_000 }]);
  });

  it('retries only when the backoff ends: no spinning, and mutations or sign-ins wait for it', async () => {
    const sync = startMachine({ random: () => 0.999, pull: () => ({ ok: false, problem: unreachable }) });
    await sync.send({ type: 'SYNC_NOW' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const { nextAttemptAt } = sync.actor.getSnapshot().context;
      const wait = (nextAttemptAt ?? 0) - sync.clock.now();
      delays.push(wait);
      sync.actor.send({ type: 'MUTATION_RECORDED' });
      sync.actor.send({ type: 'RESIDENT_SIGNED_IN', residentId: 'r1' });
      sync.clock.increment(wait - 1);
      expect(sync.calls).toHaveLength(attempt);
      sync.clock.increment(1);
      await sync.rest();
      expect(sync.calls).toHaveLength(attempt + 1);
    }
    // Ceilings 2, 4, 8, … s, capped at 300 s; a draw of 0.999 lands just under each.
    expect(delays).toEqual([1998, 3996, 7992, 15984, 31968, 63936, 127872, 255744, 299700, 299700]);
  });

  it('staff “sync now” and the network coming back cut the wait short, and the backoff starts over from its first step', async () => {
    const sync = startMachine({ random: () => 0.999, pull: () => ({ ok: false, problem: unreachable }) });
    await sync.send({ type: 'SYNC_NOW' });
    // Left to itself, the machine retries with a growing wait: two more failures.
    for (let retry = 0; retry < 2; retry += 1) {
      sync.clock.increment((sync.actor.getSnapshot().context.nextAttemptAt ?? 0) - sync.clock.now());
      await sync.rest();
    }
    expect(sync.actor.getSnapshot().context.failures).toBe(3);
    expect(sync.actor.getSnapshot().context.backoffMs).toBe(7992);
    // Someone asks (or the network returns): a try at once, and a failure then waits the first step, not the fourth.
    await sync.send({ type: 'NETWORK_UP' });
    expect(sync.actor.getSnapshot().context.failures).toBe(1);
    expect(sync.actor.getSnapshot().context.backoffMs).toBe(1998);
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull', 'pull', 'pull', 'pull', 'pull']);
    expect(sync.actor.getSnapshot().context.failures).toBe(1);
  });

  it('a success resets the backoff and clears the last error; a later failure starts from the first wait again', async () => {
    let failing = true;
    const sync = startMachine({ random: () => 0.999, push: () => (failing ? { ok: false, problem: { code: 'mutationGap', message: 'gap' } } : { ok: true }) });
    await sync.send({ type: 'SYNC_NOW' });
    sync.clock.increment((sync.actor.getSnapshot().context.nextAttemptAt ?? 0) - sync.clock.now());
    await sync.rest();
    expect(sync.actor.getSnapshot().context.backoffMs).toBe(3996);
    failing = false;
    await sync.send({ type: 'SYNC_NOW' });
    const status = syncStatusOf(sync.actor.getSnapshot(), { pendingMutations: 0, blobsWaiting: 0 });
    expect(status).toMatchObject({ state: 'idle', lastError: null, nextAttemptAt: null, errorCounts: { mutationGap: 2 } });
    expect(status.lastSuccessAt).toBe(sync.clock.now());
    failing = true;
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.actor.getSnapshot().context.backoffMs).toBe(1998);
  });

  it('a step that throws is an internal error with a backoff, not a stopped machine', async () => {
    const sync = startMachine({
      pull: () => {
        throw new Error('boom');
      },
    });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.state()).toBe('backingOff');
    expect(sync.actor.getSnapshot().context.lastError?.code).toBe('internal');
    expect(sync.actor.getSnapshot().status).toBe('active');
  });

  it('blob problems are counted and shown, but do not fail the cycle or back off', async () => {
    const sync = startMachine({ blobs: () => ({ problems: [{ code: 'blobHashMismatch', message: 'damaged' }] }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.state()).toBe('idle');
    expect(syncStatusOf(sync.actor.getSnapshot(), { pendingMutations: 0, blobsWaiting: 1 })).toMatchObject({
      lastSuccessAt: 0,
      lastError: { code: 'blobHashMismatch' },
      errorCounts: { blobHashMismatch: 1 },
    });
  });
});

describe('backoff', () => {
  it('stays within [floor, min(cap, base × 2^(n−1))] for any draw, and its ceiling grows until the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (failures, draw) => {
        const delay = backoffDelay(failures, backoff, () => draw);
        const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
        expect(delay).toBeGreaterThanOrEqual(backoff.minMs);
        expect(delay).toBeLessThanOrEqual(Math.max(backoff.minMs, ceiling));
      }),
    );
    expect(backoffDelay(1, backoff, () => 0)).toBe(1_000);
    expect(backoffDelay(100, backoff, () => 0.999_999)).toBe(299_999);
    // A broken random source cannot push the wait outside its bounds.
    expect(backoffDelay(3, backoff, () => 7)).toBe(8_000);
    expect(backoffDelay(3, backoff, () => -1)).toBe(1_000);
  });

  it(
    'never spins: however steps fail and draws fall, attempts in an hour stay under one per floor',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }),
          async (outcomes, draws) => {
            let step = 0;
            let drawIndex = 0;
            const sync = startMachine({
              random: () => draws[drawIndex++ % draws.length] ?? 0,
              pull: () => (outcomes[step++ % outcomes.length] ? { ok: true, hasMore: false } : { ok: false, problem: unreachable }),
            });
            await sync.send({ type: 'SYNC_NOW' });
            for (let elapsed = 0; elapsed < 3_600_000; elapsed += 500) {
              sync.clock.increment(500);
              await sync.rest();
            }
            const pulls = sync.calls.filter((call) => call === 'pull').length;
            expect(pulls).toBeLessThanOrEqual(3_600_000 / backoff.minMs + 1);
            sync.actor.stop();
          },
        ),
        { numRuns: propertyRuns(25) },
      );
      // 25 simulated hours of 7,200 clock steps each: ~4.5 s at load 7, ~23 s at load 22.
    },
    propertyTimeout(60_000),
  );
});

describe('sync machine on a full disk', () => {
  const diskFull: SyncProblem = { code: 'storageFull', message: 'The device’s disk is full.' };

  it('a pull that meets the full disk still pushes, then backs off as storageFull without counting a success', async () => {
    let full = true;
    const sync = startMachine({ pull: () => (full ? { ok: false, problem: diskFull } : { ok: true, hasMore: false }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull', 'push']);
    expect(sync.state()).toBe('backingOff');
    expect(sync.successes).toEqual([]);
    expect(sync.failures.map((failure) => failure.error.code)).toEqual(['storageFull']);

    // Space returns: the retry after the backoff runs the whole cycle and it counts.
    full = false;
    sync.clock.increment(sync.failures[0]!.retryInMs);
    await sync.rest();
    expect(sync.calls).toEqual(['pull', 'push', 'pull', 'push', 'blobs']);
    expect(sync.state()).toBe('idle');
    expect(sync.successes).toHaveLength(1);
  });

  it('a push that fails after such a pull reports the push’s own failure', async () => {
    const sync = startMachine({ pull: () => ({ ok: false, problem: diskFull }), push: () => ({ ok: false, problem: unreachable }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.failures.map((failure) => failure.error.code)).toEqual(['hubUnreachable']);
  });

  it('an attachment that meets the full disk backs off as storageFull rather than resting in idle', async () => {
    const sync = startMachine({ blobs: () => ({ problems: [diskFull] }) });
    await sync.send({ type: 'SYNC_NOW' });
    expect(sync.calls).toEqual(['pull', 'push', 'blobs']);
    expect(sync.state()).toBe('backingOff');
    expect(sync.failures.map((failure) => failure.error.code)).toEqual(['storageFull']);
  });
});
