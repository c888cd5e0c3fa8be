// The benchmark's side of hub-process.ts: start the hub in a child process over PGlite (a fresh data folder) or a
// throwaway PostgreSQL server (test/support/postgres-server.ts), send it commands over IPC, and read its RSS from
// /proc/<pid>/status — the kernel's count, which costs the hub nothing to report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { makeTempDir } from '../support/temp-dir';
import type { ApprovedLetter, E2eFacility, FanoutFacility, MessageLogCheck, SeededDevice } from './hub-seed';
import type { HubLiveCounts } from '../../hub/live/index';
import { forkWithRequests, type ForkedChild } from './child-ipc';
import type { CatchupSeed } from './tablet-catchup-seed';

export type HubBackend = 'pglite' | 'postgres';

/** Event-loop delay over a window, in ms. */
export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export type HubRequest =
  | { readonly command: 'seedE2e'; readonly messages: number }
  | { readonly command: 'seedFanout'; readonly units: number; readonly residentsPerUnit: number; readonly messagesPerResident: number }
  | { readonly command: 'issueCodes'; readonly siteId: string; readonly kioskUnits: readonly string[]; readonly tablets: number }
  | { readonly command: 'assignTablets'; readonly deviceIds: readonly string[]; readonly residentIds: readonly string[] }
  | { readonly command: 'verifyMessages'; readonly residentId: string }
  /** tablet-catchup: letters and deposits for one resident through the real services (tablet-catchup-seed.ts). */
  | { readonly command: 'seedCatchup'; readonly residentId: string; readonly messages: number; readonly ledgerEntries: number; readonly tag: string }
  | { readonly command: 'kioskScopeDigest'; readonly siteId: string; readonly unitId: string }
  /** Start or stop a V8 CPU profile of the hub; stop writes <folder>/<label>.cpuprofile. */
  | { readonly command: 'profileStart' }
  | { readonly command: 'profileStop'; readonly file: string }
  /** What autovacuum's auto-ANALYZE does on a production PostgreSQL server after a bulk of writes. */
  | { readonly command: 'analyze' }
  | { readonly command: 'rss' }
  /** The live-change benchmarks (hub-live.ts): devices in bulk, letters approved through review, the hub's own figures. */
  | {
      readonly command: 'seedDevices';
      readonly siteId: string;
      readonly kiosks: readonly string[];
      readonly tablets: readonly { residentId: string; unitId: string }[];
    }
  | { readonly command: 'approveLetters'; readonly residentIds: readonly string[]; readonly tag: string }
  /** process.cpuUsage() of the hub, in microseconds. */
  | { readonly command: 'cpu' }
  | { readonly command: 'liveCounts' }
  /** The hub's event-loop delay since the last ask (perf_hooks monitorEventLoopDelay), then starts over. */
  | { readonly command: 'loopDelay' }
  | { readonly command: 'stop' };

interface Replies {
  seedE2e: E2eFacility;
  seedFanout: FanoutFacility;
  issueCodes: string[];
  assignTablets: number;
  verifyMessages: MessageLogCheck;
  seedCatchup: CatchupSeed;
  kioskScopeDigest: string;
  analyze: null;
  profileStart: null;
  profileStop: null;
  rss: number;
  seedDevices: SeededDevice[];
  approveLetters: ApprovedLetter[];
  cpu: NodeJS.CpuUsage;
  liveCounts: HubLiveCounts;
  loopDelay: LoopDelay;
  stop: null;
}

export interface BenchHub {
  readonly url: string;
  readonly backend: HubBackend;
  readonly pid: number;
  call<C extends HubRequest['command']>(request: Extract<HubRequest, { command: C }>): Promise<Replies[C]>;
  /** Profiles the hub while `work` runs when BENCH_HUB_CPU_PROF names a folder; otherwise just runs it. */
  profiled<T>(label: string, work: () => Promise<T>): Promise<T>;
  /** Resident set size of the hub process now, and its peak so far (VmRSS, VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /**
   * Stops the hub's process and starts a new one on the same database and port (a hub restarted after an outage):
   * its memory of devices, streams and cursors starts empty. `url` and `pid` are then the new process's.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchHubOptions {
  /** Change-stream caps (hub/live/change-streams.ts): every bench device connects from 127.0.0.1, one address. */
  readonly maxStreamsPerAddress?: number;
}

const hubScript = fileURLToPath(new URL('./hub-process.ts', import.meta.url));
/** tsx is resolved from here. */
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  const kilobytes = line === undefined ? Number.NaN : Number.parseInt(line.slice(field.length + 1).trim(), 10);
  return kilobytes * 1024;
}

async function createDatabase(server: PostgresServer, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** BENCH_HUB_CPU_PROF=<folder>: the benchmarks write a V8 CPU profile of the hub's measured phase there. */
const profileFolder = process.env.BENCH_HUB_CPU_PROF;

export async function startBenchHub(backend: HubBackend, options: BenchHubOptions = {}): Promise<BenchHub> {
  const dir = makeTempDir('dayroom-bench-hub-');
  let postgres: PostgresServer | null = null;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  if (backend === 'postgres') {
    postgres = await startPostgresServer();
    await createDatabase(postgres, 'dayroom_bench');
    env.DATABASE_URL = postgres.url('dayroom_bench');
  } else {
    env.BENCH_HUB_DATA_DIR = join(dir.path, 'pglite');
  }
  if (options.maxStreamsPerAddress !== undefined) env.BENCH_HUB_MAX_STREAMS_PER_ADDRESS = String(options.maxStreamsPerAddress);
  const cleanup = async (): Promise<void> => {
    await postgres?.stop();
    postgres = null;
    dir.remove();
  };
  const forkHub = (hubEnv: NodeJS.ProcessEnv): Promise<ForkedChild<{ url: string; backend: HubBackend }>> =>
    forkWithRequests<{ url: string; backend: HubBackend }>(hubScript, { cwd: repositoryRoot, env: hubEnv, label: 'the bench hub' });
  let forked = await forkHub(env).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  // The child answers each command with its Replies type (hub-process.ts); IPC carries it untyped.
  const call = ((request: HubRequest) => forked.call(request)) as BenchHub['call'];
  return {
    get url() {
      return forked.ready.url;
    },
    get backend() {
      return forked.ready.backend;
    },
    get pid() {
      return forked.child.pid!;
    },
    call,
    async profiled(label, work) {
      if (profileFolder === undefined || profileFolder === '') return work();
      await call({ command: 'profileStart' });
      try {
        return await work();
      } finally {
        await call({ command: 'profileStop', file: join(profileFolder, `${label}.cpuprofile`) });
      }
    },
    memory: () => ({ rss: statusField(forked.child.pid!, 'VmRSS'), peak: statusField(forked.child.pid!, 'VmHWM') }),
    async restart() {
      const port = new URL(forked.ready.url).port;
      await forked.stop({ command: 'stop' });
      forked = await forkHub({ ...env, BENCH_HUB_PORT: port });
    },
    async stop() {
      await forked.stop({ command: 'stop' });
      await cleanup();
    },
  };
}
