// Writing and removing the device's small files so that a power cut leaves the old state or the new one, never half
// of either. The store's own files (its key, the encrypted copy) and the hub credential above it both need this, so
// it lives in the store layer, the lowest that touches the disk.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Temp file (0600 from birth) + fsync + rename + fsync of the folder: a power cut leaves the old file or the new one. */
export function writeFileAtomically(dir: string, name: string, content: string | Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
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
  chmodSync(temp, 0o600);
  renameSync(temp, join(dir, name));
  fsyncFolder(dir);
}

/** Removes a file and makes the removal durable; a file that is not there is already removed. */
export function removeFileDurably(dir: string, name: string): void {
  rmSync(join(dir, name), { force: true });
  fsyncFolder(dir);
}

export function fsyncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
