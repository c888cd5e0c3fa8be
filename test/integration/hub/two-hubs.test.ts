// Past one server (docs/deployment-hub.md): two hub processes, started as the service starts them, on ONE PostgreSQL
// database, with one device going to them in turn request by request, as a load balancer without stickiness sends it.
// Its pull cursor made by one hub continues on the other, a pull paged across both reads the same changes as one pull
// from one hub, pushes alternate, a push repeated on the other hub — or sent to both at the same moment — is applied
// exactly once, and a change made at the hub reaches the device through either.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { hubPaths, type Change } from '../../../hub/protocol/index';
import { issueEnrollmentCode } from '../../../hub/services/devices';
import { reviewMessage, sendFamilyMessage } from '../../../hub/services/messages';
import { enrollSyncedDevice, syncToQuiet } from '../../support/synced-device';
import type { HubDatabase } from '../../../hub/db/database';
import { openHubDatabase } from '../../../hub/db/open';
import { auditLedgers, deposit, hubContext, type HubContext } from '../../../hub/services/index';
import { startHubProcess, type HubProcess } from '../../support/hub-process';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { buyStampsMutation, deviceFor, enroll, parsePush, seedFacility, sendMessageMutation, testPinCost, type Facility, type TestDevice } from './fixture';
import pg from 'pg';

describe('two hub processes on one PostgreSQL, one device alternating between them', () => {
  let server: PostgresServer;
  let database: HubDatabase;
  let hub: HubContext;
  let facility: Facility;
  let hubs: HubProcess[] = [];
  /** The same device (one credential) reaching hub 0 and hub 1. */
  let via: [TestDevice, TestDevice];

  beforeAll(async () => {
    server = await startPostgresServer();
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE facility');
    await admin.end();
    const databaseUrl = server.url('facility');
    // The staff side works on the same database through the services, with the real clock the hub processes use.
    database = await openHubDatabase({ databaseUrl });
    hub = hubContext(database, { pinCost: testPinCost });
    facility = await seedFacility(hub);
    hubs = await Promise.all([startHubProcess([], { DATABASE_URL: databaseUrl }), startHubProcess([], { DATABASE_URL: databaseUrl })]);
    const [first, second] = hubs;
    if (first === undefined || second === undefined) throw new Error('two hubs did not start');
    expect(first.url).not.toBe(second.url);
    // Enrolled through the first hub; the second knows the device from the database alone.
    const kiosk = await enroll({ url: first.url, hub }, facility.siteId, 'kiosk', facility.unitA);
    via = [kiosk, deviceFor({ url: second.url }, kiosk.deviceId, kiosk.secret, 'kiosk')];
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all(hubs.map((running) => running.stop()));
    await database?.close();
    await server?.stop();
    // Each hub stopped cleanly on SIGTERM, as systemd stops it.
    expect(codes.every((code) => code === 0)).toBe(true);
  });

  async function count(sql: string, params: string[]): Promise<number> {
    const [row] = await database.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM (${sql}) counted`, params);
    return row?.count ?? -1;
  }

  /** Pulls to the end, page by page, each page from the other hub than the page before. */
  async function pullAlternating(cursor: string | null, limit: number): Promise<{ changes: Change[]; cursor: string; pages: number }> {
    const changes: Change[] = [];
    let position = cursor;
    for (let page = 0; ; page++) {
      const answer = await via[page % 2 === 0 ? 0 : 1].pull(position, limit);
      changes.push(...answer.changes);
      position = answer.cursor;
      if (!answer.hasMore) return { changes, cursor: answer.cursor, pages: page + 1 };
    }
  }

  it('pages a pull across both hubs with one cursor, and pushes alternate with every mutation applied once', async () => {
    const single = await via[0].pullAll(null, 1000);
    expect(single.changes.length).toBeGreaterThan(4);
    const alternating = await pullAlternating(null, 2);
    expect(alternating.pages).toBeGreaterThan(2);
    expect(alternating.changes).toEqual(single.changes);

    const ana = facility.ana.resident_id;
    await deposit(hub, { residentId: ana, amountCents: 5000, source: 'online' });
    // A book of stamps, then six letters, each pushed to one hub and sent again (its answer lost on the way back) to
    // the other, as a balancer without stickiness would send it.
    const mutations = [
      buyStampsMutation(1, ana, 10),
      ...[2, 3, 4, 5, 6, 7].map((id) => sendMessageMutation(id, { residentId: ana, contactId: facility.anaMom, body: `Letter ${id}` })),
    ];
    for (const mutation of mutations) {
      const [first, other] = mutation.id % 2 === 0 ? [via[1], via[0]] : [via[0], via[1]];
      const applied = { lastMutationId: mutation.id, results: [{ id: mutation.id, status: 'applied' }] };
      expect(parsePush(await first.push([mutation]))).toEqual(applied);
      expect(parsePush(await other.push([mutation]))).toEqual(applied);
    }
    // A letter sent to both hubs at the same moment (a retry racing the original).
    const racing = sendMessageMutation(8, { residentId: ana, contactId: facility.anaMom, body: 'Letter 8' });
    const [onFirst, onSecond] = await Promise.all([via[0].push([racing]), via[1].push([racing])]);
    expect(parsePush(onFirst)).toEqual({ lastMutationId: 8, results: [{ id: 8, status: 'applied' }] });
    expect(parsePush(onSecond)).toEqual(parsePush(onFirst));

    expect(await count("SELECT 1 FROM messages WHERE resident_id = $1 AND direction = 'outbound'", [ana])).toBe(7);
    expect(await count('SELECT 1 FROM device_mutations WHERE device_id = $1', [via[0].deviceId])).toBe(8);
    for (const id of [2, 3, 4, 5, 6, 7, 8])
      expect(await count("SELECT 1 FROM messages WHERE resident_id = $1 AND direction = 'outbound' AND body = $2", [ana, `Letter ${id}`])).toBe(1);
    expect(await count('SELECT 1 FROM stamp_purchases WHERE resident_id = $1', [ana])).toBe(1);
    // One book of 10 bought once, seven letters paid once each.
    expect(await auditLedgers(database, ana)).toMatchObject({ stampBalance: 3, balanced: true });

    // The cursor continues: what is new after the pushes is the same through either hub, and then nothing is.
    const afterPushes = await via[1].pullAll(alternating.cursor);
    expect(afterPushes.changes.length).toBeGreaterThan(0);
    expect((await via[0].pullAll(alternating.cursor)).changes).toEqual(afterPushes.changes);
    expect((await via[0].pull(afterPushes.cursor)).changes).toEqual([]);

    // A change made at the hub (a deposit from the money office, in a third process) reaches the device through either
    // hub. A hub process may answer an empty pull from memory until the change's note reaches it (docs/sync.md §11
    // "Live changes"): milliseconds, after which its stream tells the device to pull; here the test asks again.
    await deposit(hub, { residentId: ana, amountCents: 2500, source: 'online' });
    const deposited = await vi.waitFor(async () => {
      const answer = await via[1].pull(afterPushes.cursor);
      expect(answer.changes.map((change) => change.entity)).toContain('debitEntry');
      return answer;
    });
    expect((await via[0].pull(deposited.cursor)).changes).toEqual([]);
  }, 120_000);

  it('a letter approved in another process reaches a device streaming from the second hub without a poll, and each hub serves empty pulls from memory', async () => {
    const issued = await issueEnrollmentCode(hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const first = hubs[0];
    const second = hubs[1];
    if (first === undefined || second === undefined) throw new Error('two hubs did not start');
    // Enrolled through the first hub, then syncing only with the second; an hour between polls.
    const kiosk = await enrollSyncedDevice({
      name: 'kiosk on hub 1',
      hubUrl: first.url,
      via: second.url,
      code: issued.code,
      settings: { intervalMs: 3_600_000 },
    });
    try {
      await syncToQuiet(kiosk);
      await vi.waitFor(async () => expect((await liveCounts(second.url)).streams.open).toBe(1), { timeout: 20_000 });
      // The stream's opening prompts a pull of its own: let it finish before counting.
      await kiosk.engine.whenResting();
      const fromMemory = (await liveCounts(second.url)).pulls.answeredFromMemory;
      await kiosk.engine.syncThrough('pull');
      expect((await liveCounts(second.url)).pulls.answeredFromMemory).toBeGreaterThan(fromMemory);

      const letter = await sendFamilyMessage(hub, { contactId: facility.anaMom, body: 'Across processes' });
      await reviewMessage(hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });
      await vi.waitFor(
        () => expect((kiosk.db.prepare('SELECT count(*) AS n FROM messages WHERE message_id = ?').get(letter.message_id) as { n: number }).n).toBe(1),
        { timeout: 20_000 },
      );
      expect((await liveCounts(second.url)).streams.eventsSent).toBeGreaterThan(0);
      // The first hub never saw this device's stream, and needs none to know the change is there.
      expect((await liveCounts(first.url)).streams.open).toBe(0);
    } finally {
      await kiosk.stop();
    }
  }, 120_000);
});

const LiveCounts = z.object({
  live: z.object({
    pulls: z.object({ answeredFromMemory: z.number(), fromDatabase: z.number() }),
    streams: z.object({ open: z.number(), eventsSent: z.number() }),
  }),
});

async function liveCounts(url: string): Promise<z.infer<typeof LiveCounts>['live']> {
  const answer = await fetch(`${url}${hubPaths.health}`);
  return LiveCounts.parse(await answer.json()).live;
}
