// The load generator of the live-change benchmarks (hub-live.ts), in a process of its own: the hub has its own process
// (hub-process.ts), and the thousands of devices here would otherwise share its core and its event loop. Two kinds of
// device:
// - real devices: enrolled with a one-time code (main/sync/credential.ts), a store file with the real pragmas and
//   migrations, and the real sync engine (main/sync/engine.ts) with the kiosk's default settings — its change stream,
//   its pull and its apply into SQLite. The letters a benchmark times are found in these stores.
// - light devices: the idle majority. The device's real stream reader (openChangeStream, main/sync/change-stream.ts)
//   and the real hub client's pull (main/sync/hub-client.ts), following the cursor, with no store: what the hub sees
//   of a device is the same, what the device does with the changes is skipped.
// The driver (hub-live.ts) sends commands over IPC (child-ipc.ts); every figure is measured here, on this side of the
// loopback, and sent back.
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { hubPaths } from '../../hub/protocol';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { enrollDevice } from '../../main/sync/credential';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from '../../main/sync/engine';
import { createHubClient, hubEndpoint } from '../../main/sync/hub-client';
import { makeTempDir } from '../support/temp-dir';
import { serveParentRequests } from './child-ipc';
import type { LoopDelay } from './hub-child';
import { countingLogger, fetchVia, LightDevice, liveLetterPrefix, makePools, type LightDeviceSpec } from './fleet-clients';

export type { LightDeviceSpec } from './fleet-clients';

/** When a letter reached a device: for a real device, when it was found in its store; for a light one, pulled. */
export interface Arrival {
  readonly messageId: string;
  readonly deviceId: string;
  /** Epoch ms (Date.now) in this process; the hub stamps approvals with the same machine clock. */
  readonly at: number;
  readonly real: boolean;
}

export interface PollFigures {
  readonly latencies: number[];
  readonly failures: number;
  /** Requests that had not started when the window closed (the schedule fell behind). */
  readonly late: number;
}

export interface StormFigures {
  /** Per device, ms from the start until its pull reached the end (NaN if it never did). */
  readonly upToDateMs: number[];
  /** Per device, ms from the start until its stream said `ready` (NaN if it never did within the deadline). */
  readonly streamMs: number[];
  readonly pullFailures: number;
  readonly streamFailures: number;
  /** Devices whose pulls after the outage brought no change (each should have had a letter). */
  readonly devicesWithNothing: number;
  readonly changes: number;
}

export type FleetRequest =
  | { readonly command: 'enrollReal'; readonly hubUrl: string; readonly codes: readonly string[] }
  | { readonly command: 'startReal' }
  | { readonly command: 'addLight'; readonly hubUrl: string; readonly devices: readonly LightDeviceSpec[] }
  /** Every light device pulls from cursor null to the end of its scope, `concurrency` at a time (not measured). */
  | { readonly command: 'catchUp'; readonly concurrency: number }
  /** Opens every light device's stream at once; a device pulls on `ready` and on `changes`, as the engine does. */
  | { readonly command: 'openStreams'; readonly timeoutMs: number }
  | { readonly command: 'takeArrivals' }
  /** Each of the first `devices` light devices pulls once every `intervalMs`, spread evenly, for `durationMs`. */
  | { readonly command: 'poll'; readonly devices: number; readonly intervalMs: number; readonly durationMs: number; readonly target: 'pull' | 'health' }
  /** Every device drops its stream (and the real engines stop): the outage begins. */
  | { readonly command: 'dropAll' }
  /** The first `devices` light devices, all at once: open the stream and pull to the end. */
  | { readonly command: 'storm'; readonly devices: number; readonly deadlineMs: number }
  /** This process's event-loop delay since the last ask: time a measured request waited here, not at the hub. */
  | { readonly command: 'loopDelay' }
  | { readonly command: 'stop' };

export interface FleetReplies {
  enrollReal: { deviceId: string; kind: 'kiosk' | 'tablet' }[];
  startReal: null;
  addLight: number;
  catchUp: { ms: number; changes: number; failures: number };
  openStreams: { ms: number; connected: number; streamFailures: number };
  takeArrivals: Arrival[];
  poll: PollFigures;
  dropAll: null;
  storm: StormFigures;
  loopDelay: LoopDelay;
  stop: null;
}

interface RealDevice {
  readonly deviceId: string;
  readonly kind: 'kiosk' | 'tablet';
  readonly dataDir: string;
  readonly db: DeviceDatabase;
  readonly start: () => SyncEngine;
  engine: SyncEngine | null;
  readonly seen: Set<string>;
}

async function main(): Promise<void> {
  const pools = makePools();
  const pullFetch = fetchVia(pools.pulls);
  const streamFetch = fetchVia(pools.streams);
  const counter = { streamFailures: 0 };
  const logger = countingLogger(counter);
  const folder = makeTempDir('dayroom-bench-fleet-');
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const light: LightDevice[] = [];
  const real: RealDevice[] = [];
  let hubUrl = '';
  let arrivals: Arrival[] = [];
  const onLetter = (messageId: string, deviceId: string): void => {
    arrivals.push({ messageId, deviceId, at: Date.now(), real: false });
  };

  const findLetters = (device: RealDevice): void => {
    const rows = device.db.prepare<[string], { message_id: string }>('SELECT message_id FROM messages WHERE body LIKE ?').all(`${liveLetterPrefix}%`);
    const at = Date.now();
    for (const row of rows) {
      if (device.seen.has(row.message_id)) continue;
      device.seen.add(row.message_id);
      arrivals.push({ messageId: row.message_id, deviceId: device.deviceId, at, real: true });
    }
  };

  const openStream = (device: LightDevice, onReady: () => void): void => device.listen(hubUrl, streamFetch, logger, onReady);

  async function handle(request: FleetRequest): Promise<FleetReplies[FleetRequest['command']]> {
    switch (request.command) {
      case 'enrollReal': {
        hubUrl = request.hubUrl;
        const enrolled: FleetReplies['enrollReal'] = [];
        for (const [index, code] of request.codes.entries()) {
          const dataDir = join(folder.path, `real-${index}`);
          const answer = await enrollDevice({ dataDir, hubUrl, code, deviceName: `bench real device ${index + 1}`, appVersion: '0.1.0' });
          if (!answer.ok) throw new Error(`enrollment failed: ${answer.error.message}`);
          const db = openDeviceDatabase(join(dataDir, 'device.sqlite'));
          const { credential } = answer;
          const settings = syncSettingsOf(undefined, credential.kind);
          const device: RealDevice = {
            deviceId: credential.deviceId,
            kind: credential.kind,
            dataDir,
            db,
            engine: null,
            seen: new Set(),
            start: () => startSyncEngine({ db, dataDir, credential, settings, logger, now: Date.now }),
          };
          real.push(device);
          enrolled.push({ deviceId: credential.deviceId, kind: credential.kind });
        }
        return enrolled;
      }
      case 'startReal': {
        for (const device of real) {
          const engine = device.start();
          device.engine = engine;
          // A status change follows each step of the machine; after a pull's page is applied, its letters are in the store.
          engine.onStatusChange(() => findLetters(device));
        }
        await Promise.all(real.map((device) => device.engine!.whenResting()));
        for (const device of real) findLetters(device);
        return null;
      }
      case 'addLight': {
        hubUrl = request.hubUrl;
        for (const spec of request.devices) {
          const client = createHubClient({ hubUrl, secret: spec.secret, timeoutMs: 120_000, fetch: pullFetch });
          light.push(new LightDevice(spec, client, onLetter));
        }
        return light.length;
      }
      case 'catchUp': {
        const started = performance.now();
        let next = 0;
        let failures = 0;
        let changes = 0;
        await Promise.all(
          Array.from({ length: Math.min(request.concurrency, light.length) }, async () => {
            while (next < light.length) {
              const device = light[next++]!;
              device.changesSinceMark = 0;
              if (!(await device.pullToEnd())) failures += 1;
              changes += device.changesSinceMark;
            }
          }),
        );
        return { ms: performance.now() - started, changes, failures };
      }
      case 'openStreams': {
        const started = performance.now();
        const failuresBefore = counter.streamFailures;
        let connected = 0;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, request.timeoutMs);
          for (const device of light) {
            openStream(device, () => {
              device.wake();
              connected += 1;
              if (connected === light.length) {
                clearTimeout(timer);
                resolve();
              }
            });
          }
        });
        return { ms: performance.now() - started, connected, streamFailures: counter.streamFailures - failuresBefore };
      }
      case 'takeArrivals': {
        for (const device of real) findLetters(device);
        const taken = arrivals;
        arrivals = [];
        return taken;
      }
      case 'poll': {
        const devices = light.slice(0, request.devices);
        const latencies: number[] = [];
        let failures = 0;
        let late = 0;
        const health = hubEndpoint(hubUrl, hubPaths.health);
        const started = performance.now();
        const end = started + request.durationMs;
        const spacing = request.intervalMs / devices.length;
        await Promise.all(
          devices.map(async (device, index) => {
            for (let due = started + index * spacing; due < end; due += request.intervalMs) {
              const wait = due - performance.now();
              if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
              if (performance.now() >= end) {
                late += 1;
                return;
              }
              if (request.target === 'pull') {
                const page = await device.pullOnce();
                latencies.push(page.ms);
                if (!page.ok) failures += 1;
              } else {
                const sent = performance.now();
                const response = await pullFetch(health).catch(() => null);
                if (response !== null) await response.arrayBuffer().catch(() => undefined);
                latencies.push(performance.now() - sent);
                if (response === null || !response.ok) failures += 1;
              }
            }
          }),
        );
        return { latencies, failures, late };
      }
      case 'dropAll': {
        await Promise.all(light.map((device) => device.stream?.stop()));
        for (const device of light) device.stream = null;
        await Promise.all(real.map((device) => device.engine?.stop()));
        for (const device of real) device.engine = null;
        return null;
      }
      case 'storm': {
        const devices = light.slice(0, request.devices);
        const failuresBefore = counter.streamFailures;
        let pullFailures = 0;
        const started = performance.now();
        for (const device of devices) {
          device.readyAt = Number.NaN;
          device.upToDateAt = Number.NaN;
          device.changesSinceMark = 0;
        }
        // All at once: each device opens its stream and pulls, as a device does when its connection comes back. The
        // engine would also pull on the stream's `ready`; a light device's wake folds that into the pull under way.
        await new Promise<void>((resolve) => {
          let remaining = devices.length;
          const timer = setTimeout(resolve, request.deadlineMs);
          const settled = (): void => {
            remaining -= 1;
            if (remaining === 0) {
              clearTimeout(timer);
              resolve();
            }
          };
          for (const device of devices) {
            openStream(device, () => device.wake());
            void device.pullToEnd().then((ok) => {
              if (ok) device.upToDateAt = performance.now();
              else pullFailures += 1;
              settled();
            });
          }
        });
        // Streams still opening have a few seconds to say `ready`; a refused one retries with its own backoff.
        const streamDeadline = performance.now() + 10_000;
        while (devices.some((device) => Number.isNaN(device.readyAt)) && performance.now() < streamDeadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        return {
          upToDateMs: devices.map((device) => device.upToDateAt - started),
          streamMs: devices.map((device) => device.readyAt - started),
          pullFailures,
          streamFailures: counter.streamFailures - failuresBefore,
          devicesWithNothing: devices.filter((device) => device.changesSinceMark === 0).length,
          changes: devices.reduce((sum, device) => sum + device.changesSinceMark, 0),
        };
      }
      case 'loopDelay': {
        const figures = { p50Ms: loopDelay.percentile(50) / 1e6, p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
        loopDelay.reset();
        return figures;
      }
      case 'stop': {
        await Promise.all(light.map((device) => device.stream?.stop()));
        await Promise.all(real.map((device) => device.engine?.stop()));
        for (const device of real) device.db.close();
        await Promise.all([pools.pulls.close(), pools.streams.close()]);
        folder.remove();
        setImmediate(() => process.exit(0));
        return null;
      }
      default: {
        const unknown: never = request;
        throw new Error(`unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  serveParentRequests<FleetRequest>(handle, {});
}

main().catch((error: unknown) => {
  console.error(`bench fleet: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
