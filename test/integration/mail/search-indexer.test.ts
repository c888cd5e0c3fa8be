// The background search indexer on a real store file: it drains the queue in small transactions, lets other work run
// between them, stops when told, and a failure leaves the queue for the next run instead of throwing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { createSearchIndexer } from '../../../main/mail/search-indexer';
import { mailSearchIndexQueries } from '../../../main/store/mail-search';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let db: DeviceDatabase;
beforeEach(() => {
  dir = makeTempDir();
  db = openDeviceDatabase(join(dir.path, 'device.sqlite'));
});
afterEach(() => {
  if (db.open) db.close();
  dir.remove();
});

function capturingLogger(): { logger: pino.Logger; lines: Array<{ msg: string }> } {
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

function seedLetters(count: number): void {
  const insert = db.prepare(`INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
    carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version) VALUES (?, 'r1', 'c1', 'inbound', ?, 1, 2, 'delivered', 2, 0, 0, 1, 0, 1)`);
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) insert.run(`m${index}`, `letter number ${index} about the garden`);
  })();
}

const matches = (term: string): number =>
  db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM mail_search WHERE mail_search MATCH ?').get(term)?.n ?? 0;

describe('search indexer', () => {
  it('indexes a backlog in chunks, yielding to the event loop between them', async () => {
    seedLetters(1_000);
    const indexer = createSearchIndexer({ db, logger: capturingLogger().logger, chunk: 100 });
    const pendingSeenByOtherWork: number[] = [];
    indexer.schedule();
    // Work queued after the indexer started runs while it is still going, not after it.
    const probe = (): void => {
      const pending = mailSearchIndexQueries(db).pending();
      pendingSeenByOtherWork.push(pending);
      if (pending > 0) setImmediate(probe);
    };
    setImmediate(probe);
    await indexer.whenIdle();
    expect(mailSearchIndexQueries(db).pending()).toBe(0);
    expect(matches('garden')).toBe(1_000);
    expect(pendingSeenByOtherWork.some((pending) => pending > 0 && pending < 1_000)).toBe(true);
    indexer.stop();
  });

  it('after stop it takes no further chunk; what is left is indexed by the next indexer', async () => {
    seedLetters(500);
    const first = createSearchIndexer({ db, logger: capturingLogger().logger, chunk: 100 });
    first.schedule();
    first.stop();
    await first.whenIdle();
    // The first chunk was taken synchronously by schedule(); nothing after the stop.
    expect(mailSearchIndexQueries(db).pending()).toBe(400);
    const second = createSearchIndexer({ db, logger: capturingLogger().logger, chunk: 100 });
    second.schedule();
    await second.whenIdle();
    expect(matches('garden')).toBe(500);
    second.stop();
  });

  it('a store that refuses is logged, not thrown, and the queue stays for the next run', async () => {
    seedLetters(10);
    const { logger, lines } = capturingLogger();
    const indexer = createSearchIndexer({ db, logger, chunk: 100 });
    // Stands in for a full disk: the store refuses the indexer's write.
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON mail_search_documents BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    indexer.schedule();
    await indexer.whenIdle();
    expect(lines.map((line) => line.msg)).toContain('mail search indexing failed; will retry after the next sync');
    expect(mailSearchIndexQueries(db).pending()).toBe(10);
    expect(matches('garden')).toBe(0);
    db.exec('DROP TRIGGER refuse');
    indexer.schedule();
    await indexer.whenIdle();
    expect(matches('garden')).toBe(10);
  });
});
