// A keyboard-mode reader through the real runtime, store and session machine: a read the page took off the keyboard
// (device.keyboardRead) signs a resident in to PIN entry; the call is refused where the site has no such reader, and
// where the shell detects reads itself (Electron), which feeds the reader in process instead.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceInfo, EventName, SessionView } from '../../../main/contract';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { demoResidents, seedDemoResidents } from '../../../scripts/demo-data';
import { testSiteConfig } from '../../support/device-fixture';
import { makeTempDir } from '../../support/temp-dir';
import type { KioskConfigInput } from '../../../kiosk-config/schema';

const marcus = demoResidents[0]!;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const keyboardReader = { id: 'keyboard', kind: 'keyboardWedge', prefix: '%', suffix: 'CR' } as const;

async function startRuntime(readers: KioskConfigInput['readers'], keyboardWedgeDetection?: 'page' | 'shell'): Promise<DeviceRuntime> {
  const dir = makeTempDir();
  cleanups.push(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  await seedDemoResidents(join(dataDir, 'device.sqlite'));
  const runtime = await createDeviceRuntime({
    config: testSiteConfig('/dev/null', { readers }),
    dataDir,
    ...(keyboardWedgeDetection === undefined ? {} : { keyboardWedgeDetection }),
  });
  cleanups.push(() => runtime.stop());
  return runtime;
}

function nextView(runtime: DeviceRuntime, predicate: (view: SessionView) => boolean): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching session.changed event')), 15_000);
    const stop = runtime.bridge.onEvent((name: EventName, payload) => {
      if (name !== 'session.changed' || !predicate(payload as SessionView)) return;
      clearTimeout(timer);
      stop();
      resolve(payload as SessionView);
    });
  });
}

describe('keyboard-mode reader in the runtime', () => {
  it('tells the page how to detect, and a read it sends signs the resident in to PIN entry', async () => {
    const runtime = await startRuntime([keyboardReader]);
    const info = await runtime.bridge.call('device.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { keyboardWedge: { detectIn: 'page', maxGapMs: 25, idleTimeoutMs: 50, minFrameLength: 4, maxFrameLength: 256, prefix: ['%'], suffix: ['Enter'] } },
    });
    expect(runtime.shellKeyboardWedge).toBeNull();

    const pinEntry = nextView(runtime, (view) => view.phase === 'pinEntry');
    await expect(runtime.bridge.call('device.keyboardRead', { text: marcus.badge })).resolves.toEqual({ ok: true, value: { done: true } });
    await pinEntry;
    await expect(runtime.bridge.call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({
      ok: true,
      value: { phase: 'signedIn', resident: { id: marcus.residentId } },
    });
    await expect(runtime.bridge.call('device.readers', {})).resolves.toMatchObject({
      ok: true,
      value: [{ readerId: 'keyboard', kind: 'keyboardWedge', connection: 'connected', goodReads: 1, badReads: 0 }],
    });
  });

  it('a burst that was not a read says "card not recognized" and is counted by reason', async () => {
    const runtime = await startRuntime([keyboardReader]);
    const refused = nextView(runtime, (view) => view.phase === 'attract' && view.notice === 'cardNotRecognized');
    await expect(runtime.bridge.call('device.keyboardRead', { rejected: 'unframedBurst' })).resolves.toMatchObject({ ok: true });
    await refused;
    await expect(runtime.bridge.call('device.readers', {})).resolves.toMatchObject({
      ok: true,
      value: [{ badReads: 1, badReadsByReason: { unframedBurst: 1 } }],
    });
  });

  it('refuses keyboard reads, and tells the page to detect nothing, where the site has no keyboard-mode reader', async () => {
    const runtime = await startRuntime([]);
    await expect(runtime.bridge.call('device.info', {})).resolves.toMatchObject({ ok: true, value: { keyboardWedge: null } });
    await expect(runtime.bridge.call('device.keyboardRead', { text: marcus.badge })).resolves.toEqual({
      ok: false,
      error: { code: 'noKeyboardReader', message: 'This site has no keyboard-mode card reader.' },
    });
  });

  it('in shell mode (Electron) the page gets no settings and its reads are refused; the shell feeds the reader in process', async () => {
    const runtime = await startRuntime([keyboardReader], 'shell');
    const info = await runtime.bridge.call('device.info', {});
    expect(info.ok && (info.value as DeviceInfo).keyboardWedge).toBeNull();
    await expect(runtime.bridge.call('device.keyboardRead', { text: marcus.badge })).resolves.toMatchObject({ ok: false, error: { code: 'noKeyboardReader' } });
    expect(runtime.shellKeyboardWedge?.settings.prefix).toEqual(['%']);
    const pinEntry = nextView(runtime, (view) => view.phase === 'pinEntry');
    runtime.shellKeyboardWedge?.acceptFrame(marcus.badge);
    await pinEntry;
  });

  it('refuses malformed keyboard reads before they reach the reader', async () => {
    const runtime = await startRuntime([keyboardReader]);
    for (const input of [{ text: '' }, { text: 'x'.repeat(5000) }, { rejected: 'somethingElse' }, { text: 'R100001', rejected: 'unframedBurst' }]) {
      await expect(runtime.bridge.call('device.keyboardRead', input)).resolves.toMatchObject({ ok: false, error: { code: 'invalidInput' } });
    }
    await expect(runtime.bridge.call('device.readers', {})).resolves.toMatchObject({ ok: true, value: [{ goodReads: 0, badReads: 0 }] });
  });
});
