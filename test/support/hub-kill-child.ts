// The hub as a process of its own, for test/integration/sync-hub/hub-kill.test.ts, run as
// `node --import tsx test/support/hub-kill-child.ts`: the real startHub over PGlite in HUB_DATA_DIR or the PostgreSQL
// database named by DATABASE_URL, listening on HUB_PORT (the same port on every start, so devices find it again).
//
// HUB_KILL={"moment": ..., "nth": n} makes it SIGKILL itself inside its n-th push transaction since it started — a
// transaction that records a device's mutation in device_mutations (push applies each mutation in one of its own):
//   inTransaction  as the mutation's result row is written: its effects are written, nothing is committed
//   beforeCommit   the transaction's work is all done, its COMMIT not yet sent
//   afterCommit    committed, and the device has not been answered (the rest of its push never runs)
// The kill is the process's own SIGKILL, sent from inside the transaction's code path, so it lands exactly there;
// what the test shows is that nothing the hub did or did not do at that moment loses or doubles a device's action.
//
// Stdout carries one line per event: `listening <url>`, then `kill <moment> <n>` just before the kill.
// SIGTERM closes the hub and its database and exits 0.
import { writeSync } from 'node:fs';
import pino from 'pino';
import type { HubDatabase, HubTransaction } from '../../hub/db/database';
import { openHubDatabase } from '../../hub/db/open';
import { startHub } from '../../hub/server';

export type HubKillMoment = 'inTransaction' | 'beforeCommit' | 'afterCommit';
export interface HubKillPlan {
  readonly moment: HubKillMoment;
  readonly nth: number;
}

const emit = (line: string): void => {
  // Synchronous: the line is out before the kill that may follow it.
  writeSync(1, `${line}\n`);
};

const recordsMutationResult = (sql: string): boolean => /INSERT\s+INTO\s+device_mutations/i.test(sql);

/** The database with every transaction watched; at the planned moment of the planned push transaction, the process dies. */
function watched(database: HubDatabase, plan: HubKillPlan | null): HubDatabase {
  let pushTransactions = 0;
  const die = (moment: HubKillMoment, nth: number): void => {
    emit(`kill ${moment} ${nth}`);
    process.kill(process.pid, 'SIGKILL');
  };
  const transaction = async <T>(fn: (tx: HubTransaction) => Promise<T>): Promise<T> => {
    // This transaction's own number among the push transactions, 0 until it records a result. Two devices push at
    // once, so the shared count may have moved on by the time this one reaches its commit: comparing the count there
    // missed the planned transaction whenever another began in between, and the hub then never died.
    let number = 0;
    const result = await database.transaction(async (tx) => {
      const watchedTx: HubTransaction = {
        exec: (script) => tx.exec(script),
        announceLog: (site, keys, seq) => tx.announceLog(site, keys, seq),
        announceDevice: (deviceId) => tx.announceDevice(deviceId),
        query: async (sql, params) => {
          if (recordsMutationResult(sql) && number === 0) {
            pushTransactions += 1;
            number = pushTransactions;
            if (plan?.moment === 'inTransaction' && number === plan.nth) die('inTransaction', number);
          }
          return tx.query(sql, params);
        },
      };
      const value = await fn(watchedTx);
      if (plan?.moment === 'beforeCommit' && number === plan.nth) die('beforeCommit', number);
      return value;
    });
    if (plan?.moment === 'afterCommit' && number === plan.nth) die('afterCommit', number);
    return result;
  };
  return {
    backend: database.backend,
    query: (sql, params) => database.query(sql, params),
    transaction,
    watchCommits: (watcher) => database.watchCommits(watcher),
    close: () => database.close(),
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.HUB_PORT);
  if (!Number.isSafeInteger(port) || port <= 0) throw new Error('HUB_PORT must name the port');
  const plan = process.env.HUB_KILL === undefined || process.env.HUB_KILL === '' ? null : (JSON.parse(process.env.HUB_KILL) as HubKillPlan);
  const databaseUrl = process.env.DATABASE_URL;
  const dataDir = process.env.HUB_DATA_DIR;
  if (!databaseUrl && !dataDir) throw new Error("DATABASE_URL or HUB_DATA_DIR must name the hub's data");
  const database = await openHubDatabase(databaseUrl ? { databaseUrl } : dataDir ? { dataDir } : {});
  // scrypt at the tests' cost: no PIN is checked while this hub runs, and its start must stay quick.
  const running = await startHub({
    database: watched(database, plan),
    port,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    pinCost: { N: 1 << 10, r: 8, p: 1 },
  });
  process.once('SIGTERM', () => {
    void running
      .close()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
  emit(`listening ${running.url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`hub-kill-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
