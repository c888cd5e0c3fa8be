// A badge scanned on a real pseudo-terminal signs a resident in through the real runtime, store and session machine.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName, EventName, SessionView } from '../../../main/contract';
import { createDeviceRuntime } from '../../../main/runtime';
import { demoResidents } from '../../../scripts/demo-data';
import { simulateScan } from '../../../hardware/simulators/serial-scanner-simulator';
import { startDeviceFixture, testSiteConfig, type DeviceFixture } from '../../support/device-fixture';

let fixture: DeviceFixture | null = null;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = null;
});

const [marcus, ana] = demoResidents as [(typeof demoResidents)[0], (typeof demoResidents)[0]];

async function call(name: CallName, input: unknown = {}) {
  if (!fixture) throw new Error('no fixture');
  return fixture.runtime.bridge.call(name, input);
}

function nextView(predicate: (view: SessionView) => boolean): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching session.changed event')), 15_000);
    const stop = fixture?.runtime.bridge.onEvent((name: EventName, payload) => {
      if (name !== 'session.changed') return;
      const view = payload as SessionView;
      if (predicate(view)) {
        clearTimeout(timer);
        stop?.();
        resolve(view);
      }
    });
  });
}

async function scan(text: string) {
  if (!fixture) throw new Error('no fixture');
  await simulateScan(fixture.pty.hostPath, text, { symbology: 'code39' });
}

/** Matches the site's staff rule, but no one on the staff list holds it. */
const unlistedStaffBadge = 'S99999';

describe('signing in at a kiosk', () => {
  it('scan → PIN → signed in → resident calls allowed → sign out refuses them again', async () => {
    fixture = await startDeviceFixture();
    await expect(call('session.signOut')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
    const pinScreen = nextView((view) => view.phase === 'pinEntry');
    await scan(marcus.badge);
    expect(await pinScreen).toMatchObject({ phase: 'pinEntry', attemptsLeft: 5, pinLength: 4 });
    const result = await call('session.enterPin', { pin: marcus.pin });
    expect(result).toMatchObject({ ok: true, value: { phase: 'signedIn', resident: { id: marcus.residentId, displayName: marcus.displayName } } });
    await expect(call('session.signOut')).resolves.toMatchObject({ ok: true, value: { phase: 'attract', notice: 'signedOut' } });
    await expect(call('session.signOut')).resolves.toMatchObject({ ok: false, error: { code: 'notSignedIn' } });
  });

  it('the resident’s language follows them in and is reset for the next person', async () => {
    fixture = await startDeviceFixture();
    const pinScreen = nextView((view) => view.phase === 'pinEntry');
    await scan(ana.badge);
    await pinScreen;
    await call('session.enterPin', { pin: ana.pin });
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { language: 'es' } });
    await call('device.setLanguage', { language: 'en' });
    await call('session.signOut');
    await expect(call('device.info')).resolves.toMatchObject({ ok: true, value: { language: 'en' } });
  });

  it('unknown cards, unlisted staff badges and garbage are refused in words and counted', async () => {
    fixture = await startDeviceFixture();
    const refused = nextView((view) => view.phase === 'attract' && view.notice === 'cardNotRecognized');
    await scan('R999999');
    await refused;
    const staff = nextView((view) => view.phase === 'attract' && view.notice === 'staffCardNotAccepted');
    await scan(unlistedStaffBadge);
    await staff;
    const garbage = nextView((view) => view.phase === 'attract' && view.notice === 'cardNotRecognized');
    await fixture.pty.write(Buffer.from([0x00, 0xff, 0x13, 0x07, 0x0d]));
    await garbage;
    // The same notice twice in a row is no change to announce: a staff badge in between makes each one visible.
    const staffAgain = nextView((view) => view.phase === 'attract' && view.notice === 'staffCardNotAccepted');
    await scan(unlistedStaffBadge);
    await staffAgain;
    const foreign = nextView((view) => view.phase === 'attract' && view.notice === 'cardNotRecognized');
    await scan('4111111111111111'); // read well, but no rule of this site takes it: a bank card number
    await foreign;
    const readers = await call('device.readers');
    expect(readers).toMatchObject({
      ok: true,
      value: [
        { readerId: 'scanner', connection: 'connected', goodReads: 4, badReads: 1, badReadsByReason: { unprintable: 1 }, unrecognizedReads: 1, problem: null },
      ],
    });
    // Service mode sees counts and codes, never what was on a card.
    expect(JSON.stringify(readers)).not.toMatch(/4111|999999|R1000/);
  });

  it('five wrong PINs lock the person out, and the lockout survives a restart of the runtime', async () => {
    fixture = await startDeviceFixture();
    const pinScreen = nextView((view) => view.phase === 'pinEntry');
    await scan(marcus.badge);
    await pinScreen;
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await expect(call('session.enterPin', { pin: '0000' })).resolves.toMatchObject({
        ok: true,
        value: { phase: 'pinEntry', notice: 'wrongPin', attemptsLeft: 5 - attempt },
      });
    }
    const locked = await call('session.enterPin', { pin: '0000' });
    expect(locked).toMatchObject({ ok: true, value: { phase: 'lockedOut' } });

    // Restart: a new runtime on the same store file.
    await fixture.runtime.stop();
    const restarted = await createDeviceRuntime({ config: testSiteConfig(fixture.pty.devicePath), dataDir: fixture.dataDir });
    fixture = { ...fixture, runtime: restarted };
    const lockedAgain = nextView((view) => view.phase === 'lockedOut');
    await scan(marcus.badge);
    expect(await lockedAgain).toMatchObject({ phase: 'lockedOut' });
    // Even the right PIN cannot be tried while locked out.
    await expect(call('session.enterPin', { pin: marcus.pin })).resolves.toMatchObject({ ok: false, error: { code: 'wrongPhase' } });
  });
});
