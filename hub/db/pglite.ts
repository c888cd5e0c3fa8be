// The embedded backend: PGlite (PostgreSQL compiled to WebAssembly) in this process, in memory or in a data folder.
// PGlite has a single connection and serializes its own transactions with a mutex, so there is no concurrency to
// manage here: a transaction runs alone, and a query outside it waits until it ends.
import { PGlite, types } from '@electric-sql/pglite';
import { CommitNoteBuilder, CommitWatchers } from './commit-notes';
import type { HubDatabase, HubTransaction, SqlExecutor, SqlValue } from './database';
import { DurableNodeFS, durableStartParams, type FlushObserver } from './pglite-durable-fs';

interface PgliteQueryable {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

/** int8 as a number on both backends (PGlite already does so within the safe-integer range; this makes it strict). */
const parsers = {
  [types.INT8]: (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} does not fit a JavaScript number`);
    return parsed;
  },
};

function executor(target: PgliteQueryable): SqlExecutor & Pick<HubTransaction, 'exec'> {
  return {
    async query<Row extends object>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const result = await target.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      await target.exec(script);
    },
  };
}

/** Wraps an open PGlite instance (tests build one from a migrated template). */
export function pgliteDatabase(pglite: PGlite): HubDatabase {
  const outside = executor(pglite);
  // One process holds the whole database, so a transaction's note reaches every watcher as it commits: there is no
  // other process to tell, and no connection to lose.
  const watchers = new CommitWatchers(true);
  return {
    backend: 'pglite',
    query: outside.query,
    async transaction(fn) {
      const note = new CommitNoteBuilder();
      const result = await pglite.transaction((tx) => {
        const inside = executor(tx);
        return fn({ ...inside, announceLog: (site, keys, seq) => note.announceLog(site, keys, seq), announceDevice: (id) => note.announceDevice(id) });
      });
      if (!note.isEmpty()) watchers.committed(note.build());
      return result;
    },
    watchCommits: (watcher) => watchers.add(watcher),
    close: () => pglite.close(),
  };
}

/**
 * Opens PGlite in `dataDir` (created when missing), or in memory when no folder is given. A folder is opened durable:
 * every commit is fsync'd before it is reported done (pglite-durable-fs.ts); memory has nothing to flush.
 */
export async function openPgliteDatabase(options: { dataDir?: string; loadDataDir?: Blob; flushObserver?: FlushObserver } = {}): Promise<HubDatabase> {
  const pglite = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { fs: new DurableNodeFS(options.dataDir, options.flushObserver), startParams: durableStartParams() }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    parsers,
  });
  return pgliteDatabase(pglite);
}
