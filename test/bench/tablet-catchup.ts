// tablet-catchup: a tablet comes back from a day away. Its resident's hub (PGlite, in its own process: hub-child.ts)
// gathered 2,000 family letters and 2,000 debit-ledger entries for them while the tablet could not reach it (seeded
// through the real services: tablet-catchup-seed.ts). The device is real: enrolled with a one-time code, assigned to
// the resident at the hub, its own store file, the real sync engine and hub client with the tablet's default settings.
// "Offline" is a fetch that fails as a dropped network does (the engine records hubUnreachable and backs off);
// reconnecting lets fetch through and sends NETWORK_UP, as the screen's `online` event does through sync.now.
// Measured from the reconnect:
//   up to date  — the machine resting idle with this cycle's success recorded;
//   inbox       — the inbox, read with the mail service the runtime's mail.conversations call runs, on the same
//                 store, in the same process, every 5 ms while sync runs, shows the newest letter on top.
// Not through Chromium: the renderer's paint of the inbox is inbox-open's subject; this is how long the data takes.
// Same-run baselines: the same reconnect with nothing waiting (an empty change set: the fixed cost of a cycle), and a
// unit kiosk, offline over the same stretch, catching up the same letters and entries with the kiosk's settings.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubPaths } from '../../hub/protocol';
import { createDeviceLogger, type Logger } from '../../main/logging';
import { createMailService } from '../../main/mail/mail-service';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { enrollDevice } from '../../main/sync/credential';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from '../../main/sync/engine';
import { makeTempDir } from '../support/temp-dir';
import { benchCount, machineLoad } from './bench-env';
import { startBenchHub, type BenchHub } from './hub-child';
import { printResult } from './stats';

const name = 'tablet-catchup';
/** Give up (and say so) rather than hang. */
const deadlineMs = 300_000;
const inboxPollMs = 5;

/** A fetch that can be cut like a network: while offline it fails before reaching the hub, as undici does. */
function switchableFetch(): { fetch: typeof fetch; offline: boolean; pulls: number } {
  const gate = {
    offline: false,
    pulls: 0,
    fetch: (async (input, init) => {
      if (gate.offline) throw new TypeError('fetch failed');
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith(hubPaths.pull)) gate.pulls += 1;
      return fetch(input, init);
    }) as typeof fetch,
  };
  return gate;
}

interface BenchDevice {
  readonly label: string;
  readonly db: DeviceDatabase;
  readonly engine: SyncEngine;
  readonly gate: ReturnType<typeof switchableFetch>;
  readonly logger: Logger;
}

async function startDevice(hub: BenchHub, root: string, label: string, code: string, mode: 'kiosk' | 'tablet'): Promise<BenchDevice> {
  const dataDir = join(root, label);
  const enrolled = await enrollDevice({ dataDir, hubUrl: hub.url, code, deviceName: label, appVersion: '0.1.0' });
  if (!enrolled.ok) throw new Error(`${label}: enrollment failed: ${enrolled.error.message}`);
  const db = openDeviceDatabase(join(dataDir, 'device.sqlite'));
  const logger = createDeviceLogger({ dataDir, level: 'info' });
  const gate = switchableFetch();
  const engine = startSyncEngine({
    db,
    dataDir,
    credential: enrolled.credential,
    settings: syncSettingsOf(undefined, mode),
    logger,
    now: Date.now,
    fetch: gate.fetch,
  });
  return { label, db, engine, gate, logger };
}

async function withDeadline<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${deadlineMs / 1000} s`)), deadlineMs))),
  ]).finally(() => clearTimeout(timer));
}

/** Cuts the device off and waits until a cycle has failed for it, so it sits backing off as a tablet away from Wi-Fi does. */
async function goOffline(device: BenchDevice): Promise<void> {
  device.gate.offline = true;
  device.engine.send({ type: 'SYNC_NOW' });
  const status = await device.engine.whenResting();
  if (status.state !== 'backingOff' || status.lastError?.code !== 'hubUnreachable')
    throw new Error(`${device.label} did not go offline: ${JSON.stringify(status)}`);
}

interface Catchup {
  readonly upToDateMs: number;
  /** Null when the measurement was not asked for (the empty baseline). */
  readonly inboxMs: number | null;
  readonly pulls: number;
}

/** Lets the device reach the hub again and times the catch-up; `newestPreview` is what the inbox must show on top. */
async function reconnect(device: BenchDevice, residentId: string, newestPreview: string | null): Promise<Catchup> {
  const mail = createMailService({ db: device.db, now: Date.now });
  const pullsBefore = device.gate.pulls;
  let inboxMs: number | null = null;
  let polling = newestPreview !== null;
  const startedWall = Date.now();
  const started = performance.now();
  const poll = async (): Promise<void> => {
    while (polling) {
      const top = mail.conversations(residentId)[0];
      if (top?.preview?.startsWith(newestPreview ?? '\u0000') === true) {
        inboxMs = performance.now() - started;
        return;
      }
      await sleep(inboxPollMs);
    }
  };
  device.gate.offline = false;
  device.engine.send({ type: 'NETWORK_UP' });
  const polled = poll();
  const status = await withDeadline(`${device.label}'s catch-up`, device.engine.whenResting());
  const upToDateMs = performance.now() - started;
  // The inbox is read once more at rest, so a letter that arrived between two polls is timed at the latest at rest.
  if (newestPreview !== null && inboxMs === null && mail.conversations(residentId)[0]?.preview?.startsWith(newestPreview) === true) inboxMs = upToDateMs;
  polling = false;
  await polled;
  if (status.state !== 'idle' || status.lastSuccessAt === null || status.lastSuccessAt < startedWall)
    throw new Error(`${device.label} rested ${status.state}, last success ${status.lastSuccessAt}: ${JSON.stringify(status.lastError)}`);
  if (newestPreview !== null && inboxMs === null) throw new Error(`${device.label}'s inbox never showed the newest letter`);
  return { upToDateMs, inboxMs, pulls: device.gate.pulls - pullsBefore };
}

function countRows(db: DeviceDatabase, table: 'messages' | 'debit_entries', residentId: string): number {
  return db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE resident_id = ?`).get(residentId)?.n ?? 0;
}

async function runOnce(messages: number, ledgerEntries: number, note: Record<string, string | number>): Promise<void> {
  const hub = await startBenchHub('pglite');
  const dir = makeTempDir('dayroom-bench-tablet-');
  const devices: BenchDevice[] = [];
  try {
    // A small history first (20 letters), so the tablet's first sync is not what is measured.
    const facility = await hub.call({ command: 'seedE2e', messages: 20 });
    const [kioskCode, tabletCode] = await hub.call({ command: 'issueCodes', siteId: facility.siteId, kioskUnits: [facility.unitId], tablets: 1 });
    const tablet = await startDevice(hub, dir.path, 'tablet', tabletCode!, 'tablet');
    devices.push(tablet);
    await hub.call({ command: 'assignTablets', deviceIds: [tablet.engine.deviceId], residentIds: [facility.residentId] });
    const kiosk = await startDevice(hub, dir.path, 'kiosk', kioskCode!, 'kiosk');
    devices.push(kiosk);
    for (const device of devices) {
      device.engine.send({ type: 'SYNC_NOW' });
      const first = await withDeadline(`${device.label}'s first sync`, device.engine.whenResting());
      if (first.state !== 'idle') throw new Error(`${device.label}'s first sync rested ${first.state}: ${JSON.stringify(first.lastError)}`);
    }
    const messagesBefore = countRows(tablet.db, 'messages', facility.residentId);
    const entriesBefore = countRows(tablet.db, 'debit_entries', facility.residentId);
    if (messagesBefore === 0) throw new Error('the tablet did not receive its resident’s mail on assignment');

    // Away from the hub while the facility's day goes on.
    for (const device of devices) await goOffline(device);
    const seedStarted = performance.now();
    const seeded = await hub.call({ command: 'seedCatchup', residentId: facility.residentId, messages, ledgerEntries, tag: `Catch-up ${Date.now()}` });
    const seedMs = performance.now() - seedStarted;

    const tabletCatchup = await reconnect(tablet, facility.residentId, seeded.newestPreview);
    const tabletMessages = countRows(tablet.db, 'messages', facility.residentId) - messagesBefore;
    const tabletEntries = countRows(tablet.db, 'debit_entries', facility.residentId) - entriesBefore;
    if (tabletMessages !== messages || tabletEntries < ledgerEntries)
      throw new Error(`the tablet holds ${tabletMessages} new letters and ${tabletEntries} new entries, not ${messages} and ${ledgerEntries}`);
    const kioskCatchup = await reconnect(kiosk, facility.residentId, seeded.newestPreview);

    // Baseline: the tablet away and back again with nothing waiting at the hub.
    const empties: Catchup[] = [];
    for (let round = 0; round < 5; round += 1) {
      await goOffline(tablet);
      empties.push(await reconnect(tablet, facility.residentId, null));
    }
    const emptyMs = empties.map((empty) => empty.upToDateMs).sort((left, right) => left - right)[Math.floor(empties.length / 2)]!;

    printResult(name, {
      backend: 'pglite',
      messages,
      ledger_entries: ledgerEntries,
      tablet_up_to_date_s: tabletCatchup.upToDateMs / 1000,
      tablet_inbox_newest_s: (tabletCatchup.inboxMs ?? Number.NaN) / 1000,
      tablet_pulls: tabletCatchup.pulls,
      kiosk_up_to_date_s: kioskCatchup.upToDateMs / 1000,
      kiosk_inbox_newest_s: (kioskCatchup.inboxMs ?? Number.NaN) / 1000,
      kiosk_pulls: kioskCatchup.pulls,
      empty_reconnect_ms: emptyMs,
      ratio_vs_empty: tabletCatchup.upToDateMs / emptyMs,
      ratio_vs_kiosk: tabletCatchup.upToDateMs / kioskCatchup.upToDateMs,
      inbox_poll_ms: inboxPollMs,
      seed_s: seedMs / 1000,
      ...note,
    });
  } finally {
    for (const device of devices) {
      await device.engine.stop();
      device.db.close();
      device.logger.flush();
    }
    await hub.stop();
    dir.remove();
  }
}

export async function tabletCatchup(): Promise<void> {
  const messages = benchCount('BENCH_TABLET_CATCHUP_MESSAGES', 2_000);
  const load = machineLoad();
  await runOnce(messages.value, messages.value, { ...load, ...messages.note });
}
