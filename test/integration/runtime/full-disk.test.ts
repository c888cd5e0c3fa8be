// A full disk is a state, not a crash (issue 15, items 3 and 5): the real runtime on a real, small file system (a tmpfs)
// that fills up during a pull batch. Drafts stop first and the person hears it in words, their text kept; the storage
// reserve is given back so the sign-out's audit entry and the push of what people did still commit; nothing is lost or
// applied twice; and when space returns the reserve comes back, sync pulls what it could not, and drafts save again —
// all by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdirSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallName, SessionView } from '../../../main/contract';
import { createDeviceLogger, deviceLogHealth } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { hashPin } from '../../../main/signin/pin-hash';
import { auditLogQueries } from '../../../main/store/audit-log';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { writeDeviceCredential } from '../../../main/sync/credential';
import { contact, message, resident, siteRules, upsert } from '../../unit/sync/fixtures';
import { testSiteConfig } from '../../support/device-fixture';
import { readDeviceLog } from '../../support/device-log';
import { fillDisk, freeDisk, mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem';
import { ScriptedHub } from '../sync/scripted-hub';
import { makeTempDir } from '../../support/temp-dir';
import { fakeScanner } from '../../support/fake-scanner';

const disk: SmallFilesystem = mountSmallFilesystem(24 * 1024 * 1024);
if (!disk.mounted) console.warn(`runtime full-disk test skipped: ${disk.reason}`);
// The log folder alone on a file system of its own, which the test makes read-only under the running device.
const logDisk: SmallFilesystem = mountSmallFilesystem(1024 * 1024);
if (!logDisk.mounted) console.warn(`unwritable log folder test skipped: ${logDisk.reason}`);

const reserveBytes = 1024 * 1024;

describe.skipIf(!disk.mounted)('the runtime on a disk that fills up (a real tmpfs)', () => {
  let hub: ScriptedHub;
  let runtime: DeviceRuntime | undefined;
  const scanner = fakeScanner('scanner');

  beforeAll(async () => {
    if (!disk.mounted) return;
    hub = await new ScriptedHub().start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await hub?.close();
    if (disk.mounted) disk.unmount();
  });

  const call = (name: CallName, input: unknown = {}) => {
    if (!runtime) throw new Error('no runtime');
    return runtime.bridge.call(name, input);
  };
  const nextView = (predicate: (view: SessionView) => boolean): Promise<SessionView> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching session.changed event')), 10_000);
      const stop = runtime?.bridge.onEvent((name, payload) => {
        if (name === 'session.changed' && predicate(payload as SessionView)) {
          clearTimeout(timer);
          stop?.();
          resolve(payload as SessionView);
        }
      });
    });
  const signIn = async () => {
    const pinPad = nextView((view) => view.phase === 'pinEntry');
    scanner.scan('R100001');
    await pinPad;
    await expect(call('session.enterPin', { pin: '2468' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
  };
  const signOutEntries = () =>
    hub.applied.filter((mutation) => mutation.name === 'appendAuditEntry' && JSON.stringify(mutation.args).includes('"signOut"')).length;

  it('drafts stop first and say so, sign-out and pushes go on, nothing is lost or doubled, and it all resumes by itself', async () => {
    if (!disk.mounted) return;
    const pinHash = await hashPin('2468', { N: 1024, r: 8, p: 1 });
    hub.log.push(
      upsert('siteRules', siteRules(), 1),
      upsert('resident', resident('r1', { credentialId: '100001', pinHash }), 1),
      upsert('contact', contact('c1', 'r1'), 1),
    );
    const dataDir = join(disk.path, 'data');
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
    runtime = await createDeviceRuntime({
      config: testSiteConfig('/dev/null', { hub: { backoffBaseSeconds: 0.1, backoffMaxSeconds: 1 } }),
      dataDir,
      readers: [scanner.reader],
      random: () => 0.5,
      logger: createDeviceLogger({ dataDir: null }),
      storageReserveBytes: reserveBytes,
      storageCheckMs: 50,
    });
    expect(await runtime.sync?.whenResting()).toMatchObject({ state: 'idle', lastError: null });
    expect(runtime.storage.space()).toMatchObject({ level: 'ok', reserveHeld: true });

    await signIn();
    const draftId = randomUUID();
    const firstPart = 'Dear Rosa, the first part is saved.';
    await expect(call('mail.saveDraft', { draftId, contactId: 'c1', replyToMessageId: null, body: firstPart })).resolves.toMatchObject({ ok: true });

    // The disk fills up during a pull batch: room for about 2.5 MB, a batch of about 4 MB of letters (150 of 29,000 characters).
    const stats = statfsSync(disk.path);
    const filler = join(disk.path, 'filler.bin');
    writeFileSync(filler, Buffer.alloc(Math.max(0, stats.bavail * stats.bsize - Math.floor(2.5 * 1024 * 1024))));
    const body = 'Querida familia, '.repeat(1_700);
    for (let index = 0; index < 150; index += 1) hub.log.push(upsert('message', message(`m${index}`, 'r1', { contactId: 'c1', body }), 1));
    runtime.sync?.send({ type: 'SYNC_NOW' });
    await expect.poll(() => runtime?.sync?.status().lastError?.code, { timeout: 30_000 }).toBe('storageFull');
    expect(runtime.sync?.status().lastError?.message).toMatch(/disk is full/);
    // Refused whole: none of the batch is on the device, and the reserve was given back for what must still work.
    expect(homeSummaryQueries(runtime.database).forResident('r1')?.unreadMessages).toBe(0);
    expect(runtime.storage.space()).toMatchObject({ level: 'full', reserveHeld: false });

    // The draft is refused in a code the screen words ("This device is full…"); what was saved before is intact.
    await expect(
      call('mail.saveDraft', { draftId, contactId: 'c1', replyToMessageId: null, body: `${firstPart} And the second part.` }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'deviceFull' },
    });
    await expect(call('mail.drafts')).resolves.toMatchObject({ ok: true, value: [{ draftId, body: firstPart }] });

    // Sign-out still works and is audited, and its entry reaches the hub while the disk is full (the push goes on).
    const auditBefore = auditLogQueries(runtime.database).count();
    await expect(call('session.signOut')).resolves.toMatchObject({ ok: true, value: { phase: 'attract' } });
    expect(auditLogQueries(runtime.database).count()).toBe(auditBefore + 1);
    await expect.poll(signOutEntries, { timeout: 30_000 }).toBe(1);
    expect(runtime.sync?.status().lastError?.code).toBe('storageFull');

    // Space returns: the reserve comes back, the pull carries on by itself, each letter once.
    freeDisk(filler);
    await expect.poll(() => runtime?.storage.space().level, { timeout: 30_000 }).toBe('ok');
    expect(runtime.storage.space().reserveHeld).toBe(true);
    await expect.poll(() => runtime?.sync?.status(), { timeout: 30_000 }).toMatchObject({ state: 'idle', lastError: null, pendingMutations: 0 });
    expect(homeSummaryQueries(runtime.database).forResident('r1')?.unreadMessages).toBe(150);
    expect(signOutEntries()).toBe(1);

    // And the person's drafts save again.
    await signIn();
    await expect(
      call('mail.saveDraft', { draftId, contactId: 'c1', replyToMessageId: null, body: `${firstPart} And the second part.` }),
    ).resolves.toMatchObject({ ok: true });
    await expect(call('mail.drafts')).resolves.toMatchObject({ ok: true, value: [{ draftId, body: `${firstPart} And the second part.` }] });
  }, 120_000);
});

describe.skipIf(!logDisk.mounted)('the runtime whose log folder can no longer be written (its own tmpfs, full)', () => {
  // A folder made read-only under an open log file would still take its writes (root, an open descriptor): a log
  // partition of its own that fills up is the way a running kiosk's log folder really stops taking lines.
  const dir = makeTempDir();
  let runtime: DeviceRuntime | undefined;
  afterAll(async () => {
    await runtime?.stop();
    if (logDisk.mounted) logDisk.unmount();
    dir.remove();
  });

  it('keeps serving, counts the lines it cannot write, and writes again when the folder takes lines again', async () => {
    if (!logDisk.mounted) return;
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    symlinkSync(logDisk.path, join(dataDir, 'logs'));
    const scanner = fakeScanner('scanner');
    const logger = createDeviceLogger({ dataDir });
    runtime = await createDeviceRuntime({ config: testSiteConfig('/dev/null'), dataDir, readers: [scanner.reader], logger });
    const device = runtime;

    const filler = fillDisk(logDisk.path);
    // Cards read, a PIN pad opened and cancelled, calls answered: every one of them logs, none of them fails.
    // Enough of them to pass the end of the log file's last page, which a full tmpfs still has room in.
    for (let read = 0; read < 40; read += 1) {
      scanner.scan('R100001');
      await expect(device.bridge.call('session.cancel', {})).resolves.toMatchObject({ ok: true, value: { phase: 'attract' } });
    }
    await expect(device.bridge.call('sync.status', {})).resolves.toMatchObject({ ok: true, value: { state: 'notEnrolled' } });
    expect(deviceLogHealth(logger)).toMatchObject({ lastFailure: 'ENOSPC' });
    expect(deviceLogHealth(logger)?.droppedLines).toBeGreaterThan(0);
    // The store, on another file system, took the audit entries of those reads as ever.
    expect(runtime.storage.space().level).not.toBe('full');

    freeDisk(filler);
    scanner.scan('R100001');
    await expect.poll(() => readDeviceLog(dataDir), { timeout: 10_000 }).toMatch(/credential read/);
  }, 60_000);
});
