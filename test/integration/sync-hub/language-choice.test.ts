// A person's language choice is remembered at the hub (issue 18, item 1; docs/languages.md §5 "Where a choice is
// kept"). Two real runtimes with real stores — a kiosk in Ana's unit and her tablet — sync with a real hub on both
// backends. A choice made on one device reaches the hub and her other device; a choice and a staff edit at the hub are
// ordered by when each was made, not by when it arrived; and a device that may not speak for the person, a tag of the
// wrong shape or an unknown person is refused with a code while the queue goes on.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { assignTablet, issueEnrollmentCode } from '../../../hub/services/index';
import { setResidentLanguage } from '../../../hub/services/resident-language';
import type { CallName, SessionView } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import type { DeviceDatabase } from '../../../main/store/database';
import { outboxQueries } from '../../../main/store/outbox';
import { residentQueries } from '../../../main/store/residents';
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

const minute = 60_000;
const day = 24 * 60 * minute;

/** Sync cycles until the device has pushed everything, then one more, so it has also pulled what its push caused. */
async function syncUntilQuiet(device: DeviceRuntime): Promise<void> {
  for (let cycle = 0; cycle < 20; cycle++) {
    device.sync?.send({ type: 'SYNC_NOW' });
    const status = await device.sync?.whenResting();
    if (status?.state === 'idle' && status.pendingMutations === 0) {
      device.sync?.send({ type: 'SYNC_NOW' });
      await device.sync?.whenResting();
      return;
    }
  }
  throw new Error('the device did not push everything');
}

async function currentView(device: DeviceRuntime): Promise<SessionView> {
  const answer = await device.bridge.call('session.current', {});
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as SessionView;
}

/** A mutation put in the outbox as a modified or damaged device could send it, without the device's own checks. */
function storeUncheckedMutation(db: DeviceDatabase, args: unknown, residentId: string): number {
  return db.transaction(() => {
    const mutationId = syncStateQueries(db).allocateMutationId();
    outboxQueries(db).insert({ mutationId, name: 'chooseLanguage', argsJson: JSON.stringify(args), residentId, createdAt: 0 });
    return mutationId;
  })();
}

function languageOn(device: DeviceRuntime, residentId: string): string | undefined {
  return residentQueries(device.database).byId(residentId)?.language;
}

describe.each(hubBackends)("a person's language choice is remembered at the hub (%s)", (backend) => {
  it(
    'follows the person to their other device, keeps the newest of a choice and a staff edit, and refuses whoever may not speak for them',
    {
      timeout: 300_000,
    },
    async () => {
      testHub = await startTestHub(backend);
      const hub = testHub;
      const facility = await seedFacility(hub.hub);
      const ana = facility.ana.resident_id;
      dir = makeTempDir();
      // The devices' clock is the hub's, moved by the test, plus a skew a test sets to act as a device whose choice was
      // made days before it could reach the hub.
      let deviceSkew = 0;
      const now = () => hub.clock.now() + deviceSkew;
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

      const cliOut: string[] = [];
      const offered = await runCli(['site-languages', '--offered', 'en,es,vi,ar', '--default', 'en'], {
        out: (line) => cliOut.push(line),
        err: (line) => cliOut.push(line),
        env: {},
        database: hub.hub.database,
        now: hub.clock.now,
      });
      expect(offered, cliOut.join('\n')).toBe(0);
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
      await assignTablet(hub.hub, { deviceId: tabletId, residentId: ana });
      await syncUntilQuiet(kiosk);
      await syncUntilQuiet(tablet);
      expect(languageOn(kiosk, ana)).toBe('es');
      expect(languageOn(tablet, ana)).toBe('es');

      const atKiosk = (name: CallName, input: unknown = {}) => kiosk.bridge.call(name, input);
      const onTablet = (name: CallName, input: unknown = {}) => tablet.bridge.call(name, input);
      const atHub = async () =>
        (
          await hub.hub.database.query<{ language: string; language_chosen_at: string | number | null }>(
            'SELECT language, language_chosen_at FROM residents WHERE resident_id = $1',
            [ana],
          )
        ).map((row) => ({ language: row.language, chosenAt: row.language_chosen_at === null ? null : Number(row.language_chosen_at) }))[0];

      // Ana signs in at the kiosk and chooses Vietnamese: it reaches the hub, then her tablet.
      scanner.scan(facility.ana.credential_id);
      await expect.poll(async () => (await currentView(kiosk)).phase).toBe('pinEntry');
      await expect(atKiosk('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
      hub.clock.advance(minute);
      const choseVietnameseAt = hub.clock.now();
      await expect(atKiosk('device.setLanguage', { language: 'vi' })).resolves.toMatchObject({ ok: true, value: { language: 'vi' } });
      await syncUntilQuiet(kiosk);
      expect(await atHub()).toEqual({ language: 'vi', chosenAt: choseVietnameseAt });
      await syncUntilQuiet(tablet);
      expect(languageOn(tablet, ana)).toBe('vi');
      expect(languageOn(kiosk, ana)).toBe('vi');

      // Staff set Arabic at the hub after that choice: the newer edit wins on every device.
      hub.clock.advance(minute);
      await setResidentLanguage(hub.hub, { residentId: ana, language: 'ar' });
      await syncUntilQuiet(kiosk);
      await syncUntilQuiet(tablet);
      expect(await atHub()).toEqual({ language: 'ar', chosenAt: hub.clock.now() });
      expect(languageOn(kiosk, ana)).toBe('ar');
      expect(languageOn(tablet, ana)).toBe('ar');

      // A choice the kiosk made three days before it reached the hub (it was offline) is older than the staff edit: it
      // is heard, the edit stands, and the kiosk is sent the record again so it shows Arabic, not its stale Spanish.
      hub.clock.advance(minute);
      deviceSkew = -3 * day;
      await expect(atKiosk('device.setLanguage', { language: 'es' })).resolves.toMatchObject({ ok: true, value: { language: 'es' } });
      deviceSkew = 0;
      await syncUntilQuiet(kiosk);
      expect((await atHub())?.language).toBe('ar');
      expect(languageOn(kiosk, ana)).toBe('ar');
      await atKiosk('session.signOut');

      // Staff set English; Ana, signed in on her tablet since before, chooses Vietnamese a minute later, before the tablet
      // has pulled that edit. The tablet's pull brings the older edit first: it must not undo her choice, here or at the hub.
      await expect.poll(async () => (await currentView(tablet)).phase).toBe('tabletLock');
      await expect(onTablet('session.enterPin', { pin: '1234' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
      hub.clock.advance(minute);
      await setResidentLanguage(hub.hub, { residentId: ana, language: 'en' });
      hub.clock.advance(minute);
      const choseAgainAt = hub.clock.now();
      await expect(onTablet('device.setLanguage', { language: 'vi' })).resolves.toMatchObject({ ok: true, value: { language: 'vi' } });
      expect(languageOn(tablet, ana)).toBe('vi');
      await syncUntilQuiet(tablet);
      expect(await atHub()).toEqual({ language: 'vi', chosenAt: choseAgainAt });
      expect(languageOn(tablet, ana)).toBe('vi');
      await syncUntilQuiet(kiosk);
      expect(languageOn(kiosk, ana)).toBe('vi');

      // Who may not speak for Ana is refused with a code, and the queue goes on: her tablet for Ben; the kiosk for Ana
      // after she signed out, and for Ben, who never signed in there; a tag of the wrong shape; a person the hub does
      // not know. A last, good choice after them is applied.
      const ben = facility.ben.resident_id;
      hub.clock.advance(minute);
      const chosenAt = hub.clock.now();
      const refusals = [
        { device: tablet, residentId: ben, language: 'ar', code: 'outOfScope' },
        { device: kiosk, residentId: ana, language: 'ar', code: 'notSignedInOnDevice' },
        { device: kiosk, residentId: ben, language: 'ar', code: 'notSignedInOnDevice' },
        // The device itself will not send what the protocol refuses; it says so under the id (the hub's own answer to
        // such a tag, malformedMutation, is test/integration/hub/language-choice-push.test.ts).
        { device: tablet, residentId: ana, language: 'Klingon', code: 'unreadableOnDevice' },
        { device: tablet, residentId: '00000000-0000-4000-8000-000000000000', language: 'ar', code: 'residentNotFound' },
      ] as const;
      const refusedIds = refusals.map(({ device, residentId, language }) =>
        storeUncheckedMutation(device.database, { residentId, language, chosenAt }, residentId),
      );
      await expect(onTablet('device.setLanguage', { language: 'es' })).resolves.toMatchObject({ ok: true });
      await syncUntilQuiet(tablet);
      await syncUntilQuiet(kiosk);
      refusals.forEach(({ device, code }, index) => {
        const mutationId = refusedIds[index] ?? 0;
        expect(outboxQueries(device.database).byId(mutationId), `refusal ${index}`).toMatchObject({ status: 'refused', resultCode: code });
      });
      expect((await atHub())?.language).toBe('es');
      const [benAtHub] = await hub.hub.database.query<{ language: string; language_chosen_at: unknown }>(
        'SELECT language, language_chosen_at FROM residents WHERE resident_id = $1',
        [ben],
      );
      expect(benAtHub).toEqual({ language: 'en', language_chosen_at: null });
      // The kiosk showed nothing of the refused choice: Ana's record there is the hub's.
      expect(languageOn(kiosk, ana)).toBe('es');
      expect(languageOn(tablet, ana)).toBe('es');
      for (const device of [kiosk, tablet]) expect(outboxQueries(device.database).pendingCount()).toBe(0);
    },
  );
});
