// A real device holding two residents' worlds side by side, for the authorization and hardening tests: each has
// contacts, letters (one with a photo whose verified bytes are on the device, one carrying a return stamp), stamps and
// debit entries as the hub sent them, and — made through the contract itself while they were signed in — a saved
// draft, a stamp purchase and a letter waiting to go. Real store file, real scanner pseudo-terminal, the runtime built
// as the shells build it; the session machine runs on a simulated clock, so no idle timer fires while a test works.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pino from 'pino';
import { SimulatedClock } from 'xstate';
import { simulateScan } from '../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import type { CallName, CallResult, EventName, SessionView } from '../../main/contract';
import { createDeviceRuntime, type DeviceRuntime } from '../../main/runtime';
import { openDeviceDatabase } from '../../main/store/database';
import { applyPull } from '../../main/sync/apply-pull';
import { openBlobStore } from '../../main/sync/blobs';
import { demoResidents, seedDemoResidents, type DemoResident } from '../../scripts/demo-data';
import { attachment, balance, contact, ledgerEntry, message, pullBatch, sha256Of, siteRules, upsert } from '../unit/sync/fixtures';
import { testSiteConfig } from './device-fixture';
import { makeTempDir } from './temp-dir';

type TempDir = ReturnType<typeof makeTempDir>;
import { patternPng } from './test-images';

/** Wall-clock time on this device: fixed, so the same request made twice answers with the same times. */
export const deviceEpoch = 1_760_000_000_000;

/** What the hub sent about one resident, by id, so tests can name another person's records. */
export interface SeededResident {
  readonly resident: DemoResident;
  readonly contactIds: readonly string[];
  readonly messageIds: readonly string[];
  /** A delivered photo whose bytes are on the device. */
  readonly photo: { readonly messageId: string; readonly attachmentId: string };
}

export type Caller = (name: string, input: unknown) => Promise<CallResult<unknown>>;

export interface TwoResidentDevice {
  readonly runtime: DeviceRuntime;
  readonly pty: PtyPair;
  readonly dataDir: string;
  readonly a: SeededResident;
  readonly b: SeededResident;
  call: Caller;
  /** Scans the resident's wristband and enters their PIN through the contract; resolves once they are signed in. */
  signIn(resident: DemoResident): Promise<void>;
  /** Back to the attract screen, whatever state the session was left in. */
  signOut(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

const [residentA, residentB] = demoResidents as readonly [DemoResident, DemoResident];

function seedFor(resident: DemoResident, tag: string): { seeded: SeededResident; changes: ReturnType<typeof upsert>[]; photoBytes: Buffer } {
  const id = resident.residentId;
  const photoBytes = patternPng(8, 6, [[tag === 'a' ? 200 : 40, 90, 120]]);
  const contactIds = [`c-${tag}-family`, `c-${tag}-pending`];
  const messageIds = [`m-${tag}-photo`, `m-${tag}-stamp`, `m-${tag}-held`];
  const photo = { messageId: messageIds[0]!, attachmentId: `att-${tag}-photo` };
  const changes = [
    upsert('contact', contact(contactIds[0]!, id, { displayName: `Family of ${resident.displayName}` }), 1),
    upsert('contact', contact(contactIds[1]!, id, { displayName: `Friend of ${resident.displayName}`, approved: false }), 1),
    upsert('balance', balance(id, { stamps: 9, availableCents: 5_000, confirmedAt: deviceEpoch - 60_000 }), 1),
    upsert('stampEntry', ledgerEntry(`se-${tag}-1`, id, 9, { kind: 'familyTransfer', reference: `transfer for ${tag}` }), 1),
    upsert('debitEntry', ledgerEntry(`de-${tag}-1`, id, 5_000, { kind: 'deposit', reference: `online deposit ${tag}` }), 1),
    upsert(
      'message',
      message(photo.messageId, id, {
        contactId: contactIds[0]!,
        body: `A photo for ${resident.displayName}, secret-${tag}-photo`,
        attachments: [attachment(photo.attachmentId, photoBytes, { mimeType: 'image/png' })],
      }),
      1,
    ),
    upsert('message', message(messageIds[1]!, id, { contactId: contactIds[0]!, body: `Write back, secret-${tag}-stamp`, carriesReturnStamp: true }), 1),
    upsert('message', message(messageIds[2]!, id, { contactId: contactIds[0]!, body: `Held, secret-${tag}-held`, status: 'inReview' }), 1),
  ];
  return { seeded: { resident, contactIds, messageIds, photo }, changes, photoBytes };
}

export async function startTwoResidentDevice(): Promise<TwoResidentDevice> {
  const dir = makeTempDir('dayroom-hardening-');
  const pty = await startPtyPair(dir.path);
  const dataDir = join(dir.path, 'data');
  const storeFile = join(dataDir, 'device.sqlite');
  await seedDemoResidents(storeFile, deviceEpoch);

  // What the hub would have sent, applied before the runtime starts (so the search index is caught up at start).
  const seedA = seedFor(residentA, 'a');
  const seedB = seedFor(residentB, 'b');
  const db = openDeviceDatabase(storeFile);
  try {
    const applied = applyPull(db, pullBatch([upsert('siteRules', siteRules(), 1), ...seedA.changes, ...seedB.changes], 'seed'), { now: deviceEpoch });
    if (!applied.ok) throw new Error(`seeding the store failed: ${JSON.stringify(applied)}`);
    // The photos' bytes as the blob fetcher leaves them: in the blob folder, marked downloaded.
    const blobs = openBlobStore(dataDir);
    for (const { photoBytes } of [seedA, seedB]) {
      const path = blobs.pathOf(sha256Of(photoBytes));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, photoBytes);
    }
    db.prepare('UPDATE message_attachments SET downloaded = 1').run();
  } finally {
    db.close();
  }

  const device = await runDevice(dir, pty, dataDir, seedA.seeded, seedB.seeded);
  // What each person made on this device through the screens: a draft, a stamp purchase and a letter waiting to go.
  for (const [tag, seeded] of [
    ['a', seedA.seeded],
    ['b', seedB.seeded],
  ] as const) {
    await device.signIn(seeded.resident);
    const made = [
      await device.call('mail.saveDraft', {
        draftId: tag === 'a' ? '1a1a1a1a-0000-4000-8000-00000000000a' : '1b1b1b1b-0000-4000-8000-00000000000b',
        contactId: seeded.contactIds[0],
        replyToMessageId: seeded.messageIds[1],
        body: `draft secret-${tag}-draft`,
      }),
      await device.call('money.buyStamps', {
        requestId: tag === 'a' ? '2a2a2a2a-0000-4000-8000-00000000000a' : '2b2b2b2b-0000-4000-8000-00000000000b',
        bookSize: 5,
      }),
      await device.call('mail.send', { contactId: seeded.contactIds[0], body: `sent secret-${tag}-sent`, replyToMessageId: null, draftId: null }),
    ];
    for (const result of made)
      if (!result.ok || (result.value as { ok?: boolean }).ok === false) throw new Error(`seeding through the contract failed: ${JSON.stringify(result)}`);
    await device.signOut();
  }
  return device;
}

/**
 * A second device holding an exact copy of this one's store and attachment files, for a test that must act on a
 * person's records (open, delete, send) to learn what they are without touching the device under test.
 */
export async function cloneTwoResidentDevice(original: TwoResidentDevice): Promise<TwoResidentDevice> {
  const dir = makeTempDir('dayroom-hardening-copy-');
  const pty = await startPtyPair(dir.path);
  const dataDir = join(dir.path, 'data');
  // Everything but the store and the logs as files; the store through SQLite's online backup (it is open and in WAL).
  cpSync(original.dataDir, dataDir, { recursive: true, filter: (source) => !/device\.sqlite|\.log/.test(basename(source)) });
  await original.runtime.database.backup(join(dataDir, 'device.sqlite'));
  return runDevice(dir, pty, dataDir, original.a, original.b);
}

async function runDevice(dir: TempDir, pty: PtyPair, dataDir: string, a: SeededResident, b: SeededResident): Promise<TwoResidentDevice> {
  const clock = new SimulatedClock();
  const runtime = await createDeviceRuntime({
    config: testSiteConfig(pty.devicePath),
    dataDir,
    clock,
    now: () => deviceEpoch + clock.now(),
    logger: pino({ level: 'silent' }),
  });
  const call: Caller = (name, input) => runtime.bridge.call(name, input);
  const callName = (name: CallName, input: unknown = {}): Promise<CallResult<unknown>> => call(name, input);

  const phase = async (): Promise<SessionView['phase']> => {
    const current = await callName('session.current');
    if (!current.ok) throw new Error('session.current refused');
    return (current.value as SessionView).phase;
  };

  // Back to attract from wherever the last test left the device. A test cut short by its timeout may leave a scan on
  // the pty that lands after the first cancel (on a loaded machine one did, and every later test then failed), so this
  // returns until the attract screen holds, within a deadline.
  async function signOut(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (let now = await phase(); now !== 'attract'; now = await phase()) {
      if (Date.now() > deadline) throw new Error(`could not get back to the attract screen (${now})`);
      await callName(now === 'signedIn' ? 'session.signOut' : 'session.cancel');
    }
  }

  async function signIn(resident: DemoResident): Promise<void> {
    await signOut();
    const pinScreen = new Promise<void>((resolve) => {
      const stop = runtime.bridge.onEvent((name: EventName, payload) => {
        if (name === 'session.changed' && (payload as SessionView).phase === 'pinEntry') {
          stop();
          resolve();
        }
      });
    });
    await simulateScan(pty.hostPath, resident.badge, { symbology: 'code39' });
    await pinScreen;
    const entered = await callName('session.enterPin', { pin: resident.pin });
    if (!entered.ok || (entered.value as SessionView).phase !== 'signedIn')
      throw new Error(`${resident.displayName} could not sign in: ${JSON.stringify(entered)}`);
  }

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await runtime.stop();
  };
  return {
    runtime,
    pty,
    dataDir,
    a,
    b,
    call,
    signIn,
    signOut,
    stop,
    async cleanup() {
      await stop();
      await pty.kill();
      dir.remove();
    },
  };
}
