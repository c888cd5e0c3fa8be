// Migration 0008 takes the mail search index out of the write path: writes queue the message, the indexer makes the
// index match the store. Mail indexed at version 7 stays searchable once the queue is indexed, and every way a
// message changes (written, body changed, status changed, removed, sent from here and then synced) ends with exactly
// one index row holding the store's text, or none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { mailSearchIndexQueries } from '../../../main/store/mail-search';
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
const insertOutgoing = `INSERT INTO mail_outgoing (message_id, resident_id, contact_id, body, written_at, reply_to_message_id, use_return_stamp, own_stamps)
  VALUES (?, ?, 'c1', ?, 5, NULL, 0, 1)`;
const search = (db: DeviceDatabase, match: string) =>
  db
    .prepare<[string], { message_id: string; resident_id: string; body: string }>(
      'SELECT message_id, resident_id, body FROM mail_search WHERE mail_search MATCH ? ORDER BY message_id',
    )
    .all(match);
const indexRows = (db: DeviceDatabase) => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM mail_search').get()?.n;
const queued = (db: DeviceDatabase) => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM mail_search_queue').get()?.n;

describe('0008 mail search queue', () => {
  it('queues the mail indexed at version 7 and indexes it again, once per message', () => {
    const before = openDeviceDatabase(file, { upToVersion: 7 });
    before.prepare(insertMessage).run('m1', 'r1', 'Tu hermana ya tuvo al bebé. Se llama Sofía.');
    before.prepare(insertOutgoing).run('m2', 'r1', 'See you Sunday');
    before.prepare(insertMessage).run('m2', 'r1', 'See you Sunday');
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 8 });
    expect(schemaVersion(db)).toBe(8);
    expect(indexRows(db)).toBe(0);
    expect(queued(db)).toBe(3);
    expect(mailSearchIndexQueries(db).indexOldest(100)).toBe(3);
    expect(queued(db)).toBe(0);
    expect(search(db, 'sofia').map((row) => row.message_id)).toEqual(['m1']);
    // A reply sent here and synced back is one row, not two.
    expect(search(db, 'sunday').map((row) => row.message_id)).toEqual(['m2']);
    db.close();
  });

  it('writes only queue; the indexer makes the index match the store after every kind of change', () => {
    const db = openDeviceDatabase(file);
    const index = mailSearchIndexQueries(db);
    db.prepare(insertMessage).run('m1', 'r1', 'Nos vemos el domingo');
    expect(search(db, 'domingo')).toEqual([]);
    expect(index.pending()).toBe(1);
    index.indexOldest(10);
    expect(search(db, 'domingo')).toEqual([{ message_id: 'm1', resident_id: 'r1', body: 'Nos vemos el domingo' }]);

    // A status change alone does not queue the message again.
    db.prepare("UPDATE messages SET status = 'read' WHERE message_id = 'm1'").run();
    expect(index.pending()).toBe(0);

    db.prepare("UPDATE messages SET body = 'See you Sunday' WHERE message_id = 'm1'").run();
    index.indexOldest(10);
    expect(search(db, 'domingo')).toEqual([]);
    expect(search(db, 'sunday').map((row) => row.message_id)).toEqual(['m1']);

    // Sent here, then the hub's copy arrives, then the local row goes: one row throughout, then the hub's text.
    db.prepare(insertOutgoing).run('o1', 'r1', 'Thank you for the photos');
    index.indexOldest(10);
    db.prepare(insertMessage).run('o1', 'r1', 'Thank you for the photos');
    db.prepare("DELETE FROM mail_outgoing WHERE message_id = 'o1'").run();
    index.indexOldest(10);
    expect(search(db, 'photos').map((row) => row.message_id)).toEqual(['o1']);
    expect(indexRows(db)).toBe(2);

    db.prepare("DELETE FROM messages WHERE message_id = 'm1'").run();
    db.prepare("DELETE FROM messages WHERE message_id = 'o1'").run();
    index.indexOldest(10);
    expect(indexRows(db)).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM mail_search_documents').get()).toEqual({ n: 0 });
    db.close();
  });

  it("indexes one person's queue first and leaves everyone else's waiting", () => {
    const db = openDeviceDatabase(file);
    const index = mailSearchIndexQueries(db);
    db.prepare(insertMessage).run('a1', 'r1', 'apples');
    db.prepare(insertMessage).run('b1', 'r2', 'bananas');
    db.prepare(insertMessage).run('a2', 'r1', 'more apples');
    expect(index.indexFor('r1')).toBe(2);
    expect(search(db, 'apples').map((row) => row.message_id)).toEqual(['a1', 'a2']);
    expect(search(db, 'bananas')).toEqual([]);
    expect(index.pending()).toBe(1);
    db.close();
  });

  it('a queue entry is written in the same transaction as the message: a rolled-back write queues nothing', () => {
    const db = openDeviceDatabase(file);
    expect(() =>
      db.transaction(() => {
        db.prepare(insertMessage).run('m1', 'r1', 'lost');
        throw new Error('power cut');
      })(),
    ).toThrow('power cut');
    expect(queued(db)).toBe(0);
    db.close();
  });
});
