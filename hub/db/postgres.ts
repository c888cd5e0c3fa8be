// The server backend: a real PostgreSQL through a pg Pool. Transactions run on one pooled client each, so they truly
// run concurrently; the services serialize what must be serialized with row locks (SELECT ... FOR UPDATE) and the
// change log's advisory lock.
import pg from 'pg';
import type { HubDatabase, HubTransaction, SqlValue } from './database';

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

function executor(client: pg.PoolClient | pg.Pool): HubTransaction {
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

export function openPostgresDatabase(options: { databaseUrl: string; maxConnections?: number }): HubDatabase {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10, types: typeParsers });
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', () => undefined);
  const outside = executor(pool);

  async function attempt<T>(fn: (tx: HubTransaction) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // A connection lost while the client is checked out (the server restarted, the network cut, the backend
    // terminated) fails the query under way and then emits 'error' on the client, where the pool listens only while
    // the client is idle: without a listener here, Node would end the whole hub. The failed query already rejects.
    const ignoreLostConnection = (): void => undefined;
    client.on('error', ignoreLostConnection);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
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
    close: () => pool.end(),
  };
}
