// The store at rest is readable by the app's user only (issue 14, item 9): a new store is created 0700/0600, a
// loosened folder or file is made private again at the next open and reported, and a shared folder is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { StoreNotPrivateError, type RepairedPermission } from '../../../main/store/private-files';
import { makeTempDir } from '../../support/temp-dir';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('the store at rest', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });
  function open(file: string, repaired: RepairedPermission[] = []): DeviceDatabase {
    const db = openDeviceDatabase(file, { onPermissionRepaired: (entry) => repaired.push(entry) });
    cleanups.push(() => db.close());
    return db;
  }

  it('creates the data folder 0700 and the store, its WAL and shared-memory files 0600', () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const dataDir = join(temp.path, 'data');
    const file = join(dataDir, 'device.sqlite');
    const db = open(file);
    db.exec('CREATE TABLE touch (n INTEGER)'); // a write, so the WAL exists
    expect(modeOf(dataDir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
  });

  it('makes a loosened folder and store private again at the next open, and says so', () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const dataDir = join(temp.path, 'data');
    const file = join(dataDir, 'device.sqlite');
    open(file).close();
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);
    const repaired: RepairedPermission[] = [];
    open(file, repaired);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    expect(repaired).toEqual(
      expect.arrayContaining([
        { path: dataDir, was: '0755' },
        { path: file, was: '0644' },
      ]),
    );
  });

  it('refuses to keep the store in a folder shared by every user', () => {
    expect(() => openDeviceDatabase(join(tmpdir(), 'device-in-a-shared-folder.sqlite'))).toThrow(StoreNotPrivateError);
  });
});
