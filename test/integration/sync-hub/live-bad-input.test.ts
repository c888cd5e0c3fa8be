// Bad input for the live side of the hub (docs/sync.md §11 "Live changes"), each with real hub processes (hub/main.ts,
// as the service runs them) on a PostgreSQL cluster of the test's own, and real devices:
//
// - 10,000 change streams from one address: the hub holds its default per-address limit (5,000) and sheds the rest with
//   its coded refusal (503 streamsFull, Retry-After), logs it, stays healthy, and a real device from the same address
//   still syncs — by polling — and gets a stream once the flood is gone.
// - a hub process SIGKILLed with devices' streams open on it: the devices (behind a balancer with a health check, so
//   the dead hub's port sends them to the other) open their streams on the second hub, a letter approved while the
//   first is dead reaches them through it with no poll, the first comes back, and nothing they did is lost or doubled.
// - the PostgreSQL cluster restarted (a clean stop, then a crash stop) while devices push, pull and hold streams on two
//   hubs: the hubs answer coded errors while it is down, log that they lost the connection that listens for commit
//   notes and that they hear them again, stay up, and the devices end exactly-once and equal to the hub's view.
//
// The loss of the LISTEN connection alone (its backend terminated, the cluster up) is live-changes.test.ts's.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import http, { type ClientRequest } from 'node:http';
import pg from 'pg';
import { z } from 'zod';
import type { HubDatabase } from '../../../hub/db/database';
import { openHubDatabase } from '../../../hub/db/open';
import { hubPaths } from '../../../hub/protocol/index';
import { auditLedgers, deposit, hubContext, issueEnrollmentCode, transferStamps, type HubContext } from '../../../hub/services/index';
import { checkExactlyOnce } from '../../support/hub-audit';
import { hubBalancer } from '../../support/hub-balancer';
import { startHubProcess, type HubProcess } from '../../support/hub-process';
import { hubScopeDigest } from '../../support/hub-scope-digest';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { enrollSyncedDevice, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, testPinCost, type Facility } from '../hub/fixture';
import { familyMessage } from './harness';
import { freePort } from '../../support/free-port';

const LiveHealth = z.object({
  live: z.object({
    listening: z.boolean(),
    streams: z.object({ open: z.number(), refused: z.object({ hubFull: z.number(), addressFull: z.number() }) }),
  }),
});

/** The coded errors a hub answered, by code, as its health route counts them. */
async function refusalsByCode(url: string): Promise<Record<string, number>> {
  const answer = await fetch(`${url}${hubPaths.health}`);
  return z.object({ refusals: z.object({ byCode: z.record(z.string(), z.number()) }) }).parse(await answer.json()).refusals.byCode;
}

async function liveHealth(url: string): Promise<z.infer<typeof LiveHealth>['live']> {
  const answer = await fetch(`${url}${hubPaths.health}`);
  expect(answer.status).toBe(200);
  return LiveHealth.parse(await answer.json()).live;
}

/** A cluster of the test's own with one database, and the staff side on it in this process (the services, as the console). */
async function facilityDatabase(
  durable: boolean,
): Promise<{ server: PostgresServer; url: string; database: HubDatabase; hub: HubContext; facility: Facility }> {
  const server = await startPostgresServer({ durable });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE facility');
  } finally {
    await admin.end();
  }
  const url = server.url('facility');
  const database = await openHubDatabase({ databaseUrl: url });
  const hub = hubContext(database, { pinCost: testPinCost });
  const facility = await seedFacility(hub);
  return { server, url, database, hub, facility };
}

const messagesOn = (device: SyncedDevice, messageId: string): number =>
  (device.db.prepare('SELECT count(*) AS n FROM messages WHERE message_id = ?').get(messageId) as { n: number }).n;

/** Soon after a lost stream, not the 10 s at most a device waits by default: the tests wait for the reconnection. */
const quickStreamRetry = { firstMs: 100, maxMs: 1_000, afterEndMaxMs: 200 };

describe('10,000 change streams from one address', () => {
  let setup: Awaited<ReturnType<typeof facilityDatabase>>;
  let hubProcess: HubProcess;
  const held: ClientRequest[] = [];
  let device: SyncedDevice | null = null;

  beforeAll(async () => {
    setup = await facilityDatabase(false);
    // 10,000 kiosks of unit A, each with a secret of its own, written straight into the table: enrolling them one by
    // one through the hub would cost minutes and prove nothing here.
    await setup.database.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, housing_unit_id, secret_hash, enrolled_at)
       SELECT 'flood-' || n, $1, 'kiosk', 'flood ' || n, '0.1.0', $2,
              encode(sha256(convert_to('flood-secret-' || lpad(n::text, 20, '0'), 'UTF8')), 'hex'), 0
         FROM generate_series(1, 10000) AS n`,
      [setup.facility.siteId, setup.facility.unitA],
    );
    // The hub as the service starts it: its default limits, nothing lowered for the test.
    hubProcess = await startHubProcess([], { DATABASE_URL: setup.url, LOG_LEVEL: 'warn' });
  }, 120_000);

  afterAll(async () => {
    for (const request of held) request.destroy();
    await device?.stop();
    await hubProcess?.stop();
    await setup?.database.close();
    await setup?.server.stop();
  }, 60_000);

  /** Opens one stream with a fresh connection; a refused one is read to its end and its connection closed. */
  function openStream(n: number): Promise<{ status: number; retryAfter: string | undefined; code: string | null }> {
    const { hostname, port } = new URL(hubProcess.url);
    const secret = `flood-secret-${String(n).padStart(20, '0')}`;
    return new Promise((resolve, reject) => {
      const request = http.request({ hostname, port, path: hubPaths.changes, headers: { authorization: `Bearer ${secret}` }, agent: false }, (response) => {
        const status = response.statusCode ?? 0;
        const retryAfter = response.headers['retry-after'];
        if (status === 200) {
          // Held open: the hub keeps it as one of this address's streams until the test closes it.
          held.push(request);
          resolve({ status, retryAfter, code: null });
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          request.destroy();
          const body = z.object({ error: z.object({ code: z.string() }) }).safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          resolve({ status, retryAfter, code: body.success ? body.data.error.code : null });
        });
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('holds 5,000, sheds the rest with 503 streamsFull and Retry-After, logs it, stays healthy, and a real device still syncs', async () => {
    const answers = new Map<string, number>();
    // In batches: the hub's listen backlog (511) would otherwise drop connections before they are answered at all.
    for (let first = 1; first <= 10_000; first += 250) {
      const batch = await Promise.all(Array.from({ length: 250 }, (_, index) => openStream(first + index)));
      for (const answer of batch) {
        const key = `${answer.status} ${answer.code ?? ''} retry-after=${answer.retryAfter ?? ''}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(answers)).toEqual({ '200  retry-after=': 5_000, '503 streamsFull retry-after=60': 5_000 });
    const health = await liveHealth(hubProcess.url);
    expect(health.streams).toMatchObject({ open: 5_000, refused: { addressFull: 5_000, hubFull: 0 } });
    expect(hubProcess.output()).toContain('change stream refused: too many open');

    // A real kiosk from the same address: its stream is refused too, and it syncs by polling all the same.
    const issued = await issueEnrollmentCode(setup.hub, { siteId: setup.facility.siteId, kind: 'kiosk', housingUnitId: setup.facility.unitA });
    device = await enrollSyncedDevice({ name: 'real kiosk', hubUrl: hubProcess.url, code: issued.code, streamRetry: quickStreamRetry });
    const kiosk = device;
    await vi.waitFor(async () => expect((await liveHealth(hubProcess.url)).streams.refused.addressFull).toBe(5_001), { timeout: 30_000 });
    const letter = await familyMessage(setup.hub, setup.facility.anaMom, 'Through the crowd');
    await syncToQuiet(kiosk);
    expect(messagesOn(kiosk, letter)).toBe(1);
    expect(kiosk.engine.status().lastError).toBeNull();

    // The kiosk stopped (its stream would come back when the Retry-After's 60 s are up, at a moment of its own) and the
    // flood gone, the hub holds no stream at all, and admits one again.
    await kiosk.stop();
    for (const request of held.splice(0)) request.destroy();
    await vi.waitFor(async () => expect((await liveHealth(hubProcess.url)).streams.open).toBe(0), { timeout: 30_000 });
    expect((await openStream(1)).status).toBe(200);
    expect(hubProcess.child.exitCode).toBeNull();
  }, 300_000);
});

describe('a hub process killed with devices connected', () => {
  let setup: Awaited<ReturnType<typeof facilityDatabase>>;
  let first: HubProcess | null = null;
  let second: HubProcess | null = null;
  const kiosks: SyncedDevice[] = [];

  beforeAll(async () => {
    setup = await facilityDatabase(true);
    await deposit(setup.hub, { residentId: setup.facility.ana.resident_id, amountCents: 3_000, source: 'online' });
    await transferStamps(setup.hub, { residentId: setup.facility.ana.resident_id, stamps: 30, from: 'Maria Diaz' });
  }, 120_000);

  afterAll(async () => {
    for (const kiosk of kiosks) await kiosk.stop();
    for (const running of [first, second]) await running?.stop();
    await setup?.database.close();
    await setup?.server.stop();
  }, 60_000);

  it('the devices stream from the other hub, a letter approved meanwhile reaches them without a poll, and nothing is lost or doubled', async () => {
    const env = { DATABASE_URL: setup.url, LOG_LEVEL: 'warn' };
    const [firstPort, secondPort] = [await freePort(), await freePort()];
    const origins = [`http://127.0.0.1:${firstPort}`, `http://127.0.0.1:${secondPort}`];
    first = await startHubProcess(['--port', String(firstPort)], env);
    // The balancer sends each request to the next hub, and past a hub whose port refuses: with the second hub not yet
    // started, every kiosk's stream opens on the first.
    const balancer = hubBalancer(origins, { failover: true });
    for (const name of ['kiosk 1', 'kiosk 2', 'kiosk 3']) {
      const issued = await issueEnrollmentCode(setup.hub, { siteId: setup.facility.siteId, kind: 'kiosk', housingUnitId: setup.facility.unitA });
      kiosks.push(
        await enrollSyncedDevice({
          name,
          hubUrl: first.url,
          code: issued.code,
          fetch: balancer.fetch,
          streamRetry: quickStreamRetry,
          // An hour between polls: what reaches a kiosk sooner came by its stream.
          settings: { intervalMs: 3_600_000, requestTimeoutMs: 10_000 },
        }),
      );
    }
    for (const kiosk of kiosks) await syncToQuiet(kiosk);
    await vi.waitFor(async () => expect((await liveHealth(origins[0] ?? '')).streams.open).toBe(3), { timeout: 30_000 });
    second = await startHubProcess(['--port', String(secondPort)], env);

    // Each kiosk sends letters and buys stamps, and the first hub dies while they are on the way.
    const ana = setup.facility.ana.resident_id;
    const act = (kiosk: SyncedDevice, label: string): void => {
      kiosk.act('sendMessage', {
        messageId: crypto.randomUUID(),
        residentId: ana,
        contactId: setup.facility.anaMom,
        body: `${kiosk.name}: ${label}`,
        writtenAt: Date.now(),
        replyToMessageId: null,
        useReturnStamp: false,
      });
      kiosk.act('buyStamps', { residentId: ana, requestId: crypto.randomUUID(), bookSize: 5 });
    };
    for (const kiosk of kiosks) act(kiosk, 'before the kill');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first?.child.once('exit', resolve));
    for (const kiosk of kiosks) act(kiosk, 'with the first hub dead');

    // Their streams come back on the second hub; a letter approved now (in this process, a third one) reaches them
    // through it, with no poll due for an hour.
    await vi.waitFor(async () => expect((await liveHealth(origins[1] ?? '')).streams.open).toBe(3), { timeout: 30_000 });
    for (const kiosk of kiosks) await kiosk.engine.whenResting();
    const letter = await familyMessage(setup.hub, setup.facility.anaMom, 'While one hub was dead');
    await vi.waitFor(() => expect(kiosks.map((kiosk) => messagesOn(kiosk, letter))).toEqual([1, 1, 1]), { timeout: 30_000 });

    // The first hub back on its port; the kiosks reach quiet through both.
    first = await startHubProcess(['--port', String(firstPort)], env);
    for (const kiosk of kiosks) act(kiosk, 'with both hubs up');
    for (const kiosk of kiosks) expect(await syncToQuiet(kiosk)).toMatchObject({ state: 'idle', pendingMutations: 0 });
    for (const kiosk of kiosks) {
      const report = await checkExactlyOnce(setup.database, kiosk, { complete: true });
      expect(report.problems, kiosk.name).toEqual([]);
      expect(report.mutations, kiosk.name).toBe(6);
      expect(kiosk.digest(), `${kiosk.name}: the replica is the hub's view of its scope`).toBe(await hubScopeDigest(setup.database, kiosk.deviceId));
    }
    expect((await auditLedgers(setup.database, ana)).balanced).toBe(true);
    expect(second.child.exitCode).toBeNull();
  }, 300_000);
});

describe('the PostgreSQL cluster restarted under load', () => {
  let setup: Awaited<ReturnType<typeof facilityDatabase>>;
  let hubs: HubProcess[] = [];
  const kiosks: SyncedDevice[] = [];

  beforeAll(async () => {
    // fsync on: the crash stop below must not take back what the cluster acknowledged.
    setup = await facilityDatabase(true);
    for (const residentId of [setup.facility.ana.resident_id, setup.facility.cruz.resident_id]) {
      await deposit(setup.hub, { residentId, amountCents: 2_000, source: 'online' });
      await transferStamps(setup.hub, { residentId, stamps: 40, from: 'opening' });
    }
  }, 120_000);

  afterAll(async () => {
    for (const kiosk of kiosks) await kiosk.stop();
    for (const running of hubs) await running.stop();
    await setup?.database.close();
    await setup?.server.stop();
  }, 60_000);

  it('the hubs answer coded errors while it is down, hear commit notes again after, stay up, and every device ends exactly-once and converged', async () => {
    // LOG_LEVEL info: the hub says when it listens for commit notes again, not only when it lost them.
    const env = { DATABASE_URL: setup.url, LOG_LEVEL: 'info' };
    hubs = await Promise.all([startHubProcess([], env), startHubProcess([], env)]);
    const urls = hubs.map((running) => running.url);
    const { facility } = setup;
    for (const [name, unit] of [
      ['A-Pod kiosk', facility.unitA],
      ['B-Pod kiosk', facility.unitB],
    ] as const) {
      const issued = await issueEnrollmentCode(setup.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: unit });
      kiosks.push(
        await enrollSyncedDevice({
          name,
          hubUrl: urls[0] ?? '',
          code: issued.code,
          // No health check: a request the hub cannot serve is the device's to retry.
          fetch: hubBalancer(urls).fetch,
          streamRetry: quickStreamRetry,
          settings: { intervalMs: 3_600_000, requestTimeoutMs: 10_000 },
        }),
      );
    }
    for (const kiosk of kiosks) await syncToQuiet(kiosk);
    await vi.waitFor(async () => expect((await Promise.all(urls.map(liveHealth))).reduce((sum, live) => sum + live.streams.open, 0)).toBe(2), {
      timeout: 30_000,
    });

    // The load: each kiosk acts and syncs without pause until told to stop.
    const [kioskA, kioskB] = kiosks;
    if (kioskA === undefined || kioskB === undefined) throw new Error('the kiosks were not enrolled');
    const residentOf = new Map([
      [kioskA, { residentId: facility.ana.resident_id, contactId: facility.anaMom }],
      [kioskB, { residentId: facility.cruz.resident_id, contactId: facility.cruzSister }],
    ]);
    const actions = new Map<SyncedDevice, number>();
    let loading = true;
    const load = async (kiosk: SyncedDevice): Promise<void> => {
      const person = residentOf.get(kiosk);
      if (person === undefined) throw new Error('no resident for this kiosk');
      for (let step = 0; loading; step++) {
        if (step % 3 === 0) kiosk.act('buyStamps', { residentId: person.residentId, requestId: crypto.randomUUID(), bookSize: 5 });
        else
          kiosk.act('sendMessage', {
            messageId: crypto.randomUUID(),
            residentId: person.residentId,
            contactId: person.contactId,
            body: `step ${step}`,
            writtenAt: Date.now(),
            replyToMessageId: null,
            useReturnStamp: false,
          });
        actions.set(kiosk, (actions.get(kiosk) ?? 0) + 1);
        kiosk.engine.send({ type: 'SYNC_NOW' });
        await kiosk.engine.whenResting();
      }
    };
    const loads = Promise.all(kiosks.map(load));
    const internalErrors = (): number => kiosks.reduce((sum, kiosk) => sum + (kiosk.engine.status().errorCounts.hubError ?? 0), 0);
    const notesLost = (running: HubProcess): number => running.output().split('commit notes lost').length - 1;
    const notesHeard = (running: HubProcess): number => running.output().split('listening for commit notes').length - 1;

    for (const mode of ['fast', 'immediate'] as const) {
      const heardBefore = hubs.map(notesHeard);
      const internalBefore = await Promise.all(urls.map(async (url) => (await refusalsByCode(url)).internal ?? 0));
      const lostBefore = hubs.map(notesLost);
      const errorsBefore = internalErrors();
      const pending = (): number => kiosks.reduce((sum, kiosk) => sum + kiosk.engine.status().pendingMutations, 0);
      await setup.server.down(mode);
      // Down until each hub has said it lost the notes and answered the kiosks its coded error (internal: a 500 that
      // says to try again later) rather than dropping them, while they go on acting. Health needs no database.
      await vi.waitFor(
        async () => {
          for (const [index, running] of hubs.entries()) {
            expect(notesLost(running), running.output().slice(-2_000)).toBeGreaterThan(lostBefore[index] ?? 0);
            expect((await refusalsByCode(running.url)).internal ?? 0).toBeGreaterThan(internalBefore[index] ?? 0);
            expect((await liveHealth(running.url)).listening).toBe(false);
          }
          expect(internalErrors(), JSON.stringify(kiosks.map((kiosk) => kiosk.engine.status()))).toBeGreaterThan(errorsBefore);
          expect(pending()).toBeGreaterThan(0);
        },
        { timeout: 60_000 },
      );
      await setup.server.up();
      await vi.waitFor(
        async () => {
          for (const [index, running] of hubs.entries()) expect(notesHeard(running)).toBeGreaterThan(heardBefore[index] ?? 0);
          for (const url of urls) expect((await liveHealth(url)).listening).toBe(true);
        },
        { timeout: 60_000 },
      );
    }
    loading = false;
    await loads;

    // The streams work again: a letter approved now reaches the A-Pod kiosk without a poll.
    await vi.waitFor(async () => expect((await Promise.all(urls.map(liveHealth))).reduce((sum, live) => sum + live.streams.open, 0)).toBe(2), {
      timeout: 30_000,
    });
    for (const kiosk of kiosks) await kiosk.engine.whenResting();
    const letter = await familyMessage(setup.hub, facility.anaMom, 'After the restarts');
    await vi.waitFor(() => expect(messagesOn(kioskA, letter)).toBe(1), { timeout: 30_000 });

    for (const kiosk of kiosks) expect(await syncToQuiet(kiosk)).toMatchObject({ state: 'idle', pendingMutations: 0 });
    const figures: string[] = [];
    for (const kiosk of kiosks) {
      const report = await checkExactlyOnce(setup.database, kiosk, { complete: true });
      expect(report.problems, kiosk.name).toEqual([]);
      expect(report.mutations, kiosk.name).toBe(actions.get(kiosk) ?? -1);
      expect(kiosk.digest(), `${kiosk.name}: the replica is the hub's view of its scope`).toBe(await hubScopeDigest(setup.database, kiosk.deviceId));
      figures.push(`${kiosk.name}: ${report.mutations} actions, ${report.applied} applied, errors seen ${JSON.stringify(kiosk.engine.status().errorCounts)}`);
    }
    for (const residentId of [facility.ana.resident_id, facility.cruz.resident_id])
      expect((await auditLedgers(setup.database, residentId)).balanced).toBe(true);
    for (const running of hubs) expect(running.child.exitCode, running.output().slice(-2_000)).toBeNull();
    console.info(`PostgreSQL restarted under load: ${figures.join('; ')}`);
  }, 300_000);
});
