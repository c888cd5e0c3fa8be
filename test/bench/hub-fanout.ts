// hub-fanout: many devices pulling from one hub at once. The hub runs in its own process (hub-process.ts) over PGlite,
// its default backend, with a facility of 10 housing units × 25 residents, each with two contacts and 20 reviewed
// messages. For 100 and then 500 devices (a fresh hub each time, seeded the same way): one kiosk in ten (spread over
// the units) and nine tablets in ten (assigned round-robin to the residents, which writes their backfills), every one
// really enrolled with a one-time code. Each device is a lightweight loop — the real hub client with its bearer secret,
// no store — that pulls a fixed number of times from cursor null, following the cursor: its backfill first, then the
// empty polls of a device that is up to date. All devices start together on loopback. The baseline is the same number
// of loops and requests against GET /v1/health (Fastify and loopback, no database), in the same run.
import { performance } from 'node:perf_hooks';
import { hubPaths } from '../../hub/protocol';
import { createHubClient, hubEndpoint } from '../../main/sync/hub-client';
import { startBenchHub, type BenchHub, type HubBackend } from './hub-child';
import { benchCount, machineLoad } from './bench-env';
import { percentile, printResult } from './stats';

const facility = { units: 10, residentsPerUnit: 25, messagesPerResident: 20 } as const;
/** The kiosks' default pull batch size (kiosk-config HubSettings.pullBatchSize). */
const pullLimit = 500;
/** Per configuration, for the pulls and again for the baseline: loops stop starting requests after this. */
const deadlineMs = 120_000;
const mb = (bytes: number): number => bytes / (1024 * 1024);

interface Enrolled {
  readonly deviceId: string;
  readonly secret: string;
  readonly kind: 'kiosk' | 'tablet';
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  return results;
}

async function enrollDevices(
  hub: BenchHub,
  seeded: { siteId: string; unitIds: readonly string[]; residentIds: readonly string[] },
  devices: number,
): Promise<Enrolled[]> {
  const kiosks = Math.max(1, Math.round(devices / 10));
  const kioskUnits = Array.from({ length: kiosks }, (_, index) => seeded.unitIds[index % seeded.unitIds.length]!);
  const codes = await hub.call({ command: 'issueCodes', siteId: seeded.siteId, kioskUnits, tablets: devices - kiosks });
  const client = createHubClient({ hubUrl: hub.url, timeoutMs: 60_000 });
  const enrolled = await inBatches(codes, 25, async (code): Promise<Enrolled> => {
    const answer = await client.enroll({ code, deviceName: 'bench device', appVersion: '0.1.0' });
    if (!answer.ok) throw new Error(`enrollment failed: ${JSON.stringify(answer.failure)}`);
    return { deviceId: answer.value.deviceId, secret: answer.value.secret, kind: answer.value.kind };
  });
  await hub.call({
    command: 'assignTablets',
    deviceIds: enrolled.filter((device) => device.kind === 'tablet').map((device) => device.deviceId),
    residentIds: seeded.residentIds,
  });
  return enrolled;
}

interface Load {
  readonly requests: number;
  readonly failures: number;
  readonly wallMs: number;
  readonly latencies: number[];
  readonly changes: number;
  readonly complete: boolean;
}

/** Starts one loop per device at once; each makes `requestsEach` requests in sequence (or stops at the deadline). */
async function runLoops<S>(
  count: number,
  requestsEach: number,
  start: (index: number) => S,
  request: (state: S) => Promise<{ ok: boolean; changes: number }>,
): Promise<Load> {
  const latencies: number[] = [];
  let failures = 0;
  let changes = 0;
  let complete = true;
  const started = performance.now();
  const deadline = started + deadlineMs;
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const state = start(index);
      for (let made = 0; made < requestsEach; made += 1) {
        if (performance.now() > deadline) {
          complete = false;
          return;
        }
        const sent = performance.now();
        const outcome = await request(state);
        latencies.push(performance.now() - sent);
        if (!outcome.ok) failures += 1;
        changes += outcome.changes;
      }
    }),
  );
  return { requests: latencies.length, failures, wallMs: performance.now() - started, latencies, changes, complete };
}

interface FanoutResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
}

async function runConfiguration(
  backend: HubBackend,
  devices: number,
  requestsEach: number,
  reference: FanoutResult | null,
  note: Record<string, string | number>,
): Promise<FanoutResult> {
  const hub = await startBenchHub(backend);
  try {
    const seeded = await hub.call({ command: 'seedFanout', ...facility });
    const enrolled = await enrollDevices(hub, seeded, devices);
    if (backend === 'postgres') await hub.call({ command: 'analyze' });

    const health = hubEndpoint(hub.url, hubPaths.health);
    const healthRequest = async (): Promise<{ ok: boolean; changes: number }> => {
      const response = await fetch(health).catch(() => null);
      if (response === null) return { ok: false, changes: 0 };
      await response.arrayBuffer();
      return { ok: response.ok, changes: 0 };
    };
    // Warm-up, not measured: every loop opens its connection, and the hub's HTTP path gets compiled.
    await runLoops(devices, 3, () => null, healthRequest);
    const baseline = await runLoops(devices, requestsEach, () => null, healthRequest);

    const idle = hub.memory();
    let peakRss = idle.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, hub.memory().rss);
    }, 50);
    const pulls = await hub.profiled(`hub-fanout-${backend}-${devices}`, () =>
      runLoops(
        devices,
        requestsEach,
        (index) => ({ client: createHubClient({ hubUrl: hub.url, secret: enrolled[index]!.secret, timeoutMs: 60_000 }), cursor: null as string | null }),
        async (state) => {
          const answer = await state.client.pull({ cursor: state.cursor, limit: pullLimit });
          if (!answer.ok) return { ok: false, changes: 0 };
          state.cursor = answer.value.cursor;
          return { ok: true, changes: answer.value.changes.length };
        },
      ),
    );
    clearInterval(sampler);
    peakRss = Math.max(peakRss, hub.memory().rss);

    const requestsPerSecond = (pulls.requests / pulls.wallMs) * 1000;
    const baselineRps = (baseline.requests / baseline.wallMs) * 1000;
    const p99Ms = percentile(pulls.latencies, 99);
    printResult('hub-fanout', {
      backend,
      devices,
      kiosks: enrolled.filter((device) => device.kind === 'kiosk').length,
      tablets: enrolled.filter((device) => device.kind === 'tablet').length,
      requests_each: requestsEach,
      requests: pulls.requests,
      failures: pulls.failures,
      complete: pulls.complete && baseline.complete ? 'yes' : 'no',
      changes_pulled: pulls.changes,
      wall_s: pulls.wallMs / 1000,
      requests_per_s: requestsPerSecond,
      p50_ms: percentile(pulls.latencies, 50),
      p99_ms: p99Ms,
      max_ms: Math.max(...pulls.latencies),
      hub_rss_idle_mb: mb(idle.rss),
      hub_rss_peak_mb: mb(peakRss),
      baseline_health_requests_per_s: baselineRps,
      baseline_health_p99_ms: percentile(baseline.latencies, 99),
      ratio_to_baseline: requestsPerSecond / baselineRps,
      ...(reference === null ? {} : { throughput_ratio_vs_100: requestsPerSecond / reference.requestsPerSecond, p99_ratio_vs_100: p99Ms / reference.p99Ms }),
      ...note,
    });
    return { requestsPerSecond, p99Ms };
  } finally {
    await hub.stop();
  }
}

export async function hubFanout(): Promise<void> {
  const requestsEach = benchCount('BENCH_FANOUT_REQUESTS_EACH', 20);
  const backends = (process.env.BENCH_FANOUT_BACKENDS ?? 'pglite,postgres')
    .split(',')
    .filter((name): name is HubBackend => name === 'pglite' || name === 'postgres');
  // Taken before this benchmark's own processes start, so it shows what else the machine was doing.
  const note = { ...machineLoad(), ...requestsEach.note };
  for (const backend of backends) {
    const hundred = await runConfiguration(backend, 100, requestsEach.value, null, note);
    await runConfiguration(backend, 500, requestsEach.value, hundred, note);
  }
}
