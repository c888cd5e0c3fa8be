// A throwaway PostgreSQL cluster for a test run: initdb into a temp folder (as the `postgres` OS user when running as
// root, since PostgreSQL refuses to run as root), start it on a free loopback port with its socket in the same
// folder, and stop and delete it at the end. Durability is off unless asked for (`durable`): the data lives only as
// long as the tests, but the durability tests must run the settings production runs.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const execFileAsync = promisify(execFile);

export const postgresMissingMessage = 'postgresql is not installed: apt-get install postgresql';

/** The newest /usr/lib/postgresql/<version>/bin that has initdb, or null. */
export function findPostgresBinaries(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'initdb')) && existsSync(join(root, entry, 'bin', 'pg_ctl')))
    .sort((left, right) => Number.parseFloat(right) - Number.parseFloat(left));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** A connection URL for one database of the cluster (superuser `postgres`, trust authentication). */
  url(database: string): string;
  /**
   * Stops the server as `mode` says (`fast`: connections terminated, a clean shutdown; `immediate`: as a crash, with
   * recovery on the next start) and leaves it down until `up()`: for tests of a hub whose database goes away.
   */
  down(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data after `down()`. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('running as root, but there is no `postgres` OS user to run the test cluster as (apt-get install postgresql creates it)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A fresh cluster in `dataDir`. initdb is most of a second of CPU, and some thirty test files each start a cluster, so
 * the first run makes one with initdb and keeps it in the temp folder (per server version, made under a temporary name
 * and renamed, so a parallel file never copies half of it); every cluster after that is a copy, with its owner and modes.
 */
async function initializedCluster(binaries: string, dataDir: string, run: (tool: string, args: string[]) => Promise<void>): Promise<void> {
  const version = basename(dirname(binaries));
  const cached = join(tmpdir(), `dayroom-pg-initdb-${version}`);
  if (!existsSync(join(cached, 'PG_VERSION'))) {
    const partial = `${cached}.${process.pid}.partial`;
    await run('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    copyCluster(dataDir, partial);
    try {
      renameSync(partial, cached);
    } catch {
      // Another test file made it first: theirs is the same.
      rmSync(partial, { recursive: true, force: true });
    }
    return;
  }
  copyCluster(cached, dataDir);
}

function copyCluster(from: string, to: string): void {
  const copied = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  if (copied.status !== 0) throw new Error(`copying the cluster ${from} failed: ${copied.stderr}`);
}

/** `root` is where Debian puts the server's versions; tests point it elsewhere to see the missing-package failure. */
export async function startPostgresServer(options: { root?: string; durable?: boolean } = {}): Promise<PostgresServer> {
  const binaries = findPostgresBinaries(options.root);
  if (binaries === null) throw new Error(postgresMissingMessage);
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'dayroom-pg-'));
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  if (asRoot) {
    const owner = postgresUser();
    chownSync(folder, owner.uid, owner.gid);
  }
  /** A PostgreSQL tool, as `postgres` when we are root. */
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(binaries, tool), ...args]] : [join(binaries, tool), args];
  const run = async (tool: string, args: string[]): Promise<void> => {
    const [file, fileArgs] = command(tool, args);
    await execFileAsync(file, fileArgs, { cwd: folder, env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 });
  };
  const stopNow = (): void => {
    const [file, fileArgs] = command('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    spawnSync(file, fileArgs, { cwd: folder, stdio: 'ignore' });
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    await initializedCluster(binaries, dataDir, run);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  // A port found free can be taken before the server binds it; try a few.
  let port = 0;
  let serverOptions = '';
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    // No durability (the data dies with the tests) and no autovacuum: its workers visit a freshly migrated template
    // database, and CREATE DATABASE ... TEMPLATE then waits for them in 100 ms steps.
    const durability =
      options.durable === true
        ? ['-c fsync=on', '-c synchronous_commit=on', '-c full_page_writes=on']
        : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
    serverOptions = [`-p ${port}`, `-k ${folder}`, '-c listen_addresses=127.0.0.1', ...durability, '-c autovacuum=off', '-c max_connections=200'].join(' ');
    try {
      await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', serverOptions, 'start']);
      break;
    } catch (error) {
      if (attempt >= 3) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
        stopNow();
        throw new Error(`PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${log}`, { cause: error });
      }
    }
  }

  // If the test process ends without calling stop(), the cluster must not outlive it. An orderly exit runs the handler;
  // a worker killed by a signal (a timed-out hook, vitest tearing its pool down) runs no handler at all, so a detached
  // watchdog waits for this process to end and then stops and deletes the cluster itself.
  const onExit = (): void => stopNow();
  process.once('exit', onExit);
  const [stopFile, stopArgs] = command('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  const watchdog = spawn(
    'sh',
    ['-c', 'tail --pid="$1" -f /dev/null; shift; "$@" >/dev/null 2>&1; rm -rf "$0"', folder, String(process.pid), stopFile, ...stopArgs],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async down(mode) {
      await run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
    },
    async up() {
      await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      // The watchdog and its `tail` are one process group of their own (detached).
      if (watchdog.pid !== undefined) process.kill(-watchdog.pid, 'SIGTERM');
      try {
        await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
