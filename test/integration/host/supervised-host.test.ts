// The web host under a supervisor, as the kiosk's systemd units run it (deploy/linux/, docs/deployment.md):
// - it tells a real NOTIFY_SOCKET (a unix datagram socket this test opens with python3) READY=1 once it serves, and
//   WATCHDOG=1 over and over while the device answers;
// - killed with SIGKILL at random moments (a power cut, as far as one process can show it) or stopped, a supervisor
//   loop that does what `Restart=always` does starts it again, and each time it serves the attract screen on the same
//   address, with the site file and the data folder as they were;
// - the page's own connection (the renderer's WebSocket transport, the code the kiosk page runs) comes back by
//   itself to the restarted host, with no new address and no reload.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { hostSocketPath, hostTokenParam } from '../../../main/contract';
import { hostReadyMarker } from '../../../main/host/marker';
import { hostPortFileName } from '../../../main/host/host-port';
import { hostTokenFileName } from '../../../main/host/host-token';
import { endWithThisProcess } from '../../../hardware/simulators/helper-processes';
import { createWebSocketTransport, type OpenSocket } from '../../../renderer/src/api/websocketTransport';
import { demoResidents, seedDemoResidents } from '../../../scripts/demo-data';
import { openDeviceDatabase } from '../../../main/store/database';
import { residentQueries } from '../../../main/store/residents';
import { makeTempDir } from '../../support/temp-dir';

const siteFileText = JSON.stringify(
  {
    site: { name: 'Riverbend County Detention Center' },
    device: { name: 'Unit B Kiosk 3', mode: 'kiosk', housingUnit: 'B' },
    languages: { offered: ['en', 'es'], default: 'en' },
    session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
    readers: [],
    credentials: { resident: { pattern: '^R(\\d{6})$' } },
  },
  null,
  2,
);

/** A kiosk's files: the site file, a renderer stand-in (the page's HTML is not what is tested here) and the data folder. */
function kioskFiles(dir: string): { siteFile: string; rendererDir: string; dataDir: string } {
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Dayroom</title>');
  const siteFile = join(dir, 'site.yaml');
  writeFileSync(siteFile, siteFileText);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  return { siteFile, rendererDir, dataDir };
}

/** Polls until `check` gives a value, or fails with `what` at the deadline. */
async function pollFor<T>(what: string, check: () => T | null | Promise<T | null>, deadlineMs = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface HostRun {
  readonly child: ChildProcess;
  /** The ready line's URL once the host serves; null before. */
  url: string | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
}

function startHost(files: ReturnType<typeof kioskFiles>, env: NodeJS.ProcessEnv): HostRun {
  const child = endWithThisProcess(
    spawn(process.execPath, ['--import', 'tsx', 'main/host/cli.ts', '--config', files.siteFile, '--data', files.dataDir, '--renderer', files.rendererDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    }),
  );
  const run: HostRun = { child, url: null, exit: null };
  child.stderr?.resume();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(hostReadyMarker)) run.url = (JSON.parse(line.slice(hostReadyMarker.length)) as { url: string }).url;
  });
  child.once('exit', (code, signal) => {
    run.exit = { code, signal };
  });
  return run;
}

/** What `Restart=always` does: whenever the host ends, however it ends, start it again. */
function superviseHost(files: ReturnType<typeof kioskFiles>, env: NodeJS.ProcessEnv) {
  const runs: HostRun[] = [];
  let stopped = false;
  const launch = (): void => {
    const run = startHost(files, env);
    runs.push(run);
    run.child.once('exit', () => {
      if (!stopped) launch();
    });
  };
  launch();
  return {
    runs,
    current: (): HostRun => runs[runs.length - 1]!,
    async stop(): Promise<void> {
      stopped = true;
      const run = runs[runs.length - 1]!;
      if (run.exit === null) {
        const exited = new Promise((resolve) => run.child.once('exit', resolve));
        run.child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The page's socket, as renderer/src/api/connect.ts opens it in the browser, here with `ws` and the page's origin. */
const openNodeSocket: OpenSocket = (url, handlers) => {
  const origin = new URL(url.replace(/^ws/, 'http')).origin;
  const socket = new WebSocket(url, { headers: { origin } });
  socket.on('open', () => handlers.onOpen());
  socket.on('message', (data) => handlers.onMessage(data.toString()));
  socket.on('close', () => handlers.onClose());
  // A refused or failed connection is followed by 'close', where the transport reconnects.
  socket.on('error', () => undefined);
  return { send: (text) => socket.send(text), close: () => socket.close() };
};

function socketUrlOf(pageUrl: string): string {
  const page = new URL(pageUrl);
  return `ws://${page.host}${hostSocketPath}?${hostTokenParam}=${page.searchParams.get(hostTokenParam) ?? ''}`;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the web host tells systemd it is ready and alive', () => {
  it('sends READY=1 once serving and WATCHDOG=1 again and again to a real NOTIFY_SOCKET', async () => {
    const dir = makeTempDir('dayroom-notify-');
    cleanups.push(() => dir.remove());
    const files = kioskFiles(dir.path);
    const socketPath = join(dir.path, 'notify.sock');
    // A unix datagram socket, as systemd's: python3 binds it and prints each datagram on a line of its own.
    const receiver = endWithThisProcess(
      spawn(
        'python3',
        [
          '-u',
          '-c',
          [
            'import socket, sys',
            's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
            's.bind(sys.argv[1])',
            'print("BOUND", flush=True)',
            'while True: print(s.recv(4096).decode().replace("\\n", " "), flush=True)',
          ].join('\n'),
          socketPath,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    cleanups.push(() => void receiver.kill('SIGKILL'));
    const received: string[] = [];
    createInterface({ input: receiver.stdout! }).on('line', (line) => received.push(line));
    await pollFor('the notify socket to be bound', () => (received.includes('BOUND') ? true : null), 20_000);

    // WatchdogSec=0.4 s: the host pings every 200 ms while the device answers.
    const host = startHost(files, { ...process.env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '400000' });
    cleanups.push(() => void host.child.kill('SIGKILL'));
    await pollFor('READY=1', () => (received.some((line) => line.includes('READY=1')) ? true : null));
    expect(host.url).not.toBeNull();
    await pollFor('three WATCHDOG=1', () => (received.filter((line) => line.includes('WATCHDOG=1')).length >= 3 ? true : null));
    expect(received.filter((line) => line.includes('READY=1'))).toHaveLength(1);
    // The host frozen is a hung kiosk: no more pings, which is what makes systemd restart it.
    host.child.kill('SIGSTOP');
    // A ping already on its way (a systemd-notify started just before the freeze) may still land; after that, none.
    // Absence takes a window of time to show: a second, then another in which nothing may arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pingsWhenFrozen = received.filter((line) => line.includes('WATCHDOG=1')).length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received.filter((line) => line.includes('WATCHDOG=1')).length).toBe(pingsWhenFrozen);
    host.child.kill('SIGCONT');
  }, 90_000);

  it('sends nothing and runs as always without NOTIFY_SOCKET', async () => {
    const dir = makeTempDir('dayroom-notify-');
    cleanups.push(() => dir.remove());
    const files = kioskFiles(dir.path);
    const env = { ...process.env };
    delete env.NOTIFY_SOCKET;
    const host = startHost(files, { ...env, WATCHDOG_USEC: '400000' });
    cleanups.push(() => void host.child.kill('SIGKILL'));
    const url = await pollFor('the host to serve', () => host.url);
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(host.exit).toBeNull();
  }, 90_000);
});

describe('the web host under a supervisor that restarts it', () => {
  it('comes back serving the attract screen on the same address after each SIGKILL at a random moment, and the open page reconnects by itself', async () => {
    const dir = makeTempDir('dayroom-supervised-');
    cleanups.push(() => dir.remove());
    const files = kioskFiles(dir.path);
    await seedDemoResidents(join(files.dataDir, 'device.sqlite'));
    const env = { ...process.env };
    delete env.NOTIFY_SOCKET;
    const supervisor = superviseHost(files, env);
    cleanups.push(() => supervisor.stop());

    const firstUrl = await pollFor('the first start to serve', () => supervisor.current().url);
    const token = readFileSync(join(files.dataDir, hostTokenFileName), 'utf8');

    // The page, opened once with the first address and never reloaded.
    const page = createWebSocketTransport({ url: socketUrlOf(firstUrl), openSocket: openNodeSocket, reconnectDelay: () => 100 });
    cleanups.push(() => page.close());
    const pageSees = async (): Promise<string | null> => {
      if (page.connectionState() !== 'connected') return null;
      const answer = await page.call('session.current', {}, new AbortController().signal);
      return answer.ok ? (answer.value as { phase: string }).phase : null;
    };
    expect(await pollFor('the page to show a screen', pageSees)).toBe('attract');

    // Kills at random moments of the host's life: while it loads, while it opens the store, while it serves.
    const killAfterMs = [0, 1, 2, 3].map(() => Math.floor(Math.random() * 2500));
    for (const [index, delayMs] of killAfterMs.entries()) {
      const run = supervisor.current();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (run.exit === null) run.child.kill('SIGKILL');
      await pollFor(`kill ${index + 1} (after ${delayMs} ms) to end the host`, () => (run.exit === null ? null : true));
    }
    // A clean stop is restarted too (Restart=always), as is service mode's exit 75.
    const beforeStop = await pollFor('the host to serve again', () => supervisor.current().url);
    const stoppedRun = supervisor.current();
    stoppedRun.child.kill('SIGTERM');
    const stoppedExit = await pollFor('the stopped host to exit', () => stoppedRun.exit);
    expect(stoppedExit).toEqual({ code: 0, signal: null });
    expect(supervisor.current()).not.toBe(stoppedRun);

    const lastUrl = await pollFor('the last restart to serve', () => supervisor.current().url);
    expect(lastUrl).toBe(firstUrl);
    expect(beforeStop).toBe(firstUrl);
    // The same page, never given a new address, is back on the attract screen.
    expect(await pollFor('the page to reconnect and show a screen', pageSees)).toBe('attract');
    expect(page.stats.reconnects).toBeGreaterThan(0);

    await supervisor.stop();
    expect(supervisor.runs.length).toBeGreaterThanOrEqual(killAfterMs.length + 2);
    // Nothing the kiosk starts from was lost or half-written.
    expect(readFileSync(files.siteFile, 'utf8')).toBe(siteFileText);
    expect(readFileSync(join(files.dataDir, hostTokenFileName), 'utf8')).toBe(token);
    expect(readFileSync(join(files.dataDir, hostPortFileName), 'utf8')).toBe(new URL(firstUrl).port);
    const store = openDeviceDatabase(join(files.dataDir, 'device.sqlite'));
    try {
      expect(residentQueries(store).count()).toBe(demoResidents.length);
    } finally {
      store.close();
    }
  }, 240_000);

  it('says in words when --port is not a port, and starts nothing', async () => {
    const dir = makeTempDir('dayroom-supervised-');
    cleanups.push(() => dir.remove());
    const files = kioskFiles(dir.path);
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/host/cli.ts', '--config', files.siteFile, '--data', files.dataDir, '--port', '80a'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a whole number from 0 to 65535, not 80a');
  }, 60_000);
});
