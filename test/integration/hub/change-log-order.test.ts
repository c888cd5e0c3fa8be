// Change-log order without one global lock (hub/services/change-log.ts): on a real PostgreSQL, a site's writer waits
// for another writer of the same site until it commits — that is what keeps a pull's view a prefix of its site's log —
// and never for a writer of another site. Waiting is read from pg_locks, not from the clock.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HubDatabase } from '../../../hub/db/database';
import { appendEvict } from '../../../hub/services/change-log';
import { freshHubDatabase, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';

useHubDatabases();

/** A promise the test resolves when it wants a transaction to go on to its commit. */
function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('change-log order on PostgreSQL', () => {
  let testDatabase: TestHubDatabase;
  let database: HubDatabase;

  beforeAll(async () => {
    testDatabase = await freshHubDatabase('postgres');
    database = testDatabase.database;
  }, 60_000);
  afterAll(async () => {
    await testDatabase.dispose();
  });

  const waitingForAdvisoryLocks = async (): Promise<number> => {
    // This test's database only: other test files share the cluster.
    const [row] = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    return row?.n ?? -1;
  };

  /** Appends one row for `site` and holds the transaction open until `hold` resolves. */
  const appendHeld = (site: string, hold: Promise<void>, appended: () => void): Promise<void> =>
    database.transaction(async (tx) => {
      await appendEvict(tx, { kind: 'housingUnit', siteId: site, housingUnitId: `${site}-unit` }, `${site}-resident`, 1, 0);
      appended();
      await hold;
    });

  it('a writer of another site goes on while one site’s writer holds its transaction open', async () => {
    const holdA = gate();
    let appendedA = false;
    const writerA = appendHeld('site-a', holdA.promise, () => (appendedA = true));
    await vi.waitFor(() => expect(appendedA).toBe(true));
    // Site B appends and commits while site A's transaction is still open.
    await appendHeld('site-b', Promise.resolve(), () => undefined);
    expect(await waitingForAdvisoryLocks()).toBe(0);
    holdA.open();
    await writerA;
  });

  it('a second writer of the same site waits for the first to commit, and its rows come after', async () => {
    const holdFirst = gate();
    let firstAppended = false;
    let secondAppended = false;
    const first = appendHeld('site-c', holdFirst.promise, () => (firstAppended = true));
    await vi.waitFor(() => expect(firstAppended).toBe(true));
    const second = appendHeld('site-c', Promise.resolve(), () => (secondAppended = true));
    await vi.waitFor(async () => expect(await waitingForAdvisoryLocks()).toBe(1));
    expect(secondAppended).toBe(false);
    holdFirst.open();
    await Promise.all([first, second]);
    const rows = await database.query<{ seq: number; record_id: string }>("SELECT seq, record_id FROM change_log WHERE site_id = 'site-c' ORDER BY seq");
    expect(rows).toHaveLength(2);
    expect(await waitingForAdvisoryLocks()).toBe(0);
  });
});
