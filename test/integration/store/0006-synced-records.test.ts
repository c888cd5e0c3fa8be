// Migration 0006 adds the replica tables. Rows of the previous shape (residents, lockouts, outbox, sync state) are
// untouched; the new tables are STRICT, keep integer cents and stamps, and cascade attachments with their message.
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

const sha = 'a'.repeat(64);

describe('0006 synced-records', () => {
  it('leaves the version-5 rows as they were', () => {
    const before = openDeviceDatabase(file, { upToVersion: 5 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, language, updated_at, version) VALUES ('r1', '100001', 'Ana', 'h', 'es', 1, 7)",
      )
      .run();
    before.prepare("INSERT INTO pin_lockouts (subject_kind, subject_id, failed_attempts) VALUES ('resident', 'r1', 2)").run();
    before.prepare("INSERT INTO outbox (mutation_id, name, args, resident_id, created_at) VALUES (1, 'markRead', '{}', 'r1', 30)").run();
    before.prepare("UPDATE sync_state SET device_id = 'dev-1', cursor = 'c9', last_mutation_id = 1").run();
    before.close();

    const after = openDeviceDatabase(file, { upToVersion: 6 });
    expect(after.prepare('SELECT resident_id, version FROM residents').all()).toEqual([{ resident_id: 'r1', version: 7 }]);
    expect(after.prepare('SELECT failed_attempts FROM pin_lockouts').get()).toEqual({ failed_attempts: 2 });
    expect(after.prepare('SELECT mutation_id FROM outbox').all()).toEqual([{ mutation_id: 1 }]);
    expect(after.prepare('SELECT device_id, cursor, last_mutation_id FROM sync_state').get()).toEqual({
      device_id: 'dev-1',
      cursor: 'c9',
      last_mutation_id: 1,
    });
    for (const table of [
      'staff',
      'contacts',
      'messages',
      'message_attachments',
      'stamp_entries',
      'debit_entries',
      'balances',
      'visits',
      'site_rules',
      'site_stamp_books',
      'sync_tombstones',
    ]) {
      expect(after.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    after.close();
  });

  it('is STRICT: money and stamps are integers, never text or fractions', () => {
    const db = openDeviceDatabase(file, { upToVersion: 6 });
    const balance = db.prepare('INSERT INTO balances (resident_id, stamps, available_cents, holds_cents, confirmed_at, version) VALUES (?, ?, ?, ?, ?, ?)');
    balance.run('r1', 3, 1250, 0, 100, 1);
    expect(() => balance.run('r2', 3, 12.5, 0, 100, 1)).toThrow(/cannot store REAL value in INTEGER column/);
    expect(() => balance.run('r3', '3', 'lots', 0, 100, 1)).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => balance.run('r4', -1, 0, 0, 100, 1)).toThrow(/CHECK/);
    const debit = db.prepare(
      "INSERT INTO debit_entries (entry_id, resident_id, amount_cents, kind, reference, created_at, version) VALUES (?, 'r1', ?, 'deposit', '', 1, 1)",
    );
    debit.run('d1', -300);
    expect(() => debit.run('d2', 3.5)).toThrow(/REAL/);
    db.close();
  });

  it('attachments go with their message; stamp books go with their site rules', () => {
    const db = openDeviceDatabase(file, { upToVersion: 6 });
    db.prepare(
      `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
      carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version)
      VALUES ('m1', 'r1', 'c1', 'inbound', 'hello', 1, 2, 'delivered', 2, 0, 0, 1, 0, 1)`,
    ).run();
    const attachment = db.prepare(
      "INSERT INTO message_attachments (message_id, attachment_id, position, kind, sha256, byte_size, mime_type, status) VALUES (?, ?, 0, 'photo', ?, 10, 'image/jpeg', 'delivered')",
    );
    attachment.run('m1', 'a1', sha);
    expect(() => attachment.run('m-missing', 'a2', sha)).toThrow(/FOREIGN KEY/);
    expect(() => attachment.run('m1', 'a3', 'short')).toThrow(/CHECK/);
    db.prepare("DELETE FROM messages WHERE message_id = 'm1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM message_attachments').get()).toEqual({ n: 0 });

    db.prepare("INSERT INTO site_rules VALUES ('s1', 'Riverbend', 6000, 1, 5, 3000000, 0, 1)").run();
    db.prepare("INSERT INTO site_stamp_books VALUES ('s1', 0, 5, 250)").run();
    db.prepare("DELETE FROM site_rules WHERE site_id = 's1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM site_stamp_books').get()).toEqual({ n: 0 });
    db.close();
  });

  it('checks the protocol’s enumerations and flags', () => {
    const db = openDeviceDatabase(file, { upToVersion: 6 });
    const message = db.prepare(`INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
      carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version) VALUES (?, 'r1', 'c1', ?, 'x', 1, 1, ?, 1, ?, 0, 0, 0, 1)`);
    expect(() => message.run('m1', 'sideways', 'delivered', 0)).toThrow(/CHECK/);
    expect(() => message.run('m2', 'inbound', 'lost', 0)).toThrow(/CHECK/);
    expect(() => message.run('m3', 'inbound', 'delivered', 2)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO visits VALUES ('v1', 'r1', 'Rosa', 'teleport', 1, 30, 'scheduled', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO contacts VALUES ('c1', 'r1', 'Rosa', 'sister', 1, 0)").run()).toThrow(/CHECK/);
    db.close();
  });
});
