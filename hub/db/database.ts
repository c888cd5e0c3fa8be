// The hub's one door to its database. Two implementations speak the same PostgreSQL dialect: PGlite embedded in the
// process (the default) and a real PostgreSQL server through a pg Pool (when DATABASE_URL is set). Services are
// written against these interfaces only, so every test runs against both.
import type { AudienceKey, CommitWatcher } from './commit-notes';

/** What a query parameter may be. Timestamps are epoch milliseconds (numbers); bytes are Uint8Array (or Buffer). */
export type SqlValue = string | number | boolean | null | Uint8Array;

/** Anything that can run a parameterized statement: the database itself or an open transaction. */
export interface SqlExecutor {
  /** One statement with `$1`-style parameters; returns its rows. int8 columns arrive as numbers on both backends. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

/**
 * What a transaction tells the hub's watchers it changed (commit-notes.ts), heard only if it commits. Whoever appends a
 * change-log row or changes a device row announces it.
 */
export interface CommitAnnouncements {
  /** Change-log rows were appended for these audiences of one site, the highest at `seq`. */
  announceLog(site: string, keys: readonly AudienceKey[], seq: number): void;
  /** A device's row changed (revoked, assigned, released, a new scope): what the hub remembers of it is stale. */
  announceDevice(deviceId: string): void;
}

/** An open transaction. Inside it, use only `tx` — never the database handle, which waits for this transaction to end. */
export interface HubTransaction extends SqlExecutor, CommitAnnouncements {
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
  /**
   * Hears every committed transaction's note: this process's own as soon as each commits (before `transaction`
   * resolves), and on PostgreSQL every other hub process's through LISTEN/NOTIFY. Returns the way to stop.
   */
  watchCommits(watcher: CommitWatcher): () => void;
  close(): Promise<void>;
}
