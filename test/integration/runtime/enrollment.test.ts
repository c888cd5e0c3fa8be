// First-boot enrollment through the contract, against a real hub on loopback (PGlite): every outcome staff can meet —
// a good code, a code the hub does not know, a used one, an expired one, a hub that is down — and who may enroll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { issueEnrollmentCode } from '../../../hub/services/index';
import type { CallName, EnrollmentStatus, EventName } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { residentQueries } from '../../../main/store/residents';
import { testSiteConfig } from '../../support/device-fixture';
import { makeTempDir } from '../../support/temp-dir';
import { seedFacility, startTestHub, type Facility, type TestHub } from '../hub/fixture';

let hub: TestHub;
let facility: Facility;
let runtime: DeviceRuntime | null = null;
let dir: ReturnType<typeof makeTempDir>;

beforeEach(async () => {
  hub = await startTestHub('pglite');
  facility = await seedFacility(hub.hub);
  dir = makeTempDir();
});
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  await hub.close();
  dir.remove();
});

async function freshDevice(hubUrl: string = hub.url): Promise<{ runtime: DeviceRuntime; events: { name: EventName; payload: unknown }[] }> {
  runtime = await createDeviceRuntime({
    config: testSiteConfig('/dev/null', { hub: { url: hubUrl, syncIntervalSeconds: 5, backoffBaseSeconds: 0.2, backoffMaxSeconds: 2 } }),
    dataDir: dir.path,
    readers: [],
    random: () => 0.5,
    logger: createDeviceLogger({ dataDir: null }),
  });
  const events: { name: EventName; payload: unknown }[] = [];
  runtime.bridge.onEvent((name, payload) => events.push({ name, payload }));
  return { runtime, events };
}

const call = (name: CallName, input: unknown = {}) => {
  if (!runtime) throw new Error('no runtime');
  return runtime.bridge.call(name, input);
};
const code = async (validForMs?: number) =>
  (
    await issueEnrollmentCode(hub.hub, {
      siteId: facility.siteId,
      kind: 'kiosk',
      housingUnitId: facility.unitA,
      ...(validForMs === undefined ? {} : { validForMs }),
    })
  ).code;

async function until<T>(probe: () => T | null, what: string): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('enrollment through the contract', () => {
  it('a fresh device asks to be enrolled, offers the site file’s hub, and enrolls with a good code; its residents arrive by sync', async () => {
    const { runtime: device, events } = await freshDevice();
    await expect(call('enrollment.status')).resolves.toEqual({
      ok: true,
      value: { credential: 'none', showEnrollment: true, suggestedHubUrl: hub.url, siteName: null, deviceName: 'Test Kiosk' } satisfies EnrollmentStatus,
    });
    await expect(call('sync.status')).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled' } });

    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: (await code()).toLowerCase() })).resolves.toEqual({
      ok: true,
      value: { enrolled: true, siteName: 'Test County Jail', kind: 'kiosk' },
    });
    expect(events).toContainEqual({
      name: 'enrollment.changed',
      payload: expect.objectContaining({ credential: 'enrolled', showEnrollment: false, siteName: 'Test County Jail' }),
    });
    await expect(call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'enrolled', showEnrollment: false } });

    // Unit A's residents (Ana and Ben), and nobody from unit B.
    const residents = residentQueries(device.database);
    await until(() => (residents.count() >= 2 ? true : null), 'the residents to arrive by sync');
    expect(residents.byCredential('B1001')?.displayName).toBe('Ana Diaz');
    expect(residents.byCredential('B2001')).toBeNull();

    // Enrolled: nobody at the screen may enroll it again (staff use service.reenroll, which needs a staff session).
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: await code() })).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
    await expect(call('service.reenroll', { hubUrl: hub.url, code: await code() })).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    await expect(call('service.wipeDevice', { confirm: 'wipe' })).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
  });

  it('a code the hub does not know, a used code and an expired code each get their own answer, and leave the device unenrolled', async () => {
    await freshDevice();
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: 'ZZZZ-9999' })).resolves.toEqual({
      ok: true,
      value: { enrolled: false, error: 'badCode' },
    });
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: 'not a code' })).resolves.toEqual({
      ok: true,
      value: { enrolled: false, error: 'badCode' },
    });

    const used = await code();
    const other = await freshOtherDeviceEnrolledWith(used);
    expect(other).toBe(true);
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: used })).resolves.toEqual({ ok: true, value: { enrolled: false, error: 'codeUsed' } });

    const expiring = await code(60_000);
    hub.clock.advance(60_001);
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: expiring })).resolves.toEqual({
      ok: true,
      value: { enrolled: false, error: 'codeExpired' },
    });

    await expect(call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'none', showEnrollment: true } });
    await expect(call('sync.status')).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled' } });
  });

  it('a hub that is down, and an address that is not allowed, are said as such', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    await freshDevice();
    const good = await code();
    await expect(call('enrollment.enroll', { hubUrl: `http://127.0.0.1:${closedPort}/`, code: good })).resolves.toEqual({
      ok: true,
      value: { enrolled: false, error: 'hubUnreachable' },
    });
    await expect(call('enrollment.enroll', { hubUrl: 'http://hub.riverbend.example/', code: good })).resolves.toEqual({
      ok: true,
      value: { enrolled: false, error: 'badHubUrl' },
    });
    // The code was never spent: it still enrolls once the right address is given.
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: good })).resolves.toMatchObject({ ok: true, value: { enrolled: true } });
  });

  it('refuses input that is not a string of sensible length before anything runs', async () => {
    await freshDevice();
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: 'x'.repeat(65) })).resolves.toMatchObject({ ok: false, error: { code: 'invalidInput' } });
    await expect(call('enrollment.enroll', { hubUrl: hub.url, code: 'ABCD-2345', extra: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalidInput' },
    });
  });
});

/** Another device spends the code first (over HTTP, as a real device would). */
async function freshOtherDeviceEnrolledWith(enrollmentCode: string): Promise<boolean> {
  const other = makeTempDir();
  try {
    const { enrollDevice } = await import('../../../main/sync/credential');
    const outcome = await enrollDevice({ dataDir: other.path, hubUrl: hub.url, code: enrollmentCode, deviceName: 'Other kiosk', appVersion: '0.1.0' });
    return outcome.ok;
  } finally {
    other.remove();
  }
}
