// Service mode through the real runtime: a staff badge scanned on a real pseudo-terminal, the staff PIN, the service
// calls and their refusals, the staff lockout across a restart, the audit entries, and "sync now" against a real hub.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName, EventName, EventPayload, SessionView, SyncStatus } from '../../../main/contract';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { auditLogQueries } from '../../../main/store/audit-log';
import { simulateScan } from '../../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../../hardware/simulators/pty-pair';
import { demoResidents, demoStaff, seedDemoResidents } from '../../../scripts/demo-data';
import { startDemoHub, type DemoHub } from '../../../scripts/demo-hub';
import { startDeviceFixture, testSiteConfig, type DeviceFixture } from '../../support/device-fixture';
import { migratedPgliteImage } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';

const [marcus] = demoResidents as [(typeof demoResidents)[0]];

let fixture: DeviceFixture | null = null;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await fixture?.cleanup();
  fixture = null;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 60_000);

function runtimeOf(): DeviceRuntime {
  if (!fixture) throw new Error('no fixture');
  return fixture.runtime;
}

const call = (name: CallName, input: unknown = {}) => runtimeOf().bridge.call(name, input);

function nextEvent<N extends EventName>(
  runtime: DeviceRuntime,
  name: N,
  predicate: (payload: EventPayload<N>) => boolean = () => true,
): Promise<EventPayload<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${name} event`)), 20_000);
    const stop = runtime.bridge.onEvent((eventName: EventName, payload: unknown) => {
      if (eventName !== name) return;
      const typed = payload as EventPayload<N>;
      if (predicate(typed)) {
        clearTimeout(timer);
        stop();
        resolve(typed);
      }
    });
  });
}

const nextView = (predicate: (view: SessionView) => boolean) => nextEvent(runtimeOf(), 'session.changed', predicate);

async function scan(pty: PtyPair, text: string) {
  await simulateScan(pty.hostPath, text, { symbology: 'code39' });
}

/** The staff badge on the scanner, then the PIN: resolves to the view the PIN brought. */
async function enterServiceMode(pin = demoStaff.pin) {
  if (!fixture) throw new Error('no fixture');
  const pinPad = nextView((view) => view.phase === 'pinEntry' && view.subject === 'staff');
  await scan(fixture.pty, demoStaff.badge);
  await pinPad;
  return call('session.enterPin', { pin });
}

function auditedKinds(runtime: DeviceRuntime): Array<{ kind: string; actorKind: string | null; details: unknown }> {
  const queries = auditLogQueries(runtime.database);
  const head = queries.head();
  if (head === null) return [];
  return queries.entries(head.chain, 0, 1000).map((row) => ({ kind: row.kind, actorKind: row.actorKind, details: JSON.parse(row.details) as unknown }));
}

describe('service mode', () => {
  it('says the store is encrypted when the runtime was given a key, and the seeded store was encrypted at start', async () => {
    const key = Buffer.alloc(32, 7);
    fixture = await startDeviceFixture({}, { storeKey: { storeKey: () => ({ key }) } });
    expect(readFileSync(join(fixture.dataDir, 'device.sqlite')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    await enterServiceMode();
    await expect(call('service.overview')).resolves.toMatchObject({ ok: true, value: { storeEncryption: { state: 'on' } } });
  });

  it('staff badge + PIN → service mode: its calls answer, resident calls are refused, sign-out closes it', async () => {
    fixture = await startDeviceFixture();
    await expect(call('service.overview')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });

    const opened = await enterServiceMode();
    expect(opened).toMatchObject({
      ok: true,
      value: { phase: 'service', staff: { id: demoStaff.staffId, displayName: demoStaff.displayName }, idleWarningEndsAt: null },
    });

    const overview = await call('service.overview');
    expect(overview).toMatchObject({
      ok: true,
      // Not started by the launcher, and no updates in the site file: this installation does not update itself.
      value: { deviceName: 'Test Kiosk', siteName: 'Test Site', mode: 'kiosk', enrolled: false, deviceId: null, hubUrl: null, appUpdates: null },
    });
    if (!overview.ok) throw new Error('unreachable');
    const value = overview.value as { storage: Record<string, number>; siteConfig: string; storeEncryption: unknown };
    expect(value.storage.storeBytes).toBeGreaterThan(0);
    // Plain Node has no OS keychain to seal a store key with: the store stays unencrypted, and the overview says why.
    expect(value.storeEncryption).toEqual({ state: 'off', reason: 'noKeyStore' });
    expect(JSON.parse(value.siteConfig)).toMatchObject({ device: { name: 'Test Kiosk' }, pin: { maxAttempts: 5 } });

    // A staff session has no resident calls.
    for (const name of ['home.summary', 'mail.conversations', 'session.signOut'] as const) {
      await expect(call(name), name).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
    }

    await expect(call('service.sync')).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled' } });
    await expect(call('service.syncNow')).resolves.toMatchObject({ ok: true, value: { started: false, status: { state: 'notEnrolled' } } });
    // The runtime here was given no way to restart: said so, not pretended.
    await expect(call('service.restart')).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });

    const logs = await call('service.logs', { limit: 50 });
    expect(logs).toMatchObject({
      ok: true,
      value: { lines: expect.arrayContaining([expect.objectContaining({ message: 'service mode opened', level: 'info' })]) },
    });
    expect(JSON.stringify(logs)).not.toContain(demoStaff.pin);

    const exported = await call('service.exportLogs');
    expect(exported).toMatchObject({
      ok: true,
      value: { directory: join(fixture.dataDir, 'exports'), fileName: expect.stringMatching(/^dayroom-logs-Test-Kiosk-.*\.json$/) },
    });
    if (!exported.ok) throw new Error('unreachable');
    const { fileName, directory } = exported.value as { fileName: string; directory: string };
    const bundle = JSON.parse(readFileSync(join(directory, fileName), 'utf8')) as { format: string; overview: { deviceName: string }; log: string[] };
    expect(bundle).toMatchObject({ format: 'dayroom-support-bundle/1', overview: { deviceName: 'Test Kiosk' } });
    expect(bundle.log.length).toBeGreaterThan(0);
    expect(existsSync(join(directory, `${fileName}.part`))).toBe(false);

    await expect(call('service.signOut')).resolves.toMatchObject({ ok: true, value: { phase: 'attract', notice: 'signedOut' } });
    await expect(call('service.overview')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });

    const audited = auditedKinds(runtimeOf()).filter((entry) => entry.kind === 'staffAction');
    expect(audited.map((entry) => entry.details)).toEqual([
      { action: 'enterServiceMode' },
      { action: 'syncNow' },
      { action: 'exportLogs' },
      { action: 'leaveServiceMode' },
    ]);
    for (const entry of audited) expect(entry.actorKind).toBe('staff');
  });

  it('a card read in service mode shows in the live view as role and reason only, and signs nobody in', async () => {
    fixture = await startDeviceFixture();
    await enterServiceMode();
    const runtime = runtimeOf();

    const seenResident = nextEvent(runtime, 'service.readSeen');
    await scan(fixture.pty, marcus.badge);
    expect(await seenResident).toMatchObject({ readerId: 'scanner', outcome: { kind: 'read', format: 'barcode', role: 'resident', knownHere: true } });
    const seenUnknown = nextEvent(runtime, 'service.readSeen');
    await scan(fixture.pty, 'R999999');
    expect(await seenUnknown).toMatchObject({ outcome: { kind: 'read', role: 'resident', knownHere: false } });
    const seenGarbage = nextEvent(runtime, 'service.readSeen');
    await fixture.pty.write(Buffer.from([0x00, 0xff, 0x13, 0x0d]));
    expect(await seenGarbage).toMatchObject({ outcome: { kind: 'rejected', reason: 'unprintable' } });

    await expect(call('session.current')).resolves.toMatchObject({ ok: true, value: { phase: 'service' } });
    const readers = await call('service.readers');
    expect(readers).toMatchObject({
      ok: true,
      value: { readers: [{ readerId: 'scanner', connection: 'connected' }], recentReads: [{ outcome: { kind: 'rejected' } }, {}, {}, {}] },
    });
    // Never what was on a card: no booking number, no badge digits.
    expect(JSON.stringify(readers)).not.toMatch(/100001|999999|42001/);
  });

  it('a resident session has no service calls, and a resident PIN never opens service mode', async () => {
    fixture = await startDeviceFixture();
    const pinPad = nextView((view) => view.phase === 'pinEntry');
    await scan(fixture.pty, marcus.badge);
    expect(await pinPad).toMatchObject({ subject: 'resident' });
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
    for (const name of [
      'service.overview',
      'service.readers',
      'service.logs',
      'service.exportLogs',
      'service.syncNow',
      'service.restart',
      'service.signOut',
    ] as const) {
      await expect(call(name, name === 'service.logs' ? { limit: 5 } : {}), name).resolves.toMatchObject({ ok: false, error: { code: 'notAuthorized' } });
    }
    await call('session.signOut');
    // The staff PIN on a resident's card is just a wrong PIN for that resident.
    const again = nextView((view) => view.phase === 'pinEntry');
    await scan(fixture.pty, marcus.badge);
    await again;
    await expect(call('session.enterPin', { pin: demoStaff.pin })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'pinEntry', subject: 'resident', notice: 'wrongPin' },
    });
  });

  it('five wrong staff PINs lock the staff member out, audited, and the lockout survives a restart', async () => {
    fixture = await startDeviceFixture();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const result = attempt === 1 ? await enterServiceMode('0000') : await call('session.enterPin', { pin: '0000' });
      expect(result).toMatchObject({ ok: true, value: { phase: 'pinEntry', subject: 'staff', notice: 'wrongPin', attemptsLeft: 5 - attempt } });
    }
    await expect(call('session.enterPin', { pin: '0000' })).resolves.toMatchObject({ ok: true, value: { phase: 'lockedOut' } });
    const audited = auditedKinds(runtimeOf()).filter((entry) => entry.actorKind === 'staff');
    expect(audited.map((entry) => entry.kind)).toEqual(['pinRejected', 'pinRejected', 'pinRejected', 'pinRejected', 'pinRejected', 'lockedOut']);

    await fixture.runtime.stop();
    const restarted = await createDeviceRuntime({ config: testSiteConfig(fixture.pty.devicePath), dataDir: fixture.dataDir });
    fixture = { ...fixture, runtime: restarted };
    const locked = nextView((view) => view.phase === 'lockedOut');
    await scan(fixture.pty, demoStaff.badge);
    await locked;
    await expect(call('session.enterPin', { pin: demoStaff.pin })).resolves.toMatchObject({ ok: false, error: { code: 'wrongPhase' } });
    await expect(call('service.overview')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    expect(auditedKinds(restarted).at(-1)).toMatchObject({ kind: 'lockedOutAttempt', actorKind: 'staff' });
  });

  it('restart: answered first, then the staff member is signed out and the shell’s hook runs', async () => {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const pty = await startPtyPair(dir.path);
    cleanups.push(() => pty.kill());
    const dataDir = join(dir.path, 'data');
    await seedDemoResidents(join(dataDir, 'device.sqlite'));
    let restartRequested: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => {
      restartRequested = resolve;
    });
    const runtime = await createDeviceRuntime({ config: testSiteConfig(pty.devicePath), dataDir, onRestartRequested: () => restartRequested() });
    fixture = { runtime, pty, dataDir, cleanup: () => runtime.stop() };
    await enterServiceMode();
    await expect(call('service.restart')).resolves.toEqual({ ok: true, value: { done: true } });
    await expect(call('session.current')).resolves.toMatchObject({ ok: true, value: { phase: 'attract' } });
    await requested;
    expect(
      auditedKinds(runtime)
        .filter((entry) => entry.kind === 'staffAction')
        .map((entry) => entry.details),
    ).toEqual([{ action: 'enterServiceMode' }, { action: 'restartApp' }, { action: 'leaveServiceMode' }]);
  });
});

describe('service mode against a real hub', () => {
  it('the staff member arrives by sync; "sync now" reaches the hub, and a hub that is down shows as the last error', async () => {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const hub: DemoHub = await startDemoHub({
      dataDir: join(dir.path, 'hub'),
      port: 0,
      consoleFile: join(dir.path, 'hub.json'),
      logger: pino({ level: 'silent' }),
      pgliteImage: await migratedPgliteImage(),
    });
    cleanups.push(() => hub.close());
    const pty = await startPtyPair(dir.path);
    cleanups.push(() => pty.kill());
    const dataDir = join(dir.path, 'data');
    const config = testSiteConfig(pty.devicePath, { hub: { url: hub.running.url, backoffBaseSeconds: 0.2, backoffMaxSeconds: 1 } });
    const runtime = await createDeviceRuntime({ config, dataDir });
    fixture = { runtime, pty, dataDir, cleanup: () => runtime.stop() };
    const enrolled = await runtime.enroll(hub.running.url, await hub.kioskEnrollmentCode());
    expect(enrolled.ok).toBe(true);
    await runtime.sync?.whenResting();

    await expect(enterServiceMode()).resolves.toMatchObject({ ok: true, value: { phase: 'service', staff: { displayName: demoStaff.displayName } } });
    await expect(call('service.overview')).resolves.toMatchObject({
      ok: true,
      value: { enrolled: true, hubUrl: expect.stringContaining(new URL(hub.running.url).host), deviceId: expect.any(String) },
    });

    const before = (await call('service.sync')) as { ok: true; value: SyncStatus };
    const synced = nextEvent(
      runtime,
      'sync.statusChanged',
      (status) => status.state === 'idle' && (status.lastSuccessAt ?? 0) >= (before.value.lastSuccessAt ?? 0) && status.lastError === null,
    );
    await expect(call('service.syncNow')).resolves.toMatchObject({ ok: true, value: { started: true } });
    await synced;
    // The staff action itself went to the hub with that sync or the next: nothing waits that the hub refused.
    await runtime.sync?.whenResting();

    await hub.stop();
    const failed = nextEvent(runtime, 'sync.statusChanged', (status) => status.lastError?.code === 'hubUnreachable');
    await call('service.syncNow');
    await failed;
    await expect(call('service.sync')).resolves.toMatchObject({ ok: true, value: { lastError: { code: 'hubUnreachable', message: expect.any(String) } } });

    await hub.start();
    const recovered = nextEvent(runtime, 'sync.statusChanged', (status) => status.state === 'idle' && status.lastError === null);
    await call('service.syncNow');
    await recovered;
    await expect(call('service.sync')).resolves.toMatchObject({ ok: true, value: { lastError: null, pendingMutations: 0 } });
  }, 60_000);

  it('staff re-enroll with a new code keeps the residents, and a wrong code changes nothing', async () => {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const hub: DemoHub = await startDemoHub({
      dataDir: join(dir.path, 'hub'),
      port: 0,
      consoleFile: join(dir.path, 'hub.json'),
      logger: pino({ level: 'silent' }),
      pgliteImage: await migratedPgliteImage(),
    });
    cleanups.push(() => hub.close());
    const pty = await startPtyPair(dir.path);
    cleanups.push(() => pty.kill());
    const dataDir = join(dir.path, 'data');
    const runtime = await createDeviceRuntime({ config: testSiteConfig(pty.devicePath, { hub: { url: hub.running.url } }), dataDir });
    fixture = { runtime, pty, dataDir, cleanup: () => runtime.stop() };
    expect((await runtime.enroll(hub.running.url, await hub.kioskEnrollmentCode())).ok).toBe(true);
    await runtime.sync?.whenResting();
    await enterServiceMode();
    const first = (await call('service.overview')) as { ok: true; value: { deviceId: string } };

    await expect(call('service.reenroll', { hubUrl: hub.running.url, code: 'WRONG-CODE' })).resolves.toMatchObject({
      ok: true,
      value: { enrolled: false, error: expect.any(String) },
    });
    await expect(call('service.overview')).resolves.toMatchObject({ ok: true, value: { enrolled: true, deviceId: first.value.deviceId } });

    await expect(call('service.reenroll', { hubUrl: hub.running.url, code: await hub.kioskEnrollmentCode() })).resolves.toMatchObject({
      ok: true,
      value: { enrolled: true },
    });
    const second = (await call('service.overview')) as { ok: true; value: { deviceId: string; enrolled: boolean } };
    expect(second.value.enrolled).toBe(true);
    expect(second.value.deviceId).not.toBe(first.value.deviceId);
    // The old credential went with the enrollment and was revoked by it: it opens nothing at the hub any more.
    const [previous] = await hub.database.query<{ revoked_reason: string | null; replaced_by_device_id: string | null }>(
      'SELECT revoked_reason, replaced_by_device_id FROM devices WHERE device_id = $1',
      [first.value.deviceId],
    );
    expect(previous).toEqual({ revoked_reason: 'reenrolled', replaced_by_device_id: second.value.deviceId });
    await call('service.signOut');
    // The residents are still here: a resident signs in on the re-enrolled kiosk.
    const pinPad = nextView((view) => view.phase === 'pinEntry' && view.subject === 'resident');
    await scan(pty, marcus.badge);
    await pinPad;
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
    // A new device id starts a new chain; the re-enrollment is in one of the two.
    const allActions = [1, 2].flatMap((chain) => auditLogQueries(runtime.database).entries(chain, 0, 1000)).filter((row) => row.kind === 'staffAction');
    expect(allActions.map((row) => JSON.parse(row.details) as unknown)).toContainEqual({ action: 'enrollDevice' });
  }, 60_000);

  it('staff wipe the device: answered, the shell restarts it, and it comes back with nobody and no credential', async () => {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const hub: DemoHub = await startDemoHub({
      dataDir: join(dir.path, 'hub'),
      port: 0,
      consoleFile: join(dir.path, 'hub.json'),
      logger: pino({ level: 'silent' }),
      pgliteImage: await migratedPgliteImage(),
    });
    cleanups.push(() => hub.close());
    const pty = await startPtyPair(dir.path);
    cleanups.push(() => pty.kill());
    const dataDir = join(dir.path, 'data');
    const config = testSiteConfig(pty.devicePath, { hub: { url: hub.running.url } });
    let restartRequested: () => void = () => undefined;
    const requested = new Promise<void>((resolve) => {
      restartRequested = resolve;
    });
    const runtime = await createDeviceRuntime({ config, dataDir, onRestartRequested: () => restartRequested() });
    fixture = { runtime, pty, dataDir, cleanup: () => runtime.stop() };
    expect((await runtime.enroll(hub.running.url, await hub.kioskEnrollmentCode())).ok).toBe(true);
    await runtime.sync?.whenResting();
    await enterServiceMode();

    await expect(call('service.wipeDevice', { confirm: 'yes' })).resolves.toMatchObject({ ok: false, error: { code: 'invalidInput' } });
    await expect(call('service.wipeDevice', { confirm: 'wipe' })).resolves.toMatchObject({ ok: true });
    await requested;
    await runtime.stop();

    // What the shell does on the restart request: a new runtime on the same data folder.
    const restarted = await createDeviceRuntime({ config, dataDir });
    fixture = { runtime: restarted, pty, dataDir, cleanup: () => restarted.stop() };
    await expect(call('enrollment.status')).resolves.toMatchObject({ ok: true, value: { credential: 'none', showEnrollment: true } });
    const refused = nextView((view) => view.phase === 'attract' && view.notice !== null);
    await scan(pty, marcus.badge);
    await refused;
    await expect(call('session.current')).resolves.toMatchObject({ ok: true, value: { phase: 'attract' } });
  }, 60_000);
});
