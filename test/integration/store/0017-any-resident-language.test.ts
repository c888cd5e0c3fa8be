// Migration 0017: a resident's language is any tag the site offers, not English or Spanish only. A store at version 16
// keeps every resident and their choice; then a resident can choose Arabic or Simplified Chinese, which the old CHECK
// refused (the screen said "something went wrong"), and a value that is no tag at all is still refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { residentQueries } from '../../../main/store/residents';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0017 any resident language', () => {
  it('keeps every resident and their language, then takes any language tag and refuses what is none', () => {
    const before = openDeviceDatabase(file, { upToVersion: 16 });
    const insert = before.prepare(
      'INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('r1', '100001', 'Marcus Lee', 'scrypt:m', 'B', 'en', 10);
    insert.run('r2', '100002', 'Ana Díaz', 'scrypt:a', null, 'es', 20);
    expect(() => before.prepare("UPDATE residents SET language = 'ar' WHERE resident_id = 'r1'").run()).toThrow(/CHECK constraint failed/);
    before.close();

    const db = openDeviceDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(17);
    expect(db.prepare('SELECT resident_id, display_name, housing_unit, language, updated_at FROM residents ORDER BY resident_id').all()).toEqual([
      { resident_id: 'r1', display_name: 'Marcus Lee', housing_unit: 'B', language: 'en', updated_at: 10 },
      { resident_id: 'r2', display_name: 'Ana Díaz', housing_unit: null, language: 'es', updated_at: 20 },
    ]);
    const residents = residentQueries(db);
    residents.setLanguage('r1', 'ar');
    residents.setLanguage('r2', 'zh-Hans');
    expect(db.prepare('SELECT language FROM residents ORDER BY resident_id').pluck().all()).toEqual(['ar', 'zh-Hans']);
    expect(() => db.prepare("UPDATE residents SET language = '' WHERE resident_id = 'r1'").run()).toThrow(/CHECK constraint failed/);
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
  });
});
