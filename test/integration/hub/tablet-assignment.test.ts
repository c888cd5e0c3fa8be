// A tablet assigning itself from its own service mode, over real loopback HTTP on PGlite and on a PostgreSQL server:
// the bearer secret names the tablet, the booking number names the resident, and the hub refuses each thing staff can
// get wrong with its own code. The pull that follows carries the person's backfill; a release carries their evict.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPaths, TabletAssignment, TabletReleaseResponse } from '../../../hub/protocol/index';
import { listStaff, releaseResident, tabletAssignmentLog } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { call, enroll, errorCodeOf, Replica, seedFacility, startTestHub, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

/** seedFacility's Officer Grant: every assign and release carries their PIN as proof (device-trust.test.ts tests it). */
const officerPin = '9876';

describe.each(hubBackends)('tablet assignment from the tablet (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let tablet: TestDevice;
  let staffId: string;

  beforeEach(async () => {
    testHub = await startTestHub(backend, { rateLimit: { maxFailures: 3, windowMs: 60_000 } });
    facility = await seedFacility(testHub.hub);
    tablet = await enroll(testHub, facility.siteId, 'tablet');
    const [officer] = await listStaff(testHub.hub.database, facility.siteId);
    if (officer === undefined) throw new Error('the seeded facility has no staff');
    staffId = officer.staff_id;
  });
  afterEach(async () => testHub.close());

  const assign = (bookingNumber: string, options: { token?: string; staff?: string } = {}) =>
    call(testHub.url, hubPaths.tabletAssign, {
      token: options.token ?? tablet.secret,
      body: { bookingNumber, staffId: options.staff ?? staffId, staffPin: officerPin, requestId: randomUUID() },
    });
  const release = (residentId: string, options: { token?: string } = {}) =>
    call(testHub.url, hubPaths.tabletRelease, {
      token: options.token ?? tablet.secret,
      body: { residentId, staffId, staffPin: officerPin, requestId: randomUUID() },
    });

  it('assigns by booking number, then the pull brings that person (and only them), and release brings their evict', async () => {
    const answer = await assign('B1001');
    expect(answer.status).toBe(200);
    expect(TabletAssignment.parse(answer.json)).toEqual({ residentId: facility.ana.resident_id, displayName: 'Ana Diaz', bookingNumber: 'B1001' });

    const replica = new Replica();
    const first = await tablet.pullAll(null);
    replica.apply(first.changes);
    expect(replica.residents()).toEqual(new Set([facility.ana.resident_id]));
    expect(replica.records.has(`contact:${facility.anaMom}`)).toBe(true);

    const released = await release(facility.ana.resident_id);
    expect(released.status).toBe(200);
    expect(TabletReleaseResponse.parse(released.json)).toEqual({ releasedResidentId: facility.ana.resident_id });
    const second = await tablet.pullAll(first.cursor);
    replica.apply(second.changes);
    expect(replica.evicted).toEqual([facility.ana.resident_id]);
    expect(replica.residents()).toEqual(new Set());

    // The hub's own record names who did each, in order.
    expect(await tabletAssignmentLog(testHub.hub.database, tablet.deviceId)).toEqual([
      { resident_id: facility.ana.resident_id, action: 'assigned', staff_id: staffId, at: testHub.clock.now() },
      { resident_id: facility.ana.resident_id, action: 'released', staff_id: staffId, at: testHub.clock.now() },
    ]);
  });

  it('answers a repeated assign or release as done without writing twice (a retry after a lost answer)', async () => {
    expect((await assign('B1001')).status).toBe(200);
    expect((await assign('B1001')).status).toBe(200);
    expect((await release(facility.ana.resident_id)).status).toBe(200);
    const again = await release(facility.ana.resident_id);
    expect(again.status).toBe(200);
    expect(TabletReleaseResponse.parse(again.json)).toEqual({ releasedResidentId: null });
    expect((await tabletAssignmentLog(testHub.hub.database, tablet.deviceId)).map((row) => row.action)).toEqual(['assigned', 'released']);
  });

  it('refuses to hand a tablet that serves someone to another person: staff must unassign it first', async () => {
    expect((await assign('B1001')).status).toBe(200);
    const other = await assign('B1002');
    expect(other.status).toBe(409);
    expect(errorCodeOf(other)).toBe('tabletAssignedElsewhere');
    // A release naming someone the tablet does not serve takes nothing from Ana.
    expect(TabletReleaseResponse.parse((await release(facility.ben.resident_id)).json)).toEqual({ releasedResidentId: null });
    const [device] = await testHub.hub.database.query<{ assigned_resident_id: string | null }>(
      'SELECT assigned_resident_id FROM devices WHERE device_id = $1',
      [tablet.deviceId],
    );
    expect(device?.assigned_resident_id).toBe(facility.ana.resident_id);
  });

  it('refuses a kiosk, an unknown staff id, an unknown booking number and a released resident, each with its code', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const fromKiosk = await assign('B1001', { token: kiosk.secret });
    expect([fromKiosk.status, errorCodeOf(fromKiosk)]).toEqual([403, 'notATablet']);
    const releaseFromKiosk = await release(facility.ana.resident_id, { token: kiosk.secret });
    expect([releaseFromKiosk.status, errorCodeOf(releaseFromKiosk)]).toEqual([403, 'notATablet']);

    const stranger = await assign('B1001', { staff: 'staff-who-left' });
    expect([stranger.status, errorCodeOf(stranger)]).toEqual([403, 'staffNotKnown']);

    const unknown = await assign('B9999');
    expect([unknown.status, errorCodeOf(unknown)]).toEqual([404, 'bookingNumberUnknown']);

    await releaseResident(testHub.hub, { residentId: facility.cruz.resident_id });
    const released = await assign('B2001');
    expect([released.status, errorCodeOf(released)]).toEqual([409, 'residentReleased']);

    const malformed = await assign('B1001; DROP TABLE residents');
    expect([malformed.status, errorCodeOf(malformed)]).toEqual([400, 'badRequest']);
    expect(JSON.stringify(malformed.json)).toContain('bookingNumber');

    const anonymous = await call(testHub.url, hubPaths.tabletAssign, {
      body: { bookingNumber: 'B1001', staffId, staffPin: officerPin, requestId: randomUUID() },
    });
    expect([anonymous.status, errorCodeOf(anonymous)]).toEqual([401, 'unauthorized']);
    expect(await tabletAssignmentLog(testHub.hub.database, tablet.deviceId)).toEqual([]);
  });

  it('stops answering booking-number lookups from a tablet that keeps guessing, without stopping its sync', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) expect(errorCodeOf(await assign(`X${attempt}`))).toBe('bookingNumberUnknown');
    const limited = await assign('B1001');
    expect([limited.status, errorCodeOf(limited)]).toEqual([429, 'rateLimited']);
    // Its pulls go on: the count is the tablet's lookups, not its address's credentials.
    await expect(tablet.pull(null)).resolves.toMatchObject({ hasMore: false });
    // Another tablet is not held up by this one.
    const other = await enroll(testHub, facility.siteId, 'tablet');
    expect((await assign('B1001', { token: other.secret })).status).toBe(200);
  });
});
