// The one place that opens the device's SQLite file, through better-sqlite3-multiple-ciphers (better-sqlite3 with
// SQLite3MultipleCiphers built in), so encrypting the store at rest is decided here and nowhere else.
import Database from 'better-sqlite3-multiple-ciphers';
import { dirname } from 'node:path';
import { migrateToLatest, type Migration } from './migrate';
import { deviceMigrations } from './migrations';
import { keepStoreFilesPrivate, prepareStoreFolder, type RepairedPermission } from './private-files';
import type { StoreEncryption } from '../contract';
import { encryptExistingStore, finishInterruptedEncryption, keyConnection, storeFileState, StoreKeyError, type EncryptionObserver } from './store-encryption';
import { noStoreKeyProvider, type StoreKeyProvider } from './store-key';
import { storeQueriesOf, type DeviceStoreQueries } from './store-queries';

export type DeviceDatabase = Database.Database;

export interface OpenStoreOptions {
  /** Stop at this schema version (tests of a single migration); default: the latest. */
  readonly upToVersion?: number;
  readonly migrations?: readonly Migration[];
  /** Told about each folder or file whose mode was loosened and has been made private again (for the log). */
  readonly onPermissionRepaired?: (repaired: RepairedPermission) => void;
  /**
   * Where the store's key comes from; default none (plain Node), which leaves the store unencrypted. The Electron
   * shell passes the key sealed with safeStorage (main/electron/safe-storage-vault.ts).
   */
  readonly storeKey?: StoreKeyProvider;
  /** Told when an existing unencrypted store has just been encrypted (for the log). */
  readonly onEncrypted?: () => void;
  /** Told when encrypting an existing store failed; it opens as it was, and the next start tries again (for the log). */
  readonly onEncryptionFailed?: (error: unknown) => void;
  /** The encryption's steps, for the crash tests. */
  readonly encryptionObserver?: EncryptionObserver;
}

export interface DeviceStore {
  readonly db: DeviceDatabase;
  /** Whether the file on disk is encrypted, and if not why: service mode shows it. */
  readonly encryption: StoreEncryption;
  /** The store's query modules, each prepared once for this open database (./store-queries.ts). */
  readonly queries: DeviceStoreQueries;
}

/** The store without its encryption state: tests, scripts and tools that only need the database. */
export function openDeviceDatabase(file: string, options: OpenStoreOptions = {}): DeviceDatabase {
  return openDeviceStore(file, options).db;
}

/**
 * Decides the key before anything is opened: an encrypted file needs its key (StoreKeyError otherwise); an unencrypted
 * or new one is encrypted when a key is available, and stays unencrypted, with the reason, when none is.
 */
function keyFor(file: string, provider: StoreKeyProvider, options: OpenStoreOptions): { key: Buffer | null; encryption: StoreEncryption } {
  if (file === ':memory:') return { key: null, encryption: { state: 'off', reason: 'noKeyStore' } };
  finishInterruptedEncryption(file);
  const state = storeFileState(file);
  const outcome = provider.storeKey({ create: state !== 'encrypted' });
  if ('key' in outcome) {
    if (state === 'plain') {
      try {
        encryptExistingStore(file, outcome.key, options.encryptionObserver);
        options.onEncrypted?.();
      } catch (error) {
        // A device that cannot start is worse than one whose store stays as it was for one more start: whatever was
        // left is finished or undone, and the store opens as what it now is.
        finishInterruptedEncryption(file);
        options.onEncryptionFailed?.(error);
        if (storeFileState(file) === 'plain') return { key: null, encryption: { state: 'off', reason: 'encryptionFailed' } };
      }
    }
    return { key: outcome.key, encryption: { state: 'on' } };
  }
  if (state !== 'encrypted') {
    // 'keyMissing' is only answered without `create`, which an unencrypted store never asks for.
    return { key: null, encryption: { state: 'off', reason: outcome.unavailable === 'keyMissing' ? 'keyUnreadable' : outcome.unavailable } };
  }
  switch (outcome.unavailable) {
    case 'keyUnreadable':
      throw new StoreKeyError(
        'storeKeyUnreadable',
        "The device store is encrypted, and its key, sealed by the OS keychain, could not be unsealed on this machine (another user's or machine's keychain). Its data cannot be read here; wipe the device (remove the data folder) and enroll it again to start fresh.",
      );
    case 'keyMissing':
    case 'noKeyStore':
    case 'safeStorageUnavailable':
    case 'safeStorageBasicText':
    case 'safeStorageBackendUnknown':
      throw new StoreKeyError(
        'storeKeyMissing',
        `The device store is encrypted, and this start has no key for it (${outcome.unavailable}). Its key is sealed by the OS keychain of the user and machine that encrypted it: start the Electron shell as that user with the keychain running (the web host never can open an encrypted store), or wipe the device (remove the data folder) and enroll it again to start fresh.`,
      );
    default: {
      const unreachable: never = outcome.unavailable;
      return unreachable;
    }
  }
}

export function openDeviceStore(file: string, options: OpenStoreOptions = {}): DeviceStore {
  const report = (repaired: readonly RepairedPermission[]): void => {
    for (const entry of repaired) options.onPermissionRepaired?.(entry);
  };
  // PIN hashes and mail: readable by the app's user only (private-files.ts). Throws StoreNotPrivateError when that
  // cannot be made so.
  if (file !== ':memory:') report(prepareStoreFolder(dirname(file), file));
  const { key, encryption } = keyFor(file, options.storeKey ?? noStoreKeyProvider, options);
  const db = new Database(file);
  if (key !== null) {
    try {
      keyConnection(db, key);
    } catch (error) {
      db.close();
      throw error;
    }
    // Sorts and temporary tables too large for the cache would otherwise spill to unencrypted temporary files.
    db.pragma('temp_store = MEMORY');
  }
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
  return { db, encryption, queries: storeQueriesOf(db) };
}
