// The health report on the device side (main/sync/sync-services.ts): it rides the first pull of each cycle and no
// other, and a report the device cannot make never costs it the pull. Real store, real HTTP to the scripted hub.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DeviceHealthReport } from '../../../hub/protocol';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from '../../../main/sync/engine';
import { resident, siteRules, tempStore, upsert, type TempStore } from '../../unit/sync/fixtures';
import { ScriptedHub } from './scripted-hub';

let store: TempStore;
let hub: ScriptedHub;
let engine: SyncEngine | null = null;
let logText = '';

beforeEach(async () => {
  store = tempStore();
  hub = await new ScriptedHub().start();
  logText = '';
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await hub.close();
  store.cleanup();
});

const report: DeviceHealthReport = {
  appVersion: '0.1.0',
  deviceTime: 1_000,
  outbox: { pending: 0, oldestPendingAgeMs: null },
  readers: [],
  storage: { freeBytes: 1e9, storeBytes: 1e5 },
  battery: null,
  session: 'idle',
};

function start(healthReport: () => DeviceHealthReport): SyncEngine {
  engine = startSyncEngine({
    db: store.db,
    dataDir: store.dir,
    credential: {
      deviceId: hub.deviceId,
      secret: hub.secret,
      hubUrl: hub.url,
      siteId: 'site-1',
      siteName: 'Riverbend',
      kind: 'kiosk',
      housingUnitId: 'B',
      enrolledAt: 1,
    },
    settings: { ...syncSettingsOf(undefined, 'kiosk'), pullLimit: 2, requestTimeoutMs: 5_000 },
    logger: pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logText += chunk.toString();
          done();
        },
      }),
    ),
    now: Date.now,
    random: () => 0.5,
    healthReport,
  });
  return engine;
}

const pullBodies = (): Array<Record<string, unknown>> =>
  hub.requests.filter((request) => request.path === '/v1/pull').map((request) => request.body as Record<string, unknown>);

describe('the health report on the device', () => {
  it('goes with the first pull of each cycle only, not with every batch', async () => {
    hub.log.push(
      upsert('siteRules', siteRules(), 1),
      upsert('resident', resident('r1'), 1),
      upsert('resident', resident('r2'), 1),
      upsert('resident', resident('r3'), 1),
    );
    // A started engine runs its first cycle at once.
    const sync = start(() => report);
    await expect(sync.whenResting()).resolves.toMatchObject({ state: 'idle' });
    // Four changes two at a time: two pulls, the report with the first.
    expect(pullBodies().map((body) => 'health' in body)).toEqual([true, false]);
    expect(pullBodies()[0]?.health).toEqual(report);

    await sync.syncThrough('push');
    await expect(sync.whenResting()).resolves.toMatchObject({ state: 'idle' });
    expect(pullBodies().map((body) => 'health' in body)).toEqual([true, false, true]);
  });

  it('a report the device cannot make is left out and logged; the pull goes on', async () => {
    hub.log.push(upsert('siteRules', siteRules(), 1));
    const sync = start(() => {
      throw new Error('statfs failed');
    });
    await expect(sync.whenResting()).resolves.toMatchObject({ state: 'idle', lastError: null });
    expect(pullBodies().map((body) => 'health' in body)).toEqual([false]);
    expect(logText).toContain('the health report could not be made; the pull goes without it');
  });
});
