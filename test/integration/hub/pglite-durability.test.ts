// The embedded hub's commits are on disk before they are reported done. PGlite as shipped runs PostgreSQL with fsync
// off and a filesystem whose fsync does nothing (hub/db/pglite-durable-fs.ts says why); this wraps the host's file
// writes and flushes and shows that when a transaction returns, every byte written to the WAL has been fsync'd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../../hub/db/pglite';
import { migrate } from '../../../hub/db/migrate';
import { durableStartParams, type FlushObserver } from '../../../hub/db/pglite-durable-fs';
import type { HubDatabase } from '../../../hub/db/database';
import { makeTempDir } from '../../support/temp-dir';

/** Files written since their last fsync: what a power cut could still take away. */
class UnflushedWrites implements FlushObserver {
  readonly dirty = new Set<string>();
  flushes = 0;
  wrote(path: string): void {
    this.dirty.add(path);
  }
  flushed(path: string): void {
    this.flushes += 1;
    this.dirty.delete(path);
  }
  unflushedWal(): string[] {
    return [...this.dirty].filter((path) => path.startsWith('pg_wal/'));
  }
}

// Creating a PGlite folder runs initdb in WebAssembly: tens of seconds on a loaded machine, so the file opens one.
const openTimeoutMs = 240_000;

describe('the embedded hub (PGlite in a folder)', () => {
  const folder = makeTempDir('dayroom-hub-durable-');
  const writes = new UnflushedWrites();
  let database: HubDatabase;
  beforeAll(async () => {
    database = await openPgliteDatabase({ dataDir: folder.path, flushObserver: writes });
    await migrate(database);
    await database.query('CREATE TABLE durability_probe (n integer PRIMARY KEY)');
  }, openTimeoutMs);
  afterAll(async () => {
    await database.close();
    folder.remove();
  });

  it('starts PostgreSQL with fsync on and the WAL flushed by fsync (the one sync call its build passes on)', async () => {
    expect(durableStartParams()).not.toContain('-F');
    const [fsync] = await database.query<{ fsync: string }>('SHOW fsync');
    const [method] = await database.query<{ wal_sync_method: string }>('SHOW wal_sync_method');
    const [commit] = await database.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect({ fsync: fsync?.fsync, method: method?.wal_sync_method, commit: commit?.synchronous_commit }).toEqual({
      fsync: 'on',
      method: 'fsync',
      commit: 'on',
    });
  });

  it('has fsync’d every WAL write by the time a committing transaction returns', async () => {
    for (let n = 1; n <= 20; n += 1) {
      const flushesBefore = writes.flushes;
      await database.transaction(async (tx) => {
        await tx.query('INSERT INTO durability_probe (n) VALUES ($1)', [n]);
      });
      expect(writes.unflushedWal(), `after commit ${n}`).toEqual([]);
      expect(writes.flushes, `commit ${n} flushed`).toBeGreaterThan(flushesBefore);
    }
  });

  it('reports a read-only transaction done without a flush (nothing to make durable)', async () => {
    const flushesBefore = writes.flushes;
    await database.transaction(async (tx) => {
      await tx.query('SELECT count(*) FROM durability_probe');
    });
    expect(writes.flushes).toBe(flushesBefore);
  });
});
