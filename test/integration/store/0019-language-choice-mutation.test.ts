// Migration 0019: the outbox learns the chooseLanguage mutation (docs/languages.md §5). SQLite cannot change a CHECK, so
// the table is rebuilt: a store at version 18 keeps every row — pending and answered, with the hub's reasons and
// figures — its indexes and the mail trigger that reads it; then a language choice can be queued, which the old CHECK
// refused, and a name the protocol does not know still cannot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { outboxQueries } from '../../../main/store/outbox';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

const everyColumn =
  'SELECT mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, message_id, result_figures FROM outbox ORDER BY mutation_id';

describe('0019 language choice mutation', () => {
  it('keeps every outbox row, index and trigger, then queues a language choice', () => {
    const before = openDeviceDatabase(file, { upToVersion: 18 });
    const insert = before.prepare(
      `INSERT INTO outbox (mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, result_figures)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run(1, 'appendAuditEntry', '{"seq":1}', null, 10, 'applied', null, null, 11, null);
    insert.run(2, 'sendMessage', '{"messageId":"m-1","residentId":"r1","body":"Hola"}', 'r1', 20, 'pending', null, null, null, null);
    insert.run(
      3,
      'buyStamps',
      '{"residentId":"r1","requestId":"q-1","bookSize":5}',
      'r1',
      30,
      'refused',
      'notEnoughMoney',
      'Not enough money.',
      31,
      '{"neededCents":250}',
    );
    insert.run(4, 'markRead', '{"residentId":"r2","messageId":"m-9"}', 'r2', 40, 'applied', null, null, 41, null);
    const choice = '{"residentId":"r1","language":"vi","chosenAt":50}';
    expect(() => insert.run(5, 'chooseLanguage', choice, 'r1', 50, 'pending', null, null, null, null)).toThrow(/CHECK constraint failed/);
    const rowsBefore = before.prepare(everyColumn).all();
    expect(rowsBefore).toHaveLength(4);
    before.close();

    const db = openDeviceDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(19);
    expect(db.prepare(everyColumn).all()).toEqual(rowsBefore);
    const outboxObjects = db
      .prepare<[], { type: string; name: string }>(
        "SELECT type, name FROM sqlite_master WHERE tbl_name IN ('outbox', 'residents') AND type IN ('index', 'trigger') ORDER BY name",
      )
      .all()
      .filter((row) => row.name.startsWith('outbox_') || row.name === 'mail_resident_removed');
    expect(outboxObjects).toEqual([
      { type: 'trigger', name: 'mail_resident_removed' },
      { type: 'index', name: 'outbox_by_message' },
      { type: 'index', name: 'outbox_by_resident' },
      { type: 'index', name: 'outbox_pending' },
    ]);

    const outbox = outboxQueries(db);
    outbox.insert({ mutationId: 5, name: 'chooseLanguage', argsJson: choice, residentId: 'r1', createdAt: 50 });
    expect(outbox.pendingLanguageChoiceFor('r1')).toBe('vi');
    expect(outbox.pendingLanguageChoiceFor('r2')).toBeNull();
    expect(outbox.pending(10).map((entry) => entry.mutationId)).toEqual([2, 5]);
    expect(() => outbox.insert({ mutationId: 6, name: 'chooseAnything', argsJson: '{}', residentId: 'r1', createdAt: 60 })).toThrow(/CHECK constraint failed/);
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
  });
});
