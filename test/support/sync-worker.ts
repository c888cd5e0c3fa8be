// A device process for the crash-safety test (test/integration/sync-hub/crash-safety.test.ts), run as
// `node --import tsx test/support/sync-worker.ts <config.json> [--all]`. It opens the device store in the config's data folder,
// reads the hub credential stored there at enrollment, and runs the real sync engine against the hub, while it records
// the person's actions of a fixed plan one at a time (each action once: an action already in the store is never
// recorded again, as a person would not repeat what the screen already accepted), a few per start. The test SIGKILLs
// it at chosen moments and starts it again; the last start (`--all`) records the rest, runs until the device is quiet
// and exits 0.
//
// Stdout carries one line per event, nothing else:
//   phase <name>            pull:request, pull:received (the answer is in; checking and applying follow),
//                           apply:write (the batch's SQLite transaction has begun; its writes and commit follow),
//                           pull:applied, push:request, push:answered (the hub has answered; settling follows),
//                           push:settled, blob:request, blob:received, blobs:done, record
//   accepted <id> <key>     an action committed to the store (its local effect and its outbox row)
//   ready | done <digest>   the engine started | the device is quiet, with its replica digest
// The network is slowed where a crash is most interesting: attachment bytes arrive in small timed chunks, and the
// answer to a push is held a moment after the hub has done the work, before the device may settle it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { hubPaths, type Mutation } from '../../hub/protocol/index';
import type { SyncEngine } from '../../main/sync/engine';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { syncStateQueries } from '../../main/store/sync-state';
import { readDeviceCredential } from '../../main/sync/credential';
import { startSyncEngine, syncSettingsOf } from '../../main/sync/engine';
import { replicaDigest } from '../../main/sync/replica-digest';
import { ensureLocalEffectsTable, localEffectsTable, writeLocalEffect } from './synced-device';

type WithoutId<M> = M extends Mutation ? Omit<M, 'id'> : never;

/** A mutation the person will ask for, and its key: unique per action, stored with its local effect, so a restart knows it was already accepted. */
export type PlannedAction = WithoutId<Mutation> & { readonly key: string };

export interface SyncWorkerConfig {
  readonly dataDir: string;
  readonly plan: readonly PlannedAction[];
  /** Between two recorded actions. */
  readonly paceMs: number;
  /** New actions one start records at most (so the plan spans many starts); `--all` on the command line lifts it. */
  readonly actionsPerStart: number;
  readonly pullLimit: number;
  readonly blobChunkBytes: number;
  readonly blobChunkDelayMs: number;
  readonly pushAnswerDelayMs: number;
}

const emit = (line: string): void => {
  // Synchronous on a pipe: the line is out before the next statement runs, so a kill never outruns it.
  process.stdout.write(`${line}\n`);
};
const phase = (name: string): void => emit(`phase ${name}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Between a pull answer's arrival and its batch being applied (or refused): the transaction then begun is the batch's. */
let applyingPull = false;
/** Recording an action runs a transaction of its own, which is not the batch's. */
let recording = false;

/**
 * Marks the start of every store transaction the batch runs in, from inside it: the line is out before the first
 * write, and the writes and the commit follow synchronously, so a kill sent on seeing it lands inside the transaction.
 */
function markTransactions(db: DeviceDatabase): void {
  const begin = db.transaction.bind(db);
  const marked = <F extends (...args: never[]) => unknown>(fn: F) =>
    begin(((...args: Parameters<F>) => {
      if (applyingPull && !recording) phase('apply:write');
      return fn(...args);
    }) as unknown as F);
  db.transaction = marked as typeof db.transaction;
}

function slowFetch(config: SyncWorkerConfig): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.endsWith(hubPaths.pull)) {
      applyingPull = false;
      phase('pull:request');
      const response = await fetch(input, init);
      const body = await response.arrayBuffer();
      applyingPull = response.ok;
      phase('pull:received');
      return new Response(body, { status: response.status, headers: response.headers });
    }
    if (url.pathname.endsWith(hubPaths.push)) {
      phase('push:request');
      const response = await fetch(input, init);
      const body = await response.arrayBuffer();
      phase('push:answered');
      await sleep(config.pushAnswerDelayMs);
      return new Response(body, { status: response.status, headers: response.headers });
    }
    if (url.pathname.includes(`${hubPaths.blobs}/`)) {
      phase('blob:request');
      const response = await fetch(input, init);
      if (!response.ok || response.body === null) return response;
      const reader = response.body.getReader();
      let pending = new Uint8Array(0);
      let finished = false;
      const throttled = new ReadableStream<Uint8Array>({
        async pull(controller) {
          while (!finished && pending.byteLength < config.blobChunkBytes) {
            const { done, value } = await reader.read();
            if (done) finished = true;
            else pending = Buffer.concat([pending, value]);
          }
          if (pending.byteLength === 0) {
            phase('blob:received');
            controller.close();
            return;
          }
          await sleep(config.blobChunkDelayMs);
          controller.enqueue(pending.subarray(0, config.blobChunkBytes));
          pending = pending.subarray(config.blobChunkBytes);
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(throttled, { status: response.status, headers: response.headers });
    }
    return fetch(input, init);
  };
}

/** Turns the engine's own log lines into phase markers (it logs after each step it completes). */
function markerLogger() {
  const markers: Record<string, string> = { 'pull batch applied': 'pull:applied', 'mutations pushed': 'push:settled', 'attachment bytes fetched': 'blobs:done' };
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          const { msg, level } = JSON.parse(line) as { msg?: string; level?: number };
          const marker = msg === undefined ? undefined : markers[msg];
          if (msg === 'pull batch applied' || msg === 'pull batch refused whole; nothing applied') applyingPull = false;
          if (marker !== undefined) phase(marker);
          else if ((level ?? 0) >= 40) process.stderr.write(`${line}\n`);
        }
        done();
      },
    }),
  );
}

/** The person's action: its local effect and its outbox row in one transaction (main/sync/outbox.ts), then sync wakes. */
function record(engine: SyncEngine, action: PlannedAction): number {
  const effect = (store: Parameters<typeof writeLocalEffect>[0], id: number) => writeLocalEffect(store, id, action.name, action.key);
  switch (action.name) {
    case 'sendMessage':
      return engine.recordMutation(action.name, action.args, effect).mutationId;
    case 'markRead':
      return engine.recordMutation(action.name, action.args, effect).mutationId;
    case 'buyStamps':
      return engine.recordMutation(action.name, action.args, effect).mutationId;
    case 'appendAuditEntry':
      return engine.recordMutation(action.name, action.args, effect).mutationId;
    default: {
      const unknownAction: never = action;
      throw new Error(`unknown action ${JSON.stringify(unknownAction)}`);
    }
  }
}

async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (configFile === undefined) throw new Error('usage: sync-worker.ts <config.json> [--all]');
  const recordEverything = process.argv.includes('--all');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as SyncWorkerConfig;
  const db = openDeviceDatabase(join(config.dataDir, 'device.sqlite'));
  ensureLocalEffectsTable(db);
  markTransactions(db);
  const stored = readDeviceCredential(config.dataDir);
  if (stored.kind !== 'found') throw new Error(`no credential in ${config.dataDir}`);
  const engine = startSyncEngine({
    db,
    dataDir: config.dataDir,
    credential: stored.credential,
    settings: { ...syncSettingsOf(undefined, 'kiosk'), intervalMs: 3_600_000, backoff: { baseMs: 20, maxMs: 100, minMs: 5 }, requestTimeoutMs: 10_000, blobTimeoutMs: 20_000, pullLimit: config.pullLimit },
    logger: markerLogger(),
    now: Date.now,
    fetch: slowFetch(config),
  });
  emit('ready');

  const alreadyAccepted = db.prepare<[string], { found: number }>(`SELECT 1 AS found FROM ${localEffectsTable} WHERE action_key = ?`);
  let recorded = 0;
  for (const action of config.plan) {
    if (alreadyAccepted.get(action.key) !== undefined) continue;
    if (!recordEverything && recorded >= config.actionsPerStart) {
      // This start's share is recorded: keep syncing until the test kills the process.
      await new Promise(() => undefined);
    }
    recorded += 1;
    await sleep(config.paceMs);
    phase('record');
    recording = true;
    try {
      emit(`accepted ${record(engine, action)} ${action.key}`);
    } finally {
      recording = false;
    }
  }

  // Everything is recorded: sync until quiet — a cycle ends idle with nothing waiting, and the whole cycle after it
  // changes nothing (a failed cycle starts the count again, as in synced-device.ts's syncToQuiet).
  let settledAfter: string | null = null;
  for (;;) {
    engine.send({ type: 'SYNC_NOW' });
    const status = await engine.whenResting();
    if (status.state !== 'idle' || status.pendingMutations > 0 || status.blobsWaiting > 0) {
      settledAfter = null;
      continue;
    }
    const fingerprint = `${replicaDigest(db)}|${syncStateQueries(db).get().cursor ?? ''}`;
    if (fingerprint === settledAfter) break;
    settledAfter = fingerprint;
  }
  const digest = replicaDigest(db);
  await engine.stop();
  db.close();
  emit(`done ${digest}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
