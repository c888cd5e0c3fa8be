// The sync engine as the runtime sees it: the sync machine running with real services, its status, and the one way
// to record a mutation that also wakes sync up. Built only when the device holds a hub credential.
import { createActor, fromPromise, waitFor, type ActorOptions } from 'xstate';
import { defaultSyncIntervalSeconds, HubSettings } from '../../kiosk-config/schema';
import type { MutationArgs, MutationName } from '../../hub/protocol';
import type { SyncState, SyncStatus } from '../contract';
import { SyncErrorCode } from '../contract';
import type { Logger } from '../logging';
import type { DeviceDatabase } from '../store/database';
import { isStorageFull } from '../store/storage-full';
import { BlobRetryPolicy, openBlobStore } from './blobs';
import type { DeviceCredential } from './credential';
import { createHubClient, type HubClient } from './hub-client';
import { openChangeStream, type ChangeStream, type ChangeStreamRetry } from './change-stream';
import { adoptDeviceIdentity } from './identity';
import { recordMutation, type RecordedMutation } from './outbox';
import { createSyncServices, type SyncServicesDeps } from './sync-services';
import { syncMachine, syncStatusOf, type BackoffPolicy, type BlobStep, type PullStep, type PushStep, type SyncEvent } from './sync-machine';
import { storeQueriesOf } from '../store/store-queries';

export interface SyncSettings {
  readonly intervalMs: number;
  /** Open the hub's change stream (change-stream.ts); off, the device only polls. */
  readonly liveChanges: boolean;
  /** Between polls while the stream is open. */
  readonly streamingIntervalMs: number;
  readonly backoff: BackoffPolicy;
  readonly requestTimeoutMs: number;
  readonly blobTimeoutMs: number;
  readonly pullLimit: number;
  readonly maxPullBatchesPerCycle: number;
}

/** The site file's hub section (or its defaults, when it has none) as the engine's settings. */
export function syncSettingsOf(configured: HubSettings | undefined, mode: 'kiosk' | 'tablet'): SyncSettings {
  const hub = configured ?? HubSettings.parse({});
  return {
    intervalMs: (hub.syncIntervalSeconds ?? defaultSyncIntervalSeconds[mode]) * 1000,
    liveChanges: hub.liveChanges,
    streamingIntervalMs: hub.pollWhileLiveSeconds * 1000,
    backoff: { baseMs: hub.backoffBaseSeconds * 1000, maxMs: hub.backoffMaxSeconds * 1000, minMs: Math.min(1000, hub.backoffBaseSeconds * 1000) },
    requestTimeoutMs: hub.requestTimeoutSeconds * 1000,
    blobTimeoutMs: hub.blobTimeoutSeconds * 1000,
    pullLimit: hub.pullBatchSize,
    maxPullBatchesPerCycle: 50,
  };
}

export interface SyncEngineOptions {
  readonly db: DeviceDatabase;
  readonly dataDir: string;
  readonly credential: DeviceCredential;
  readonly settings: SyncSettings;
  readonly logger: Logger;
  /** Wall-clock time for stored timestamps; must agree with `clock`. */
  readonly now: () => number;
  readonly clock?: ActorOptions<typeof syncMachine>['clock'];
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  /** The device's storage reserve says whether pulls and attachments may write (sync-services.ts); absent: always. */
  readonly roomToPull?: () => boolean;
  /** A sync write met a full disk; the runtime gives its reserve back. */
  readonly onStorageFull?: () => void;
  /** The device's health, sent with the first pull of each cycle (sync-services.ts). */
  readonly healthReport?: SyncServicesDeps['healthReport'];
  /** The change stream's waits (tests shorten them). */
  readonly streamRetry?: Partial<ChangeStreamRetry>;
}

export interface SyncEngine {
  readonly deviceId: string;
  status(): SyncStatus;
  /** A trigger: a resident signed in, staff pressed "sync now", the network came back. */
  send(event: SyncEvent): void;
  /** Writes the local effect and the mutation together (outbox.ts), then wakes sync to push it. */
  recordMutation<N extends MutationName, T>(name: N, args: MutationArgs<N>, localEffect: (db: DeviceDatabase, mutationId: number) => T): RecordedMutation<T>;
  onStatusChange(listener: (status: SyncStatus) => void): () => void;
  /** Resolves when the machine rests (idle or backing off). For tests and for a "sync now" that wants the outcome. */
  whenResting(): Promise<SyncStatus>;
  /**
   * Starts a cycle now and resolves when it has got as far as `through`: 'pull' once the pull phase is over (the
   * records are in; photos may still be coming), 'push' once the push phase is over too. Either way it resolves early
   * when the cycle fails; the status says how it went. Tablet assignment waits on this (main/tablet).
   */
  syncThrough(through: 'pull' | 'push'): Promise<SyncStatus>;
  /** The hub client with this device's credential, for the calls that are not sync (a tablet's assignment). */
  readonly hub: HubClient;
  stop(): Promise<void>;
}

function storedError(stored: { code: string; message: string; at: number } | null): SyncStatus['lastError'] {
  if (!stored) return null;
  const code = SyncErrorCode.safeParse(stored.code);
  return code.success ? { code: code.data, message: stored.message, at: stored.at } : null;
}

export function startSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, credential, settings, logger, now } = options;
  const identity = adoptDeviceIdentity(db, { deviceId: credential.deviceId, hubUrl: credential.hubUrl }, { now: now() });
  if (identity !== 'unchanged') logger.info({ deviceId: credential.deviceId, identity }, 'device identity adopted');

  const blobs = openBlobStore(options.dataDir);
  const attachments = storeQueriesOf(db).attachments;
  const swept = blobs.sweep((sha256) => attachments.isReferenced(sha256));
  if (swept.temporary + swept.unreferenced > 0) logger.info(swept, 'leftover attachment files removed');

  const client = createHubClient({
    hubUrl: credential.hubUrl,
    secret: credential.secret,
    timeoutMs: settings.requestTimeoutMs,
    blobTimeoutMs: settings.blobTimeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const services = createSyncServices({
    db,
    client,
    blobs,
    blobRetries: new BlobRetryPolicy(),
    deviceId: credential.deviceId,
    pullLimit: settings.pullLimit,
    now,
    logger,
    ...(options.roomToPull ? { roomToPull: options.roomToPull } : {}),
    ...(options.onStorageFull ? { onStorageFull: options.onStorageFull } : {}),
    ...(options.healthReport ? { healthReport: options.healthReport } : {}),
  });
  const syncState = storeQueriesOf(db).syncState;
  const outbox = storeQueriesOf(db).outbox;
  const stored = syncState.get();

  /**
   * The machine's actions write status to the store. A write that fails (a full disk) must not throw inside the
   * machine: xstate stops an actor whose action throws, and sync would then sit in "pulling" for good while "Sync now"
   * answered "already syncing". The failure is logged (the logger never throws) and the machine carries on; what it
   * keeps in memory is what status shows.
   */
  const writeStatus = (what: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      logger.error({ err: error, what, storageFull: isStorageFull(error) }, 'sync status could not be saved on this device');
    }
  };

  const actor = createActor(
    syncMachine.provide({
      actors: {
        pullBatch: fromPromise<PullStep>(({ signal }) => services.pullBatch(signal)),
        pushMutations: fromPromise<PushStep>(({ signal }) => services.pushMutations(signal)),
        fetchBlobs: fromPromise<BlobStep>(({ signal }) => services.fetchBlobs(signal)),
      },
      actions: {
        cycleSucceeded: (_, { at }) => writeStatus('success', () => syncState.recordSuccess(at)),
        cycleFailed: (_, { error, retryInMs }) => {
          writeStatus('error', () => syncState.recordError(error));
          logger.warn({ code: error.code, retryInMs }, 'sync failed; backing off');
        },
        blobProblems: (_, { problems }) => {
          if (problems.length > 0) logger.warn({ codes: problems.map((problem) => problem.code) }, 'some attachments could not be fetched');
        },
      },
    }),
    {
      input: {
        now,
        intervalMs: settings.intervalMs,
        streamingIntervalMs: settings.streamingIntervalMs,
        backoff: settings.backoff,
        random: options.random ?? Math.random,
        maxPullBatchesPerCycle: settings.maxPullBatchesPerCycle,
        lastSuccessAt: stored.lastSuccessAt,
        lastError: storedError(stored.lastError),
      },
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );

  let stopped = false;
  const listeners = new Set<(status: SyncStatus) => void>();
  const status = (): SyncStatus => {
    const current = syncStatusOf(
      actor.getSnapshot(),
      stopped ? { pendingMutations: 0, blobsWaiting: 0 } : { pendingMutations: outbox.pendingCount(), blobsWaiting: attachments.toFetchCount() },
    );
    const hubRestoredAt = services.hubRestoredAt();
    return hubRestoredAt === null ? current : { ...current, hubRestoredAt };
  };
  let lastPublished = '';
  const publish = (): void => {
    if (stopped) return;
    const current = status();
    const serialized = JSON.stringify(current);
    if (serialized === lastPublished) return;
    lastPublished = serialized;
    for (const listener of listeners) {
      try {
        listener(current);
      } catch (error) {
        logger.error({ err: error }, 'sync status listener failed');
      }
    }
  };
  actor.subscribe({ next: publish, error: (error) => logger.fatal({ err: error }, 'sync machine stopped') });
  actor.start();
  logger.info({ deviceId: credential.deviceId, intervalMs: settings.intervalMs }, 'sync engine started');
  // A device that just started has been away: look for changes now rather than after a whole interval.
  actor.send({ type: 'SYNC_NOW' });
  // The hub's word that there is something to pull; polling goes on beside it, slower while it is open.
  const stream: ChangeStream | null = settings.liveChanges
    ? openChangeStream({
        hubUrl: credential.hubUrl,
        secret: credential.secret,
        logger,
        onReady: () => {
          if (!stopped) actor.send({ type: 'STREAM_CONNECTED' });
        },
        onChanges: () => {
          if (!stopped) actor.send({ type: 'HUB_CHANGED' });
        },
        onLost: () => {
          if (!stopped) actor.send({ type: 'STREAM_LOST' });
        },
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.streamRetry ? { retry: options.streamRetry } : {}),
      })
    : null;

  return {
    deviceId: credential.deviceId,
    status,
    send: (event) => {
      if (!stopped) actor.send(event);
    },
    recordMutation: (name, args, localEffect) => {
      const recorded = recordMutation(db, name, args, localEffect, { now: now() });
      publish();
      if (!stopped) actor.send({ type: 'MUTATION_RECORDED' });
      return recorded;
    },
    onStatusChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenResting: async () => {
      await waitFor(actor, (snapshot) => snapshot.matches('idle') || snapshot.matches('backingOff'));
      return status();
    },
    hub: client,
    syncThrough: async (through) => {
      if (stopped) return status();
      // Sent first: from any state, SYNC_NOW starts a cycle now or marks one to follow (then the wait covers it too,
      // because the state is not done before the rerun's pull has run).
      actor.send({ type: 'SYNC_NOW' });
      const done: readonly SyncState[] = through === 'pull' ? ['pushing', 'fetchingBlobs', 'idle', 'backingOff'] : ['fetchingBlobs', 'idle', 'backingOff'];
      let rerunPending = actor.getSnapshot().context.rerun;
      await waitFor(
        actor,
        (snapshot) => {
          // A cycle already past its pull when the trigger came carries on to its end and then pulls again: wait for that one.
          if (rerunPending) {
            if (snapshot.matches('pulling') && !snapshot.context.rerun) rerunPending = false;
            if (snapshot.matches('backingOff') || snapshot.matches('idle')) return true;
            return false;
          }
          return done.some((state) => state !== 'notEnrolled' && snapshot.matches(state));
        },
        { timeout: Infinity },
      );
      return status();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      listeners.clear();
      await stream?.stop();
      // Stopping the actor aborts the running step's signal; then wait for it, so nothing touches a closed store.
      actor.stop();
      await services.drained();
      logger.info('sync engine stopped');
    },
  };
}
