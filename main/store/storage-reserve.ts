// The device keeps a reserve on its disk (issue 15, item 3): a preallocated file in the data folder, given back the
// moment a write fails because the disk is full, so that what must still work on a full device — pushing what people
// did to the hub, and the sign-out with its audit entry — has room to commit. Drafts and pulls stop first: they are the
// writes that can wait (a draft stays on the person's screen, a pull is asked for again), so they are refused while the
// reserve is given back or free space is below one reserve's worth. The reserve is taken again by itself once there is
// room for it and one more reserve's worth beside it, so the device does not flap between full and not at the border.
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageLevel } from '../contract';
import { isStorageFull } from './storage-full';

/** The default reserve: several pushes and sign-outs' worth of SQLite pages and WAL frames, small on any real disk. */
export const defaultReserveBytes = 8 * 1024 * 1024;

export interface DiskSpace {
  /** Bytes this app's user may still write on the data folder's file system (statfs bavail), the reserve not counted. */
  readonly freeBytes: number;
  readonly totalBytes: number;
  readonly reserveHeld: boolean;
  readonly level: StorageLevel;
}

export interface StorageReserveOptions {
  readonly dataDir: string;
  readonly reserveBytes?: number;
  /** Told when the level changes (the runtime logs it); never given the person or their work. */
  readonly onLevelChange?: (space: DiskSpace, previous: StorageLevel) => void;
}

export interface StorageReserve {
  space(): DiskSpace;
  /** False while the device is full: drafts and pulls wait, sync's pushes and sign-outs use the reserve. */
  roomForDeferrableWrites(): boolean;
  /** A write failed because the disk is full: give the reserve back so the writes that must happen can. */
  storageFull(): void;
  /** Looks at the disk again: takes the reserve back when there is room for it (called on a timer and before drafts). */
  refresh(): DiskSpace;
  readonly reservePath: string;
}

export function reserveFilePath(dataDir: string): string {
  return join(dataDir, 'space-reserve.bin');
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/**
 * Writes the reserve with real blocks (zeros written, not a sparse file: a sparse file would give nothing back) and
 * fsyncs it. Returns false, leaving no partial file, when the disk has no room for it.
 */
function writeReserve(path: string, bytes: number): boolean {
  const chunk = Buffer.alloc(Math.min(bytes, 256 * 1024));
  let descriptor: number | null = null;
  try {
    descriptor = openSync(path, 'w', 0o600);
    for (let written = 0; written < bytes;) {
      written += writeSync(descriptor, chunk, 0, Math.min(chunk.length, bytes - written));
    }
    fsyncSync(descriptor);
    return true;
  } catch (error) {
    if (descriptor !== null) closeSync(descriptor);
    descriptor = null;
    rmSync(path, { force: true });
    if (isStorageFull(error)) return false;
    throw error;
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}

/** Below this much free space (or a tenth of the disk, whichever is more) service mode warns that the disk is filling. */
function lowBelowBytes(totalBytes: number, reserveBytes: number): number {
  return Math.max(totalBytes / 10, reserveBytes * 4);
}

export function createStorageReserve(options: StorageReserveOptions): StorageReserve {
  const reserveBytes = options.reserveBytes ?? defaultReserveBytes;
  const reservePath = reserveFilePath(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  let lastLevel: StorageLevel | null = null;

  const measure = (): DiskSpace => {
    const stats = statfsSync(options.dataDir);
    const freeBytes = stats.bavail * stats.bsize;
    const totalBytes = stats.blocks * stats.bsize;
    const reserveHeld = fileSize(reservePath) === reserveBytes;
    const level: StorageLevel = !reserveHeld || freeBytes < reserveBytes ? 'full' : freeBytes < lowBelowBytes(totalBytes, reserveBytes) ? 'low' : 'ok';
    return { freeBytes, totalBytes, reserveHeld, level };
  };
  const noteLevel = (space: DiskSpace): DiskSpace => {
    if (lastLevel !== null && lastLevel !== space.level) options.onLevelChange?.(space, lastLevel);
    lastLevel = space.level;
    return space;
  };
  const refresh = (): DiskSpace => {
    const before = measure();
    // A reserve of another size (a changed setting, a file cut short by a crash) is written again at the right size.
    if (!before.reserveHeld && before.freeBytes + (fileSize(reservePath) ?? 0) >= reserveBytes * 2) writeReserve(reservePath, reserveBytes);
    return noteLevel(measure());
  };

  refresh();
  return {
    reservePath,
    space: () => noteLevel(measure()),
    roomForDeferrableWrites: () => refresh().level !== 'full',
    storageFull: () => {
      rmSync(reservePath, { force: true });
      noteLevel(measure());
    },
    refresh,
  };
}
