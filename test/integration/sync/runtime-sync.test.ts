// Sync wired into the device runtime: enrollment starts it, a stored credential starts it at launch, a sign-in pulls
// first, and the renderer sees sync.status, sync.statusChanged and home.summary through the same bridge as everything
// else. Against the scripted stand-in hub on loopback; the device ↔ real hub suite comes once the hub lands.
import { afterEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Change } from '../../../hub/protocol';
import type { CallName, EventName, SessionView, SyncStatus } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { hashPin } from '../../../main/signin/pin-hash';
import { credentialPath, writeDeviceCredential } from '../../../main/sync/credential';
import { balance, message, resident, upsert } from '../../unit/sync/fixtures';
import { testSiteConfig } from '../../support/device-fixture';
import { makeTempDir } from '../../support/temp-dir';
import { ScriptedHub } from './scripted-hub';
import { fakeScanner } from '../../support/fake-scanner';

let hub: ScriptedHub | null = null;
let runtime: DeviceRuntime | null = null;
let dir: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  await runtime?.stop();
  await hub?.close();
  dir?.remove();
  runtime = null;
  hub = null;
  dir = null;
});

async function startDevice(options: { enrolled: boolean; log?: Change[] }) {
  hub = await new ScriptedHub().start();
  // Before the runtime starts: an enrolled device syncs the moment it is up.
  hub.log.push(...(options.log ?? []));
  dir = makeTempDir();
  const dataDir = join(dir.path, 'data');
  if (options.enrolled) {
    writeDeviceCredential(dataDir, {
      deviceId: hub.deviceId,
      secret: hub.secret,
      hubUrl: hub.url,
      siteId: 'site-1',
      siteName: 'Riverbend',
      kind: 'kiosk',
      housingUnitId: 'B',
      enrolledAt: 1,
    });
  }
  const scanner = fakeScanner('scanner');
  // A silent logger: the file logger's async open would race the temp folder's removal in a test this short.
  runtime = await createDeviceRuntime({
    config: testSiteConfig('/dev/null'),
    dataDir,
    readers: [scanner.reader],
    random: () => 0.5,
    logger: createDeviceLogger({ dataDir: null }),
  });
  const events: Array<{ name: EventName; payload: unknown }> = [];
  runtime.bridge.onEvent((name, payload) => events.push({ name, payload }));
  return { hub, runtime, dataDir, scanner, events };
}

const call = (name: CallName, input: unknown = {}) => {
  if (!runtime) throw new Error('no runtime');
  return runtime.bridge.call(name, input);
};

function nextSessionView(predicate: (view: SessionView) => boolean): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching session.changed event')), 10_000);
    const stop = runtime?.bridge.onEvent((name, payload) => {
      if (name === 'session.changed' && predicate(payload as SessionView)) {
        clearTimeout(timer);
        stop?.();
        resolve(payload as SessionView);
      }
    });
  });
}

describe('sync in the runtime', () => {
  it('a device without a credential says so; enrolling stores a 0600 credential and starts syncing', async () => {
    const device = await startDevice({ enrolled: false, log: [upsert('resident', resident('res-100001', { credentialId: '100001' }), 1)] });
    expect(device.runtime.sync).toBeNull();
    await expect(call('sync.status')).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled', pendingMutations: 0, lastSuccessAt: null } });

    await expect(device.runtime.enroll(device.hub.url, 'ZZZZ-9999')).resolves.toMatchObject({ ok: false, error: { code: 'badCode' } });
    expect(device.runtime.sync).toBeNull();

    const enrolled = await device.runtime.enroll(device.hub.url, 'abcd-2345');
    expect(enrolled).toMatchObject({ ok: true, credential: { deviceId: device.hub.deviceId } });
    expect(statSync(credentialPath(device.dataDir)).mode & 0o777).toBe(0o600);
    await device.runtime.sync?.whenResting();
    const status = await call('sync.status');
    expect(status).toMatchObject({ ok: true, value: { state: 'idle', lastError: null } });
    const published = device.events.filter((event) => event.name === 'sync.statusChanged').map((event) => (event.payload as SyncStatus).state);
    expect(published).toContain('pulling');
    expect(published[published.length - 1]).toBe('idle');
  });

  it('a resident from the hub signs in, their sign-in pulls first, and home.summary shows their mail and balance', async () => {
    const pinHash = await hashPin('2468', { N: 1024, r: 8, p: 1 });
    const device = await startDevice({
      enrolled: true,
      log: [
        upsert('resident', resident('res-100001', { credentialId: '100001', displayName: 'Marcus Lee', pinHash }), 1),
        upsert('message', message('m1', 'res-100001'), 1),
        upsert('balance', balance('res-100001', { stamps: 3, availableCents: 1250, confirmedAt: 42 }), 1),
      ],
    });
    await device.runtime.sync?.whenResting();
    await expect(call('home.summary')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });

    // Mail that arrives while the resident walks up is there when they sign in.
    device.hub.log.push(upsert('message', message('m2', 'res-100001'), 1));
    const pinScreen = nextSessionView((view) => view.phase === 'pinEntry');
    device.scanner.scan('R100001');
    await pinScreen;
    const pullsBefore = device.hub.pulls;
    await expect(call('session.enterPin', { pin: '2468' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn', resident: { id: 'res-100001' } } });
    await device.runtime.sync?.whenResting();
    expect(device.hub.pulls).toBeGreaterThan(pullsBefore);
    await expect(call('home.summary')).resolves.toEqual({
      ok: true,
      value: {
        unreadMessages: 2,
        balance: { stamps: 3, availableCents: 1250, holdsCents: 0, confirmedAt: 42 },
        waitingOnThisDevice: 0,
        nextVisit: null,
        stoppedLetters: 0,
        messagingPause: null,
      },
    });
    // Sync status is for anyone at the screen: counts, times and codes.
    await call('session.signOut');
    await expect(call('sync.status')).resolves.toMatchObject({ ok: true, value: { state: 'idle' } });
  });

  it('stopping the runtime while a sync step is in flight closes cleanly', async () => {
    const device = await startDevice({ enrolled: true });
    device.hub.outage = { kind: 'hang' };
    device.runtime.sync?.send({ type: 'SYNC_NOW' });
    await device.runtime.stop();
    runtime = null;
  });
});
