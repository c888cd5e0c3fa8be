// Lockouts follow the person (issue "A device is trusted with nothing it cannot prove", item 4). The attack: five wrong
// PINs locked Ana out at the kiosk, and she signed in on her tablet at once, because each device counted alone. Here
// two real runtimes with real stores sync with a real hub on both backends: the kiosk's wrong PINs reach the hub as
// audit entries, the hub counts them with the shared rule and publishes the lockout on Ana's record, and the tablet
// refuses her PIN at its next pull — until the lockout ends on the devices' clock, or staff clear it at the hub.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { assignTablet, issueEnrollmentCode, residentLockout, verifyHubAuditChain } from '../../../hub/services/index';
import type { CallName, SessionView } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { syncStateQueries } from '../../../main/store/sync-state';
import { testSiteConfig } from '../../support/device-fixture';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { seedFacility, startTestHub, type TestHub } from '../hub/fixture';
import { fakeScanner } from '../../support/fake-scanner';

useHubDatabases();

let testHub: TestHub | null = null;
let runtimes: DeviceRuntime[] = [];
let dir: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  for (const runtime of runtimes) await runtime.stop();
  await testHub?.close();
  dir?.remove();
  runtimes = [];
  testHub = null;
  dir = null;
}, 60_000);

/** Sync cycles until the device has pushed everything (and so also pulled what the hub had before). */
async function syncUntilPushed(device: DeviceRuntime): Promise<void> {
  for (let cycle = 0; cycle < 20; cycle++) {
    device.sync?.send({ type: 'SYNC_NOW' });
    const status = await device.sync?.whenResting();
    if (status?.state === 'idle' && status.pendingMutations === 0) return;
  }
  throw new Error('the device did not push everything');
}

async function currentView(device: DeviceRuntime): Promise<SessionView> {
  const answer = await device.bridge.call('session.current', {});
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as SessionView;
}

describe.each(hubBackends)('a lockout follows the person across devices (%s)', (backend) => {
  it('five wrong PINs at the kiosk lock Ana out on her tablet until the lockout ends or staff clear it at the hub', { timeout: 240_000 }, async () => {
    testHub = await startTestHub(backend);
    const hub = testHub;
    const facility = await seedFacility(hub.hub);
    dir = makeTempDir();
    // Both devices run on one clock the test moves, so "until it ends" needs no waiting.
    let deviceTime = Date.UTC(2026, 0, 5, 10, 0, 0);
    const now = () => deviceTime;
    const credentials = { resident: { pattern: '^(B\\d{4})$', symbologies: ['code39'] }, staff: { pattern: '^(STAFF-\\d+)$' } } as const;
    const scanner = fakeScanner();
    const kiosk = await createDeviceRuntime({
      config: testSiteConfig('/dev/null', { credentials }),
      dataDir: join(dir.path, 'kiosk'),
      readers: [scanner.reader],
      random: () => 0.5,
      now,
      logger: createDeviceLogger({ dataDir: null }),
    });
    runtimes.push(kiosk);
    const tablet = await createDeviceRuntime({
      config: testSiteConfig('/dev/null', { credentials, device: { name: 'Tablet 0042', mode: 'tablet' } }),
      dataDir: join(dir.path, 'tablet'),
      readers: [],
      random: () => 0.5,
      now,
      logger: createDeviceLogger({ dataDir: null }),
    });
    runtimes.push(tablet);

    const kioskCode = await issueEnrollmentCode(hub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const tabletCode = await issueEnrollmentCode(hub.hub, { siteId: facility.siteId, kind: 'tablet' });
    for (const [device, code] of [
      [kiosk, kioskCode.code],
      [tablet, tabletCode.code],
    ] as const) {
      const enrolled = await device.enroll(hub.url, code);
      if (!enrolled.ok) throw new Error(enrolled.error.message);
    }
    const tabletId = syncStateQueries(tablet.database).get().deviceId;
    if (tabletId === null) throw new Error('the tablet is not enrolled');
    await assignTablet(hub.hub, { deviceId: tabletId, residentId: facility.ana.resident_id });
    await syncUntilPushed(kiosk);
    await syncUntilPushed(tablet);
    await expect.poll(async () => (await currentView(tablet)).phase).toBe('tabletLock');

    const atKiosk = (name: CallName, input: unknown = {}) => kiosk.bridge.call(name, input);
    const onTablet = (name: CallName, input: unknown = {}) => tablet.bridge.call(name, input);
    async function fiveWrongPinsAtTheKiosk(): Promise<void> {
      scanner.scan(facility.ana.credential_id);
      await expect.poll(async () => (await currentView(kiosk)).phase).toBe('pinEntry');
      for (let attempt = 1; attempt <= 4; attempt++)
        await expect(atKiosk('session.enterPin', { pin: '0000' })).resolves.toMatchObject({ ok: true, value: { notice: 'wrongPin' } });
      await expect(atKiosk('session.enterPin', { pin: '0000' })).resolves.toMatchObject({ ok: true, value: { phase: 'lockedOut' } });
      await atKiosk('session.cancel');
      await syncUntilPushed(kiosk);
    }

    // Locked out at the kiosk: the hub counts the kiosk's five wrong PINs, and the tablet refuses her right PIN.
    await fiveWrongPinsAtTheKiosk();
    const locked = await residentLockout(hub.hub.database, facility.ana.resident_id);
    expect(locked?.lockedUntil).toBeGreaterThan(deviceTime);
    await syncUntilPushed(tablet);
    await expect(onTablet('session.enterPin', { pin: '1234' })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'tabletLock', lockedUntil: locked?.lockedUntil },
    });
    expect((await currentView(tablet)).phase).toBe('tabletLock');

    // Staff look at it and clear it at the hub; the clear is on the hub's chain and reaches both devices.
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const code = await runCli(args, {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env: {},
        database: hub.hub.database,
        now: hub.clock.now,
      });
      return { code, out: out.join('\n') };
    };
    const shown = await cli(['lockout', '--resident', facility.ana.credential_id]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Ana Diaz (B1001) is locked out until');
    const cleared = await cli(['clear-lockout', '--resident', facility.ana.credential_id, '--operator', 'Sgt. Ruiz']);
    expect(cleared).toMatchObject({ code: 0 });
    expect(await verifyHubAuditChain(hub.hub.database)).toMatchObject({ entries: 1, problem: null });
    const [entry] = await hub.hub.database.query<{ kind: string; details: string }>('SELECT kind, details FROM hub_audit_entries');
    expect(entry?.kind).toBe('lockoutCleared');
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ operator: 'Sgt. Ruiz', residentId: facility.ana.resident_id });
    await syncUntilPushed(tablet);
    await syncUntilPushed(kiosk);
    await expect(onTablet('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
    await onTablet('session.signOut');
    // The kiosk forgot its own count with the clear: her card asks for a PIN again.
    scanner.scan(facility.ana.credential_id);
    await expect.poll(async () => (await currentView(kiosk)).phase).toBe('pinEntry');
    await atKiosk('session.cancel');
    await expect.poll(async () => (await currentView(kiosk)).phase).not.toBe('pinEntry');

    // Locked out again: this time the lockout simply ends on the devices' clock.
    await fiveWrongPinsAtTheKiosk();
    await syncUntilPushed(tablet);
    const again = await residentLockout(hub.hub.database, facility.ana.resident_id);
    if (again?.lockedUntil === null || again === null) throw new Error('the hub did not lock Ana out again');
    await expect(onTablet('session.enterPin', { pin: '1234' })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'tabletLock', lockedUntil: again.lockedUntil },
    });
    deviceTime = again.lockedUntil + 1;
    await expect(onTablet('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
  });
});
