// Live changes at scale (docs/sync.md §11): hub-notify, hub-steady and hub-storm. Three processes: the hub
// (hub-process.ts, over a throwaway PostgreSQL server by default), the devices (device-fleet.ts: real engines with
// SQLite stores for the devices whose letters are timed, light protocol clients for the rest), and this driver, which
// only coordinates them over IPC and reads the hub's /proc figures. BENCHMARKS.md "Live changes at scale" has the method.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchCount, machineLoad, type BenchCount } from './bench-env';
import { forkWithRequests, type ForkedChild } from './child-ipc';
import type { FleetReplies, FleetRequest, LightDeviceSpec } from './device-fleet';
import { startBenchHub, type BenchHub, type HubBackend } from './hub-child';
import type { ApprovedLetter, FanoutFacility, SeededDevice } from './hub-seed';
import { percentile, printResult } from './stats';

/** 20 housing units of 25 residents (500 people), each with two contacts and 4 reviewed letters before the run. */
const facility = { units: 20, residentsPerUnit: 25, messagesPerResident: 4 } as const;
/** Bench devices all connect from 127.0.0.1: the hub's per-address cap (5,000) is raised above the fleet's size. */
const maxStreamsPerAddress = 20_000;
const mb = (bytes: number): number => bytes / (1024 * 1024);

interface Fleet {
  call<C extends FleetRequest['command']>(request: Extract<FleetRequest, { command: C }>): Promise<FleetReplies[C]>;
  stop(): Promise<void>;
}

const fleetScript = fileURLToPath(new URL('./device-fleet.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

async function startFleet(): Promise<Fleet> {
  const forked: ForkedChild<Record<string, never>> = await forkWithRequests(fleetScript, {
    cwd: repositoryRoot,
    env: { ...process.env },
    label: 'the device fleet',
  });
  return {
    // The child answers each command with its FleetReplies type (device-fleet.ts); IPC carries it untyped.
    call: ((request: FleetRequest) => forked.call(request)) as Fleet['call'],
    stop: () => forked.stop({ command: 'stop' } satisfies FleetRequest),
  };
}

function backends(): HubBackend[] {
  return (process.env.BENCH_LIVE_BACKENDS ?? 'postgres').split(',').filter((name): name is HubBackend => name === 'pglite' || name === 'postgres');
}

/** The facility, and `devices` enrolled devices in bulk: one kiosk in twenty (over the units), the rest tablets (over the residents). */
async function seedFleet(
  hub: BenchHub,
  devices: number,
): Promise<{ seeded: FanoutFacility; fleet: SeededDevice[]; unitOf: (residentIndex: number) => string }> {
  const seeded = await hub.call({ command: 'seedFanout', ...facility });
  const unitOf = (residentIndex: number): string => seeded.unitIds[Math.floor(residentIndex / facility.residentsPerUnit)]!;
  const kiosks = Math.max(1, Math.round(devices / 20));
  const fleet = await hub.call({
    command: 'seedDevices',
    siteId: seeded.siteId,
    kiosks: Array.from({ length: kiosks }, (_, index) => seeded.unitIds[index % seeded.unitIds.length]!),
    tablets: Array.from({ length: devices - kiosks }, (_, index) => {
      const residentIndex = index % seeded.residentIds.length;
      return { residentId: seeded.residentIds[residentIndex]!, unitId: unitOf(residentIndex) };
    }),
  });
  // What autovacuum's auto-ANALYZE would have done after the bulk inserts (hub-fanout does the same).
  if (hub.backend === 'postgres') await hub.call({ command: 'analyze' });
  return { seeded, fleet, unitOf };
}

const lightSpecs = (devices: readonly SeededDevice[]): LightDeviceSpec[] => devices.map((device) => ({ deviceId: device.deviceId, secret: device.secret }));

/** Fraction of one core the hub used between two process.cpuUsage() readings taken `wallMs` apart. */
function cpuShare(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage, wallMs: number): number {
  return (after.user - before.user + (after.system - before.system)) / 1000 / wallMs;
}

async function hubCpuOver(hub: BenchHub, windowMs: number): Promise<number> {
  const before = await hub.call({ command: 'cpu' });
  const started = performance.now();
  await sleep(windowMs);
  const after = await hub.call({ command: 'cpu' });
  return cpuShare(before, after, performance.now() - started);
}

async function waitForStreams(hub: BenchHub, open: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await hub.call({ command: 'liveCounts' });
    if (counts.streams.open >= open || performance.now() > deadline) return counts.streams.open;
    await sleep(200);
  }
}

/** Samples the hub's RSS every 250 ms while `work` runs. */
async function withRssPeak<T>(hub: BenchHub, work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = hub.memory().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, hub.memory().rss);
  }, 250);
  try {
    const result = await work();
    return { result, peakRss: Math.max(peakRss, hub.memory().rss) };
  } finally {
    clearInterval(sampler);
  }
}

function sizeNotes(...counts: BenchCount[]): Record<string, string> {
  const named = counts.flatMap((count) => Object.values(count.note));
  return named.length === 0 ? {} : { size_from_env: named.join('+') };
}

// ---- hub-notify ----

export async function hubNotify(): Promise<void> {
  const devices = benchCount('BENCH_NOTIFY_DEVICES', 1_000);
  const letters = benchCount('BENCH_NOTIFY_LETTERS', 60);
  const idleSeconds = benchCount('BENCH_NOTIFY_IDLE_SECONDS', 30);
  /** Letters go to one resident in each of this many units; each has a real kiosk in its unit and a real tablet. */
  const recipients = 10;
  const letterGapMs = 500;
  const note = { ...machineLoad(), ...sizeNotes(devices, letters, idleSeconds) };
  for (const backend of backends()) {
    const hub = await startBenchHub(backend, { maxStreamsPerAddress });
    const fleet = await startFleet();
    try {
      const realCount = recipients * 2;
      const { seeded, fleet: seededDevices } = await seedFleet(hub, devices.value - realCount);
      const targets = Array.from({ length: recipients }, (_, unit) => seeded.residentIds[unit * facility.residentsPerUnit]!);
      const codes = await hub.call({ command: 'issueCodes', siteId: seeded.siteId, kioskUnits: seeded.unitIds.slice(0, recipients), tablets: recipients });
      const enrolled = await fleet.call({ command: 'enrollReal', hubUrl: hub.url, codes });
      await hub.call({
        command: 'assignTablets',
        deviceIds: enrolled.filter((device) => device.kind === 'tablet').map((device) => device.deviceId),
        residentIds: targets,
      });
      await fleet.call({ command: 'addLight', hubUrl: hub.url, devices: lightSpecs(seededDevices) });
      const caughtUp = await fleet.call({ command: 'catchUp', concurrency: 50 });
      if (caughtUp.failures > 0) throw new Error(`${caughtUp.failures} devices failed to catch up`);

      // Baseline: the hub with its data and no device connected.
      await sleep(2_000);
      const idleCpuNoStreams = await hubCpuOver(hub, idleSeconds.value * 1000);

      await fleet.call({ command: 'startReal' });
      const opened = await fleet.call({ command: 'openStreams', timeoutMs: 60_000 });
      const open = await waitForStreams(hub, devices.value, 30_000);
      // The pulls each stream's `ready` prompts are over well within this.
      await sleep(5_000);
      const idleRss = hub.memory().rss;
      const idleCpuStreams = await hubCpuOver(hub, idleSeconds.value * 1000);
      await fleet.call({ command: 'takeArrivals' });

      const countsBefore = await hub.call({ command: 'liveCounts' });
      const approved: ApprovedLetter[] = [];
      for (let index = 0; index < letters.value; index += 1) {
        const started = performance.now();
        approved.push(...(await hub.call({ command: 'approveLetters', residentIds: [targets[index % recipients]!], tag: `notify ${index + 1}` })));
        await sleep(Math.max(0, letterGapMs - (performance.now() - started)));
      }
      // Each letter should reach two real devices (its resident's unit kiosk and tablet); wait for the last ones.
      const expected = approved.length * 2;
      const byLetter = new Map(approved.map((letter) => [letter.messageId, letter.approvedAt]));
      const realLatencies: number[] = [];
      const lightLatencies: number[] = [];
      const deadline = performance.now() + 30_000;
      while (realLatencies.length < expected && performance.now() < deadline) {
        await sleep(250);
        for (const arrival of await fleet.call({ command: 'takeArrivals' })) {
          const approvedAt = byLetter.get(arrival.messageId);
          if (approvedAt === undefined) continue;
          (arrival.real ? realLatencies : lightLatencies).push(arrival.at - approvedAt);
        }
      }
      const countsAfter = await hub.call({ command: 'liveCounts' });
      const p99 = percentile(realLatencies, 99);
      const perDeviceUs = ((idleCpuStreams - idleCpuNoStreams) * 1e6) / open;
      printResult('hub-notify', {
        backend,
        devices: devices.value,
        real_devices: realCount,
        light_devices: seededDevices.length,
        streams_open: open,
        stream_open_s: opened.ms / 1000,
        stream_failures: opened.streamFailures,
        letters: approved.length,
        arrivals_real: realLatencies.length,
        arrivals_missing: expected - realLatencies.length,
        p50_ms: percentile(realLatencies, 50),
        p99_ms: p99,
        max_ms: Math.max(...realLatencies),
        goal_p99_ms: 1000,
        light_arrivals: lightLatencies.length,
        light_p50_ms: percentile(lightLatencies, 50),
        light_p99_ms: percentile(lightLatencies, 99),
        pulls_from_memory: countsAfter.pulls.answeredFromMemory - countsBefore.pulls.answeredFromMemory,
        pulls_from_database: countsAfter.pulls.fromDatabase - countsBefore.pulls.fromDatabase,
        hub_idle_cpu_pct_streams: idleCpuStreams * 100,
        baseline_hub_idle_cpu_pct_no_streams: idleCpuNoStreams * 100,
        hub_cpu_us_per_s_per_idle_device: perDeviceUs,
        ratio_idle_cpu_to_baseline: idleCpuStreams / idleCpuNoStreams,
        idle_window_s: idleSeconds.value,
        hub_rss_idle_streams_mb: mb(idleRss),
        ...note,
      });
    } finally {
      await fleet.stop();
      await hub.stop();
    }
  }
}

// ---- hub-steady ----

export async function hubSteady(): Promise<void> {
  const devices = benchCount('BENCH_STEADY_DEVICES', 5_000);
  const seconds = benchCount('BENCH_STEADY_SECONDS', 90);
  const baselineSeconds = benchCount('BENCH_STEADY_BASELINE_SECONDS', 30);
  const intervalMs = 30_000;
  /** Letters approved meanwhile, one every this often, so the streams carry events and prompt pulls too. */
  const letterGapMs = 2_000;
  const note = { ...machineLoad(), ...sizeNotes(devices, seconds, baselineSeconds) };
  for (const backend of backends()) {
    const hub = await startBenchHub(backend, { maxStreamsPerAddress });
    const fleet = await startFleet();
    try {
      const { seeded, fleet: seededDevices } = await seedFleet(hub, devices.value);
      await fleet.call({ command: 'addLight', hubUrl: hub.url, devices: lightSpecs(seededDevices) });
      const caughtUp = await fleet.call({ command: 'catchUp', concurrency: 50 });
      if (caughtUp.failures > 0) throw new Error(`${caughtUp.failures} devices failed to catch up`);
      const opened = await fleet.call({ command: 'openStreams', timeoutMs: 60_000 });
      const open = await waitForStreams(hub, devices.value, 30_000);
      await sleep(3_000);

      await Promise.all([hub.call({ command: 'loopDelay' }), fleet.call({ command: 'loopDelay' })]);
      const baseline = await fleet.call({ command: 'poll', devices: devices.value, intervalMs, durationMs: baselineSeconds.value * 1000, target: 'health' });
      const [baselineHubLoop, baselineFleetLoop] = await Promise.all([hub.call({ command: 'loopDelay' }), fleet.call({ command: 'loopDelay' })]);

      const countsBefore = await hub.call({ command: 'liveCounts' });
      await Promise.all([hub.call({ command: 'loopDelay' }), fleet.call({ command: 'loopDelay' })]);
      const cpuBefore = await hub.call({ command: 'cpu' });
      const started = performance.now();
      let lettersApproved = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const residentIndex = lettersApproved % seeded.residentIds.length;
          await hub.call({ command: 'approveLetters', residentIds: [seeded.residentIds[residentIndex]!], tag: `steady ${lettersApproved + 1}` });
          lettersApproved += 1;
          await sleep(letterGapMs);
        }
      })();
      const { result: polled, peakRss } = await withRssPeak(hub, () =>
        fleet.call({ command: 'poll', devices: devices.value, intervalMs, durationMs: seconds.value * 1000, target: 'pull' }),
      );
      writing = false;
      await writer;
      const cpuAfter = await hub.call({ command: 'cpu' });
      const wallMs = performance.now() - started;
      const [hubLoop, fleetLoop] = await Promise.all([hub.call({ command: 'loopDelay' }), fleet.call({ command: 'loopDelay' })]);
      const countsAfter = await hub.call({ command: 'liveCounts' });
      await fleet.call({ command: 'takeArrivals' });

      const p50 = percentile(polled.latencies, 50);
      const p99 = percentile(polled.latencies, 99);
      const baselineP99 = percentile(baseline.latencies, 99);
      printResult('hub-steady', {
        backend,
        devices: devices.value,
        poll_interval_s: intervalMs / 1000,
        window_s: seconds.value,
        streams_open: open,
        stream_open_s: opened.ms / 1000,
        stream_failures: opened.streamFailures,
        streams_open_after: countsAfter.streams.open,
        pulls: polled.latencies.length,
        pulls_per_s: polled.latencies.length / seconds.value,
        failures: polled.failures,
        late: polled.late,
        p50_ms: p50,
        p99_ms: p99,
        max_ms: Math.max(...polled.latencies),
        goal_p99_ms: 250,
        letters: lettersApproved,
        stream_events: countsAfter.streams.eventsSent - countsBefore.streams.eventsSent,
        pulls_from_memory: countsAfter.pulls.answeredFromMemory - countsBefore.pulls.answeredFromMemory,
        pulls_from_database: countsAfter.pulls.fromDatabase - countsBefore.pulls.fromDatabase,
        hub_cpu_pct: cpuShare(cpuBefore, cpuAfter, wallMs) * 100,
        hub_rss_peak_mb: mb(peakRss),
        hub_loop_delay_p99_ms: hubLoop.p99Ms,
        hub_loop_delay_max_ms: hubLoop.maxMs,
        fleet_loop_delay_p99_ms: fleetLoop.p99Ms,
        fleet_loop_delay_max_ms: fleetLoop.maxMs,
        baseline_health_requests: baseline.latencies.length,
        baseline_health_failures: baseline.failures,
        baseline_health_p50_ms: percentile(baseline.latencies, 50),
        baseline_health_p99_ms: baselineP99,
        baseline_hub_loop_delay_p99_ms: baselineHubLoop.p99Ms,
        baseline_fleet_loop_delay_p99_ms: baselineFleetLoop.p99Ms,
        ratio_p99_to_baseline: p99 / baselineP99,
        ratio_p50_to_baseline: p50 / percentile(baseline.latencies, 50),
        ...note,
      });
    } finally {
      await fleet.stop();
      await hub.stop();
    }
  }
}

// ---- hub-storm ----

/** One outage: devices drop, the hub restarts, a letter per resident is approved, then `devices` come back at once. */
async function stormOnce(hub: BenchHub, fleet: Fleet, seeded: FanoutFacility, devices: number, label: string): Promise<Record<string, number | string>> {
  await fleet.call({ command: 'dropAll' });
  await hub.restart();
  const restartedRss = hub.memory().rss;
  const approveStarted = performance.now();
  const approved = await hub.call({ command: 'approveLetters', residentIds: seeded.residentIds, tag: `storm ${label}` });
  const approveMs = performance.now() - approveStarted;
  const { result: storm, peakRss } = await withRssPeak(hub, () =>
    hub.profiled(`hub-storm-${hub.backend}-${label}`, () => fleet.call({ command: 'storm', devices, deadlineMs: 120_000 })),
  );
  const counts = await hub.call({ command: 'liveCounts' });
  const upToDate = storm.upToDateMs.filter((ms) => !Number.isNaN(ms));
  const ready = storm.streamMs.filter((ms) => !Number.isNaN(ms));
  return {
    devices,
    letters: approved.length,
    approve_s: approveMs / 1000,
    up_to_date: upToDate.length,
    all_up_to_date_s: upToDate.length === devices ? Math.max(...upToDate) / 1000 : Number.NaN,
    up_to_date_p50_s: percentile(upToDate, 50) / 1000,
    up_to_date_p99_s: percentile(upToDate, 99) / 1000,
    streams_ready: ready.length,
    all_streams_ready_s: ready.length === devices ? Math.max(...ready) / 1000 : Number.NaN,
    pull_failures: storm.pullFailures,
    stream_failures: storm.streamFailures,
    streams_refused: counts.streams.refused.addressFull + counts.streams.refused.hubFull,
    devices_with_nothing: storm.devicesWithNothing,
    changes: storm.changes,
    pulls_from_database: counts.pulls.fromDatabase,
    pulls_from_memory: counts.pulls.answeredFromMemory,
    hub_rss_restarted_mb: mb(restartedRss),
    hub_rss_peak_mb: mb(Math.max(peakRss, hub.memory().peak)),
  };
}

export async function hubStorm(): Promise<void> {
  const devices = benchCount('BENCH_STORM_DEVICES', 5_000);
  const baselineDevices = benchCount('BENCH_STORM_BASELINE_DEVICES', 500);
  const note = { ...machineLoad(), ...sizeNotes(devices, baselineDevices) };
  for (const backend of backends()) {
    const hub = await startBenchHub(backend, { maxStreamsPerAddress });
    const fleet = await startFleet();
    try {
      const { seeded, fleet: seededDevices } = await seedFleet(hub, devices.value);
      await fleet.call({ command: 'addLight', hubUrl: hub.url, devices: lightSpecs(seededDevices) });
      // Before the outage every device is up to date: it has pulled its scope to the end.
      const caughtUp = await fleet.call({ command: 'catchUp', concurrency: 50 });
      if (caughtUp.failures > 0) throw new Error(`${caughtUp.failures} devices failed to catch up`);
      const baseline = await stormOnce(hub, fleet, seeded, Math.min(baselineDevices.value, devices.value), 'baseline');
      const full = await stormOnce(hub, fleet, seeded, devices.value, 'full');
      const ratio = (full.all_up_to_date_s as number) / (baseline.all_up_to_date_s as number);
      printResult('hub-storm', {
        backend,
        ...full,
        goal_all_up_to_date_s: 60,
        ...Object.fromEntries(Object.entries(baseline).map(([key, value]) => [`baseline_${key}`, value])),
        ratio_all_up_to_date_to_baseline: ratio,
        pull_connections: Number(process.env.BENCH_LIVE_PULL_CONNECTIONS ?? '512'),
        ...note,
      });
    } finally {
      await fleet.stop();
      await hub.stop();
    }
  }
}
