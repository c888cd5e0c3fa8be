// sync-e2e: a fresh kiosk catches up with 100,000 messages. The hub runs in its own process (hub-process.ts), once
// over PGlite and once over a throwaway PostgreSQL server; the messages are seeded for one resident of the kiosk's
// housing unit (hub-seed.ts: bulk rows checked against what the services write). The device is real: enrolled with a
// one-time code over HTTP (main/sync/credential.ts), a store file with the real pragmas and migrations, and the real
// sync engine and hub client with the kiosk's default settings, run until it rests. The clock runs from starting the
// engine to the machine resting idle; the replica is then compared with the hub's view of the kiosk's scope.
// The baseline is the same letters replicated PouchDB → PouchDB in the same run (pouch-baseline.ts), source over HTTP
// from its own process, target a fresh on-disk PouchDB whose writes are fsynced as the device store's commits are.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hubPaths } from '../../hub/protocol';
import { createDeviceLogger } from '../../main/logging';
import { openDeviceDatabase } from '../../main/store/database';
import { enrollDevice } from '../../main/sync/credential';
import { startSyncEngine, syncSettingsOf } from '../../main/sync/engine';
import { replicaDigest } from '../../main/sync/replica-digest';
import { makeTempDir } from '../support/temp-dir';
import { benchCount, machineLoad } from './bench-env';
import { startBenchHub, type HubBackend } from './hub-child';
import { pouchBaseline, type PouchBaseline } from './pouch-baseline';
import { printResult } from './stats';

/** Give up (and say so) rather than hang: 100,000 messages take well under a minute on either backend. */
const syncDeadlineMs = 600_000;

/**
 * The kiosk's request timeout, unless BENCH_SYNC_E2E_REQUEST_TIMEOUT_S sets another (the line then says
 * `timeout_from_env`): a way to measure a catch-up whose first pull outlasts the kiosk's own timeout.
 */
const requestTimeout = ((): { settings: { requestTimeoutMs?: number }; note: Record<string, string> } => {
  const raw = process.env.BENCH_SYNC_E2E_REQUEST_TIMEOUT_S;
  if (raw === undefined || raw === '') return { settings: {}, note: {} };
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`BENCH_SYNC_E2E_REQUEST_TIMEOUT_S must be a positive whole number, not "${raw}"`);
  return { settings: { requestTimeoutMs: seconds * 1000 }, note: { timeout_from_env: 'BENCH_SYNC_E2E_REQUEST_TIMEOUT_S' } };
})();

/** The goal: Dayroom's hub → fresh device at least 4× as fast as PouchDB → PouchDB with the same letters. */
const targetRatioToPouchdb = 4;

/**
 * Counts the engine's requests and the time spent waiting for the hub's answers (fetch until the headers arrive), and
 * the first pull's wait on its own: a fresh device's first pull is the one in which the hub writes its scope's snapshot.
 */
function countingFetch(): { fetch: typeof fetch; pulls: number; waitMs: number; firstPullMs: number; longestPullMs: number } {
  const counter = {
    pulls: 0,
    waitMs: 0,
    firstPullMs: Number.NaN,
    longestPullMs: 0,
    fetch: (async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const pull = url.endsWith(hubPaths.pull);
      if (pull) counter.pulls += 1;
      const first = pull && counter.pulls === 1;
      const started = performance.now();
      try {
        return await fetch(input, init);
      } finally {
        const waited = performance.now() - started;
        counter.waitMs += waited;
        if (first) counter.firstPullMs = waited;
        if (pull) counter.longestPullMs = Math.max(counter.longestPullMs, waited);
      }
    }) as typeof fetch,
  };
  return counter;
}

async function runOnce(backend: HubBackend, messages: number, pouch: PouchBaseline, note: Record<string, string | number>): Promise<void> {
  // The machine is shared and this run starts minutes after the benchmark did: its own load figure too.
  const loadAtRun = machineLoad().load_1m;
  const hub = await startBenchHub(backend);
  const dir = makeTempDir('dayroom-bench-kiosk-');
  try {
    const seedStarted = performance.now();
    const facility = await hub.call({ command: 'seedE2e', messages });
    const seedMs = performance.now() - seedStarted;
    const check = await hub.call({ command: 'verifyMessages', residentId: facility.residentId });
    // Every letter is at the hub; the ones review rejected (5 %) never reach a device, so the kiosk pulls the rest.
    if (check.messages !== messages) throw new Error(`seeded ${check.messages} messages, not ${messages}`);
    // A production PostgreSQL server runs autovacuum, whose auto-ANALYZE follows a bulk of inserts within a minute;
    // the throwaway server has it off, so do what it would have done. PGlite has no autovacuum: it never analyzes.
    const analyzed = backend === 'postgres';
    if (analyzed) await hub.call({ command: 'analyze' });

    const [code] = await hub.call({ command: 'issueCodes', siteId: facility.siteId, kioskUnits: [facility.unitId], tablets: 0 });
    const dataDir = join(dir.path, 'data');
    const enrolled = await enrollDevice({ dataDir, hubUrl: hub.url, code: code!, deviceName: 'A-Pod dayroom kiosk 1', appVersion: '0.1.0' });
    if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.error.message}`);
    const db = openDeviceDatabase(join(dataDir, 'device.sqlite'));
    const logger = createDeviceLogger({ dataDir, level: 'info' });
    const counter = countingFetch();
    const settings = { ...syncSettingsOf(undefined, 'kiosk'), ...requestTimeout.settings };

    const started = performance.now();
    const engine = startSyncEngine({ db, dataDir, credential: enrolled.credential, settings, logger, now: Date.now, fetch: counter.fetch });
    engine.onStatusChange(() => undefined);
    let deadline: NodeJS.Timeout | undefined;
    const status = await hub.profiled(`sync-e2e-${backend}`, () =>
      Promise.race([
        engine.whenResting(),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error(`the kiosk did not finish syncing within ${syncDeadlineMs / 1000} s`)), syncDeadlineMs);
        }),
      ]).finally(() => clearTimeout(deadline)),
    );
    const wallMs = performance.now() - started;
    await engine.stop();

    if (status.state !== 'idle' || status.lastError !== null) {
      const waits = `${counter.pulls} pulls, first pull ${(counter.firstPullMs / 1000).toFixed(1)} s, longest ${(counter.longestPullMs / 1000).toFixed(1)} s`;
      throw new Error(
        `${backend}: the kiosk rested ${status.state} with ${JSON.stringify(status.lastError)} (${waits}, request timeout ${settings.requestTimeoutMs / 1000} s)`,
      );
    }
    const stored = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE resident_id = ?').get(facility.residentId)?.n ?? 0;
    if (stored !== check.changeRows) throw new Error(`the kiosk holds ${stored} of the ${check.changeRows} letters delivered to it`);
    const matches = replicaDigest(db) === (await hub.call({ command: 'kioskScopeDigest', siteId: facility.siteId, unitId: facility.unitId }));
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    db.close();
    logger.flush();

    printResult('sync-e2e', {
      backend,
      messages,
      letters_delivered: check.changeRows,
      pull_limit: settings.pullLimit,
      request_timeout_s: settings.requestTimeoutMs / 1000,
      pulls: counter.pulls,
      wall_s: wallMs / 1000,
      messages_per_s: (check.changeRows / wallMs) * 1000,
      hub_wait_s: counter.waitMs / 1000,
      device_s: (wallMs - counter.waitMs) / 1000,
      hub_first_pull_s: counter.firstPullMs / 1000,
      hub_longest_pull_s: counter.longestPullMs / 1000,
      replica_matches_hub: matches ? 'yes' : 'no',
      store_schema_version: schemaVersion,
      seed_s: seedMs / 1000,
      seed_verified: 'yes',
      analyzed: analyzed ? 'yes' : 'no',
      baseline_pouchdb_docs: pouch.docs,
      baseline_pouchdb_s: pouch.synced.seconds,
      baseline_pouchdb_docs_per_s: pouch.synced.docsPerSecond,
      ratio_to_pouchdb: pouch.synced.seconds / (wallMs / 1000),
      target_ratio: targetRatioToPouchdb,
      target_met: pouch.synced.seconds / (wallMs / 1000) >= targetRatioToPouchdb ? 'yes' : 'no',
      ratio_to_pouchdb_unsynced: pouch.asShipped.seconds / (wallMs / 1000),
      ...note,
      load_1m_at_run: loadAtRun,
    });
  } finally {
    await hub.stop();
    dir.remove();
  }
}

export async function syncE2e(): Promise<void> {
  const count = benchCount('BENCH_SYNC_E2E_MESSAGES', 100_000);
  // Taken before this benchmark's own processes start, so it shows what else the machine was doing.
  const load = machineLoad();
  const pouch = await pouchBaseline(count.value);
  printResult('sync-e2e.pouchdb', {
    pouchdb: pouch.pouchdbVersion,
    adapter: 'leveldb',
    docs: pouch.docs,
    docs_json_mb: pouch.jsonBytes / 2 ** 20,
    batch_size: pouch.batchSize,
    synced_s: pouch.synced.seconds,
    synced_docs_per_s: pouch.synced.docsPerSecond,
    synced_source_wait_s: pouch.synced.sourceWaitSeconds,
    synced_target_s: pouch.synced.seconds - pouch.synced.sourceWaitSeconds,
    requests: pouch.synced.requests,
    unsynced_s: pouch.asShipped.seconds,
    unsynced_docs_per_s: pouch.asShipped.docsPerSecond,
    unsynced_source_wait_s: pouch.asShipped.sourceWaitSeconds,
    seed_s: pouch.seedSeconds,
    ...load,
    ...count.note,
  });
  for (const backend of ['pglite', 'postgres'] as const) await runOnce(backend, count.value, pouch, { ...load, ...count.note, ...requestTimeout.note });
}
