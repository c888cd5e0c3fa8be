// The one place that opens the device's SQLite file, through better-sqlite3-multiple-ciphers (better-sqlite3 with
// SQLite3MultipleCiphers built in), so encrypting the store at rest is decided here and nowhere else.
import Database from 'better-sqlite3-multiple-ciphers';
import { dirname } from 'node:path';
import { migrateToLatest, type Migration } from './migrate';
import { deviceMigrations } from './migrations';
import { keepStoreFilesPrivate, prepareStoreFolder, type RepairedPermission } from './private-files';

export type DeviceDatabase = Database.Database;

export interface OpenStoreOptions {
  /** Stop at this schema version (tests of a single migration); default: the latest. */
  readonly upToVersion?: number;
  readonly migrations?: readonly Migration[];
  /** Told about each folder or file whose mode was loosened and has been made private again (for the log). */
  readonly onPermissionRepaired?: (repaired: RepairedPermission) => void;
}

export function openDeviceDatabase(file: string, options: OpenStoreOptions = {}): DeviceDatabase {
  const report = (repaired: readonly RepairedPermission[]): void => {
    for (const entry of repaired) options.onPermissionRepaired?.(entry);
  };
  // PIN hashes and mail: readable by the app's user only (private-files.ts). Throws StoreNotPrivateError when that
  // cannot be made so.
  if (file !== ':memory:') report(prepareStoreFolder(dirname(file), file));
  const db = new Database(file);
  // Kiosks lose power without warning: WAL plus synchronous=FULL means a committed transaction survives a cut.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A pull batch of 1,000 letters fills most of SQLite's default 1,000-page WAL, so the default checkpointed (and
  // fsynced the main file) after nearly every batch. 4,096 pages (16 MiB) lets a catch-up run several batches per
  // checkpoint; journal_size_limit then truncates the WAL file back so a quiet kiosk does not keep it on disk.
  db.pragma('wal_autocheckpoint = 4096');
  db.pragma('journal_size_limit = 16777216');
  migrateToLatest(db, options.migrations ?? deviceMigrations, options.upToVersion);
  if (file !== ':memory:') {
    try {
      report(keepStoreFilesPrivate(file));
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}
