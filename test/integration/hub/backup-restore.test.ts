// `npm run hub -- backup` and `restore` on real PostgreSQL: a facility seeded through the services (residents, letters
// with photos, review decisions, money and stamps) is backed up with pg_dump, restored with pg_restore into a database
// on ANOTHER cluster, and every table's rows and every attachment's bytes come back the same. A restore into a
// database that is not empty, a damaged backup file, a file that is not a backup, an existing target file and a PGlite
// hub are refused in words, and nothing changes.
import { openSync, readFileSync, writeFileSync, closeSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { readBackupHeader } from '../../../hub/db/backup';
import { openHubDatabase } from '../../../hub/db/open';
import { deposit, hubContext, reviewMessage, sendFamilyMessage } from '../../../hub/services/index';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { adminQuery } from '../../support/shared-postgres';
import { makeTempDir } from '../../support/temp-dir';
import { fakeJpeg, seedFacility, TestClock, testPinCost, tinyPng } from './fixture';

/** Every table's rows as text, ordered, and every blob's bytes: what "the same hub" means here. */
async function everything(url: string): Promise<{ tables: Record<string, string[]>; blobs: { sha256: string; bytes: Buffer }[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows;
    const tables: Record<string, string[]> = {};
    for (const { name } of names) {
      const table = pg.escapeIdentifier(name);
      tables[name] = (await client.query<{ row: string }>(`SELECT t::text AS row FROM public.${table} t ORDER BY t::text COLLATE "C"`)).rows.map(
        (row) => row.row,
      );
    }
    const blobs = (await client.query<{ sha256: string; bytes: Buffer }>('SELECT sha256, bytes FROM blobs ORDER BY sha256')).rows;
    return { tables, blobs };
  } finally {
    await client.end();
  }
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = (await client.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
      .rows[0];
    return Number(row?.n ?? -1);
  } finally {
    await client.end();
  }
}

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('hub backup and restore (PostgreSQL)', () => {
  let source: PostgresServer;
  let fresh: PostgresServer;
  let folder: { path: string; remove: () => void };
  let sourceUrl: string;
  let backupFile: string;

  beforeAll(async () => {
    [source, fresh] = await Promise.all([startPostgresServer(), startPostgresServer()]);
    folder = makeTempDir('dayroom-backup-');
    await adminQuery(source.url('postgres'), 'CREATE DATABASE facility');
    sourceUrl = source.url('facility');
    const database = await openHubDatabase({ databaseUrl: sourceUrl });
    try {
      const hub = hubContext(database, { pinCost: testPinCost, now: new TestClock().now });
      const facility = await seedFacility(hub);
      const approved = await sendFamilyMessage(hub, {
        contactId: facility.anaMom,
        body: 'Feliz cumpleaños, mija',
        attachments: [
          { kind: 'photo', bytes: tinyPng },
          { kind: 'photo', bytes: fakeJpeg('the beach') },
        ],
        carriesReturnStamp: true,
      });
      await reviewMessage(hub, { decision: 'approve', messageId: approved.message_id, reviewer: 'Reviewer Kim' });
      const rejected = await sendFamilyMessage(hub, {
        contactId: facility.benBrother,
        body: 'See you soon',
        attachments: [{ kind: 'ecard', bytes: fakeJpeg('card') }],
      });
      await reviewMessage(hub, { decision: 'reject', messageId: rejected.message_id, reviewer: 'Reviewer Kim', reason: 'Not from this contact.' });
      await sendFamilyMessage(hub, {
        contactId: facility.cruzSister,
        body: 'Waiting for review',
        attachments: [{ kind: 'photo', bytes: fakeJpeg('waiting') }],
      });
      await deposit(hub, { residentId: facility.ana.resident_id, amountCents: 4000, source: 'moneyOrder', reference: 'MO 88231' });
      await deposit(hub, { residentId: facility.cruz.resident_id, amountCents: 1250, source: 'online' });
    } finally {
      await database.close();
    }
    backupFile = join(folder.path, 'hub.dayroom-backup');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([source?.stop(), fresh?.stop()]);
    folder?.remove();
  });

  it('restores into a fresh cluster every table row and every attachment byte, and checks them against the manifest', async () => {
    const backedUp = await cli({ DATABASE_URL: sourceUrl }, 'backup', '--to', backupFile);
    expect(backedUp.err).toBe('');
    expect(backedUp.code).toBe(0);
    expect(backedUp.out).toMatch(
      /^Backed up postgres:\/\/postgres@127\.0\.0\.1:\d+\/facility to .*hub\.dayroom-backup: \d+ tables with \d+ rows, 4 attachments/,
    );
    expect(statSync(backupFile).mode & 0o077).toBe(0);

    const { manifest } = readBackupHeader(backupFile);
    const original = await everything(sourceUrl);
    expect(manifest.blobs.count).toBe(original.blobs.length);
    expect(manifest.tables.blobs).toBe(4);
    for (const [name, rows] of Object.entries(original.tables)) expect(manifest.tables[name], name).toBe(rows.length);

    await adminQuery(fresh.url('postgres'), 'CREATE DATABASE restored');
    const restoredUrl = fresh.url('restored');
    const restored = await cli({ DATABASE_URL: restoredUrl }, 'restore', '--from', backupFile);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(
      /^Restored .*hub\.dayroom-backup \(made .*\) into postgres:\/\/postgres@127\.0\.0\.1:\d+\/restored: .*4 attachments.*every count and attachment/,
    );

    const copy = await everything(restoredUrl);
    expect(Object.keys(copy.tables)).toEqual(Object.keys(original.tables));
    for (const name of Object.keys(original.tables)) expect(copy.tables[name], name).toEqual(original.tables[name]);
    expect(copy.blobs.map((blob) => blob.sha256)).toEqual(original.blobs.map((blob) => blob.sha256));
    copy.blobs.forEach((blob, index) => expect(Buffer.compare(blob.bytes, original.blobs[index]?.bytes ?? Buffer.alloc(0)), blob.sha256).toBe(0));
    // The photo bytes themselves, not only their names: the message's tiny PNG is in the restored hub.
    expect(copy.blobs.some((blob) => blob.bytes.equals(tinyPng))).toBe(true);

    // A hub starts on the restored database as it is (the migrations find nothing to do).
    const reopened = await openHubDatabase({ databaseUrl: restoredUrl });
    await reopened.close();
    expect(await everything(restoredUrl)).toEqual(copy);

    // Again, into the same database, which now holds a hub: refused in words, and nothing in it changes.
    const again = await cli({ DATABASE_URL: restoredUrl }, 'restore', '--from', backupFile);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /^The database at postgres:\/\/postgres@127\.0\.0\.1:\d+\/restored is not empty: it has \d+ tables \(public\.[a-z_]+, .*\)\. A restore goes only into a new, empty database.*Nothing was changed\.$/,
    );
    expect(again.out).toBe('');
    expect(await everything(restoredUrl)).toEqual(copy);
  }, 120_000);

  it('refuses a damaged backup, a file that is not a backup, an existing target file and a PGlite hub, in words, changing nothing', async () => {
    const file = join(folder.path, 'for-damage.dayroom-backup');
    expect((await cli({ DATABASE_URL: sourceUrl }, 'backup', '--to', file)).code).toBe(0);

    const overwrite = await cli({ DATABASE_URL: sourceUrl }, 'backup', '--to', file);
    expect(overwrite).toMatchObject({ code: 1, err: `${file} already exists; the backup will not overwrite it. Name a new file.` });

    const missingFolder = await cli({ DATABASE_URL: sourceUrl }, 'backup', '--to', join(folder.path, 'no-such-folder', 'x.backup'));
    expect(missingFolder.code).toBe(1);
    expect(missingFolder.err).toMatch(/the folder .*no-such-folder does not exist\.$/);

    // One byte of the dump changed, far from the header.
    const { dumpOffset } = readBackupHeader(file);
    const size = statSync(file).size;
    const position = dumpOffset + Math.floor((size - dumpOffset) / 2);
    const original = readFileSync(file).subarray(position, position + 1);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([(original[0] ?? 0) ^ 0xff]), 0, 1, position);
    closeSync(fd);
    await adminQuery(fresh.url('postgres'), 'CREATE DATABASE untouched');
    const untouchedUrl = fresh.url('untouched');
    const damaged = await cli({ DATABASE_URL: untouchedUrl }, 'restore', '--from', file);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(
      /for-damage\.dayroom-backup is damaged: its dump is \d+ bytes with sha256 [0-9a-f]{12}…, and the manifest says \d+ bytes, [0-9a-f]{12}…\. Nothing was restored\.$/,
    );
    expect(await tableCount(untouchedUrl)).toBe(0);

    const notBackup = join(folder.path, 'notes.txt');
    writeFileSync(notBackup, 'shopping list\n');
    const wrongFile = await cli({ DATABASE_URL: untouchedUrl }, 'restore', '--from', notBackup);
    expect(wrongFile.code).toBe(1);
    expect(wrongFile.err).toBe(`${notBackup} is not a Dayroom hub backup (made by npm run hub -- backup): it does not begin with "DAYROOM-HUB-BACKUP 1".`);
    const missing = await cli({ DATABASE_URL: untouchedUrl }, 'restore', '--from', join(folder.path, 'nothing-here'));
    expect(missing).toMatchObject({ code: 1, err: `${join(folder.path, 'nothing-here')} cannot be read: there is no such file.` });
    expect(await tableCount(untouchedUrl)).toBe(0);

    const pglite = await cli({}, 'backup', '--to', join(folder.path, 'pglite.backup'), '--data', join(folder.path, 'hub-folder'));
    expect(pglite.code).toBe(1);
    expect(pglite.err).toMatch(
      /^backup works on a hub on PostgreSQL \(DATABASE_URL\)\. A PGlite hub \(--data\) is backed up by stopping it and copying its folder/,
    );
    const noUrl = await cli({}, 'restore', '--from', file);
    expect(noUrl).toMatchObject({ code: 2, err: "restore needs DATABASE_URL=postgres://… naming the hub's PostgreSQL database." });
    const noFile = await cli({ DATABASE_URL: untouchedUrl }, 'restore');
    expect(noFile.code).toBe(2);
    expect(noFile.err).toMatch(/^restore needs --from <file>\./);
    const wrongServer = await cli({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/facility' }, 'restore', '--from', backupFile);
    expect(wrongServer.code).toBe(1);
    expect(wrongServer.err).toMatch(/^No PostgreSQL server answers at 127\.0\.0\.1:1/);
  }, 120_000);
});
