// A device process for the crash-safety test (test/integration/sync-hub/crash-safety.test.ts), run as
// `node --import tsx test/support/sync-worker.ts <config.json> [--all]`. It opens the device store in the config's data folder,
// reads the hub credential stored there at enrollment, and runs the real sync engine against the hub, while the person
// acts from a fixed plan one action at a time, through the device's real mail and money services (main/mail,
// main/money) wired to the engine as main/runtime.ts wires them: sending a letter, buying a book of stamps, reading a
// letter. Each action is asked for once: one already in the store is never asked for again, as a person would not
// repeat what the screen already accepted, and one the service turned down on the device (no stamps, a contact not
// approved, a letter not here yet) is written to declined.txt in the data folder and not asked for again either (a
// kill before that line is written only means the person asks again, which records nothing either way). A few per
// start. The test SIGKILLs it at chosen moments and starts it again; the last start (`--all`) asks for the rest, runs
// until the device is quiet and exits 0.
//
// Stdout carries one line per event, nothing else:
//   phase <name>            pull:request, pull:received (the answer is in; checking and applying follow),
//                           apply:write (the batch's SQLite transaction has begun; its writes and commit follow),
//                           pull:applied, push:request, push:answered (the hub has answered; settling follows),
//                           push:settled, blob:request, blob:received, blobs:done, record
//   accepted <id> <key>     an action committed to the store (the service's local effect and its outbox row)
//   declined <key> <why>    the service turned the action down on the device; nothing was recorded
//   ready | done <digest>   the engine started | the device is quiet, with its replica digest
// The network is slowed where a crash is most interesting: attachment bytes arrive in small timed chunks, and the
// answer to a push is held a moment after the hub has done the work, before the device may settle it.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { hubPaths } from '../../hub/protocol/index';
import { createMailService, MailAccessError } from '../../main/mail/mail-service';
import { createMoneyService } from '../../main/money/money-service';
import type { RecordMutation } from '../../main/sync/outbox';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { syncStateQueries } from '../../main/store/sync-state';
import { readDeviceCredential } from '../../main/sync/credential';
import { startSyncEngine, syncSettingsOf } from '../../main/sync/engine';
import { replicaDigest } from '../../main/sync/replica-digest';
import { declinedFileName, ensureLocalEffectsTable, localEffectsTable, writeLocalEffect } from './synced-device';

/**
 * What the person will ask the device for, and its key: unique per action, written in the same transaction as the
 * action's outbox row (test/support/synced-device.ts's witness table), so a restart knows it was already accepted.
 */
export type PlannedAction =
  | { readonly key: string; readonly kind: 'send'; readonly residentId: string; readonly contactId: string; readonly body: string; readonly messageId: string }
  | { readonly key: string; readonly kind: 'buy'; readonly residentId: string; readonly requestId: string; readonly bookSize: number }
  | { readonly key: string; readonly kind: 'read'; readonly residentId: string; readonly messageId: string };

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

/** The last lines written, for the report of a stalled start. */
const recentLines: string[] = [];

const emit = (line: string): void => {
  recentLines.push(line);
  if (recentLines.length > 20) recentLines.shift();
  // On Linux a pipe is written asynchronously: a kill may take the last lines with it. The test kills only on a line it
  // has received, and a lost `accepted` line only leaves the test fewer actions to find in the store, never a false
  // one; the end state is checked against the hub regardless.
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
      // The throttled stream is this wrapper's own, not the fetch's: the engine's stop or timeout aborts the fetch,
      // which ends the hub's stream, and this one must end with it rather than rely on a read of the hub's stream to
      // fail in time. So an abort errors it at once and lets go of the hub's stream.
      const signal = init?.signal ?? undefined;
      let throttledController: ReadableStreamDefaultController<Uint8Array> | null = null;
      const onAbort = (): void => {
        throttledController?.error(signal?.reason);
        void reader.cancel(signal?.reason).catch(() => undefined);
      };
      const throttled = new ReadableStream<Uint8Array>({
        start(controller) {
          throttledController = controller;
          if (signal?.aborted) onAbort();
          else signal?.addEventListener('abort', onAbort, { once: true });
        },
        async pull(controller) {
          while (!finished && pending.byteLength < config.blobChunkBytes) {
            const { done, value } = await reader.read();
            if (done) finished = true;
            else pending = Buffer.concat([pending, value]);
          }
          if (pending.byteLength === 0) {
            signal?.removeEventListener('abort', onAbort);
            phase('blob:received');
            controller.close();
            return;
          }
          await sleep(config.blobChunkDelayMs);
          if (signal?.aborted) return;
          controller.enqueue(pending.subarray(0, config.blobChunkBytes));
          pending = pending.subarray(config.blobChunkBytes);
        },
        cancel: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          return reader.cancel(reason);
        },
      });
      return new Response(throttled, { status: response.status, headers: response.headers });
    }
    return fetch(input, init);
  };
}

/** Turns the engine's own log lines into phase markers (it logs after each step it completes). */
function markerLogger() {
  const markers: Record<string, string> = {
    'pull batch applied': 'pull:applied',
    'mutations pushed': 'push:settled',
    'attachment bytes fetched': 'blobs:done',
  };
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

type Services = { readonly mail: ReturnType<typeof createMailService>; readonly money: ReturnType<typeof createMoneyService> };

/** Asks the device's service for the action; whether anything was recorded is what the engine's outbox saw. */
function ask(services: Services, action: PlannedAction): { declined: string } | null {
  try {
    switch (action.kind) {
      case 'send': {
        const result = services.mail.send(action.residentId, { contactId: action.contactId, body: action.body, replyToMessageId: null, draftId: null });
        return result.ok ? null : { declined: result.refusal.reason };
      }
      case 'buy': {
        const result = services.money.buyStamps(action.residentId, { requestId: action.requestId, bookSize: action.bookSize });
        return result.ok ? null : { declined: result.refusal.reason };
      }
      case 'read':
        services.mail.markRead(action.residentId, action.messageId);
        return null;
      default: {
        const unknownAction: never = action;
        throw new Error(`unknown action ${JSON.stringify(unknownAction)}`);
      }
    }
  } catch (error) {
    // The contact or the letter has not arrived on this device yet: the person cannot choose it on the screen.
    if (error instanceof MailAccessError) return { declined: 'notHereYet' };
    throw error;
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
    settings: {
      ...syncSettingsOf(undefined, 'kiosk'),
      intervalMs: 3_600_000,
      backoff: { baseMs: 20, maxMs: 100, minMs: 5 },
      requestTimeoutMs: 10_000,
      blobTimeoutMs: 20_000,
      pullLimit: config.pullLimit,
    },
    logger: markerLogger(),
    now: Date.now,
    fetch: slowFetch(config),
  });
  emit('ready');
  // Node ends a process whose event loop has nothing left with code 0, as if main had finished: a last start whose
  // engine waits on a promise nothing will settle would pass for a quiet one. Both long runs' last starts ended with
  // code 0 and no `done` line; this makes such an end loud, with what the engine and the last lines were.
  process.once('beforeExit', () => {
    process.stderr.write(
      `the event loop emptied before the device was quiet: engine ${JSON.stringify(engine.status())}; last lines ${JSON.stringify(recentLines)}\n`,
    );
    process.exit(3);
  });

  // The services as main/runtime.ts builds them: their mutations go through the engine (which wakes sync). The
  // witness row names the action the person asked for, in the same transaction as the service's own local effect.
  let asking: PlannedAction | null = null;
  let recordedId: number | null = null;
  // Read through a function: the assignment happens inside the engine's callback, which narrowing does not see.
  const recordedMutation = (): number | null => recordedId;
  const recordThroughSync: RecordMutation = (name, args, localEffect) =>
    engine.recordMutation(name, args, (store, mutationId) => {
      const result = localEffect(store, mutationId);
      if (asking === null) throw new Error(`a ${name} mutation recorded outside any planned action`);
      writeLocalEffect(store, mutationId, name, asking.key);
      recordedId = mutationId;
      return result;
    });
  const services: Services = {
    // A letter's id is the plan's, so that the test can find it at the hub; otherwise the service draws it, as on a kiosk.
    mail: createMailService({
      db,
      now: Date.now,
      recordMutation: recordThroughSync,
      newMessageId: () => (asking?.kind === 'send' ? asking.messageId : randomUUID()),
    }),
    money: createMoneyService({ db, now: Date.now, recordMutation: recordThroughSync }),
  };

  const alreadyAccepted = db.prepare<[string], { found: number }>(`SELECT 1 AS found FROM ${localEffectsTable} WHERE action_key = ?`);
  const declinedFile = join(config.dataDir, declinedFileName);
  const declined = new Set(
    existsSync(declinedFile)
      ? readFileSync(declinedFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [],
  );
  let asked = 0;
  for (const action of config.plan) {
    if (alreadyAccepted.get(action.key) !== undefined || declined.has(action.key)) continue;
    if (!recordEverything && asked >= config.actionsPerStart) {
      // This start's share is asked for: keep syncing until the test kills the process.
      await new Promise(() => undefined);
    }
    asked += 1;
    await sleep(config.paceMs);
    phase('record');
    recording = true;
    asking = action;
    recordedId = null;
    try {
      const outcome = ask(services, action);
      const mutationId = recordedMutation();
      if (outcome === null && mutationId !== null) emit(`accepted ${mutationId} ${action.key}`);
      else {
        // markRead of a letter already read records nothing: the screen had nothing to do.
        appendFileSync(declinedFile, `${action.key}\n`);
        emit(`declined ${action.key} ${outcome?.declined ?? 'nothingToDo'}`);
      }
    } finally {
      recording = false;
      asking = null;
    }
  }
  // Without --all a start that ran out of plan keeps syncing until it is killed, like one whose share is asked for.
  if (!recordEverything) await new Promise(() => undefined);

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
  // Exit only once stdout has been handed to the pipe: process.exit drops what is still queued, and a 500-kill run's
  // last start writes thousands of lines before `done`, which was lost that way.
  () => process.stdout.write('', () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
