// Migration 0009: the outbox can be searched by the message id in its arguments, and the search index takes the
// resident as an indexed column, so a search ranks only the searcher's letters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDeviceDatabase } from '../../../main/store/database';
import { mailQueries } from '../../../main/store/mail';
import { mailSearchIndexQueries } from '../../../main/store/mail-search';
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

describe('0009 mail query indexes', () => {
  it('requeues the mail indexed at version 8 and finds it again, for its owner only', () => {
    const before = openDeviceDatabase(file, { upToVersion: 8 });
    before.prepare(insertMessage).run('m1', 'r1', 'See you Sunday');
    before.prepare(insertMessage).run('m2', 'r"2', 'Sunday dinner');
    mailSearchIndexQueries(before).indexOldest(10);
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 9 });
    expect(schemaVersion(db)).toBe(9);
    expect(mailSearchIndexQueries(db).pending()).toBe(2);
    mailSearchIndexQueries(db).indexOldest(10);
    db.close();
    // Today's mail queries read today's schema (later migrations add outbox columns); they leave the index alone.
    const latest = openDeviceDatabase(file);
    const mail = mailQueries(latest);
    expect(mail.search('r1', '"sunday"*', 10).map((hit) => hit.messageId)).toEqual(['m1']);
    // An id with a quote in it is a phrase, not syntax; and a word the ids contain is not a match in the text.
    expect(mail.search('r"2', '"sunday"*', 10).map((hit) => hit.messageId)).toEqual(['m2']);
    expect(mail.search('r1', '"r1"', 10)).toEqual([]);
    latest.close();
  });

  it("finds a letter's outbox rows by the message id in their arguments with the new index, not a scan of the person's rows", () => {
    const db = openDeviceDatabase(file);
    const plan = db
      .prepare<[], { detail: string }>(
        "EXPLAIN QUERY PLAN SELECT (SELECT 1 FROM outbox r WHERE r.status <> 'refused' AND r.name = 'markRead' AND r.resident_id = 'r1' AND r.message_id = m.message_id) FROM messages m WHERE m.resident_id = 'r1'",
      )
      .all()
      .map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/SEARCH r USING INDEX outbox_by_message \(message_id=\? AND name=\?\)/);
    // The generated column is the message id of the arguments, or null for a mutation without one.
    db.prepare(
      'INSERT INTO outbox (mutation_id, name, args, resident_id, created_at) VALUES (1, \'markRead\', \'{"messageId":"m1","residentId":"r1"}\', \'r1\', 5), (2, \'buyStamps\', \'{"residentId":"r1"}\', \'r1\', 6)',
    ).run();
    expect(db.prepare('SELECT mutation_id, message_id FROM outbox ORDER BY mutation_id').all()).toEqual([
      { mutation_id: 1, message_id: 'm1' },
      { mutation_id: 2, message_id: null },
    ]);
    db.close();
  });
});
