// Real pseudo-terminal pairs for serial driver tests and the demo's scanner: socat joins two ptys, the driver opens `device`,
// the test plays the scanner on `host`. Killing socat makes the device vanish as an unplug would.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import { endWithThisProcess } from './helper-processes';
import { writeToTerminal } from './serial-scanner-simulator';

export interface PtyPair {
  /** What the driver under test opens. */
  readonly devicePath: string;
  /** Where the simulated scanner writes. */
  readonly hostPath: string;
  /** Sends bytes from the scanner side. */
  write(bytes: Uint8Array | string): Promise<void>;
  /** Ends socat: both ptys and links disappear, like a scanner unplugged. */
  kill(): Promise<void>;
  /** Starts socat again with the same link paths (the ptys behind them are new). */
  restart(): Promise<void>;
}

export interface PtyPairOptions {
  /** File name of the driver's link inside dir. Default 'device'. */
  readonly deviceName?: string;
  /** File name of the scanner's link inside dir. Default 'host'. */
  readonly hostName?: string;
}

const startTimeoutMs = 10_000;
const pollIntervalMs = 10;
const stderrKeptChars = 2_000;

function linkExists(linkPath: string): boolean {
  try {
    lstatSync(linkPath);
    return true;
  } catch {
    return false;
  }
}

function hasExited(socat: ChildProcess): boolean {
  return socat.exitCode !== null || socat.signalCode !== null;
}

function launchSocat(devicePath: string, hostPath: string): Promise<ChildProcess> {
  // Ended with this process too: a test or benchmark that dies before kill() must not leave its ptys behind.
  const socat = endWithThisProcess(
    spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  // Keep the end of socat's log for error messages, and keep reading so its stderr pipe never fills.
  let log = '';
  socat.stderr?.setEncoding('utf8');
  socat.stderr?.on('data', (text: string) => {
    log = (log + text).slice(-stderrKeptChars);
  });

  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    let poll: NodeJS.Timeout | undefined;
    const fail = (error: Error): void => {
      clearTimeout(poll);
      socat.kill('SIGKILL');
      reject(error);
    };
    socat.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT' ? new Error('socat is not installed: apt-get install socat') : error);
    });
    const waitForLinks = (): void => {
      if (hasExited(socat)) return fail(new Error(`socat exited before creating the ptys:\n${log}`));
      if (linkExists(devicePath) && linkExists(hostPath)) return resolve(socat);
      if (Date.now() - startedAt > startTimeoutMs) return fail(new Error(`socat did not create ${devicePath} and ${hostPath}:\n${log}`));
      poll = setTimeout(waitForLinks, pollIntervalMs);
    };
    // 'spawn' fires only once the binary was found; before that an absent socat is an 'error'.
    socat.once('spawn', waitForLinks);
  });
}

async function stopSocat(socat: ChildProcess, linkPaths: readonly string[]): Promise<void> {
  if (!hasExited(socat)) {
    const exited = new Promise((resolve) => socat.once('exit', resolve));
    socat.kill('SIGTERM');
    await exited;
  }
  // socat removes its links on SIGTERM; clear any it left so a restart can make them again.
  for (const linkPath of linkPaths) rmSync(linkPath, { force: true });
}

/** Starts `socat -d -d pty,raw,echo=0,link=<dir>/device pty,raw,echo=0,link=<dir>/host` and waits for both links. */
export async function startPtyPair(dir: string, options: PtyPairOptions = {}): Promise<PtyPair> {
  const devicePath = path.join(dir, options.deviceName ?? 'device');
  const hostPath = path.join(dir, options.hostName ?? 'host');
  let socat = await launchSocat(devicePath, hostPath);

  return {
    devicePath,
    hostPath,
    write: (bytes) => writeToTerminal(hostPath, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes),
    kill: () => stopSocat(socat, [devicePath, hostPath]),
    async restart() {
      await stopSocat(socat, [devicePath, hostPath]);
      socat = await launchSocat(devicePath, hostPath);
    },
  };
}
