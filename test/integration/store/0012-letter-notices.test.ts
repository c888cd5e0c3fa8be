// Migration 0012: stopped-letter notices and the figures behind a hub refusal. A refusal settled at version 10 comes
// through with its code and reason and no figures, and is still said to the person — as "not accepted", never blank.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createMoneyService } from '../../../main/money/money-service';
import { openDeviceDatabase } from '../../../main/store/database';
import { letterNoticeQueries } from '../../../main/store/letter-notices';
import { schemaVersion } from '../../../main/store/migrate';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

describe('0012 letter notices', () => {
  it('keeps a refusal settled before figures existed, and starts with no notices', () => {
    const before = openDeviceDatabase(file, { upToVersion: 11 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, language, updated_at, version) VALUES ('r1', '100001', 'Ana', 'h', 'es', 1, 1)",
      )
      .run();
    before
      .prepare(
        'INSERT INTO outbox (mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        1,
        'buyStamps',
        JSON.stringify({ residentId: 'r1', requestId: '22222222-2222-4222-8222-222222222222', bookSize: 5 }),
        'r1',
        11,
        'refused',
        'notEnoughMoney',
        'Too little money.',
        21,
      );
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 12 });
    expect(schemaVersion(db)).toBe(12);
    expect(db.prepare('SELECT result_code, result_reason, result_figures FROM outbox').all()).toEqual([
      { result_code: 'notEnoughMoney', result_reason: 'Too little money.', result_figures: null },
    ]);
    db.close();
    // Today's services read the store as a device runs it, at the latest version (later migrations add what they read).
    const latest = openDeviceDatabase(file);
    const money = createMoneyService({ db: latest, now: () => 30 });
    expect(money.purchase('r1', '22222222-2222-4222-8222-222222222222').outcome).toEqual({ state: 'refused', refusal: { code: 'other' } });
    expect(letterNoticeQueries(latest).forResident('r1')).toEqual([]);
    expect(latest.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    latest.close();
  });
});
