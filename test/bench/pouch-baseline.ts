// sync-e2e's baseline: the same letters replicated PouchDB → PouchDB, the way a CouchDB-style app would catch a device
// up. The source is served over loopback HTTP from its own process (pouch-process.ts), as the Dayroom hub is; the
// target is a fresh on-disk PouchDB (pouchdb-node: LevelDB through leveldown) in this process, as the device store is,
// filled by PouchDB's own replicate() with its default settings. LevelDB does not fsync a write unless asked (its
// WriteOptions.sync); the device store fsyncs every commit (WAL, synchronous=FULL), so the baseline that counts runs
// the target with every LevelDB write synced, and a second replication shows PouchDB as shipped.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import leveldown from 'leveldown';
import PouchDB from 'pouchdb-node';
import { makeTempDir } from '../support/temp-dir';
import { forkWithRequests } from './child-ipc';
import type { LetterDoc, PouchRequest, PouchSeed } from './pouch-process';

const sourceScript = fileURLToPath(new URL('./pouch-process.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** PouchDB's own default (pouchdb-replication: batch_size 100); BENCH_POUCHDB_BATCH_SIZE tries another. */
function batchSize(): number {
  const raw = process.env.BENCH_POUCHDB_BATCH_SIZE;
  if (raw === undefined || raw === '') return 100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_POUCHDB_BATCH_SIZE must be a positive whole number, not "${raw}"`);
  return value;
}

/**
 * leveldown with LevelDB's `sync` write option on every write (put, del, batch, chained batch): each write fsyncs
 * LevelDB's log before it answers, so what PouchDB has acknowledged survives a power cut, as a committed SQLite
 * transaction with synchronous=FULL does. PouchDB's leveldb adapter never passes the option itself.
 */
function SyncedLevelDOWN(location: string): leveldown.LevelDown {
  const db = leveldown(location);
  const put = db._put.bind(db);
  const del = db._del.bind(db);
  const batch = db._batch.bind(db);
  const chainedBatch = db._chainedBatch.bind(db);
  db._put = (key, value, options, callback) => put(key, value, { ...options, sync: true }, callback);
  db._del = (key, options, callback) => del(key, { ...options, sync: true }, callback);
  db._batch = (operations, options, callback) => batch(operations, { ...options, sync: true }, callback);
  db._chainedBatch = () => {
    const chained = chainedBatch();
    const write = chained._write.bind(chained);
    chained._write = (options, callback) => write({ ...options, sync: true }, callback);
    return chained;
  };
  return db;
}

export interface PouchRun {
  readonly seconds: number;
  readonly docsPerSecond: number;
  /** Time with at least one of the replicator's requests waiting for the source's answer (until its headers came). */
  readonly sourceWaitSeconds: number;
  readonly requests: number;
}

export interface PouchBaseline {
  readonly docs: number;
  readonly jsonBytes: number;
  readonly batchSize: number;
  readonly seedSeconds: number;
  /** Target writes fsynced (the baseline the ratio uses). */
  readonly synced: PouchRun;
  /** Target as PouchDB ships it: LevelDB writes reach the OS, not the disk, when PouchDB answers. */
  readonly asShipped: PouchRun;
  readonly pouchdbVersion: string;
}

async function replicateOnce(url: string, docs: number, synced: boolean, batch: number): Promise<PouchRun> {
  const dir = makeTempDir('dayroom-bench-pouch-target-');
  try {
    let requests = 0;
    let waitMs = 0;
    // The replicator keeps several requests in flight (the changes feed, then bulk_get per batch), so the time any
    // one of them is waiting is counted once: from the first going out to the last answer in.
    let inFlight = 0;
    let busySince = 0;
    const source = new PouchDB<Omit<LetterDoc, '_id'>>(url, {
      fetch: async (input, init) => {
        requests += 1;
        if (inFlight++ === 0) busySince = performance.now();
        try {
          return await PouchDB.fetch(input, init);
        } finally {
          if (--inFlight === 0) waitMs += performance.now() - busySince;
        }
      },
    });
    const target = new PouchDB<Omit<LetterDoc, '_id'>>(join(dir.path, 'letters'), { adapter: 'leveldb', ...(synced ? { db: SyncedLevelDOWN } : {}) });
    // Opening the target (creating the LevelDB folder) is not replication; make it happen before the clock starts.
    await target.info();
    const started = performance.now();
    const result = await target.replicate.from(source, { batch_size: batch });
    const wallMs = performance.now() - started;
    if (!result.ok || result.docs_written !== docs) throw new Error(`PouchDB replication wrote ${result.docs_written} of ${docs} documents`);
    const info = await target.info();
    if (info.doc_count !== docs) throw new Error(`the PouchDB target holds ${info.doc_count} of ${docs} documents`);
    await target.close();
    await source.close();
    return { seconds: wallMs / 1000, docsPerSecond: (docs / wallMs) * 1000, sourceWaitSeconds: waitMs / 1000, requests };
  } finally {
    dir.remove();
  }
}

/** Seeds a PouchDB source with the letters of an e2e facility of `messages` messages, and replicates it twice. */
export async function pouchBaseline(messages: number): Promise<PouchBaseline> {
  const dir = makeTempDir('dayroom-bench-pouch-source-');
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_POUCH_DATA_DIR: dir.path };
  const forked = await forkWithRequests<{ url: string }>(sourceScript, { cwd: repositoryRoot, env, label: 'the PouchDB source' }).catch((error: unknown) => {
    dir.remove();
    throw error;
  });
  // The child answers each command as pouch-process.ts says; IPC carries it untyped.
  const call = forked.call as (request: PouchRequest) => Promise<unknown>;
  try {
    const seedStarted = performance.now();
    const seed = (await call({ command: 'seed', messages })) as PouchSeed;
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const batch = batchSize();
    const synced = await replicateOnce(seed.url, seed.docs, true, batch);
    const asShipped = await replicateOnce(seed.url, seed.docs, false, batch);
    return { docs: seed.docs, jsonBytes: seed.jsonBytes, batchSize: batch, seedSeconds, synced, asShipped, pouchdbVersion: PouchDB.version };
  } finally {
    await forked.stop({ command: 'stop' } satisfies PouchRequest);
    dir.remove();
  }
}
