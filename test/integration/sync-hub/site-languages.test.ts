// The languages a site offers are a site setting at the hub (docs/languages.md): a real hub on both backends, a real
// device runtime with a real store. Until the hub has said, the device offers its site file's languages; staff set the
// site's with `site-languages`, and at its next pull the device offers those and starts in their default — including
// a language no schema lists (vi), since a tag is checked by its shape; bad input is refused in words and changes nothing.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { issueEnrollmentCode } from '../../../hub/services/index';
import type { CallName, DeviceInfo } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { testSiteConfig } from '../../support/device-fixture';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { seedFacility, startTestHub, type TestHub } from '../hub/fixture';

useHubDatabases();

let testHub: TestHub | null = null;
let kiosk: DeviceRuntime | null = null;
let dir: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  await kiosk?.stop();
  await testHub?.close();
  dir?.remove();
  kiosk = null;
  testHub = null;
  dir = null;
}, 60_000);

/** Sync cycles until the device has pushed everything and pulled what the hub had. */
async function syncUntilQuiet(device: DeviceRuntime): Promise<void> {
  for (let cycle = 0; cycle < 20; cycle++) {
    device.sync?.send({ type: 'SYNC_NOW' });
    const status = await device.sync?.whenResting();
    if (status?.state === 'idle' && status.pendingMutations === 0) return;
  }
  throw new Error('the device did not settle');
}

describe.each(hubBackends)("a site's languages, set at the hub, reach its devices (%s)", (backend) => {
  it('offers the site file’s languages until the hub says, then the hub’s, from a pull', { timeout: 120_000 }, async () => {
    testHub = await startTestHub(backend);
    const hub = testHub;
    const facility = await seedFacility(hub.hub);
    dir = makeTempDir();
    const device = await createDeviceRuntime({
      config: testSiteConfig('/dev/null'),
      dataDir: join(dir.path, 'kiosk'),
      readers: [],
      random: () => 0.5,
      logger: createDeviceLogger({ dataDir: null }),
    });
    kiosk = device;
    const code = await issueEnrollmentCode(hub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const enrolled = await device.enroll(hub.url, code.code);
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    await syncUntilQuiet(device);

    const call = async (name: CallName, input: unknown = {}) => device.bridge.call(name, input);
    const info = async (): Promise<DeviceInfo> => {
      const answer = await call('device.info');
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value as DeviceInfo;
    };
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const exit = await runCli(args, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        env: {},
        database: hub.hub.database,
        now: hub.clock.now,
      });
      return { code: exit, out: out.join('\n'), err: err.join('\n') };
    };

    // The hub has not said: the site file's languages.
    expect(await info()).toMatchObject({ languages: ['en', 'es'], defaultLanguage: 'en', language: 'en' });
    expect(await cli('site-languages')).toMatchObject({ code: 0, out: expect.stringContaining('has not set its languages') as string });
    await expect(call('device.setLanguage', { language: 'vi' })).resolves.toMatchObject({ ok: false, error: { code: 'languageNotOffered' } });

    // Refused in words, and nothing changes: a tag of the wrong shape, a default not offered, a language twice.
    expect(await cli('site-languages', '--offered', 'en,Klingon')).toMatchObject({
      code: 1,
      err: expect.stringContaining('a language tag such as en') as string,
    });
    expect(await cli('site-languages', '--offered', 'en,es', '--default', 'vi')).toMatchObject({
      code: 1,
      err: expect.stringContaining('the default language must be one of the offered languages') as string,
    });
    expect(await cli('site-languages', '--offered', 'en,es,en')).toMatchObject({ code: 1, err: expect.stringContaining('offered twice') as string });
    expect(await cli('site-languages')).toMatchObject({ code: 0, out: expect.stringContaining('has not set its languages') as string });

    // Staff set them: Spanish first and the default, then English, and Vietnamese — a language no schema lists.
    expect(await cli('site-languages', '--offered', 'es,en,vi', '--default', 'es')).toMatchObject({
      code: 0,
      out: expect.stringContaining('The site offers es, en, vi; devices start in es.') as string,
    });
    expect(await cli('site-languages')).toMatchObject({ code: 0, out: 'The site offers es, en, vi; devices start in es.' });
    await syncUntilQuiet(device);
    expect(await info()).toMatchObject({ languages: ['es', 'en', 'vi'], defaultLanguage: 'es' });
    await expect(call('device.setLanguage', { language: 'vi' })).resolves.toMatchObject({ ok: true, value: { language: 'vi' } });

    // The device keeps them across a restart (they are in its store), without the hub.
    await device.stop();
    kiosk = null;
    const restarted = await createDeviceRuntime({
      config: testSiteConfig('/dev/null'),
      dataDir: join(dir.path, 'kiosk'),
      readers: [],
      random: () => 0.5,
      logger: createDeviceLogger({ dataDir: null }),
    });
    kiosk = restarted;
    const again = await restarted.bridge.call('device.info', {});
    expect(again).toMatchObject({ ok: true, value: { languages: ['es', 'en', 'vi'], defaultLanguage: 'es', language: 'es' } });
  });
});
