// How much of the disk the device uses, for service mode: the store, its write-ahead log, attachments and logs.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageUse } from '../contract';
import type { DiskSpace } from '../store/storage-reserve';

function fileBytes(path: string): number {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

/** Bytes of regular files under a folder (symlinks are not followed: they are not ours to count). */
function folderBytes(path: string): number {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += folderBytes(child);
    else if (entry.isFile()) total += fileBytes(child);
  }
  return total;
}

export function storageUse(dataDir: string, storeFile: string, space: DiskSpace): StorageUse {
  return {
    freeBytes: Math.max(0, Math.floor(space.freeBytes)),
    totalBytes: Math.max(0, Math.floor(space.totalBytes)),
    reserveHeld: space.reserveHeld,
    level: space.level,
    storeBytes: fileBytes(storeFile),
    walBytes: fileBytes(`${storeFile}-wal`),
    attachmentsBytes: folderBytes(join(dataDir, 'blobs')),
    logsBytes: folderBytes(join(dataDir, 'logs')),
  };
}
