// When sync runs: idle → pulling (one batch at a time, while the hub has more) → pushing → fetchingBlobs → idle.
// Triggers: the interval, a mutation recorded here, the network coming back, a resident signing in (their records
// are pulled first) and staff pressing "sync now". A failure backs off exponentially with full jitter up to a cap, so
// the machine never spins. The machine decides; the work is done by named actors whose I/O lives in sync-services.ts,
// and every time it uses comes from `now`, which follows the actor's clock, so tests drive it with SimulatedClock.
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import { doublingStep, fullJitter } from '../../rules/backoff';
import type { SyncError, SyncErrorCode, SyncState, SyncStatus } from '../contract';
import { storageFullProblem, type SyncProblem } from './sync-errors';

export interface BackoffPolicy {
  /** The ceiling of the first wait; each further failure doubles it. */
  readonly baseMs: number;
  /** The ceiling never grows past this. */
  readonly maxMs: number;
  /** No wait is shorter, however small the random draw: full jitter alone could retry at once, over and over. */
  readonly minMs: number;
}

/** Full jitter (a uniform draw below an exponentially growing ceiling), with a floor. `failures` counts from 1. */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  return fullJitter(doublingStep(failures - 1, { first: policy.baseMs, cap: policy.maxMs }), random, policy.minMs);
}

/** One pull batch: applied (with or without more to come), or failed with nothing applied. */
export type PullStep = { readonly ok: true; readonly hasMore: boolean } | { readonly ok: false; readonly problem: SyncProblem };
export type PushStep = { readonly ok: true } | { readonly ok: false; readonly problem: SyncProblem };
/** The blob phase never fails the cycle (text never waits on photos); it reports what went wrong along the way. */
export interface BlobStep {
  readonly problems: readonly SyncProblem[];
}

export type SyncEvent =
  | { type: 'MUTATION_RECORDED' }
  | { type: 'NETWORK_UP' }
  | { type: 'RESIDENT_SIGNED_IN'; residentId: string }
  | { type: 'SYNC_NOW' }
  /** The hub's change stream says there are changes to pull (change-stream.ts). */
  | { type: 'HUB_CHANGED' }
  /** The change stream opened: the hub is reachable, and changes may have been missed while it was closed. */
  | { type: 'STREAM_CONNECTED' }
  /** The change stream closed: only polling finds changes now, at the ordinary interval. */
  | { type: 'STREAM_LOST' };

export interface SyncMachineInput {
  readonly now: () => number;
  readonly intervalMs: number;
  /** Between polls while the change stream is open: it says when there is something, so polling is only a safety net. */
  readonly streamingIntervalMs: number;
  readonly backoff: BackoffPolicy;
  /** In [0, 1); injectable so tests can pin the jitter. */
  readonly random: () => number;
  /** A long backfill yields to a push after this many batches, then carries on in the next cycle. */
  readonly maxPullBatchesPerCycle: number;
  /** From the store, so status survives a restart. */
  readonly lastSuccessAt: number | null;
  readonly lastError: SyncError | null;
}

interface SyncContext extends SyncMachineInput {
  lastSuccessAt: number | null;
  lastError: SyncError | null;
  /** Failed cycles in a row; 0 after a success. */
  failures: number;
  backoffMs: number;
  nextAttemptAt: number | null;
  /** A trigger arrived while a cycle was under way: run another when this one ends. */
  rerun: boolean;
  /** The hub's change stream is open (STREAM_CONNECTED until STREAM_LOST). */
  streaming: boolean;
  pullBatches: number;
  /**
   * This cycle's pull met a full disk: the push still runs (what people did reaches the hub, on the storage reserve),
   * then the cycle ends as a storageFull failure, so the status says so and lastSuccessAt is not moved by half a sync.
   */
  pullWaitingForRoom: boolean;
  errorCounts: Partial<Record<SyncErrorCode, number>>;
}

const countError = (counts: Partial<Record<SyncErrorCode, number>>, problems: readonly SyncProblem[]): Partial<Record<SyncErrorCode, number>> => {
  const next = { ...counts };
  for (const problem of problems) next[problem.code] = (next[problem.code] ?? 0) + 1;
  return next;
};

const failedStep = (output: PullStep | PushStep): SyncProblem =>
  output.ok ? { code: 'internal', message: 'A sync step failed without saying why.' } : output.problem;

const unexpected = (): SyncProblem => ({ code: 'internal', message: 'A sync step failed inside the device; the error was logged.' });

export const syncMachine = setup({
  types: {
    context: {} as SyncContext,
    events: {} as SyncEvent,
    input: {} as SyncMachineInput,
  },
  actors: {
    // Real implementations come from sync-services.ts; these defaults do nothing, so a bare machine is harmless.
    pullBatch: fromPromise<PullStep>(async () => ({ ok: true, hasMore: false })),
    pushMutations: fromPromise<PushStep>(async () => ({ ok: true })),
    fetchBlobs: fromPromise<BlobStep>(async () => ({ problems: [] })),
  },
  actions: {
    // Provided by the engine: persist to the store and log (without personal data).
    cycleSucceeded: (_, _params: { at: number }) => {},
    cycleFailed: (_, _params: { error: SyncError; retryInMs: number }) => {},
    blobProblems: (_, _params: { problems: readonly SyncProblem[] }) => {},
    startCycle: assign({ rerun: false, pullBatches: 1, pullWaitingForRoom: false }),
    notePullWaitingForRoom: assign({ pullWaitingForRoom: true }),
    // Someone asked (staff, the person) or the network came back: the next failure waits from the first step again, not
    // from wherever a night of failures had taken the backoff.
    resetBackoff: assign({ failures: 0 }),
    nextBatch: assign({ pullBatches: ({ context }) => context.pullBatches + 1 }),
    markRerun: assign({ rerun: true }),
    streamUp: assign({ streaming: true }),
    streamDown: assign({ streaming: false }),
    recordSuccess: assign(({ context }) => ({ failures: 0, lastSuccessAt: context.now(), lastError: null, nextAttemptAt: null })),
    recordFailure: assign(({ context }, params: { problem: SyncProblem }) => {
      const failures = context.failures + 1;
      const backoffMs = backoffDelay(failures, context.backoff, context.random);
      const at = context.now();
      return {
        failures,
        backoffMs,
        nextAttemptAt: at + backoffMs,
        rerun: false,
        lastError: { ...params.problem, at },
        errorCounts: countError(context.errorCounts, [params.problem]),
      };
    }),
    recordBlobProblems: assign(({ context }, params: { problems: readonly SyncProblem[] }) => {
      const last = params.problems[params.problems.length - 1];
      return {
        errorCounts: countError(context.errorCounts, params.problems),
        lastError: last ? { ...last, at: context.now() } : context.lastError,
      };
    }),
    clearRetry: assign({ nextAttemptAt: null }),
  },
  guards: {
    stepFailed: (_, params: { output: PullStep | PushStep }) => !params.output.ok,
    hasMoreWithinCycle: ({ context }, params: { output: PullStep }) =>
      params.output.ok && params.output.hasMore && context.pullBatches < context.maxPullBatchesPerCycle,
    hasMore: (_, params: { output: PullStep }) => params.output.ok && params.output.hasMore,
    rerunWanted: ({ context }) => context.rerun,
    pullFoundDiskFull: (_, params: { output: PullStep }) => !params.output.ok && params.output.problem.code === 'storageFull',
    pullWasWaitingForRoom: ({ context }) => context.pullWaitingForRoom,
    diskFull: (_, params: { problems: readonly SyncProblem[] }) => params.problems.some((problem) => problem.code === 'storageFull'),
  },
  delays: {
    syncInterval: ({ context }) => (context.streaming ? Math.max(context.intervalMs, context.streamingIntervalMs) : context.intervalMs),
    backoffDelay: ({ context }) => context.backoffMs,
  },
}).createMachine({
  id: 'sync',
  context: ({ input }) => ({
    ...input,
    failures: 0,
    backoffMs: 0,
    nextAttemptAt: null,
    rerun: false,
    streaming: false,
    pullBatches: 0,
    pullWaitingForRoom: false,
    errorCounts: {},
  }),
  initial: 'idle',
  states: {
    idle: {
      after: { syncInterval: { target: 'pulling', actions: 'startCycle' } },
      on: {
        MUTATION_RECORDED: { target: 'pulling', actions: 'startCycle' },
        NETWORK_UP: { target: 'pulling', actions: 'startCycle' },
        RESIDENT_SIGNED_IN: { target: 'pulling', actions: 'startCycle' },
        SYNC_NOW: { target: 'pulling', actions: 'startCycle' },
        HUB_CHANGED: { target: 'pulling', actions: 'startCycle' },
        STREAM_CONNECTED: { target: 'pulling', actions: ['streamUp', 'startCycle'] },
        // Waiting again, from now, at the ordinary interval.
        STREAM_LOST: { target: 'idle', reenter: true, actions: 'streamDown' },
      },
    },
    pulling: {
      invoke: {
        src: 'pullBatch',
        onDone: [
          // A full disk stops the pull, not the push: the person's work still goes to the hub (pushing settles a few rows,
          // which the storage reserve has room for); the cycle then backs off as storageFull (pushing, below).
          { guard: { type: 'pullFoundDiskFull', params: ({ event }) => ({ output: event.output }) }, target: 'pushing', actions: 'notePullWaitingForRoom' },
          {
            guard: { type: 'stepFailed', params: ({ event }) => ({ output: event.output }) },
            target: 'backingOff',
            actions: { type: 'recordFailure', params: ({ event }) => ({ problem: failedStep(event.output) }) },
          },
          { guard: { type: 'hasMoreWithinCycle', params: ({ event }) => ({ output: event.output }) }, target: 'pulling', reenter: true, actions: 'nextBatch' },
          // The batch cap was reached: push what is waiting, then come back for the rest.
          { guard: { type: 'hasMore', params: ({ event }) => ({ output: event.output }) }, target: 'pushing', actions: 'markRerun' },
          { target: 'pushing' },
        ],
        onError: { target: 'backingOff', actions: { type: 'recordFailure', params: () => ({ problem: unexpected() }) } },
      },
      on: {
        // The push that follows will carry it.
        MUTATION_RECORDED: {},
        NETWORK_UP: { actions: 'markRerun' },
        RESIDENT_SIGNED_IN: { actions: 'markRerun' },
        SYNC_NOW: { actions: 'markRerun' },
        HUB_CHANGED: { actions: 'markRerun' },
        STREAM_CONNECTED: { actions: ['streamUp', 'markRerun'] },
        STREAM_LOST: { actions: 'streamDown' },
      },
    },
    pushing: {
      invoke: {
        src: 'pushMutations',
        onDone: [
          {
            guard: { type: 'stepFailed', params: ({ event }) => ({ output: event.output }) },
            target: 'backingOff',
            actions: { type: 'recordFailure', params: ({ event }) => ({ problem: failedStep(event.output) }) },
          },
          { guard: 'pullWasWaitingForRoom', target: 'backingOff', actions: { type: 'recordFailure', params: () => ({ problem: storageFullProblem }) } },
          {
            target: 'fetchingBlobs',
            actions: ['recordSuccess', { type: 'cycleSucceeded', params: ({ context }) => ({ at: context.lastSuccessAt ?? context.now() }) }],
          },
        ],
        onError: { target: 'backingOff', actions: { type: 'recordFailure', params: () => ({ problem: unexpected() }) } },
      },
      on: {
        MUTATION_RECORDED: { actions: 'markRerun' },
        NETWORK_UP: { actions: 'markRerun' },
        RESIDENT_SIGNED_IN: { actions: 'markRerun' },
        SYNC_NOW: { actions: 'markRerun' },
        HUB_CHANGED: { actions: 'markRerun' },
        STREAM_CONNECTED: { actions: ['streamUp', 'markRerun'] },
        STREAM_LOST: { actions: 'streamDown' },
      },
    },
    fetchingBlobs: {
      invoke: {
        src: 'fetchBlobs',
        onDone: [
          // A full disk is a state, not a blob's problem: backed off from like a pull that could not be written, so the
          // status says so until space returns and the retry finds room.
          {
            guard: { type: 'diskFull', params: ({ event }) => ({ problems: event.output.problems }) },
            target: 'backingOff',
            actions: [
              { type: 'recordFailure', params: () => ({ problem: storageFullProblem }) },
              { type: 'blobProblems', params: ({ event }) => ({ problems: event.output.problems }) },
            ],
          },
          {
            guard: 'rerunWanted',
            target: 'pulling',
            actions: [
              { type: 'recordBlobProblems', params: ({ event }) => ({ problems: event.output.problems }) },
              { type: 'blobProblems', params: ({ event }) => ({ problems: event.output.problems }) },
              'startCycle',
            ],
          },
          {
            target: 'idle',
            actions: [
              { type: 'recordBlobProblems', params: ({ event }) => ({ problems: event.output.problems }) },
              { type: 'blobProblems', params: ({ event }) => ({ problems: event.output.problems }) },
            ],
          },
        ],
        onError: { target: 'idle', actions: { type: 'recordBlobProblems', params: () => ({ problems: [unexpected()] }) } },
      },
      // Text never waits on photos: anything that wants a pull stops the downloads (they resume next time).
      on: {
        MUTATION_RECORDED: { target: 'pulling', actions: 'startCycle' },
        NETWORK_UP: { target: 'pulling', actions: 'startCycle' },
        RESIDENT_SIGNED_IN: { target: 'pulling', actions: 'startCycle' },
        SYNC_NOW: { target: 'pulling', actions: 'startCycle' },
        HUB_CHANGED: { target: 'pulling', actions: 'startCycle' },
        STREAM_CONNECTED: { target: 'pulling', actions: ['streamUp', 'startCycle'] },
        STREAM_LOST: { actions: 'streamDown' },
      },
    },
    backingOff: {
      entry: {
        type: 'cycleFailed',
        params: ({ context }) => ({ error: context.lastError ?? { ...unexpected(), at: context.now() }, retryInMs: context.backoffMs }),
      },
      exit: 'clearRetry',
      after: { backoffDelay: { target: 'pulling', actions: 'startCycle' } },
      // Only staff or a returning network cut the wait short; a new mutation or a sign-in waits for the retry, so a
      // busy kiosk cannot hammer a failing hub.
      on: {
        NETWORK_UP: { target: 'pulling', actions: ['resetBackoff', 'startCycle'] },
        SYNC_NOW: { target: 'pulling', actions: ['resetBackoff', 'startCycle'] },
        // The stream reaching the hub is the network coming back; a change it announces waits for the retry, like a
        // new mutation, so a hub that fails every pull is not asked again at every letter approved.
        STREAM_CONNECTED: { target: 'pulling', actions: ['streamUp', 'resetBackoff', 'startCycle'] },
        HUB_CHANGED: {},
        STREAM_LOST: { actions: 'streamDown' },
      },
    },
  },
});

export type SyncSnapshot = SnapshotFrom<typeof syncMachine>;

const machineStates = ['idle', 'pulling', 'pushing', 'fetchingBlobs', 'backingOff'] as const satisfies readonly SyncState[];

/** What sync status shows for a snapshot; the counts come from the store. */
export function syncStatusOf(snapshot: SyncSnapshot, counts: { readonly pendingMutations: number; readonly blobsWaiting: number }): SyncStatus {
  const { context } = snapshot;
  return {
    state: machineStates.find((state) => snapshot.matches(state)) ?? 'idle',
    lastSuccessAt: context.lastSuccessAt,
    pendingMutations: counts.pendingMutations,
    lastError: context.lastError,
    nextAttemptAt: snapshot.matches('backingOff') ? context.nextAttemptAt : null,
    blobsWaiting: counts.blobsWaiting,
    errorCounts: { ...context.errorCounts },
  };
}
