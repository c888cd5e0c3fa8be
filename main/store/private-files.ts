// The device's store at rest is readable by the app's user only (issue 14, item 9): PIN hashes and mail live in it.
// The data folder is 0700 and the SQLite files (the store, its WAL and shared-memory files) 0600. Checked at every
// open: a wrong mode is repaired (and said, so staff learn that something loosened it); a folder or file this user
// does not own, or cannot change, stops the start with a sentence rather than running with a readable store.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

export const privateFolderMode = 0o700;
export const privateFileMode = 0o600;
/** Any permission for the group or others. */
const sharedBits = 0o077;
const stickyBit = 0o1000;

export class StoreNotPrivateError extends Error {
  override readonly name = 'StoreNotPrivateError';
}

/** A path whose mode was wrong and is now private, with what it was. */
export interface RepairedPermission {
  readonly path: string;
  readonly was: string;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

function makePrivate(path: string, wanted: number): RepairedPermission | null {
  const stats = statSync(path);
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && stats.uid !== uid) {
    throw new StoreNotPrivateError(
      `${path} belongs to another user (uid ${stats.uid}); the device will not keep its data there. Give it to the app's user or choose another data folder.`,
    );
  }
  if ((stats.mode & sharedBits) === 0) return null;
  try {
    chmodSync(path, wanted);
  } catch (error) {
    throw new StoreNotPrivateError(
      `${path} is readable by other users (mode ${octal(stats.mode)}) and could not be made private: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return { path, was: octal(stats.mode) };
}

/** Before the store opens: the folder exists and is private, and a new store file is created private. */
export function prepareStoreFolder(folder: string, storeFile: string): RepairedPermission[] {
  mkdirSync(folder, { recursive: true, mode: privateFolderMode });
  // A sticky folder (/tmp) is shared by design: making it private would break every other user of it.
  if ((statSync(folder).mode & stickyBit) !== 0)
    throw new StoreNotPrivateError(`${folder} is a folder shared by every user; the device keeps its data in a folder of its own.`);
  const repaired = [makePrivate(folder, privateFolderMode)];
  if (!existsSync(storeFile)) closeSync(openSync(storeFile, 'a', privateFileMode));
  return repaired.filter((entry): entry is RepairedPermission => entry !== null);
}

/** After the store opened (SQLite has made its WAL and shared-memory files): every file private. */
export function keepStoreFilesPrivate(storeFile: string): RepairedPermission[] {
  return [storeFile, `${storeFile}-wal`, `${storeFile}-shm`]
    .filter((path) => existsSync(path))
    .map((path) => makePrivate(path, privateFileMode))
    .filter((entry): entry is RepairedPermission => entry !== null);
}
