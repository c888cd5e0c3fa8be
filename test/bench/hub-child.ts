// The benchmark's side of hub-process.ts: start the hub in a child process over PGlite (a fresh data folder) or a
// throwaway PostgreSQL server (test/support/postgres-server.ts), send it commands over IPC, and read its RSS from
// /proc/<pid>/status — the kernel's count, which costs the hub nothing to report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { makeTempDir } from '../support/temp-dir';
import type { E2eFacility, FanoutFacility, MessageLogCheck } from './hub-seed';
import { forkWithRequests } from './child-ipc';
import type { CatchupSeed } from './tablet-catchup-seed';

export type HubBackend = 'pglite' | 'postgres';

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
  stop(): Promise<void>;
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

export async function startBenchHub(backend: HubBackend): Promise<BenchHub> {
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
  const cleanup = async (): Promise<void> => {
    await postgres?.stop();
    postgres = null;
    dir.remove();
  };
  const forked = await forkWithRequests<{ url: string; backend: HubBackend }>(hubScript, { cwd: repositoryRoot, env, label: 'the bench hub' }).catch(
    async (error: unknown) => {
      await cleanup();
      throw error;
    },
  );
  const { child, ready } = forked;
  const pid = child.pid!;
  // The child answers each command with its Replies type (hub-process.ts); IPC carries it untyped.
  const call = forked.call as BenchHub['call'];
  return {
    url: ready.url,
    backend: ready.backend,
    pid,
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
    memory: () => ({ rss: statusField(pid, 'VmRSS'), peak: statusField(pid, 'VmHWM') }),
    async stop() {
      await forked.stop({ command: 'stop' });
      await cleanup();
    },
  };
}
