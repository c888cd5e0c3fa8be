// The console's Devices and Audit routes (hub/console/api/routes/devices.ts) through the real hub on loopback: the
// fleet of one's own site only, trouble first; a code issued and used; revoking only with the device's name typed
// again; a tablet given and taken back; the audit chains checked in words; and each action on the hub's chain with
// the staff member's name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditCheckResponse,
  AuditVerdict,
  DeviceDetailResponse,
  EnrollmentCodeResponse,
  FleetResponse,
  HousingUnitsResponse,
} from '../../../hub/console/api/schemas/devices';
import type { StaffRole } from '../../../hub/console/api/schemas/common';
import { EnrollResponse, hubPaths } from '../../../hub/protocol/index';
import { hubAuditEntries } from '../../../hub/services/audit';
import { createConsoleAccount } from '../../../hub/services/console-accounts';
import { createSite } from '../../../hub/services/sites';
import { ConsoleClient, consoleErrorCode } from '../../support/console-client';
import { call, enroll, errorCodeOf, seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

const ownPassword = 'correct horse battery staple';
const minute = 60_000;

let test: TestHub;
let facility: Facility;

beforeEach(async () => {
  test = await startTestHub('pglite');
  facility = await seedFacility(test.hub);
}, 60_000);
afterEach(async () => test.close());

async function staff(username: string, role: StaffRole, siteId: string | null): Promise<ConsoleClient> {
  const created = await createConsoleAccount(test.hub, { username, displayName: `${username} Person`, role, siteId });
  const client = new ConsoleClient(test.url);
  await client.signInFirstTime(username, created.temporaryPassword, ownPassword);
  return client;
}

async function healthyPull(secret: string): Promise<void> {
  const health = {
    appVersion: '0.1.0',
    deviceTime: test.clock.now(),
    outbox: { pending: 0, oldestPendingAgeMs: null },
    readers: [],
    storage: { freeBytes: 10e9, storeBytes: 1e6 },
    battery: null,
    session: 'idle',
  };
  const answer = await call(test.url, hubPaths.pull, { token: secret, body: { cursor: null, limit: 50, health } });
  expect(answer.status).toBe(200);
}

describe('the console’s Devices routes', () => {
  it('lists one’s own site’s fleet, trouble first, with counts; another site’s device is not there', async () => {
    const quiet = await enroll(test, facility.siteId, 'kiosk', facility.unitA);
    const busy = await enroll(test, facility.siteId, 'kiosk', facility.unitB);
    await healthyPull(quiet.secret);
    test.clock.advance(20 * minute);
    await healthyPull(busy.secret);
    // Signed in after the clock moved: a console session left 20 minutes ends.
    const it1 = await staff('whitfield', 'devices', facility.siteId);

    const answer = await it1.get('/devices');
    expect(answer.status).toBe(200);
    const fleet = FleetResponse.parse(answer.json);
    expect(fleet.counts).toEqual({ inService: 2, inTrouble: 1, notSeen: 1, revoked: 0 });
    expect(fleet.devices.map((device) => [device.deviceId, device.worst, device.troubles.map((trouble) => trouble.message)])).toEqual([
      [quiet.deviceId, 'critical', ['Not seen for 20 minutes.']],
      [busy.deviceId, null, []],
    ]);

    const otherSite = await createSite(test.hub, { name: 'River Unit' });
    const otherSiteStaff = await staff('lee', 'devices', otherSite.siteId);
    const elsewhere = FleetResponse.parse((await otherSiteStaff.get('/devices')).json);
    expect(elsewhere.devices).toEqual([]);
    const notThere = await otherSiteStaff.get(`/devices/${quiet.deviceId}`);
    expect([notThere.status, consoleErrorCode(notThere)]).toEqual([404, 'notAtYourSite']);
  });

  it('issues an enrollment code a device enrolls with, shown once and audited without the code', async () => {
    const it1 = await staff('whitfield', 'devices', facility.siteId);
    const units = HousingUnitsResponse.parse((await it1.get('/devices/housing-units')).json).units;
    const unitB = units.find((unit) => unit.name === 'B-Pod');
    const issued = EnrollmentCodeResponse.parse((await it1.post('/devices/enrollment-codes', { kind: 'kiosk', housingUnitId: unitB?.housingUnitId })).json);
    expect(issued).toMatchObject({ kind: 'kiosk', unitName: 'B-Pod', expiresAt: test.clock.now() + 15 * minute });
    const enrolled = await call(test.url, hubPaths.enroll, { body: { code: issued.code, deviceName: 'Kiosk B2', appVersion: '0.1.0' } });
    expect(enrolled.status).toBe(200);
    const device = EnrollResponse.parse(enrolled.json);
    expect(device.housingUnitId).toBe(unitB?.housingUnitId);

    const unknownUnit = await it1.post('/devices/enrollment-codes', { kind: 'kiosk', housingUnitId: 'no-such-unit' });
    expect([unknownUnit.status, consoleErrorCode(unknownUnit)]).toEqual([404, 'notFound']);
    const entries = await hubAuditEntries(test.hub.database, 0, 10_000);
    const codeEntries = entries.filter((entry) => entry.details.includes('devices.issueEnrollmentCode'));
    expect(codeEntries.length).toBe(2);
    expect(codeEntries.map((entry) => entry.details).join('\n')).not.toContain(issued.code);
    expect(codeEntries[0]?.details).toContain('whitfield Person');
  });

  it('revokes only with the device’s name typed again, and says so in words', async () => {
    const supervisor = await staff('lopez', 'supervisor', facility.siteId);
    const tablet = await enroll(test, facility.siteId, 'tablet');
    const wrongName = await supervisor.post(`/devices/${tablet.deviceId}/revoke`, { reason: 'lost', wipe: true, confirmDeviceName: 'Tablet 9' });
    expect([wrongName.status, consoleErrorCode(wrongName)]).toEqual([400, 'invalid']);
    expect((wrongName.json as { error: { message: string } }).error.message).toBe('To revoke it, type the device’s name exactly as shown: tablet under test.');
    expect((await test.hub.database.query('SELECT revoked_at FROM devices WHERE device_id = $1', [tablet.deviceId]))[0]).toEqual({ revoked_at: null });

    const revoked = await supervisor.post(`/devices/${tablet.deviceId}/revoke`, { reason: 'lost', wipe: true, confirmDeviceName: 'tablet under test' });
    expect(revoked.status).toBe(200);
    expect(DeviceDetailResponse.parse(revoked.json)).toMatchObject({
      revokedReason: 'lost',
      worst: 'warning',
      troubles: [{ kind: 'revoked', message: 'Revoked (reported lost); it will wipe itself when it next reaches the hub, which it has not yet.' }],
    });
    const again = await supervisor.post(`/devices/${tablet.deviceId}/revoke`, { reason: 'lost', wipe: true, confirmDeviceName: 'tablet under test' });
    expect([again.status, consoleErrorCode(again)]).toEqual([409, 'conflict']);
    // The tablet is told to wipe itself at its next request.
    const pull = await call(test.url, hubPaths.pull, { token: tablet.secret, body: { cursor: null, limit: 10 } });
    expect([pull.status, errorCodeOf(pull)]).toEqual([401, 'deviceWipeOrdered']);
  });

  it('gives a tablet to a resident by booking number and takes it back; the assignee shown is the hub’s', async () => {
    const it1 = await staff('whitfield', 'devices', facility.siteId);
    const tablet = await enroll(test, facility.siteId, 'tablet');
    const unknown = await it1.post(`/devices/${tablet.deviceId}/assign`, { bookingNumber: 'NOPE-1' });
    expect([unknown.status, consoleErrorCode(unknown)]).toEqual([404, 'notFound']);
    const assigned = DeviceDetailResponse.parse((await it1.post(`/devices/${tablet.deviceId}/assign`, { bookingNumber: 'B1001' })).json);
    expect(assigned.assignee).toEqual({ residentId: facility.ana.resident_id, displayName: 'Ana Diaz', bookingNumber: 'B1001' });
    const released = DeviceDetailResponse.parse((await it1.post(`/devices/${tablet.deviceId}/release`, {})).json);
    expect(released.assignee).toBeNull();
    const kiosk = await enroll(test, facility.siteId, 'kiosk', facility.unitA);
    const notATablet = await it1.post(`/devices/${kiosk.deviceId}/assign`, { bookingNumber: 'B1001' });
    expect([notATablet.status, consoleErrorCode(notATablet)]).toEqual([400, 'invalid']);
  });

  it('checks the audit chains and says what it found in words; a mailroom officer may not', async () => {
    const it1 = await staff('whitfield', 'devices', facility.siteId);
    const device = await enroll(test, facility.siteId, 'kiosk', facility.unitA);
    const checked = AuditCheckResponse.parse((await it1.post('/audit/check', {})).json);
    expect(checked.allIntact).toBe(true);
    expect(checked.hub).toMatchObject({ subject: 'The hub', intact: true });
    expect(checked.hub.sentence).toMatch(/^\d+ entr(y|ies), chain intact\.$/);
    const one = AuditVerdict.parse((await it1.post(`/devices/${device.deviceId}/audit-check`, {})).json);
    expect(one).toEqual({
      subject: 'kiosk under test',
      deviceId: device.deviceId,
      intact: true,
      entries: 0,
      sentence: '0 entries, chain intact.',
      setAside: null,
    });

    const mailroom = await staff('ruiz', 'mailroom', facility.siteId);
    const refused = await mailroom.post('/audit/check', {});
    expect([refused.status, consoleErrorCode(refused)]).toEqual([403, 'notYourRole']);
  });

  it('pages a site of fifty kiosks and a thousand tablets, trouble first, then by unit and name', async () => {
    const now = test.clock.now();
    // Written straight to the tables: enrolling 1,050 devices over HTTP would only make the test slow.
    await test.hub.database.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, housing_unit_id, secret_hash, enrolled_at)
       SELECT 'kiosk-' || n, $1, 'kiosk', 'Kiosk ' || n, '0.1.0', $2, md5('k' || n) || md5('kk' || n), $3 FROM generate_series(1, 50) AS n`,
      [facility.siteId, facility.unitA, now],
    );
    await test.hub.database.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, secret_hash, enrolled_at)
       SELECT 'tablet-' || n, $1, 'tablet', 'Tablet ' || n, '0.1.0', md5('t' || n) || md5('tt' || n), $2 FROM generate_series(1, 1000) AS n`,
      [facility.siteId, now],
    );
    // Everyone seen just now but three tablets, last seen half an hour ago.
    await test.hub.database.query(
      `INSERT INTO device_health (device_id, last_seen_at) SELECT device_id, CASE WHEN device_id IN ('tablet-700', 'tablet-9', 'tablet-40') THEN $2::bigint ELSE $3::bigint END
         FROM devices WHERE site_id = $1`,
      [facility.siteId, now - 30 * minute, now],
    );
    const it1 = await staff('whitfield', 'devices', facility.siteId);
    const first = FleetResponse.parse((await it1.get('/devices')).json);
    expect(first).toMatchObject({ total: 1050, offset: 0, limit: 100, counts: { inService: 1050, inTrouble: 3, notSeen: 3, revoked: 0 } });
    expect(first.devices).toHaveLength(100);
    expect(first.devices.slice(0, 6).map((device) => device.deviceName)).toEqual(['Tablet 9', 'Tablet 40', 'Tablet 700', 'Kiosk 1', 'Kiosk 2', 'Kiosk 3']);
    const last = FleetResponse.parse((await it1.get('/devices?offset=1000')).json);
    expect(last.devices.map((device) => device.deviceName)).toEqual(
      Array.from({ length: 1000 }, (_, index) => `Tablet ${index + 1}`)
        .filter((name) => !['Tablet 9', 'Tablet 40', 'Tablet 700'].includes(name))
        .slice(-50),
    );
    const tooMany = await it1.get('/devices?limit=5000');
    expect([tooMany.status, consoleErrorCode(tooMany)]).toEqual([400, 'badRequest']);
  });
});
