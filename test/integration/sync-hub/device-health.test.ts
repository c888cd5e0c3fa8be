// The health report path (issue 17), a real device runtime and a real hub on loopback: each sync cycle carries the
// device's health; the hub keeps the latest per device with its own clock for "last seen", works out the sync lag
// itself, and puts the device in trouble when it goes quiet. A report is a claim: one that does not fit is refused in
// words for itself alone (the pull goes on), and no report can rename a device, give a tablet to anyone or speak for
// another device.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialReader, ReaderConnectionState, ReaderEvent } from '../../../hardware/reader';
import { hubPaths, PullResponse, type DeviceHealthReport } from '../../../hub/protocol/index';
import { deviceHealthDetail, fleetHealth } from '../../../hub/services/device-health';
import { addResident, assignTablet, issueEnrollmentCode } from '../../../hub/services/index';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { appVersion } from '../../../main/runtime/options';
import { testSiteConfig } from '../../support/device-fixture';
import { makeTempDir } from '../../support/temp-dir';
import { call, enroll, seedFacility, startTestHub, type Facility, type TestHub } from '../hub/fixture';

/** A reader whose connection the test sets: the runtime reports whatever it says. */
function fakeReader(readerId: string, kind: string): CredentialReader & { setConnection(state: ReaderConnectionState): void } {
  let connection: ReaderConnectionState = 'connected';
  const listeners = new Set<(event: ReaderEvent) => void>();
  return {
    readerId,
    kind,
    start: async () => undefined,
    stop: async () => undefined,
    health: () => ({ readerId, kind, connection, goodReads: 0, badReads: 0, badReadsByReason: {}, problem: null, lastEventAt: null }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setConnection(state) {
      connection = state;
      for (const listener of listeners) listener({ type: 'connection', readerId, state, detail: null });
    },
  };
}

const minute = 60_000;

let testHub: TestHub;
let facility: Facility;
let dir: ReturnType<typeof makeTempDir>;
const runtimes: DeviceRuntime[] = [];

beforeEach(async () => {
  dir = makeTempDir('dayroom-health-');
  testHub = await startTestHub('pglite');
  facility = await seedFacility(testHub.hub);
}, 60_000);
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  await testHub.close();
  dir.remove();
}, 60_000);

async function startDevice(
  name: string,
  mode: 'kiosk' | 'tablet',
  options: { readers?: CredentialReader[]; powerSupplyRoot?: string } = {},
): Promise<{ runtime: DeviceRuntime; deviceId: string }> {
  const config = testSiteConfig('/dev/null', {
    device: mode === 'kiosk' ? { name, mode, housingUnit: 'A-Pod' } : { name, mode },
    hub: { url: testHub.url, backoffBaseSeconds: 0.2, backoffMaxSeconds: 1, requestTimeoutSeconds: 10 },
  });
  const runtime = await createDeviceRuntime({
    config,
    dataDir: join(dir.path, name.replace(/\W/g, '-')),
    now: testHub.clock.now,
    random: () => 0.5,
    readers: options.readers ?? [fakeReader('scanner', 'serialScanner')],
    ...(options.powerSupplyRoot === undefined ? {} : { powerSupplyRoot: options.powerSupplyRoot }),
  });
  runtimes.push(runtime);
  const code = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: mode, housingUnitId: mode === 'kiosk' ? facility.unitA : null });
  const enrolled = await runtime.enroll(testHub.url, code.code);
  if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.error.message}`);
  await syncOnce(runtime);
  return { runtime, deviceId: enrolled.credential.deviceId };
}

async function syncOnce(runtime: DeviceRuntime): Promise<void> {
  const status = await runtime.sync?.syncThrough('push');
  expect(status?.state).not.toBe('backingOff');
}

function healthyReport(overrides: Partial<DeviceHealthReport> = {}): DeviceHealthReport {
  return {
    appVersion: '0.1.0',
    deviceTime: testHub.clock.now(),
    outbox: { pending: 0, oldestPendingAgeMs: null },
    readers: [],
    storage: { freeBytes: 10e9, storeBytes: 1e6 },
    battery: null,
    session: 'idle',
    ...overrides,
  };
}

describe('device health through sync', () => {
  it('a kiosk’s sync carries its health; the hub keeps it with its own clock and finds nothing wrong', async () => {
    const { deviceId } = await startDevice('Kiosk A1', 'kiosk');
    const detail = await deviceHealthDetail(testHub.hub, deviceId);
    expect(detail).toMatchObject({
      deviceName: 'Kiosk A1',
      kind: 'kiosk',
      unitName: 'A-Pod',
      assignee: null,
      appVersion,
      lastSeenAt: testHub.clock.now(),
      reportReceivedAt: testHub.clock.now(),
      troubles: [],
      worst: null,
      clockBehindMs: 0,
    });
    expect(detail.report).toMatchObject({
      appVersion,
      deviceTime: testHub.clock.now(),
      outbox: { pending: 0, oldestPendingAgeMs: null },
      readers: [{ readerId: 'scanner', kind: 'serialScanner', state: 'connected', lastEventAt: null }],
      battery: null,
      session: 'idle',
    });
    expect(detail.report?.storage.freeBytes).toBeGreaterThan(0);
    expect(detail.report?.storage.storeBytes).toBeGreaterThan(0);
    // The hub's own reckoning of its sync: caught up after the cycle.
    expect(detail.syncLag).toMatchObject({ waitingChanges: 0, capped: false });
    expect(detail.syncLag?.pulledThroughSeq).toBeGreaterThan(0);
  }, 60_000);

  it('the hub works out the sync lag from its change log and the device’s signed cursor, not from anything the device says', async () => {
    const { runtime, deviceId } = await startDevice('Kiosk A1', 'kiosk');
    await runtime.sync?.stop();
    // Three changes for the kiosk's unit while it is away.
    for (const n of [1, 2, 3])
      await addResident(testHub.hub, { housingUnitId: facility.unitA, credentialId: `B30${n}`, displayName: `New Resident ${n}`, pin: '4321' });
    const detail = await deviceHealthDetail(testHub.hub, deviceId);
    expect(detail.syncLag?.waitingChanges).toBeGreaterThanOrEqual(3);
    expect(detail.syncLag?.logHeadSeq).toBeGreaterThan(detail.syncLag?.pulledThroughSeq ?? Infinity);
  }, 60_000);

  it('a disconnected reader and a tablet’s low battery reach the fleet view in words; the assignee is the hub’s', async () => {
    const reader = fakeReader('badge', 'serialRfid');
    await startDevice('Kiosk A1', 'kiosk', { readers: [reader] });
    const power = join(dir.path, 'power');
    mkdirSync(join(power, 'BAT0'), { recursive: true });
    for (const [file, content] of Object.entries({ type: 'Battery', capacity: '14', status: 'Discharging' }))
      writeFileSync(join(power, 'BAT0', file), `${content}\n`);
    const tablet = await startDevice('Tablet 7', 'tablet', { powerSupplyRoot: power });
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });

    reader.setConnection('disconnected');
    await syncOnce(runtimes[0] as DeviceRuntime);
    await syncOnce(tablet.runtime);

    const fleet = await fleetHealth(testHub.hub, { siteId: facility.siteId, offset: 0, limit: 50 });
    expect(fleet.counts).toEqual({ inService: 2, inTrouble: 2, notSeen: 0, revoked: 0 });
    expect(fleet.devices.map((device) => [device.deviceName, device.worst, device.troubles.map((trouble) => trouble.message)])).toEqual([
      ['Kiosk A1', 'critical', ['The serialRfid reader "badge" is disconnected.']],
      ['Tablet 7', 'warning', ['Battery low: 14% and not charging.']],
    ]);
    expect(fleet.devices[1]).toMatchObject({
      assignee: { displayName: 'Ana Diaz', bookingNumber: 'B1001' },
      report: { battery: { percent: 14, charging: false } },
    });
  }, 90_000);

  it('a device that stops syncing moves to the top as not seen, by the hub’s clock', async () => {
    const quiet = await startDevice('Kiosk A1', 'kiosk');
    const busy = await startDevice('Kiosk A2', 'kiosk');
    await quiet.runtime.sync?.stop();
    testHub.clock.advance(16 * minute);
    await syncOnce(busy.runtime);
    const fleet = await fleetHealth(testHub.hub, { siteId: facility.siteId, offset: 0, limit: 50 });
    expect(fleet.counts).toMatchObject({ inService: 2, inTrouble: 1, notSeen: 1 });
    expect(fleet.devices.map((device) => device.deviceName)).toEqual(['Kiosk A1', 'Kiosk A2']);
    expect(fleet.devices[0]?.troubles).toEqual([{ kind: 'notSeen', severity: 'critical', message: 'Not seen for 16 minutes.' }]);
    // Paginated: the second page holds the second device.
    const second = await fleetHealth(testHub.hub, { siteId: facility.siteId, offset: 1, limit: 1 });
    expect(second.total).toBe(2);
    expect(second.devices.map((device) => device.deviceName)).toEqual(['Kiosk A2']);
  }, 90_000);
});

describe('a health report is a claim', () => {
  async function pullWith(secret: string, health: unknown): Promise<PullResponse> {
    const answer = await call(testHub.url, hubPaths.pull, { token: secret, body: { cursor: null, limit: 50, health } });
    expect(answer.status).toBe(200);
    return PullResponse.parse(answer.json);
  }

  it('a report that does not fit is refused in words for itself alone: the pull goes on and the previous report stays', async () => {
    const device = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const stored = await pullWith(device.secret, healthyReport({ appVersion: '0.1.0' }));
    expect(stored.health).toEqual({ status: 'stored' });
    expect(stored.changes.length).toBeGreaterThan(0);

    testHub.clock.advance(minute);
    const tooMany = Array.from({ length: 9 }, (_, index) => ({ readerId: `r${index}`, kind: 'serialScanner', state: 'connected', lastEventAt: null }));
    const refused = await pullWith(device.secret, healthyReport({ readers: tooMany as DeviceHealthReport['readers'] }));
    expect(refused.changes.length).toBeGreaterThan(0);
    expect(refused.health).toMatchObject({ status: 'refused', code: 'healthReportInvalid' });
    expect(refused.health?.status === 'refused' ? refused.health.message : '').toMatch(/^The health report was not stored: readers: .*8/);

    const detail = await deviceHealthDetail(testHub.hub, device.deviceId);
    expect(detail.lastSeenAt).toBe(testHub.clock.now());
    expect(detail.report?.appVersion).toBe('0.1.0');
    expect(detail.reportReceivedAt).toBe(testHub.clock.now() - minute);
    expect(detail.troubles.map((trouble) => trouble.kind)).toEqual(['reportRefused']);

    // The next good report clears it.
    expect((await pullWith(device.secret, healthyReport())).health).toEqual({ status: 'stored' });
    expect((await deviceHealthDetail(testHub.hub, device.deviceId)).troubles).toEqual([]);
  }, 60_000);

  it('cannot rename the device, give the tablet to anyone, or speak for another device', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    const other = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    await pullWith(other.secret, healthyReport({ appVersion: '0.1.0' }));
    const before = await testHub.hub.database.query(
      'SELECT device_id, device_name, assigned_resident_id, app_version, housing_unit_id FROM devices ORDER BY device_id',
    );

    for (const extra of [
      { deviceName: 'Somebody else’s tablet' },
      { assignedResidentId: facility.ana.resident_id },
      { deviceId: other.deviceId },
      { lastSeenAt: testHub.clock.now() + 60 * minute },
    ]) {
      const answer = await pullWith(tablet.secret, { ...healthyReport({ appVersion: '9.9.9' }), ...extra });
      expect(answer.health).toMatchObject({ status: 'refused', code: 'healthReportInvalid' });
      expect(answer.health?.status === 'refused' ? answer.health.message : '').toMatch(/Unrecognized key/);
    }
    expect(
      await testHub.hub.database.query('SELECT device_id, device_name, assigned_resident_id, app_version, housing_unit_id FROM devices ORDER BY device_id'),
    ).toEqual(before);
    // The other device's health row is its own report still; the tablet never stored one.
    expect((await deviceHealthDetail(testHub.hub, other.deviceId)).report?.appVersion).toBe('0.1.0');
    expect((await deviceHealthDetail(testHub.hub, tablet.deviceId)).report).toBeNull();
    // A report the hub stores is the tablet's own row, and its claim of a version changes nothing but that row.
    await pullWith(tablet.secret, healthyReport({ appVersion: '9.9.9' }));
    expect((await deviceHealthDetail(testHub.hub, tablet.deviceId)).appVersion).toBe('9.9.9');
    expect((await deviceHealthDetail(testHub.hub, other.deviceId)).appVersion).toBe('0.1.0');
    expect(
      await testHub.hub.database.query('SELECT device_id, device_name, assigned_resident_id, app_version, housing_unit_id FROM devices ORDER BY device_id'),
    ).toEqual(before);
  }, 60_000);
});
