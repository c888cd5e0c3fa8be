// A full disk is a state, not a crash (issue 15): on a real, small file system that fills up during a pull batch,
// the sync machine reports "storageFull" in status, keeps answering triggers, retries with backoff, and carries on by
// itself when space is freed — it never stops with status stuck at "pulling".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { openDeviceDatabase } from '../../../main/store/database';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from '../../../main/sync/engine';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import type { DeviceDatabase } from '../../../main/store/database';
import { statfsSync, writeFileSync, rmSync } from 'node:fs';
import { openBlobStore } from '../../../main/sync/blobs';
import { attachment, message, resident, sha256Of, siteRules, upsert } from '../../unit/sync/fixtures';
import { fillDisk, freeDisk, mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem';
import { ScriptedHub } from './scripted-hub';

const smallDisk: SmallFilesystem = mountSmallFilesystem(6 * 1024 * 1024);
if (!smallDisk.mounted) console.warn(`full-disk tests skipped: ${smallDisk.reason}`);
const blobDisk: SmallFilesystem = mountSmallFilesystem(6 * 1024 * 1024);
if (!blobDisk.mounted) console.warn(`full-disk attachment test skipped: ${blobDisk.reason}`);

const quietLogger = () => pino({ level: 'silent' });

describe.skipIf(!smallDisk.mounted)('sync on a device whose disk fills up (a real tmpfs)', () => {
  let hub: ScriptedHub;
  let db: DeviceDatabase;
  let engine: SyncEngine;
  let logText = '';

  beforeAll(async () => {
    if (!smallDisk.mounted) return;
    hub = await new ScriptedHub().start();
    db = openDeviceDatabase(join(smallDisk.path, 'device.sqlite'));
  });
  afterAll(async () => {
    await engine?.stop();
    db?.close();
    await hub?.close();
    if (smallDisk.mounted) smallDisk.unmount();
  });

  it('reports the full disk in words, stays alive, and resumes by itself when space returns', async () => {
    if (!smallDisk.mounted) return;
    hub.log.push(upsert('siteRules', siteRules(), 1), upsert('resident', resident('r1'), 1));
    engine = startSyncEngine({
      db,
      dataDir: smallDisk.path,
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
      settings: { ...syncSettingsOf(undefined, 'kiosk'), pullLimit: 200, requestTimeoutMs: 5_000, backoff: { baseMs: 40, maxMs: 200, minMs: 20 } },
      logger: pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => ((logText += chunk.toString()), done()) })),
      now: Date.now,
      random: () => 0.5,
    });
    expect(await engine.whenResting()).toMatchObject({ state: 'idle', lastError: null });

    // Letters that need far more room than is left: the batch cannot be written.
    const filler = fillDisk(smallDisk.path);
    const body = 'Querida familia, '.repeat(1_500);
    for (let index = 0; index < 120; index += 1) hub.log.push(upsert('message', message(`m${index}`, 'r1', { body }), 1));
    engine.send({ type: 'SYNC_NOW' });
    await expect.poll(() => engine.status().lastError?.code, { timeout: 30_000 }).toBe('storageFull');
    expect(engine.status().lastError?.message).toMatch(/disk is full/);
    expect(logText).toMatch(/disk is full|could not save|refused whole/);

    // Alive: it keeps trying (each attempt is a pull), rather than sitting in "pulling" for good.
    const pullsWhileFull = hub.pulls;
    await expect.poll(() => hub.pulls, { timeout: 30_000 }).toBeGreaterThan(pullsWhileFull + 1);
    expect(await engine.whenResting()).toMatchObject({ state: 'backingOff', lastError: { code: 'storageFull' } });

    freeDisk(filler);
    await expect.poll(() => engine.status(), { timeout: 30_000 }).toMatchObject({ state: 'idle', lastError: null });
    expect(homeSummaryQueries(db).forResident('r1')?.unreadMessages).toBe(120);
  }, 90_000);
});

describe.skipIf(!blobDisk.mounted)('an attachment that meets a full disk (a real tmpfs)', () => {
  let hub: ScriptedHub;
  let db: DeviceDatabase;
  let engine: SyncEngine | undefined;

  beforeAll(async () => {
    if (!blobDisk.mounted) return;
    hub = await new ScriptedHub().start();
    db = openDeviceDatabase(join(blobDisk.path, 'device.sqlite'));
  });
  afterAll(async () => {
    await engine?.stop();
    db?.close();
    await hub?.close();
    if (blobDisk.mounted) blobDisk.unmount();
  });

  it('is the storageFull state, backed off from, and downloaded by itself once space returns', async () => {
    if (!blobDisk.mounted) return;
    // A photo of 2.5 MB: its letter's text fits, its bytes do not while the filler holds all but about 1 MB.
    const photo = Buffer.alloc(2_500_000, 0x42);
    hub.log.push(upsert('siteRules', siteRules(), 1), upsert('resident', resident('r1'), 1));
    engine = startSyncEngine({
      db,
      dataDir: blobDisk.path,
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
      settings: { ...syncSettingsOf(undefined, 'kiosk'), requestTimeoutMs: 5_000, backoff: { baseMs: 40, maxMs: 200, minMs: 20 } },
      logger: quietLogger(),
      now: Date.now,
      random: () => 0.5,
    });
    expect(await engine.whenResting()).toMatchObject({ state: 'idle', lastError: null });

    const stats = statfsSync(blobDisk.path);
    const filler = join(blobDisk.path, 'filler.bin');
    writeFileSync(filler, Buffer.alloc(Math.max(0, stats.bavail * stats.bsize - 1024 * 1024)));
    hub.blobs.set(sha256Of(photo), photo);
    hub.log.push(upsert('message', message('m-photo', 'r1', { attachments: [attachment('a-photo', photo)] }), 1));
    engine.send({ type: 'SYNC_NOW' });

    // The letter's text arrived; its photo is waiting, and the status says why in words.
    await expect.poll(() => engine?.status().lastError?.code, { timeout: 30_000 }).toBe('storageFull');
    expect(engine.status()).toMatchObject({ blobsWaiting: 1, lastError: { message: expect.stringMatching(/disk is full/) } });
    expect(homeSummaryQueries(db).forResident('r1')?.unreadMessages).toBe(1);
    // Backed off and trying again, not stopped: each retry is a new cycle with a pull.
    const pullsWhileFull = hub.pulls;
    await expect.poll(() => hub.pulls, { timeout: 30_000 }).toBeGreaterThan(pullsWhileFull + 1);

    rmSync(filler);
    await expect.poll(() => engine?.status(), { timeout: 30_000 }).toMatchObject({ state: 'idle', lastError: null, blobsWaiting: 0 });
    expect(openBlobStore(blobDisk.path).has(sha256Of(photo))).toBe(true);
  }, 90_000);
});
