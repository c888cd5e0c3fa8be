// The I/O behind the sync machine's actors: one pull batch, the push of the outbox, the blob phase. Each returns a
// typed step for the machine and logs what staff need (codes, counts, ids) and nothing personal.
import type { DeviceHealthReport } from '../../hub/protocol';
import type { Logger } from '../logging';
import type { DeviceDatabase } from '../store/database';
import { applyPull } from './apply-pull';
import { fetchMissingBlobs, type BlobRetryPolicy, type BlobStore } from './blobs';
import type { HubClient, HubResult, PullEnvelope } from './hub-client';
import { pushPending, type PushError } from './push';
import { isStorageFull } from '../store/storage-full';
import { problemOfApplyPull, problemOfBlob, problemOfHubFailure, storageFullProblem, type SyncProblem } from './sync-errors';
import type { BlobStep, PullStep, PushStep } from './sync-machine';
import { storeQueriesOf } from '../store/store-queries';

export interface SyncServicesDeps {
  readonly db: DeviceDatabase;
  readonly client: HubClient;
  readonly blobs: BlobStore;
  readonly blobRetries: BlobRetryPolicy;
  readonly deviceId: string;
  readonly pullLimit: number;
  readonly now: () => number;
  readonly logger: Logger;
  /**
   * False while the device is full (main/store/storage-reserve.ts): pulls and attachment downloads wait, so what is
   * left of the disk goes to pushing what people did. Without it, sync always tries.
   */
  readonly roomToPull?: () => boolean;
  /** A sync write met a full disk: the runtime gives its reserve back here. */
  readonly onStorageFull?: () => void;
  /** The device's health, sent with the first pull of each cycle (hub/protocol/health.ts); absent: none is sent. */
  readonly healthReport?: () => DeviceHealthReport;
}

export interface SyncServices {
  pullBatch(signal: AbortSignal): Promise<PullStep>;
  pushMutations(signal: AbortSignal): Promise<PushStep>;
  fetchBlobs(signal: AbortSignal): Promise<BlobStep>;
  /** Resolves when no step is running: the store can be closed safely after this. */
  drained(): Promise<void>;
  /** When this device last found the hub gone back in time (restored from a backup), since the start; for staff. */
  hubRestoredAt(): number | null;
}

function problemOfPush(error: PushError): SyncProblem {
  switch (error.kind) {
    case 'hub':
      return problemOfHubFailure(error.failure);
    case 'mutationGap':
      return { code: 'mutationGap', message: 'The hub is missing earlier actions from this device; staff must check the device.' };
    case 'hubAheadOfDevice':
      return { code: 'hubAheadOfDevice', message: 'The hub has recorded more actions from this device than this device sent; staff must check the device.' };
    case 'noProgress':
      return { code: 'pushStalled', message: 'The hub answered without taking the waiting actions.' };
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

export function createSyncServices(deps: SyncServicesDeps): SyncServices {
  const { db, client, logger } = deps;
  const syncState = storeQueriesOf(db).syncState;
  const running = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    void work.finally(() => running.delete(work)).catch(() => undefined);
    return work;
  };

  let hubRestoredAt: number | null = null;
  const aborted: SyncProblem = { code: 'internal', message: 'The sync was stopped on this device.' };

  /**
   * Set when the hub turned out to have gone back in time (a restore, a commit it lost): the next push first re-sends
   * the newest answered mutation, so the hub says what it lost and the device sends it again.
   */
  let hubWentBack = false;

  /** Said once per full spell in the log, not at every backed-off retry. */
  let waitingForRoom = false;
  const roomToPull = (): boolean => {
    const room = deps.roomToPull?.() ?? true;
    if (!room && !waitingForRoom) logger.warn({ code: storageFullProblem.code }, 'the device is full: pulls and attachments wait for space; pushes go on');
    waitingForRoom = !room;
    return room;
  };
  const storageFull = (): void => {
    try {
      deps.onStorageFull?.();
    } catch (error) {
      logger.error({ err: error }, 'the storage reserve could not be given back');
    }
  };

  /** Set when the next pull starts a cycle's pull phase: the health report goes with that one pull, not every batch. */
  let reportHealthNext = true;
  /** The hub's last refusal of a report, so the log says it once rather than at every cycle. */
  let lastHealthRefusal: string | null = null;
  const healthReport = (): DeviceHealthReport | undefined => {
    if (!reportHealthNext || deps.healthReport === undefined) return undefined;
    try {
      return deps.healthReport();
    } catch (error) {
      // A report this device cannot make must not cost it its sync.
      logger.error({ err: error }, 'the health report could not be made; the pull goes without it');
      return undefined;
    }
  };

  /**
   * The next page, asked for before the current one is applied, so it is on the wire (and the hub reading it) while
   * this device commits: a long catch-up costs about the longer of fetching and applying per page, not their sum. It
   * is used only by a pull whose cursor is still the one it follows, and otherwise dropped unread.
   */
  let prefetch: { readonly after: string; readonly answer: Promise<HubResult<PullEnvelope>>; readonly stop: AbortController } | null = null;
  const dropPrefetch = (): void => {
    prefetch?.stop.abort();
    prefetch = null;
  };
  const startPrefetch = (after: string): void => {
    const stop = new AbortController();
    const answer = track(client.pull({ cursor: after, limit: deps.pullLimit }, stop.signal));
    prefetch = { after, answer, stop };
  };

  async function pullBatch(signal: AbortSignal): Promise<PullStep> {
    if (!roomToPull()) {
      dropPrefetch();
      return { ok: false, problem: storageFullProblem };
    }
    const before = syncState.get().cursor;
    const ready = prefetch !== null && prefetch.after === before ? prefetch : null;
    if (ready === null) dropPrefetch();
    prefetch = null;
    // A page asked for ahead carries no health report; the report then goes with a later pull.
    const health = ready === null ? healthReport() : undefined;
    const onAbort = (): void => ready?.stop.abort();
    signal.addEventListener('abort', onAbort);
    const answer = await (ready?.answer ?? client.pull({ cursor: before, limit: deps.pullLimit, ...(health === undefined ? {} : { health }) }, signal));
    signal.removeEventListener('abort', onAbort);
    if (ready === null) reportHealthNext = !answer.ok;
    if (answer.ok && answer.value.health !== undefined) {
      const receipt = answer.value.health;
      const refusal = receipt.status === 'refused' ? receipt.message : null;
      if (refusal !== null && refusal !== lastHealthRefusal)
        logger.warn({ code: 'healthReportInvalid', problem: refusal }, 'the hub refused this device’s health report');
      lastHealthRefusal = refusal;
    }
    if (!answer.ok && answer.failure.kind === 'http' && answer.failure.code === 'cursorFromAnotherHistory') {
      // The hub no longer holds the position this device reached: pull everything again from the start (applying a
      // change the device already has changes nothing), and have the push find what the hub lost.
      logger.warn({ code: 'hubRestored' }, 'the hub was restored to an earlier state; pulling again from the start and re-sending what it lost');
      syncState.setCursor(null);
      hubWentBack = true;
      hubRestoredAt = deps.now();
      return { ok: true, hasMore: true };
    }
    if (!answer.ok) {
      const problem = problemOfHubFailure(answer.failure);
      logger.warn(
        { failure: answer.failure.kind, status: answer.failure.kind === 'http' ? answer.failure.status : undefined, code: problem.code },
        'pull failed',
      );
      return { ok: false, problem };
    }
    // Stopped while the answer was on its way: leave the store alone, the next start pulls the same batch again.
    if (signal.aborted) return { ok: false, problem: aborted };
    if (answer.value.hasMore && answer.value.changes.length > 0) {
      startPrefetch(answer.value.cursor);
      // One turn of the event loop, so the request leaves before the apply below holds the thread.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const applied = applyPull(db, answer.value, { now: deps.now(), blobs: deps.blobs });
    if (!applied.ok) {
      dropPrefetch();
      if (applied.error.kind === 'storeFailed' && applied.error.storageFull) storageFull();
      const problem = problemOfApplyPull(applied.error);
      logger.error(
        {
          code: problem.code,
          kind: applied.error.kind,
          changeIndex: applied.error.kind === 'invalidBatch' ? applied.error.changeIndex : undefined,
          changes: answer.value.changes.length,
        },
        'pull batch refused whole; nothing applied',
      );
      return { ok: false, problem };
    }
    const { applied: written, unchanged, evicted, releasedBlobs, hasMore } = applied.value;
    reportHealthNext = !hasMore;
    logger.info({ changes: answer.value.changes.length, written, unchanged, evicted, releasedBlobs: releasedBlobs.length, hasMore }, 'pull batch applied');
    if (hasMore && answer.value.changes.length === 0 && applied.value.cursor === before) {
      // "More" with nothing in it and the same cursor would be asked for again forever.
      return { ok: false, problem: { code: 'pullStalled', message: 'The hub said it had more changes but sent none.' } };
    }
    return { ok: true, hasMore };
  }

  async function pushMutations(signal: AbortSignal): Promise<PushStep> {
    const outcome = await pushPending(db, client, { deviceId: deps.deviceId, now: deps.now, signal, probeSettled: hubWentBack });
    if (outcome.ok) {
      hubWentBack = false;
      if (outcome.value.sent > 0) logger.info({ ...outcome.value }, 'mutations pushed');
      return { ok: true };
    }
    const problem = problemOfPush(outcome.error);
    const level = outcome.error.kind === 'hub' ? 'warn' : 'error';
    logger[level]({ code: problem.code, error: outcome.error.kind === 'hub' ? outcome.error.failure.kind : outcome.error, ...outcome.partial }, 'push failed');
    return { ok: false, problem };
  }

  async function fetchBlobs(signal: AbortSignal): Promise<BlobStep> {
    if (!roomToPull()) return { problems: [storageFullProblem] };
    const summary = await fetchMissingBlobs(db, client, deps.blobs, { now: deps.now, retries: deps.blobRetries, signal });
    // A download cut short by this device (a pull took priority, or shutdown) is not a problem to report.
    const failures = summary.failures.filter((failure) => !(failure.error.kind === 'hub' && failure.error.failure.kind === 'aborted'));
    if (summary.downloaded > 0 || failures.length > 0) {
      logger.info(
        { downloaded: summary.downloaded, failed: failures.map((failure) => failure.error.kind), remaining: summary.remaining },
        'attachment bytes fetched',
      );
    }
    const problems = failures.map((failure) => problemOfBlob(failure.error));
    if (problems.some((problem) => problem.code === storageFullProblem.code)) storageFull();
    return { problems };
  }

  /**
   * A full disk is a state the machine backs off from, not an error that stops it: a store write that throws because
   * the disk is full (settling pushed mutations, reading the cursor's page) becomes the `storageFull` problem. Any
   * other throw stays a throw, which the machine reports as an internal error.
   */
  async function storageFullAsProblem<T extends PullStep | PushStep>(step: string, work: () => Promise<T>): Promise<T | { ok: false; problem: SyncProblem }> {
    try {
      return await work();
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      storageFull();
      logger.error({ step, code: storageFullProblem.code }, 'the device’s disk is full; sync will try again');
      return { ok: false, problem: storageFullProblem };
    }
  }

  return {
    pullBatch: (signal) => track(storageFullAsProblem('pull', () => pullBatch(signal))),
    pushMutations: (signal) => track(storageFullAsProblem('push', () => pushMutations(signal))),
    fetchBlobs: (signal) => track(fetchBlobs(signal)),
    hubRestoredAt: () => hubRestoredAt,
    drained: async () => {
      // A page asked for ahead is not waited for: nobody will apply it.
      dropPrefetch();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
