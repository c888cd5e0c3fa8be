// The device store encrypted at rest (issue 14 item 9). A tablet spends months in one person's cell: assume its owner
// can read its disk. Where the shell has a key sealed by the OS keychain, device.sqlite is a SQLCipher 4 file
// (SQLite3MultipleCiphers' 'sqlcipher' cipher, legacy=4: AES-256-CBC with an HMAC-SHA512 per page), keyed with the
// 32-byte key itself — it is random, so a passphrase KDF would only slow every start.
//
// An existing unencrypted store is encrypted when a key first becomes available, without a moment where neither a
// readable old store nor the complete new one exists:
//   1. copied     — `VACUUM INTO` device.sqlite.encrypting: a consistent plaintext copy, WAL contents included;
//   2. encrypted  — the copy is rekeyed in place, checked with the key, fsynced (it is not the store yet, so a cut
//                   here only leaves a temporary file to delete);
//   3. linked     — device.sqlite.plaintext: a second name for the old store's file, so its bytes can be overwritten
//                   once it is no longer the store;
//   4. replaced   — rename(device.sqlite.encrypting, device.sqlite), folder fsynced: the atomic switch;
//   5. scrubbed   — the old file (through its second name) overwritten with zeros, fsynced, removed.
// Every start first finishes or undoes what a cut left (finishInterruptedEncryption): a leftover .encrypting is
// removed (the store is still the old one); a leftover .plaintext is only unlinked while it is still the store's own
// file, and scrubbed once the rename has made it the old one.
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncFolder } from '../../platform/atomic-write';
import { privateFileMode } from './private-files';
import { storeKeyBytes } from './store-key';

/** The steps of the migration, in order, named so a test can stop it after each (test/integration/store/store-encryption). */
export type EncryptionStep = 'copied' | 'encrypted' | 'linked' | 'replaced' | 'scrubbed';

export interface EncryptionObserver {
  /** Called after each step is on disk; the crash tests throw or kill the process here. */
  readonly onStep?: (step: EncryptionStep) => void;
}

/**
 * Why the store could not be opened with the key it was given, as a code a shell can act on (and the log can count),
 * with a sentence for the console and the log. A start that ends in one of these does not loop on gibberish: the shells
 * print the sentence and exit with a code of their own (main/electron/main.ts).
 * - storeKeyWrong: the store is encrypted, and the key this device holds does not open it (another device's store,
 *   a key file replaced, or a damaged store file);
 * - storeKeyMissing: the store is encrypted, and this start has no key for it (no sealed key file, or a shell with no
 *   OS key store — the web host pointed at an Electron device's data folder);
 * - storeKeyUnreadable: the store is encrypted, and its sealed key could not be unsealed (another user's or machine's
 *   keychain).
 */
export type StoreKeyErrorCode = 'storeKeyWrong' | 'storeKeyMissing' | 'storeKeyUnreadable';

export class StoreKeyError extends Error {
  override readonly name = 'StoreKeyError';
  constructor(
    readonly code: StoreKeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

export const encryptingSuffix = '.encrypting';
export const plaintextSuffix = '.plaintext';

/**
 * What the file on disk is, from its first 16 bytes: an unencrypted SQLite file starts with SQLite's header; a SQLCipher
 * file starts with its random salt. An empty file (prepareStoreFolder creates the store file empty) is a new store.
 */
export function storeFileState(file: string): 'new' | 'plain' | 'encrypted' {
  if (!existsSync(file)) return 'new';
  const head = Buffer.alloc(sqliteHeader.length);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return 'new';
  return read === head.length && head.equals(sqliteHeader) ? 'plain' : 'encrypted';
}

function rawKeyPragma(key: Buffer): string {
  // The key is bytes, never text from anyone: its hex is the only thing put into the statement.
  if (key.length !== storeKeyBytes) throw new Error(`a store key is ${storeKeyBytes} bytes, not ${key.length}`);
  return `"x'${key.toString('hex')}'"`;
}

/** SQLCipher 4's settings, set before the key, so the file is one SQLCipher 4 itself can open with the same raw key. */
function useSqlCipher(db: Database.Database): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
}

function isNotADatabase(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_NOTADB';
}

/**
 * Keys a freshly opened connection and proves the key right by reading the schema. SQLite reads nothing until asked,
 * so a wrong key is only found by a read: found here, as a coded error, not by the first query of some later screen.
 */
export function keyConnection(db: Database.Database, key: Buffer): void {
  useSqlCipher(db);
  db.pragma(`key = ${rawKeyPragma(key)}`);
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if (!isNotADatabase(error)) throw error;
    throw new StoreKeyError(
      'storeKeyWrong',
      'The device store is encrypted with a key other than the one this device holds (or the store file is damaged). Its data cannot be read here; wipe the device (remove the data folder) and enroll it again to start fresh.',
    );
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Overwrites a file with zeros and removes it. Best effort on flash (the controller may keep old blocks), but no longer a readable file. */
function scrubAndRemove(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let offset = 0; offset < size; offset += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - offset), offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
  fsyncFolder(dirname(path));
}

/** Before the store is opened: undoes or finishes an encryption a power cut interrupted (see the steps above). */
export function finishInterruptedEncryption(file: string): void {
  const encrypting = `${file}${encryptingSuffix}`;
  const plaintext = `${file}${plaintextSuffix}`;
  let changed = false;
  if (existsSync(encrypting)) {
    // Never the store: the rename that would have made it one did not happen.
    rmSync(encrypting, { force: true });
    rmSync(`${encrypting}-journal`, { force: true });
    changed = true;
  }
  if (existsSync(plaintext)) {
    if (existsSync(file) && statSync(file).ino === statSync(plaintext).ino) {
      // Cut before the rename: the second name is the live store's own file. Drop the name, keep the bytes.
      unlinkSync(plaintext);
      changed = true;
    } else {
      scrubAndRemove(plaintext);
    }
  }
  if (changed) fsyncFolder(dirname(file));
}

/**
 * Encrypts an unencrypted store in place (the steps above). Nothing may hold the store open. Throws, leaving the old
 * store as it was, when its WAL could not be folded back in (another connection holds the store).
 */
export function encryptExistingStore(file: string, key: Buffer, observer: EncryptionObserver = {}): void {
  const encrypting = `${file}${encryptingSuffix}`;
  const plaintext = `${file}${plaintextSuffix}`;
  finishInterruptedEncryption(file);

  const old = new Database(file);
  try {
    old.exec(`VACUUM INTO '${encrypting.replaceAll("'", "''")}'`);
  } finally {
    // The last connection's close checkpoints the WAL into the store and removes it, so the new file can take the
    // store's name without an old WAL beside it (which SQLite would try to replay onto the new file).
    old.close();
  }
  chmodSync(encrypting, privateFileMode);
  observer.onStep?.('copied');

  const copy = new Database(encrypting);
  try {
    // VACUUM INTO does not carry WAL mode over, and rekey needs a rollback-journal file: SQLite3MultipleCiphers
    // cannot rekey in WAL mode. Rekeying an unencrypted file encrypts it.
    useSqlCipher(copy);
    copy.pragma(`rekey = ${rawKeyPragma(key)}`);
  } finally {
    copy.close();
  }
  // Proved with a fresh connection, as the next start will open it.
  const check = new Database(encrypting);
  try {
    keyConnection(check, key);
    const verdict = check.pragma('quick_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the encrypted copy of the store failed its check: ${String(verdict)}`);
  } finally {
    check.close();
  }
  fsyncFile(encrypting);
  observer.onStep?.('encrypted');

  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    rmSync(encrypting, { force: true });
    throw new Error('the device store’s WAL is still in use, so it was not encrypted now; it stays as it was until the next start');
  }
  rmSync(wal, { force: true });
  rmSync(`${file}-shm`, { force: true });
  rmSync(plaintext, { force: true });
  linkSync(file, plaintext);
  fsyncFolder(dirname(file));
  observer.onStep?.('linked');

  renameSync(encrypting, file);
  fsyncFolder(dirname(file));
  observer.onStep?.('replaced');

  scrubAndRemove(plaintext);
  observer.onStep?.('scrubbed');
}
