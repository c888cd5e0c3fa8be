// Each migration is tested by migrating real rows written in the previous shape, on a real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { migrateToLatest, schemaVersion, StoreMigrationError } from '../../../main/store/migrate';
import { deviceMigrations } from '../../../main/store/migrations';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('device store', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and the latest schema version', () => {
    const db = openDeviceDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(deviceMigrations.length);
    db.close();
  });

  it('uses STRICT tables: a wrong type is refused, not coerced', () => {
    const db = openDeviceDatabase(file);
    expect(() =>
      db.prepare("INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, updated_at) VALUES ('r1', 'c1', 'A', 'h', 'yesterday')").run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('refuses a store written by a newer app instead of guessing', () => {
    const db = new Database(file);
    db.pragma(`user_version = ${deviceMigrations.length + 1}`);
    expect(() => migrateToLatest(db, deviceMigrations)).toThrow(StoreMigrationError);
    db.close();
  });

  it('rolls a failing migration back whole and leaves the version where it was', () => {
    const db = openDeviceDatabase(file, { upToVersion: 1 });
    const broken = [
      ...deviceMigrations.slice(0, 1),
      {
        version: 2,
        name: 'broken',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
          d.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => migrateToLatest(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('0001 residents: creates the table that holds who may sign in', () => {
    const db = openDeviceDatabase(file, { upToVersion: 1 });
    db.prepare(
      "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, updated_at) VALUES ('r1', '100001', 'Ana Diaz', 'scrypt:x', 'B', 1)",
    ).run();
    expect(() =>
      db.prepare("INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, updated_at) VALUES ('r2', '100001', 'Dup', 'h', 1)").run(),
    ).toThrow(/UNIQUE/);
    db.close();
  });

  it('0002 resident-language: existing residents keep their rows and start in English; only offered languages fit', () => {
    const before = openDeviceDatabase(file, { upToVersion: 1 });
    const insert = before.prepare(
      'INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run('r1', '100001', 'Ana Díaz', 'scrypt:a', 'B', 10);
    insert.run('r2', '100002', 'Marcus Lee', 'scrypt:b', null, 20);
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 2 });
    expect(after.prepare('SELECT resident_id, display_name, pin_hash, housing_unit, language FROM residents ORDER BY resident_id').all()).toEqual([
      { resident_id: 'r1', display_name: 'Ana Díaz', pin_hash: 'scrypt:a', housing_unit: 'B', language: 'en' },
      { resident_id: 'r2', display_name: 'Marcus Lee', pin_hash: 'scrypt:b', housing_unit: null, language: 'en' },
    ]);
    expect(() => after.prepare("UPDATE residents SET language = 'xx' WHERE resident_id = 'r1'").run()).toThrow(/CHECK/);
    after.close();
  });

  it('0003 pin-lockouts: residents are untouched and wrong-PIN counts get a table of their own', () => {
    const before = openDeviceDatabase(file, { upToVersion: 2 });
    before
      .prepare("INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, language, updated_at) VALUES ('r1', '100001', 'Ana', 'h', 'es', 1)")
      .run();
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 3 });
    expect(after.prepare('SELECT resident_id, language FROM residents').all()).toEqual([{ resident_id: 'r1', language: 'es' }]);
    after.prepare("INSERT INTO pin_lockouts (subject_kind, subject_id, failed_attempts) VALUES ('resident', 'r1', 2)").run();
    expect(() => after.prepare("INSERT INTO pin_lockouts (subject_kind, subject_id) VALUES ('visitor', 'v1')").run()).toThrow(/CHECK/);
    expect(() => after.prepare("INSERT INTO pin_lockouts (subject_kind, subject_id) VALUES ('resident', 'r1')").run()).toThrow(/UNIQUE|PRIMARY/);
    after.close();
  });
});
