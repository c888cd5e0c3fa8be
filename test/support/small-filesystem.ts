// A real, small file system for the full-disk tests: a tmpfs of a few megabytes mounted on a fresh folder, so SQLite,
// the logger and the blob store meet a real ENOSPC rather than a mock. Mounting needs root (or CAP_SYS_ADMIN); where
// it is impossible the caller gets the reason in words, and the tests say they were skipped and why.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir';

export type SmallFilesystem = { readonly mounted: true; readonly path: string; unmount(): void } | { readonly mounted: false; readonly reason: string };

export function mountSmallFilesystem(sizeBytes: number): SmallFilesystem {
  if (process.platform !== 'linux') return { mounted: false, reason: `tmpfs mounts need Linux; this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { mounted: false, reason: 'mounting a tmpfs needs root; the tests run as another user' };
  const folder = makeTempDir('dayroom-full-disk-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', folder.path], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    folder.remove();
    return { mounted: false, reason: `mount -t tmpfs failed: ${(mounted.stderr || mounted.error?.message || 'no reason given').trim()}` };
  }
  let mountedNow = true;
  const unmount = (): void => {
    if (!mountedNow) return;
    mountedNow = false;
    process.removeListener('exit', unmount);
    spawnSync('umount', ['-l', folder.path]);
    folder.remove();
  };
  // A run filtered down to other tests skips the file's afterAll: the mount must not outlive the process anyway.
  process.once('exit', unmount);
  return { mounted: true, path: folder.path, unmount };
}

/** Writes a file until the file system refuses (ENOSPC); returns its path, so removing it gives the space back. */
export function fillDisk(folder: string, name = 'filler.bin'): string {
  const path = join(folder, name);
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const descriptor = openSync(path, 'w');
  try {
    for (;;) {
      try {
        writeSync(descriptor, chunk);
      } catch (error) {
        if (error instanceof Error && Reflect.get(error, 'code') === 'ENOSPC') break;
        throw error;
      }
    }
    // The last partial chunk: fill to the final byte, so nothing is left for a small write.
    for (let size = chunk.length / 2; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) writeSync(descriptor, chunk, 0, size);
      } catch (error) {
        if (!(error instanceof Error && Reflect.get(error, 'code') === 'ENOSPC')) throw error;
      }
    }
  } finally {
    closeSync(descriptor);
  }
  return path;
}

export function freeDisk(fillerPath: string): void {
  rmSync(fillerPath, { force: true });
}
