// Migration 0004 adds the sync state row and the outbox, and leaves the rows of the previous shape as they were.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0004 sync-state', () => {
  it('keeps residents and lockouts written at version 3, and starts sync with no identity, no cursor and no mutations', () => {
    const before = openDeviceDatabase(file, { upToVersion: 3 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at) VALUES ('r1', '100001', 'Ana Díaz', 'scrypt:a', 'B', 'es', 5)",
      )
      .run();
    before.prepare("INSERT INTO pin_lockouts (subject_kind, subject_id, failed_attempts, lockouts, locked_until) VALUES ('resident', 'r1', 3, 1, 900)").run();
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 4 });
    expect(schemaVersion(after)).toBe(4);
    expect(after.prepare('SELECT resident_id, credential_id, language, housing_unit FROM residents').all()).toEqual([
      { resident_id: 'r1', credential_id: '100001', language: 'es', housing_unit: 'B' },
    ]);
    expect(after.prepare('SELECT failed_attempts, lockouts, locked_until FROM pin_lockouts').get()).toEqual({
      failed_attempts: 3,
      lockouts: 1,
      locked_until: 900,
    });
    expect(after.prepare('SELECT * FROM sync_state').all()).toEqual([
      {
        singleton: 1,
        device_id: null,
        hub_url: null,
        cursor: null,
        last_mutation_id: 0,
        last_success_at: null,
        last_error_code: null,
        last_error_message: null,
        last_error_at: null,
      },
    ]);
    after.close();
  });

  it('holds exactly one sync state row', () => {
    const db = openDeviceDatabase(file, { upToVersion: 4 });
    expect(() => db.prepare('INSERT INTO sync_state (singleton) VALUES (2)').run()).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO sync_state (singleton) VALUES (1)').run()).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('outbox rows: known names, JSON arguments, a status with a result only when refused', () => {
    const db = openDeviceDatabase(file, { upToVersion: 4 });
    const insert = db.prepare(
      'INSERT INTO outbox (mutation_id, name, args, resident_id, created_at, status, result_code, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(1, 'markRead', '{"residentId":"r1","messageId":"m1","readAt":1}', 'r1', 10, 'pending', null, null);
    insert.run(2, 'buyStamps', '{}', 'r1', 11, 'refused', 'notEnoughMoney', 12);
    expect(() => insert.run(3, 'launchMissiles', '{}', 'r1', 12, 'pending', null, null)).toThrow(/CHECK/);
    expect(() => insert.run(3, 'markRead', 'not json', 'r1', 12, 'pending', null, null)).toThrow(/CHECK/);
    expect(() => insert.run(3, 'markRead', '{}', 'r1', 12, 'refused', null, 13)).toThrow(/CHECK/);
    expect(() => insert.run(3, 'markRead', '{}', 'r1', 12, 'applied', null, null)).toThrow(/CHECK/);
    expect(() => insert.run(0, 'markRead', '{}', 'r1', 12, 'pending', null, null)).toThrow(/CHECK/);
    expect(() => insert.run(4, 'markRead', '{}', 'r1', 'yesterday', 'pending', null, null)).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });
});
