// The benchmark's side of hub-process.ts: start the hub in a child process over PGlite (a fresh data folder) or a
// throwaway PostgreSQL server (test/support/postgres-server.ts), send it commands over IPC, and read its RSS from
// /proc/<pid>/status — the kernel's count, which costs the hub nothing to report.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { makeTempDir } from '../support/temp-dir';
import type { E2eFacility, FanoutFacility, MessageLogCheck } from './hub-seed';

export type HubBackend = 'pglite' | 'postgres';

export type HubRequest =
  | { readonly command: 'seedE2e'; readonly messages: number }
  | { readonly command: 'seedFanout'; readonly units: number; readonly residentsPerUnit: number; readonly messagesPerResident: number }
  | { readonly command: 'issueCodes'; readonly siteId: string; readonly kioskUnits: readonly string[]; readonly tablets: number }
  | { readonly command: 'assignTablets'; readonly deviceIds: readonly string[]; readonly residentIds: readonly string[] }
  | { readonly command: 'verifyMessages'; readonly residentId: string }
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
  kioskScopeDigest: string;
  analyze: null;
  profileStart: null;
  profileStop: null;
  rss: number;
  stop: null;
}

export type HubReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

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
  const child: ChildProcess = fork(hubScript, [], { cwd: repositoryRoot, execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const cleanup = async (): Promise<void> => {
    await postgres?.stop();
    postgres = null;
    dir.remove();
  };

  const ready = await new Promise<{ url: string; backend: HubBackend }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench hub did not start within 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`the bench hub exited (${code}) before it was ready`)));
    child.on('message', (message: HubReply | { ready: true; url: string; backend: HubBackend }) => {
      if ('ready' in message) {
        clearTimeout(timer);
        resolve({ url: message.url, backend: message.backend });
        return;
      }
      const waiting = pending.get(message.id);
      if (waiting === undefined) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(`bench hub: ${message.error}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await cleanup();
    throw error;
  });
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`the bench hub exited (${code})`));
    pending.clear();
  });

  const pid = child.pid!;
  const call: BenchHub['call'] = (request) => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, request });
    });
  };
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
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const id = nextId++;
        child.send({ id, request: { command: 'stop' } });
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}
