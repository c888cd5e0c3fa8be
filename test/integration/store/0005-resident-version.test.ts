// Migration 0005 numbers residents like every synced record: rows already on the device become version 0.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0005 resident-version', () => {
  it('keeps every resident written at version 4 and gives each version 0, so the hub’s first version replaces it', () => {
    const before = openDeviceDatabase(file, { upToVersion: 4 });
    const insert = before.prepare(
      'INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('r1', '100001', 'Marcus Lee', 'scrypt:m', 'B', 'en', 10);
    insert.run('r2', '100002', 'Ana Díaz', 'scrypt:a', null, 'es', 20);
    before.prepare("INSERT INTO outbox (mutation_id, name, args, resident_id, created_at) VALUES (1, 'markRead', '{}', 'r1', 30)").run();
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 5 });
    expect(
      after
        .prepare('SELECT resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at, version FROM residents ORDER BY resident_id')
        .all(),
    ).toEqual([
      {
        resident_id: 'r1',
        credential_id: '100001',
        display_name: 'Marcus Lee',
        pin_hash: 'scrypt:m',
        housing_unit: 'B',
        language: 'en',
        updated_at: 10,
        version: 0,
      },
      {
        resident_id: 'r2',
        credential_id: '100002',
        display_name: 'Ana Díaz',
        pin_hash: 'scrypt:a',
        housing_unit: null,
        language: 'es',
        updated_at: 20,
        version: 0,
      },
    ]);
    expect(after.prepare('SELECT mutation_id, status FROM outbox').all()).toEqual([{ mutation_id: 1, status: 'pending' }]);
    expect(() => after.prepare("UPDATE residents SET version = -1 WHERE resident_id = 'r1'").run()).toThrow(/CHECK/);
    after.close();
  });
});
