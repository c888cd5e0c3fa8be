// Changes pushed, not polled (docs/sync.md §11 "Live changes"), with a real hub on loopback and a real device engine
// whose poll interval is an hour: a letter approved at the hub reaches the device through its change stream; an empty
// pull is answered without a database query; a revoked device is refused at once although its credential was
// remembered; and on PostgreSQL, losing the connection that listens for notes costs latency, never a change.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HubDatabase, HubTransaction } from '../../../hub/db/database';
import { hubPaths, PullResponse } from '../../../hub/protocol/index';
import { issueEnrollmentCode, revokeDevice } from '../../../hub/services/devices';
import { reviewMessage, sendFamilyMessage } from '../../../hub/services/messages';
import { deposit } from '../../../hub/services/index';
import { syncStateQueries } from '../../../main/store/sync-state';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enrollSyncedDevice, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { call, errorCodeOf, seedFacility, startTestHub, type Facility, type TestHub } from '../hub/fixture';

useHubDatabases();

/** Counts every statement the hub sends, in or out of a transaction. */
function countingDatabase(inner: HubDatabase, counter: { statements: number }): HubDatabase {
  const counted = (tx: HubTransaction): HubTransaction => ({
    exec: (script) => tx.exec(script),
    announceLog: (site, keys, seq) => tx.announceLog(site, keys, seq),
    announceDevice: (deviceId) => tx.announceDevice(deviceId),
    query: (sql, params) => {
      counter.statements += 1;
      return tx.query(sql, params);
    },
  });
  return {
    backend: inner.backend,
    query: (sql, params) => {
      counter.statements += 1;
      return inner.query(sql, params);
    },
    transaction: (fn) => inner.transaction((tx) => fn(counted(tx))),
    watchCommits: (watcher) => inner.watchCommits(watcher),
    close: () => inner.close(),
  };
}

describe.each(hubBackends)('live changes on %s', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  const counter = { statements: 0 };
  const devices: SyncedDevice[] = [];

  beforeEach(async () => {
    testHub = await startTestHub(backend, { wrapDatabase: (database) => countingDatabase(database, counter) });
    facility = await seedFacility(testHub.hub);
  }, 60_000);
  afterEach(async () => {
    for (const device of devices.splice(0)) await device.stop();
    await testHub.close();
  }, 60_000);

  async function kioskInUnitA(): Promise<SyncedDevice> {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    // An hour between polls: whatever arrives sooner came by the stream.
    const device = await enrollSyncedDevice({
      name: `kiosk ${devices.length + 1}`,
      hubUrl: testHub.url,
      code: issued.code,
      settings: { intervalMs: 3_600_000 },
    });
    devices.push(device);
    await vi.waitFor(() => expect(testHub.running.live.counts().streams.open).toBe(devices.length), { timeout: 20_000 });
    await syncToQuiet(device);
    return device;
  }

  const messagesOnDevice = (device: SyncedDevice, messageId: string): number =>
    (device.db.prepare('SELECT count(*) AS n FROM messages WHERE message_id = ?').get(messageId) as { n: number }).n;

  it('a letter approved at the hub is on the kiosk without a poll: the stream says so and the kiosk pulls', async () => {
    const kiosk = await kioskInUnitA();
    const letter = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Te quiero, mija.' });
    const pullsBefore = testHub.running.live.counts().pulls.fromDatabase;
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });
    await vi.waitFor(() => expect(messagesOnDevice(kiosk, letter.message_id)).toBe(1), { timeout: 20_000 });
    expect(testHub.running.live.counts().pulls.fromDatabase).toBeGreaterThan(pullsBefore);
    expect(testHub.running.live.counts().streams.eventsSent).toBeGreaterThan(0);
  });

  it('a pull with nothing new is answered from memory, without one database statement', async () => {
    const kiosk = await kioskInUnitA();
    const before = { statements: counter.statements, ...testHub.running.live.counts().pulls };
    const status = await kiosk.engine.syncThrough('pull');
    expect(status.lastError).toBeNull();
    // The push after it has nothing to send and asks nothing either.
    await kiosk.engine.whenResting();
    // (The stream may prompt another pull of its own meanwhile: from memory too.)
    const after = testHub.running.live.counts().pulls;
    expect(after.answeredFromMemory).toBeGreaterThanOrEqual(before.answeredFromMemory + 1);
    expect(after.fromDatabase).toBe(before.fromDatabase);
    expect(counter.statements).toBe(before.statements);
    // A change for another unit's kiosks is not this kiosk's: still from memory.
    const otherUnit = await sendFamilyMessage(testHub.hub, { contactId: facility.cruzSister, body: 'Hi Cruz' });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: otherUnit.message_id, reviewer: 'Officer Grant' });
    await kiosk.engine.syncThrough('pull');
    await kiosk.engine.whenResting();
    expect(testHub.running.live.counts().pulls.answeredFromMemory).toBeGreaterThan(after.answeredFromMemory);
    expect(testHub.running.live.counts().pulls.fromDatabase).toBe(before.fromDatabase);
  });

  it('a revoked kiosk is refused at once although this hub remembered its credential, and its stream tells it to pull', async () => {
    const kiosk = await kioskInUnitA();
    const remembered = testHub.running.live.counts().remembered.credentials;
    expect(remembered).toBeGreaterThan(0);
    const eventsBefore = testHub.running.live.counts().streams.eventsSent;
    const revoked = await revokeDevice(testHub.hub, { siteId: facility.siteId, deviceId: kiosk.deviceId, reason: 'lost', wipe: false });
    expect(revoked.ok).toBe(true);
    const answer = await call(testHub.url, hubPaths.pull, { token: kiosk.credential.secret, body: { cursor: kiosk.cursor(), limit: 10 } });
    expect(answer.status).toBe(401);
    expect(errorCodeOf(answer)).toBe('deviceRevoked');
    await vi.waitFor(() => expect(testHub.running.live.counts().streams.eventsSent).toBeGreaterThan(eventsBefore));
    await vi.waitFor(() => expect(kiosk.engine.status().lastError?.code).toBe('deviceRevoked'), { timeout: 20_000 });
  });

  it('a cursor from another device, or one the hub did not issue, is refused before anything is answered from memory', async () => {
    const first = await kioskInUnitA();
    const second = await kioskInUnitA();
    const stolen = await call(testHub.url, hubPaths.pull, { token: second.credential.secret, body: { cursor: first.cursor(), limit: 10 } });
    expect(errorCodeOf(stolen)).toBe('cursorNotYours');
    const forged = await call(testHub.url, hubPaths.pull, { token: second.credential.secret, body: { cursor: `${second.cursor() ?? ''}x`, limit: 10 } });
    expect(errorCodeOf(forged)).toBe('badRequest');
    const own = await call(testHub.url, hubPaths.pull, { token: second.credential.secret, body: { cursor: second.cursor(), limit: 10 } });
    expect(PullResponse.parse(own.json).changes).toEqual([]);
  });

  it('a long catch-up asks for the next page before it commits the one in hand, and ends with every change applied once', async () => {
    // Every pull request is compared with the cursor the device's store holds at the moment it leaves.
    let device: SyncedDevice | null = null;
    const requests: { asked: string | null; stored: string | null }[] = [];
    const watchingFetch: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith(hubPaths.pull) && device !== null && typeof init?.body === 'string') {
        const asked = (JSON.parse(init.body) as { cursor: string | null }).cursor;
        requests.push({ asked, stored: syncStateQueries(device.db).get().cursor });
      }
      return fetch(input, init);
    };
    const issued = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    device = await enrollSyncedDevice({
      name: 'catching up',
      hubUrl: testHub.url,
      code: issued.code,
      fetch: watchingFetch,
      // No stream: the deposits wait at the hub until the catch-up below, as for a device that was away.
      settings: { intervalMs: 3_600_000, pullLimit: 5, liveChanges: false },
    });
    devices.push(device);
    await syncToQuiet(device);
    for (let index = 0; index < 40; index += 1)
      await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 100 + index, source: 'online' });
    requests.length = 0;
    await syncToQuiet(device);
    // Pages asked for ahead: the cursor sent is the one the page in hand will leave, not yet the store's.
    const ahead = requests.filter((request) => request.asked !== request.stored);
    expect(requests.length).toBeGreaterThan(8);
    expect(ahead.length).toBeGreaterThan(4);
    const entries = device.db.prepare('SELECT count(*) AS n FROM debit_entries WHERE resident_id = ?').get(facility.ana.resident_id) as { n: number };
    expect(entries.n).toBe(40);
  });

  it.runIf(backend === 'postgres')(
    'losing the connection that listens for notes costs no change: the listener comes back, every stream pulls, and empty pulls are answered from memory again',
    async () => {
      const kiosk = await kioskInUnitA();
      const lines = testHub.logLines;
      await testHub.hub.database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN dayroom_commits'");
      await vi.waitFor(() => expect(lines.some((line) => line.includes('commit notes lost'))).toBe(true), { timeout: 20_000 });
      // Approved while the hub hears nothing: the kiosk still gets it, by the resync once the listener is back (or by
      // its next pull, which goes to the database meanwhile).
      const letter = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'While the hub was deaf' });
      await reviewMessage(testHub.hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });
      await vi.waitFor(() => expect(testHub.running.live.counts().listening).toBe(true), { timeout: 30_000 });
      await vi.waitFor(() => expect(messagesOnDevice(kiosk, letter.message_id)).toBe(1), { timeout: 30_000 });
      // Listening again, the shortcut works again once a pull from the database has issued the kiosk's cursor.
      await syncToQuiet(kiosk);
      const fromMemory = testHub.running.live.counts().pulls.answeredFromMemory;
      await kiosk.engine.syncThrough('pull');
      expect(testHub.running.live.counts().pulls.answeredFromMemory).toBeGreaterThan(fromMemory);
    },
    60_000,
  );
});
