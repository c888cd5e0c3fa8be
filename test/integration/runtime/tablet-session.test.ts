// A tablet's own session through the real runtime with a real store and a real hub on loopback (issue 8, items 1 and 3):
// once staff assign it, its person signs in with the PIN alone; with the network gone, days pass on the runtime's
// injected clock until the warning and then the lock; the network back, a sync lifts the lock.
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { simulateScan } from '../../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../../hardware/simulators/pty-pair';
import type { CallName, EventName, EventPayload, SessionView } from '../../../main/contract';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { auditLogQueries } from '../../../main/store/audit-log';
import { dayMs } from '../../../main/tablet/sync-lock';
import { demoResidents, demoStaff } from '../../../scripts/demo-data';
import { startDemoHub, type DemoHub } from '../../../scripts/demo-hub';
import { testSiteConfig } from '../../support/device-fixture';
import { migratedPgliteImage } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';

const [marcus] = demoResidents as [(typeof demoResidents)[0]];

let hub: DemoHub;
let pty: PtyPair;
let runtime: DeviceRuntime;
let dir: ReturnType<typeof makeTempDir>;
let clock: SimulatedClock;
/** No dock and no Wi-Fi: every request to the hub fails as a network error would. */
let offline = false;

beforeEach(async () => {
  dir = makeTempDir();
  hub = await startDemoHub({
    dataDir: join(dir.path, 'hub'),
    port: 0,
    consoleFile: join(dir.path, 'hub.json'),
    logger: pino({ level: 'silent' }),
    pgliteImage: await migratedPgliteImage(),
  });
  pty = await startPtyPair(dir.path);
  clock = new SimulatedClock();
  offline = false;
  const epoch = Date.now();
  const config = testSiteConfig(pty.devicePath, {
    device: { name: 'Tablet 0042', mode: 'tablet' },
    hub: { url: hub.running.url, backoffBaseSeconds: 0.2, backoffMaxSeconds: 1, requestTimeoutSeconds: 5 },
    tablet: { lockAfterDaysWithoutSync: 7, warnFromDaysWithoutSync: 5 },
  });
  runtime = await createDeviceRuntime({
    config,
    dataDir: join(dir.path, 'data'),
    random: () => 0.5,
    clock,
    now: () => epoch + clock.now(),
    fetch: (input, init) => (offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
  });
  const enrolled = await runtime.enroll(hub.running.url, await hub.tabletEnrollmentCode());
  expect(enrolled.ok).toBe(true);
  await runtime.sync?.whenResting();
}, 60_000);
afterEach(async () => {
  await runtime.stop();
  await hub.close();
  await pty.kill();
  dir.remove();
}, 60_000);

const call = (name: CallName, input: unknown = {}) => runtime.bridge.call(name, input);
const view = async (): Promise<SessionView> => {
  const answer = await call('session.current');
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as SessionView;
};

function nextEvent<N extends EventName>(name: N, predicate: (payload: EventPayload<N>) => boolean): Promise<EventPayload<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${name} event`)), 20_000);
    const stop = runtime.bridge.onEvent((eventName: EventName, payload: unknown) => {
      if (eventName === name && predicate(payload as EventPayload<N>)) {
        clearTimeout(timer);
        stop();
        resolve(payload as EventPayload<N>);
      }
    });
  });
}

async function assignToMarcus(): Promise<void> {
  const pad = nextEvent('session.changed', (next) => next.phase === 'pinEntry' && next.subject === 'staff');
  await simulateScan(pty.hostPath, demoStaff.badge, { symbology: 'code39' });
  await pad;
  await expect(call('session.enterPin', { pin: demoStaff.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'service' } });
  await expect(call('service.assignTablet', { bookingNumber: '100001', staffPin: demoStaff.pin })).resolves.toMatchObject({
    ok: true,
    value: { assigned: true, recordsArrived: true },
  });
  await call('service.signOut');
}

describe('a tablet’s own session', () => {
  it('PIN alone signs its person in, wrong PINs counting and audited as with a card', { timeout: 90_000 }, async () => {
    await assignToMarcus();
    expect(await view()).toMatchObject({ phase: 'tabletLock', sessionHeld: false });
    await expect(call('device.info')).resolves.toMatchObject({
      ok: true,
      value: { tablet: { assigned: true, assigneeFirstName: 'Marcus', sync: { state: 'ok', daysLeft: 7 } } },
    });
    await expect(call('session.enterPin', { pin: '0000' })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'tabletLock', pinNotice: 'wrongPin', attemptsLeft: 4 },
    });
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'signedIn', resident: { displayName: marcus.displayName } },
    });
    await expect(call('mail.conversations')).resolves.toMatchObject({ ok: true });
    const audit = auditLogQueries(runtime.database);
    const head = audit.head();
    const kinds = head === null ? [] : audit.entries(head.chain, 0, 1000).map((entry) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['pinRejected', 'signIn']));
  });

  it('warns from day 5 without sync, locks on day 7 (no PIN taken), and a sync lifts the lock', { timeout: 90_000 }, async () => {
    await assignToMarcus();
    offline = true;
    clock.increment(5 * dayMs - 60_000);
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: { sync: { state: 'ok', daysLeft: 3 } } } });
    clock.increment(60_000);
    await runtime.sync?.whenResting();
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: { sync: { state: 'warning', daysLeft: 2, daysWithoutSync: 5 } } } });
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
    await call('session.signOut');

    clock.increment(2 * dayMs);
    expect(await view()).toEqual({ phase: 'syncLocked', sessionHeld: false });
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: { sync: { state: 'locked', daysWithoutSync: 7 } } } });
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: false, error: { code: 'wrongPhase' } });

    // Docked: the network is back and the tablet syncs.
    offline = false;
    const unlocked = nextEvent('session.changed', (next) => next.phase === 'tabletLock');
    runtime.sync?.send({ type: 'SYNC_NOW' });
    await runtime.sync?.whenResting();
    await unlocked;
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { tablet: { sync: { state: 'ok', daysWithoutSync: 0 } } } });
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
  });
});
