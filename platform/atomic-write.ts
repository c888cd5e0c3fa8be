// Writing a whole file so that a power cut, a crash or a pulled stick leaves the old file or the new one, never half
// of either: the device's credential, its web-host token and wipe marker, its support bundles, and the hub's console
// connection file all go through here. One helper, so none forgets the fsync of the data or of the folder.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * True (the default) for a secret: readable by this user only, from the moment the file exists. False for a file
   * meant for others (a support bundle on a USB stick): the mode the umask gives, and no chmod, which a FAT stick refuses.
   */
  readonly ownerOnly?: boolean;
}

/**
 * Temp file beside the target (a hidden name, so nothing lists it as the real one) + fsync + rename + fsync of the
 * folder. The folder is created if need be.
 */
export function writeFileAtomically(dir: string, name: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const ownerOnly = options.ownerOnly ?? true;
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', ownerOnly ? 0o600 : 0o666);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  // The umask can only narrow the mode open() asked for; set it exactly, so the app can still read its own file.
  if (ownerOnly) chmodSync(temp, 0o600);
  renameSync(temp, join(dir, name));
  fsyncFolder(dir);
}

/** Removes a file and makes the removal durable; a file that is not there is already removed. */
export function removeFileDurably(dir: string, name: string): void {
  rmSync(join(dir, name), { force: true });
  fsyncFolder(dir);
}

/** Makes a folder's entries (a rename, a new or removed file) survive a power cut. */
export function fsyncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
