// Pull scope over loopback HTTP (docs/sync.md §3 "Scope"): kiosks see their housing unit's residents, tablets their one resident,
// everyone the site's staff and rules; moves, releases and tablet assignments produce evicts and backfills for
// exactly the devices concerned; cursors are opaque, paged, and bound to their device.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPaths, type Change } from '../../../hub/protocol/index';
import {
  assignTablet,
  cancelVisit,
  deposit,
  listStaff,
  moveResident,
  releaseResident,
  removeStaff,
  scheduleVisit,
  unassignTablet,
  updateSiteRules,
} from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { call, enroll, errorCodeOf, hubViewOfScope, Replica, seedFacility, startTestHub, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

function evictsIn(changes: readonly Change[]): string[] {
  return changes.filter((change) => change.op === 'evict').map((change) => change.id);
}

function residentsTouched(changes: readonly Change[]): Set<string> {
  const ids = new Set<string>();
  for (const change of changes) {
    if (change.op === 'evict') ids.add(change.id);
    else if (change.op === 'upsert' && 'residentId' in change.data) ids.add(change.data.residentId);
  }
  return ids;
}

describe.each(hubBackends)('pull scope (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
  });
  afterEach(async () => testHub.close());

  /** Pulls everything new into the replica and returns what came. */
  async function sync(device: TestDevice, replica: Replica, state: { cursor: string | null }): Promise<Change[]> {
    const { changes, cursor } = await device.pullAll(state.cursor);
    replica.apply(changes);
    state.cursor = cursor;
    return changes;
  }

  it("gives a kiosk its own housing unit's residents, never another unit's, and site-wide staff and rules to all", async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const replicaA = new Replica();
    const replicaB = new Replica();
    await sync(kioskA, replicaA, { cursor: null });
    await sync(kioskB, replicaB, { cursor: null });

    expect(replicaA.residents()).toEqual(new Set([facility.ana.resident_id, facility.ben.resident_id]));
    expect(replicaB.residents()).toEqual(new Set([facility.cruz.resident_id]));
    const [staff] = await listStaff(testHub.hub.database, facility.siteId);
    for (const replica of [replicaA, replicaB]) {
      expect(replica.records.has(`siteRules:${facility.siteId}`)).toBe(true);
      expect(replica.records.has(`staff:${staff?.staff_id ?? ''}`)).toBe(true);
    }
    expect(replicaA.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.ana.resident_id, facility.ben.resident_id]));
    expect(replicaB.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.cruz.resident_id]));
  });

  it('gives a tablet only its assigned resident (and nothing of anyone before it is assigned)', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    const replica = new Replica();
    const state = { cursor: null as string | null };
    await sync(tablet, replica, state);
    expect(replica.residents()).toEqual(new Set());
    expect([...replica.records.keys()].every((key) => key.startsWith('siteRules:') || key.startsWith('staff:'))).toBe(true);

    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    await sync(tablet, replica, state);
    expect(replica.residents()).toEqual(new Set([facility.ana.resident_id]));
    expect(replica.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.ana.resident_id]));
  });

  it("sends a resident's own writes (a visit scheduled, then cancelled) to their unit's kiosks and their tablet only", async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const cursors = await Promise.all([kioskA, kioskB, tablet].map(async (device) => (await device.pullAll(null)).cursor));

    const visit = await scheduleVisit(testHub.hub, {
      residentId: facility.ana.resident_id,
      visitorName: 'Maria Diaz',
      kind: 'remote',
      startsAt: testHub.clock.now() + 86_400_000,
      durationMinutes: 30,
    });
    await cancelVisit(testHub.hub, { visitId: visit.visit_id });
    const [toA, toB, toTablet] = await Promise.all(
      [kioskA, kioskB, tablet].map(async (device, index) => (await device.pullAll(cursors[index] ?? null)).changes),
    );
    for (const changes of [toA, toTablet]) {
      expect(changes).toEqual([
        expect.objectContaining({ entity: 'visit', id: visit.visit_id, version: 1, data: expect.objectContaining({ status: 'scheduled' }) }),
        expect.objectContaining({ entity: 'visit', id: visit.visit_id, version: 2, data: expect.objectContaining({ status: 'cancelled' }) }),
      ]);
    }
    expect(toB).toEqual([]);
  });

  it('sends site-wide changes (rules, a staff member leaving) to every device', async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    const states = [{ cursor: null as string | null }, { cursor: null as string | null }];
    const replicas = [new Replica(), new Replica()];
    await sync(kioskA, replicas[0] as Replica, states[0] as { cursor: string | null });
    await sync(tablet, replicas[1] as Replica, states[1] as { cursor: string | null });

    await updateSiteRules(testHub.hub, { siteId: facility.siteId, rules: { charactersPerStamp: 6000 } });
    const [staff] = await listStaff(testHub.hub.database, facility.siteId);
    await removeStaff(testHub.hub, { staffId: staff?.staff_id ?? '' });
    for (const [index, device] of [kioskA, tablet].entries()) {
      const changes = await sync(device, replicas[index] as Replica, states[index] as { cursor: string | null });
      expect(changes.map((change) => `${change.entity}:${change.op}`)).toEqual(['siteRules:upsert', 'staff:delete']);
      expect(replicas[index]?.records.get(`siteRules:${facility.siteId}`)).toMatchObject({ version: 2, data: { charactersPerStamp: 6000 } });
      expect(replicas[index]?.records.has(`staff:${staff?.staff_id ?? ''}`)).toBe(false);
    }
  });

  it('moves a resident: an evict for the old unit only, a backfill for the new unit only, the tablet just learns the new unit', async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 2500, source: 'online' });
    const devices = { kioskA, kioskB, tablet };
    const replicas = { kioskA: new Replica(), kioskB: new Replica(), tablet: new Replica() };
    const states = { kioskA: { cursor: null as string | null }, kioskB: { cursor: null as string | null }, tablet: { cursor: null as string | null } };
    for (const name of ['kioskA', 'kioskB', 'tablet'] as const) await sync(devices[name], replicas[name], states[name]);

    const moved = await moveResident(testHub.hub, { residentId: facility.ana.resident_id, housingUnitId: facility.unitB });
    expect(moved.version).toBe(facility.ana.version + 1);

    const toA = await sync(kioskA, replicas.kioskA, states.kioskA);
    expect(toA).toEqual([{ entity: 'resident', id: facility.ana.resident_id, version: moved.version, op: 'evict' }]);
    expect(replicas.kioskA.residents()).toEqual(new Set([facility.ben.resident_id]));

    const toB = await sync(kioskB, replicas.kioskB, states.kioskB);
    expect(evictsIn(toB)).toEqual([]);
    expect(residentsTouched(toB)).toEqual(new Set([facility.ana.resident_id]));
    expect(replicas.kioskB.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.cruz.resident_id, facility.ana.resident_id]));

    const toTablet = await sync(tablet, replicas.tablet, states.tablet);
    expect(toTablet).toEqual([
      expect.objectContaining({
        entity: 'resident',
        id: facility.ana.resident_id,
        op: 'upsert',
        data: expect.objectContaining({ housingUnitId: facility.unitB }),
      }),
    ]);
    expect(replicas.tablet.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.ana.resident_id]));

    // From now on Ana's writes go to unit B's kiosks and her tablet, not to unit A's.
    await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 100, source: 'lobbyKiosk' });
    expect(await sync(kioskA, replicas.kioskA, states.kioskA)).toEqual([]);
    expect((await sync(kioskB, replicas.kioskB, states.kioskB)).map((change) => change.entity)).toEqual(['debitEntry', 'balance']);
    expect((await sync(tablet, replicas.tablet, states.tablet)).map((change) => change.entity)).toEqual(['debitEntry', 'balance']);
  });

  it("releases a resident: their unit's kiosks and their tablet get an evict, and the tablet is unassigned", async () => {
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.cruz.resident_id });
    const kioskReplica = new Replica();
    const tabletReplica = new Replica();
    const kioskState = { cursor: null as string | null };
    const tabletState = { cursor: null as string | null };
    await sync(kioskB, kioskReplica, kioskState);
    await sync(tablet, tabletReplica, tabletState);
    expect(tabletReplica.residents()).toEqual(new Set([facility.cruz.resident_id]));

    await releaseResident(testHub.hub, { residentId: facility.cruz.resident_id });
    expect(evictsIn(await sync(kioskB, kioskReplica, kioskState))).toEqual([facility.cruz.resident_id]);
    expect(await sync(tablet, tabletReplica, tabletState)).toEqual([
      expect.objectContaining({ entity: 'resident', id: facility.cruz.resident_id, op: 'evict' }),
    ]);
    expect(kioskReplica.residents()).toEqual(new Set());
    expect(tabletReplica.residents()).toEqual(new Set());
    const [row] = await testHub.hub.database.query<{ assigned_resident_id: string | null }>('SELECT assigned_resident_id FROM devices WHERE device_id = $1', [
      tablet.deviceId,
    ]);
    expect(row?.assigned_resident_id).toBeNull();
  });

  it('reassigns a tablet: an evict for the old resident and a backfill of the new one, for that tablet only', async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    const replica = new Replica();
    const state = { cursor: null as string | null };
    const kioskReplica = new Replica();
    const kioskState = { cursor: null as string | null };
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    await sync(tablet, replica, state);
    await sync(kioskA, kioskReplica, kioskState);

    await unassignTablet(testHub.hub, { deviceId: tablet.deviceId });
    expect(await sync(tablet, replica, state)).toEqual([expect.objectContaining({ entity: 'resident', id: facility.ana.resident_id, op: 'evict' })]);
    expect(replica.residents()).toEqual(new Set());

    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ben.resident_id });
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    await sync(tablet, replica, state);
    expect(replica.residents()).toEqual(new Set([facility.ana.resident_id]));
    expect(replica.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.ana.resident_id]));

    // None of this concerned the kiosk.
    expect(await sync(kioskA, kioskReplica, kioskState)).toEqual([]);
  });

  it("never gives a newly assigned tablet, pulling from the start, another audience's evict for its own resident", async () => {
    const oldTablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: oldTablet.deviceId, residentId: facility.ana.resident_id });
    await unassignTablet(testHub.hub, { deviceId: oldTablet.deviceId });
    await moveResident(testHub.hub, { residentId: facility.ana.resident_id, housingUnitId: facility.unitB });
    await moveResident(testHub.hub, { residentId: facility.ana.resident_id, housingUnitId: facility.unitA });

    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const replica = new Replica();
    const changes = await sync(tablet, replica, { cursor: null });
    expect(evictsIn(changes)).toEqual([]);
    expect(replica.contents()).toEqual(await hubViewOfScope(testHub.hub, facility.siteId, [facility.ana.resident_id]));

    // A kiosk of unit B enrolled afterwards replays Ana's stay there and her leaving: it ends without her.
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const kioskReplica = new Replica();
    await sync(kioskB, kioskReplica, { cursor: null });
    expect(kioskReplica.residents()).toEqual(new Set([facility.cruz.resident_id]));
  });

  it('pages with an opaque cursor and hasMore, and the pages add up to one whole pull', async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const whole = await kioskA.pull(null, 1000);
    expect(whole.hasMore).toBe(false);
    expect(whole.changes.length).toBeGreaterThan(6);

    const paged: Change[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await kioskA.pull(cursor, 3);
      pages += 1;
      expect(page.changes.length).toBeLessThanOrEqual(3);
      expect(page.cursor).not.toContain(kioskA.deviceId);
      paged.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
      expect(page.changes).toHaveLength(3);
    }
    // The hub looks one change ahead, so the last full page already says hasMore: false.
    expect(pages).toBe(Math.ceil(whole.changes.length / 3));
    expect(paged).toEqual(whole.changes);
    expect(page(await kioskA.pull(cursor, 3))).toEqual({ changes: [], hasMore: false });
    expect(whole.serverTime).toBe(testHub.clock.now());

    function page(response: { changes: Change[]; hasMore: boolean }) {
      return { changes: response.changes, hasMore: response.hasMore };
    }
  });

  it("refuses another device's cursor with cursorNotYours, and a forged one as a bad request", async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const otherKiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const { cursor } = await kioskA.pull(null);

    const stolen = await call(testHub.url, hubPaths.pull, { token: otherKiosk.secret, body: { cursor } });
    expect(stolen.status).toBe(400);
    expect(errorCodeOf(stolen)).toBe('cursorNotYours');

    const [payload = '', mac = ''] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string; s: number };
    const rewound = Buffer.from(JSON.stringify({ ...decoded, d: otherKiosk.deviceId })).toString('base64url');
    for (const forged of [`${rewound}.${mac}`, 'garbage', `${payload}.${Buffer.alloc(32).toString('base64url')}`]) {
      const answer = await call(testHub.url, hubPaths.pull, { token: otherKiosk.secret, body: { cursor: forged } });
      expect(answer.status).toBe(400);
      expect(errorCodeOf(answer)).toBe('badRequest');
    }
  });
});
