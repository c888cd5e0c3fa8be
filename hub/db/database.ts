// The hub's one door to its database. Two implementations speak the same PostgreSQL dialect: PGlite embedded in the
// process (the default) and a real PostgreSQL server through a pg Pool (when DATABASE_URL is set). Services are
// written against these interfaces only, so every test runs against both.

/** What a query parameter may be. Timestamps are epoch milliseconds (numbers); bytes are Uint8Array (or Buffer). */
export type SqlValue = string | number | boolean | null | Uint8Array;

/** Anything that can run a parameterized statement: the database itself or an open transaction. */
export interface SqlExecutor {
  /** One statement with `$1`-style parameters; returns its rows. int8 columns arrive as numbers on both backends. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

/** An open transaction. Inside it, use only `tx` — never the database handle, which waits for this transaction to end. */
export interface HubTransaction extends SqlExecutor {
  /** Several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type HubDatabaseBackend = 'pglite' | 'postgres';

export interface HubDatabase extends SqlExecutor {
  readonly backend: HubDatabaseBackend;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. On PostgreSQL a transaction
   * that loses a deadlock or a serialization conflict is retried from the start, so `fn` must have no effects outside
   * the database.
   */
  transaction<T>(fn: (tx: HubTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
