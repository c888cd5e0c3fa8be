// The helper processes a test or benchmark starts — socat for each reader pty, the web host — end with it: when a
// kiosk launch fails half-way (here: no renderer built, as in a fresh checkout), and when the process that launched a
// kiosk dies of an uncaught error or is stopped by a signal without ever calling stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultTimings, launchKiosk } from '../../support/kiosk-process';
import { makeTempDir } from '../../support/temp-dir';

interface ProcessEntry {
  readonly pid: number;
  readonly parentPid: number;
  readonly command: string;
  readonly state: string;
}

/** Every process on the machine as /proc shows it; one that ends while being read is left out. */
function processTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read from the last ')'.
      const [state, parentPid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      entries.push({ pid: Number(name), parentPid: Number(parentPid), command, state: state ?? '' });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return entries;
}

/** The processes under `rootPid` (children, their children, …), not counting it. */
function descendantsOf(rootPid: number): ProcessEntry[] {
  const table = processTable();
  const found: ProcessEntry[] = [];
  let parents = new Set([rootPid]);
  while (parents.size > 0) {
    const children = table.filter((entry) => parents.has(entry.parentPid));
    found.push(...children);
    parents = new Set(children.map((entry) => entry.pid));
  }
  return found;
}

/** The pids of these that still run (a zombie waiting for its parent to reap it has ended). */
function stillRunning(pids: readonly number[]): ProcessEntry[] {
  const table = processTable();
  return table.filter((entry) => pids.includes(entry.pid) && entry.state !== 'Z');
}

const isHelper = (entry: ProcessEntry): boolean => entry.command.startsWith('socat ') || entry.command.includes('main/host/cli.ts');

/** A folder with a page in it: enough for the web host, which only checks the renderer's index.html is there. */
function stubRenderer(parent: string): string {
  writeFileSync(join(parent, 'index.html'), '<!doctype html><title>stub</title>');
  return parent;
}

const folders: Array<ReturnType<typeof makeTempDir>> = [];
let launcher: ChildProcess | null = null;
afterEach(() => {
  if (launcher !== null && launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
  launcher = null;
  for (const folder of folders.splice(0)) folder.remove();
});

function tempFolder(): string {
  const folder = makeTempDir('dayroom-helpers-');
  folders.push(folder);
  return folder.path;
}

/** Starts kiosk-launch-child.ts and resolves with it and its helpers (two socat, one host) once it says READY. */
async function startLauncher(
  ending: 'throw' | 'wait',
): Promise<{ child: ChildProcess; helpers: ProcessEntry[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/kiosk-launch-child.ts', stubRenderer(tempFolder()), ending], {
    // stdin tells a 'throw' launcher when to throw (after its helpers are listed).
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  launcher = child;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the launcher exited (${code}) before READY:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'READY') resolve();
    });
  });
  const helpers = descendantsOf(child.pid!).filter(isHelper);
  return { child, helpers, exited };
}

describe('helper processes end with what started them', () => {
  it('a kiosk launch that fails (no renderer built) leaves no socat and no host behind', async () => {
    const notBuilt = join(tempFolder(), 'not-built');
    await expect(launchKiosk(defaultTimings, { rendererDir: notBuilt, simulatedReaders: true })).rejects.toThrow(/renderer is not built/);
    // The scanner's and the badge reader's socat were started before the host failed; both are gone, and no host.
    expect(descendantsOf(process.pid).filter(isHelper)).toEqual([]);
  }, 120_000);

  it('a process that launched a kiosk and dies of an uncaught error takes socat and the host with it', async () => {
    const { child, helpers, exited } = await startLauncher('throw');
    expect(helpers.filter((entry) => entry.command.startsWith('socat ')).length).toBe(2);
    expect(helpers.filter((entry) => entry.command.includes('main/host/cli.ts')).length).toBe(1);
    child.stdin!.write('throw now\n');
    expect((await exited).code).toBe(1);
    await vi.waitFor(() => expect(stillRunning(helpers.map((entry) => entry.pid))).toEqual([]), { timeout: 30_000, interval: 200 });
  }, 180_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'a process that launched a kiosk and is stopped by %s takes socat and the host with it',
    async (signal) => {
      const { child, helpers, exited } = await startLauncher('wait');
      expect(helpers.length).toBe(3);
      child.kill(signal);
      // It still ends by the signal, as it would have without the hook that ends its helpers.
      expect((await exited).signal).toBe(signal);
      await vi.waitFor(() => expect(stillRunning(helpers.map((entry) => entry.pid))).toEqual([]), { timeout: 30_000, interval: 200 });
    },
    180_000,
  );
});
