// The server backend: a real PostgreSQL through a pg Pool. Transactions run on one pooled client each, so they truly
// run concurrently; the services serialize what must be serialized with row locks (SELECT ... FOR UPDATE) and the
// change log's advisory lock.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CommitNoteBuilder, CommitWatchers, commitNotesChannel, notePayload, parseNotePayload } from './commit-notes';
import type { HubDatabase, HubTransaction, SqlExecutor, SqlValue } from './database';

const int8Oid = 20;

/** int8 (bigserial, epoch milliseconds, sums cast to bigint) as a number, as PGlite returns it. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === int8Oid && format !== 'binary') {
      return (value: string): number => {
        const parsed = Number(value);
        if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} does not fit a JavaScript number`);
        return parsed;
      };
    }
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** deadlock_detected and serialization_failure: the transaction did nothing and can simply run again. */
const retryableCodes = new Set(['40P01', '40001']);
const maxAttempts = 5;

function sqlStateOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function executor(client: pg.PoolClient | pg.Pool): SqlExecutor & Pick<HubTransaction, 'exec'> {
  return {
    async query<Row extends object>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const result = await client.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      // Without parameters pg uses the simple-query protocol, which accepts several statements.
      await client.query(script);
    },
  };
}

/** How long the commit listener waits before connecting again, doubling from the first to the last. */
const listenRetryMs = { first: 250, last: 15_000 } as const;

/**
 * The one connection that LISTENs for every hub process's commit notes. It is its own client, outside the pool, for as
 * long as anyone watches; when it is lost the watchers hear a gap (they may have missed notes) and, once it is back and
 * listening again, that they are watching.
 */
class CommitListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs: number = listenRetryMs.first;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly origin: string,
    private readonly watchers: CommitWatchers,
  ) {}

  start(): void {
    if (this.client === null && this.retryTimer === null && !this.closed) void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, types: typeParsers });
    this.client = client;
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      this.watchers.gap();
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel !== commitNotesChannel) return;
      const note = parseNotePayload(message.payload);
      if (note === null) {
        // Not a note this hub can read (another version of the hub, or damage): what it said is unknown.
        this.watchers.gap();
        this.watchers.watching();
        return;
      }
      if (note.origin === this.origin) return; // this process heard it when it committed
      this.watchers.committed(note);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${commitNotesChannel}`);
    } catch {
      onLost();
      return;
    }
    if (lost || this.closed) return;
    this.retryMs = listenRetryMs.first;
    this.watchers.watching();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer !== null) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(listenRetryMs.last, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && this.watchers.size > 0) void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    if (client !== null) {
      client.removeAllListeners('end');
      client.removeAllListeners('notification');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

export function openPostgresDatabase(options: { databaseUrl: string; maxConnections?: number }): HubDatabase {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10, types: typeParsers });
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', () => undefined);
  const outside = executor(pool);
  // Notes are heard only once the listener is up: until then, and after a gap, watchers know nothing from notes.
  const watchers = new CommitWatchers(false);
  const origin = randomUUID();
  const listener = new CommitListener(options.databaseUrl, origin, watchers);

  async function attempt<T>(fn: (tx: HubTransaction) => Promise<T>): Promise<T> {
    const note = new CommitNoteBuilder();
    const client = await pool.connect();
    // A connection lost while the client is checked out (the server restarted, the network cut, the backend
    // terminated) fails the query under way and then emits 'error' on the client, where the pool listens only while
    // the client is idle: without a listener here, Node would end the whole hub. The failed query already rejects.
    const ignoreLostConnection = (): void => undefined;
    client.on('error', ignoreLostConnection);
    let broken = false;
    try {
      await client.query('BEGIN');
      const inside = executor(client);
      const result = await fn({
        ...inside,
        announceLog: (site, keys, seq) => note.announceLog(site, keys, seq),
        announceDevice: (id) => note.announceDevice(id),
      });
      // Sent inside the transaction: PostgreSQL delivers it to the other hub processes when, and only if, it commits.
      if (!note.isEmpty()) await client.query('SELECT pg_notify($1, $2)', [commitNotesChannel, notePayload(note.build(), origin)]);
      await client.query('COMMIT');
      if (!note.isEmpty()) watchers.committed(note.build());
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: drop it from the pool rather than reuse it
      }
      throw error;
    } finally {
      client.release(broken);
      client.removeListener('error', ignoreLostConnection);
    }
  }

  return {
    backend: 'postgres',
    query: outside.query,
    async transaction<T>(fn: (tx: HubTransaction) => Promise<T>): Promise<T> {
      for (let attemptNumber = 1; ; attemptNumber++) {
        try {
          return await attempt(fn);
        } catch (error) {
          const code = sqlStateOf(error);
          if (code === undefined || !retryableCodes.has(code) || attemptNumber >= maxAttempts) throw error;
        }
      }
    },
    watchCommits(watcher) {
      const stop = watchers.add(watcher);
      listener.start();
      return stop;
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
