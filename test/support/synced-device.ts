// A real device for the device ↔ real hub tests: a store on disk in its own temp folder, enrolled with the hub over
// HTTP with a one-time code (main/sync/credential.ts), and the real sync engine (main/sync/engine.ts) talking to the
// hub — directly or through a fault proxy. Actions the person takes go through the engine's recordMutation with a
// local effect, as the screens will: the effect is a row in a test-owned table written in the same transaction as
// the outbox row, so a test can see that the two are always both there or both absent.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { MutationArgs, MutationName } from '../../hub/protocol/index';
import type { SyncStatus } from '../../main/contract';
import type { Logger } from '../../main/logging';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { syncStateQueries } from '../../main/store/sync-state';
import { openBlobStore } from '../../main/sync/blobs';
import { enrollDevice, readDeviceCredential, type DeviceCredential } from '../../main/sync/credential';
import type { ChangeStreamRetry } from '../../main/sync/change-stream';
import { startSyncEngine, syncSettingsOf, type SyncEngine, type SyncSettings } from '../../main/sync/engine';
import { replicaDigest, replicaRecords, type ReplicaRecord } from '../../main/sync/replica-digest';
import { makeTempDir } from './temp-dir';

export const localEffectsTable = 'test_local_effects';

/** In a crash worker's data folder (sync-worker.ts): the keys of the actions the device's services turned down, one a line. */
export const declinedFileName = 'declined.txt';

/** The local effect of every action: one row per mutation, keyed by what makes the action unique (its message or request id). */
export function ensureLocalEffectsTable(db: DeviceDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${localEffectsTable} (
    mutation_id INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    action_key  TEXT NOT NULL UNIQUE
  ) STRICT`);
}

export function writeLocalEffect(db: DeviceDatabase, mutationId: number, name: MutationName, actionKey: string): void {
  db.prepare(`INSERT INTO ${localEffectsTable} (mutation_id, name, action_key) VALUES (?, ?, ?)`).run(mutationId, name, actionKey);
}

/** Settings for tests: no interval (only triggers run a cycle), a short backoff, small pull batches unless asked. */
export function testSyncSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    ...syncSettingsOf(undefined, 'kiosk'),
    intervalMs: 3_600_000,
    backoff: { baseMs: 20, maxMs: 120, minMs: 5 },
    requestTimeoutMs: 5_000,
    blobTimeoutMs: 10_000,
    pullLimit: 100,
    ...overrides,
  };
}

export function silentLogger(lines?: string[]): Logger {
  return pino(
    { level: lines === undefined ? 'silent' : 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines?.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
}

/**
 * The key of an action: what makes it one action and not another — the message id of a message, the request id of a
 * purchase. Reading is not unique (the same letter may be marked read twice), so a read gets a fresh key.
 */
export function actionKeyOf<N extends MutationName>(name: N, args: MutationArgs<N>): string {
  if ('requestId' in args) return `buy:${args.requestId}`;
  if ('body' in args) return `send:${args.messageId}`;
  return `${name}:${randomUUID()}`;
}

export interface SyncedDevice {
  readonly name: string;
  readonly dataDir: string;
  readonly db: DeviceDatabase;
  readonly credential: DeviceCredential;
  readonly deviceId: string;
  readonly engine: SyncEngine;
  /** What the person does: the local effect and the outbox row in one transaction, then sync wakes up. */
  act<N extends MutationName>(name: N, args: MutationArgs<N>, actionKey?: string): number;
  digest(): string;
  records(): ReplicaRecord[];
  cursor(): string | null;
  /** Stops the engine and starts it again on the same store (as a device restart would). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface EnrollOptions {
  readonly name: string;
  readonly hubUrl: string;
  readonly code: string;
  /** Where the engine sends its requests (a fault proxy); the hub's own URL when absent. */
  readonly via?: string;
  readonly settings?: Partial<SyncSettings>;
  readonly fetch?: typeof fetch;
  readonly logLines?: string[];
  /** How soon the change stream is opened again after it ended or failed (a test of a lost hub need not wait 10 s). */
  readonly streamRetry?: Partial<ChangeStreamRetry>;
}

export async function enrollSyncedDevice(options: EnrollOptions): Promise<SyncedDevice> {
  const dir = makeTempDir('dayroom-synced-');
  const dataDir = join(dir.path, 'data');
  const enrolled = await enrollDevice({ dataDir, hubUrl: options.hubUrl, code: options.code, deviceName: options.name, appVersion: '0.1.0' });
  if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.error.code} ${enrolled.error.message}`);
  const stored = readDeviceCredential(dataDir);
  if (stored.kind !== 'found') throw new Error('the credential was not stored');
  const credential = { ...stored.credential, hubUrl: options.via ?? stored.credential.hubUrl };
  let db = openDeviceDatabase(join(dataDir, 'device.sqlite'));
  ensureLocalEffectsTable(db);
  const start = (): SyncEngine =>
    startSyncEngine({
      db,
      dataDir,
      credential,
      settings: testSyncSettings(options.settings),
      logger: silentLogger(options.logLines),
      now: Date.now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.streamRetry === undefined ? {} : { streamRetry: options.streamRetry }),
    });
  let engine = start();
  let stopped = false;
  const device: SyncedDevice = {
    name: options.name,
    dataDir,
    get db() {
      return db;
    },
    credential,
    deviceId: credential.deviceId,
    get engine() {
      return engine;
    },
    act(name, args, actionKey) {
      const key = actionKey ?? actionKeyOf(name, args);
      return engine.recordMutation(name, args, (store, mutationId) => writeLocalEffect(store, mutationId, name, key)).mutationId;
    },
    digest: () => replicaDigest(db),
    records: () => replicaRecords(db),
    cursor: () => syncStateQueries(db).get().cursor,
    async restart() {
      await engine.stop();
      db.close();
      db = openDeviceDatabase(join(dataDir, 'device.sqlite'));
      engine = start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      db.close();
      dir.remove();
    },
  };
  return device;
}

/**
 * Runs sync cycles ("sync now") until the device is quiet: a cycle ends idle with nothing waiting in the outbox or for
 * a download, and the whole cycle after it — whose pull comes after everything the first one pushed — changes neither
 * the replica nor the cursor. A cycle that fails resets the count: its pull may have been lost, and the push of the
 * retry that follows it has effects only the next pull brings.
 */
export async function syncToQuiet(device: SyncedDevice, maxCycles = 60): Promise<SyncStatus> {
  let settledAfter: string | null = null;
  let status: SyncStatus = device.engine.status();
  for (let cycle = 0; cycle < maxCycles; cycle++) {
    device.engine.send({ type: 'SYNC_NOW' });
    status = await device.engine.whenResting();
    if (status.state !== 'idle' || status.pendingMutations > 0 || status.blobsWaiting > 0) {
      settledAfter = null;
      continue;
    }
    const fingerprint = `${device.digest()}|${device.cursor() ?? ''}`;
    if (fingerprint === settledAfter) return status;
    settledAfter = fingerprint;
  }
  throw new Error(`${device.name} did not become quiet in ${maxCycles} cycles: ${JSON.stringify(status)}`);
}

export interface BlobFolderState {
  /** Files under blobs/tmp (downloads in progress or left by a crash). */
  readonly temporary: string[];
  /** Hashes of the files in place, each checked: the bytes hash to the name. */
  readonly files: string[];
  /** Files whose bytes do not hash to their name. */
  readonly damaged: string[];
}

export function blobFolderState(dataDir: string): BlobFolderState {
  const store = openBlobStore(dataDir);
  const temporary = existsSync(join(store.dir, 'tmp')) ? readdirSync(join(store.dir, 'tmp')) : [];
  const files: string[] = [];
  const damaged: string[] = [];
  for (const prefix of readdirSync(store.dir)) {
    if (prefix === 'tmp' || !statSync(join(store.dir, prefix)).isDirectory()) continue;
    for (const name of readdirSync(join(store.dir, prefix))) {
      const hash = createHash('sha256')
        .update(readFileSync(join(store.dir, prefix, name)))
        .digest('hex');
      (hash === name ? files : damaged).push(name);
    }
  }
  return { temporary, files: files.sort(), damaged };
}

/** The hashes of the delivered attachments in the replica: exactly the files a quiet device holds. */
export function deliveredAttachmentHashes(db: DeviceDatabase): string[] {
  return db
    .prepare<[], { sha256: string }>("SELECT DISTINCT sha256 FROM message_attachments WHERE status = 'delivered' ORDER BY sha256")
    .all()
    .map((row) => row.sha256);
}

/** A deterministic v4 UUID from a seeded generator, so two runs of one scenario choose the same ids. */
export function seededUuid(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
