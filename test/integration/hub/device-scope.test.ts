// A device receives only what it needs now (issue "A device is trusted with nothing it cannot prove", item 2). Each
// finding of the attack is reproduced here and must hold on both backends:
// - a tablet pulling from a fresh cursor received every earlier assignee's records before their evicts;
// - a fresh kiosk cursor replayed the residents who had moved out of its unit;
// - every device received every staff member's badge and PIN verifiers, site-wide.
// Every page is checked, not only the end state: a record that arrives and is evicted later has still been handed over.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import type { Change } from '../../../hub/protocol/index';
import { addStaff, assignTablet, badgeHash, moveResident, setStaffUnits, unassignTablet } from '../../../hub/services/index';
import { hubScopeRecords } from '../../support/hub-scope-digest';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, parsePush, Replica, seedFacility, sendMessageMutation, startTestHub, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

/** Small pages, so a leak in any one batch (not just the whole) is seen. */
const pageSize = 3;

interface PulledPages {
  readonly pages: string[];
  readonly changes: Change[];
  readonly cursor: string;
}

/** Pulls until quiet, keeping each page's raw JSON as the device received it. */
async function pullPages(device: TestDevice, cursor: string | null): Promise<PulledPages> {
  const pages: string[] = [];
  const changes: Change[] = [];
  let position = cursor;
  for (;;) {
    const page = await device.pull(position, pageSize);
    pages.push(JSON.stringify(page));
    changes.push(...page.changes);
    position = page.cursor;
    if (!page.hasMore) return { pages, changes, cursor: page.cursor };
  }
}

/** The replica as the hub's scope rule (test/support/hub-scope-digest.ts) says it must be. */
async function hubScope(testHub: TestHub, deviceId: string): Promise<Map<string, unknown>> {
  const records = await hubScopeRecords(testHub.hub.database, deviceId);
  return new Map(records.map((record) => [`${record.entity}:${record.id}`, record.data]));
}

describe.each(hubBackends)('a device receives only what it needs now (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
  });
  afterEach(async () => testHub.close());

  it("a tablet reassigned from Ana to Ben never hands a fresh cursor anything of Ana's, in any batch", async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const anaEpoch = await pullPages(tablet, null);
    const letter = 'Querida mamá, the letter only Ana may read';
    parsePush(await tablet.push([sendMessageMutation(1, { residentId: facility.ana.resident_id, contactId: facility.anaMom, body: letter })]));
    const anaCursor = (await pullPages(tablet, anaEpoch.cursor)).cursor;
    expect(anaEpoch.pages.join('')).toContain(facility.ana.pin_hash);

    await unassignTablet(testHub.hub, { deviceId: tablet.deviceId });
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ben.resident_id });

    const fresh = await pullPages(tablet, null);
    for (const page of fresh.pages) {
      expect(page).not.toContain(facility.ana.resident_id);
      expect(page).not.toContain(facility.ana.pin_hash);
      expect(page).not.toContain(letter);
    }
    const replica = new Replica();
    replica.apply(fresh.changes);
    expect(replica.residents()).toEqual(new Set([facility.ben.resident_id]));
    expect(replica.contents()).toEqual(await hubScope(testHub, tablet.deviceId));

    // The tablet that still holds Ana's cursor gets her evict and then Ben, never her records again.
    const resumed = await pullPages(tablet, anaCursor);
    expect(resumed.changes.filter((change) => change.op === 'evict').map((change) => change.id)).toEqual([facility.ana.resident_id]);
    for (const change of resumed.changes) if (change.op === 'upsert') expect(JSON.stringify(change.data)).not.toContain(facility.ana.resident_id);
  });

  it('a fresh kiosk cursor gets its unit’s current residents, never one who moved out', async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    await moveResident(testHub.hub, { residentId: facility.ana.resident_id, housingUnitId: facility.unitB });

    const fresh = await pullPages(kioskA, null);
    for (const page of fresh.pages) {
      expect(page).not.toContain(facility.ana.resident_id);
      expect(page).not.toContain(facility.ana.pin_hash);
    }
    const replicaA = new Replica();
    replicaA.apply(fresh.changes);
    expect(replicaA.residents()).toEqual(new Set([facility.ben.resident_id]));
    expect(replicaA.contents()).toEqual(await hubScope(testHub, kioskA.deviceId));

    const replicaB = new Replica();
    replicaB.apply((await pullPages(kioskB, null)).changes);
    expect(replicaB.residents()).toEqual(new Set([facility.ana.resident_id, facility.cruz.resident_id]));
    expect(replicaB.contents()).toEqual(await hubScope(testHub, kioskB.deviceId));
  });

  it("a staff member's badge and PIN verifiers reach only the kiosks of the units they work in, and leave with them", async () => {
    const kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.cruz.resident_id });
    const devices = { kioskA, kioskB, tablet };
    const replicas = { kioskA: new Replica(), kioskB: new Replica(), tablet: new Replica() };
    const cursors: Record<keyof typeof devices, string | null> = { kioskA: null, kioskB: null, tablet: null };
    const seen: Record<keyof typeof devices, string[]> = { kioskA: [], kioskB: [], tablet: [] };
    async function syncAll(): Promise<void> {
      for (const name of ['kioskA', 'kioskB', 'tablet'] as const) {
        const pulled = await pullPages(devices[name], cursors[name]);
        replicas[name].apply(pulled.changes);
        cursors[name] = pulled.cursor;
        seen[name].push(...pulled.pages);
        expect(replicas[name].contents()).toEqual(await hubScope(testHub, devices[name].deviceId));
      }
    }
    await syncAll();

    const unitBOfficer = await addStaff(testHub.hub, {
      siteId: facility.siteId,
      displayName: 'Officer Pike',
      badgeId: 'STAFF-B2',
      pin: '5511',
      housingUnitIds: [facility.unitB],
    });
    await syncAll();
    const verifiers = [badgeHash('STAFF-B2'), unitBOfficer.pin_hash];
    for (const verifier of verifiers) {
      expect(seen.kioskB.join('')).toContain(verifier);
      expect(seen.kioskA.join('')).not.toContain(verifier);
      expect(seen.tablet.join('')).not.toContain(verifier);
    }
    // A fresh cursor follows the same rule as the log.
    expect((await pullPages(kioskA, null)).pages.join('')).not.toContain(unitBOfficer.pin_hash);

    // Moved to unit A at the console: kiosk B gets a delete, kiosk A the record; the tablet still never sees it.
    const cli = (args: string[]) =>
      runCli(args, { out: () => undefined, err: () => undefined, env: {}, database: testHub.hub.database, now: testHub.clock.now });
    expect(await cli(['set-staff-units', '--staff', unitBOfficer.staff_id, '--unit', 'A-Pod', '--site-wide'])).toBe(2);
    expect(await cli(['set-staff-units', '--staff', unitBOfficer.staff_id, '--unit', 'A-Pod'])).toBe(0);
    await syncAll();
    expect(replicas.kioskA.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(true);
    expect(replicas.kioskB.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(false);
    expect(seen.tablet.join('')).not.toContain(unitBOfficer.pin_hash);

    // Site-wide, then back to one unit: every device has them, then only unit B's kiosk keeps them.
    await setStaffUnits(testHub.hub, { staffId: unitBOfficer.staff_id, housingUnitIds: [] });
    await syncAll();
    for (const replica of Object.values(replicas)) expect(replica.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(true);
    await setStaffUnits(testHub.hub, { staffId: unitBOfficer.staff_id, housingUnitIds: [facility.unitB] });
    await syncAll();
    expect(replicas.kioskB.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(true);
    expect(replicas.kioskA.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(false);
    expect(replicas.tablet.records.has(`staff:${unitBOfficer.staff_id}`)).toBe(false);
  });
});
