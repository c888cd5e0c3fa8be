// Migration 0007 adds drafts, replies sent from this device and the full-text index. Mail already synced at version 6
// becomes searchable, and the index follows the replica as sync changes it.
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

const insertMessage = `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
  carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version) VALUES (?, ?, 'c1', 'inbound', ?, 1, 2, 'delivered', 2, 0, 0, 1, 0, 1)`;
const search = (db: ReturnType<typeof openDeviceDatabase>, match: string) =>
  db
    .prepare<[string], { message_id: string; resident_id: string }>(
      'SELECT message_id, resident_id FROM mail_search WHERE mail_search MATCH ? ORDER BY message_id',
    )
    .all(match);

describe('0007 mail', () => {
  it('indexes the mail synced before it, keeps every earlier row, and follows later changes', () => {
    const before = openDeviceDatabase(file, { upToVersion: 6 });
    before.prepare(insertMessage).run('m1', 'r1', 'Tu hermana ya tuvo al bebé. Se llama Sofía.');
    before.prepare(insertMessage).run('m2', 'r2', 'See you Sunday');
    before.prepare("INSERT INTO outbox (mutation_id, name, args, resident_id, created_at) VALUES (1, 'markRead', '{\"messageId\":\"m1\"}', 'r1', 30)").run();
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 7 });
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT mutation_id FROM outbox').all()).toEqual([{ mutation_id: 1 }]);
    expect(search(db, 'sofia')).toEqual([{ message_id: 'm1', resident_id: 'r1' }]);
    expect(search(db, 'sunday')).toEqual([{ message_id: 'm2', resident_id: 'r2' }]);

    db.prepare("UPDATE messages SET body = 'Nos vemos el domingo' WHERE message_id = 'm2'").run();
    expect(search(db, 'sunday')).toEqual([]);
    expect(search(db, 'domingo')).toEqual([{ message_id: 'm2', resident_id: 'r2' }]);
    db.prepare("UPDATE messages SET status = 'read' WHERE message_id = 'm2'").run();
    expect(search(db, 'domingo')).toHaveLength(1);
    db.prepare("DELETE FROM messages WHERE message_id = 'm1'").run();
    expect(search(db, 'sofia')).toEqual([]);
    db.close();
  });

  it('keeps drafts and sent replies STRICT', () => {
    const db = openDeviceDatabase(file, { upToVersion: 7 });
    const draft = db.prepare('INSERT INTO mail_drafts (draft_id, resident_id, contact_id, reply_to_message_id, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    draft.run('d1', 'r1', 'c1', null, 'Dear', 10);
    expect(() => draft.run('d2', 'r1', 'c1', null, 'x', 'soon')).toThrow(/TEXT value in INTEGER column/);
    const outgoing =
      db.prepare(`INSERT INTO mail_outgoing (message_id, resident_id, contact_id, body, written_at, reply_to_message_id, use_return_stamp, own_stamps)
      VALUES (?, 'r1', 'c1', 'hello there', 5, NULL, ?, ?)`);
    outgoing.run('o1', 1, 0);
    expect(() => outgoing.run('o2', 2, 0)).toThrow(/CHECK/);
    expect(() => outgoing.run('o3', 0, -1)).toThrow(/CHECK/);
    expect(() => outgoing.run('o1', 0, 1)).toThrow(/UNIQUE/);
    expect(search(db, 'hello')).toEqual([{ message_id: 'o1', resident_id: 'r1' }]);
    db.close();
  });
});
