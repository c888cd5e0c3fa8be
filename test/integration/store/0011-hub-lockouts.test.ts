// Migration 0011 keeps the hub's lockout beside each resident: rows already on the device keep everything and have none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { residentQueries } from '../../../main/store/residents';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0011 hub-lockouts', () => {
  it('keeps every resident written at version 10, with no lockout from the hub until their record brings one', () => {
    const before = openDeviceDatabase(file, { upToVersion: 10 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at, version) VALUES ('r1', '100001', 'Marcus Lee', 'scrypt:m', 'B', 'en', 10, 3)",
      )
      .run();
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 11 });
    expect(
      after
        .prepare(
          'SELECT resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at, version, hub_locked_until, hub_lockout_cleared_at FROM residents',
        )
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
        version: 3,
        hub_locked_until: null,
        hub_lockout_cleared_at: null,
      },
    ]);
    const residents = residentQueries(after);
    expect(residents.hubLockout('r1')).toEqual({ lockedUntil: null, lockoutClearedAt: null });
    residents.putFromHub(
      { residentId: 'r1', credentialId: '100001', displayName: 'Marcus Lee', pinHash: 'scrypt:m', housingUnit: 'B', language: 'en' },
      4,
      20,
      { lockedUntil: 5_000, lockoutClearedAt: 1_000 },
    );
    expect(residents.hubLockout('r1')).toEqual({ lockedUntil: 5_000, lockoutClearedAt: 1_000 });
    after.close();
  });
});
