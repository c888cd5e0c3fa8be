// Starts a real kiosk for a test or a benchmark: the web host CLI as its own process (so a test can kill and restart it),
// a site file whose scanner is a real pseudo-terminal, and a store seeded with the demo residents. With `simulatedReaders`
// the site also has the demo's ID-card swipe reader (the host's `--simulated-hid` MagTek simulator, driven over a Unix
// socket) and its RFID badge reader (a second pseudo-terminal).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { hostReadyMarker } from '../../main/host/marker';
import { seedDemoResidents } from '../../scripts/demo-data';
import { simulateScan } from '../../hardware/simulators/serial-scanner-simulator';
import { endWithThisProcess } from '../../hardware/simulators/helper-processes';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { writeToTerminal } from '../../hardware/simulators/serial-scanner-simulator';
import { makeTempDir } from './temp-dir';
import { enrollDevice } from '../../main/sync/credential';
import type { KeyboardWedgeSettingsInput } from '../../hardware/keyboard/wedge-settings';
import type { DeviceMode } from '../../main/contract';
import { testClockEnv } from '../../main/host/test-clock';
import type { TabletSettings } from '../../kiosk-config/schema';

export interface SessionTimings {
  idleSeconds: number;
  idleWarningSeconds: number;
  maxSessionMinutes: number;
}

export interface KioskUnderTest {
  readonly url: string;
  readonly dataDir: string;
  /** performance.now() when the host process was spawned (for the cold-start benchmark). */
  readonly hostSpawnedAt: number;
  /** Scans a wristband on the pty as a Code 39 barcode with CR, as the site's scanner sends it. */
  scan(text: string): Promise<void>;
  /**
   * Moves the device's clock to this far ahead of the real time (launched with `testClock: true`): its timers that come
   * due fire at once, as if the time had passed. Resolves once the host has had time to read the clock file.
   */
  setClockOffset(offsetMs: number): Promise<void>;
  /** Sends raw bytes on the scanner line. */
  sendRaw(bytes: Buffer): Promise<void>;
  /** The swipe and badge readers, when launched with `simulatedReaders: true`; null otherwise. */
  readonly simulatedReaders: SimulatedReaders | null;
  /** Stops the host (SIGTERM) and starts it again on the same store, port and token: the URL stays the same. */
  restart(): Promise<void>;
  /**
   * Kills the host with SIGKILL (no shutdown code runs, as in a crash or a power cut) and starts it again on the same
   * store, port and token, as restart() does.
   */
  kill(): Promise<void>;
  /**
   * Freezes the host (SIGSTOP) until resume(): nothing of it runs — no sync, no timer — while its store and sockets stay
   * as they are, as a device that lost its network would look to the hub. For races a test must order by hand.
   */
  suspend(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface SimulatedReaders {
  /** The control socket of the host's simulated MagTek reader (hardware/simulators/hid-magstripe-simulator.ts). */
  readonly magstripeSocket: string;
  /** The badge reader's pty pair; kill() and restart() unplug and replug it. */
  readonly badgePty: PtyPair;
  /** Presents an RFID badge: the reader's pcProx line (`21:100001`) with CR LF. */
  badge(line: string): Promise<void>;
}

/** A kiosk that syncs with a real hub instead of a store seeded by hand. */
export interface KioskHubLink {
  readonly url: string;
  readonly enrollmentCode: string;
}

/** The demo site's swipe and badge readers (kiosk-config/examples/wall-kiosk.yaml), with its resident rule for each kind. */
function simulatedReaderSite(badgePath: string): { readers: unknown[]; resident: unknown } {
  return {
    readers: [
      { id: 'unit-b-swipe', kind: 'hidMagstripe', track: 2, content: 'trackData' },
      { id: 'unit-b-badge', kind: 'serialRfid', path: badgePath, line: { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' } },
    ],
    resident: [
      { pattern: '^R(\\d{6})$', formats: ['barcode'], symbologies: ['code39', 'code128'] },
      { pattern: '^(\\d{6})$', formats: ['magstripe'] },
      { pattern: '^21:(\\d{6})$', formats: ['rfid'] },
    ],
  };
}

/** What the site file says the device is: the demo's unit B wall kiosk, or a tablet (which belongs to no unit). */
function deviceSection(mode: DeviceMode): { name: string; mode: DeviceMode; housingUnit?: string } {
  return mode === 'tablet' ? { name: 'Tablet 0042', mode: 'tablet' } : { name: 'Unit B dayroom kiosk 1', mode: 'kiosk', housingUnit: 'B' };
}

function siteFile(
  scannerPath: string,
  timings: SessionTimings,
  hub: KioskHubLink | undefined,
  badgePath: string | null,
  mode: DeviceMode,
  languages: { offered: readonly string[]; default: string } = { offered: ['en', 'es'], default: 'en' },
): string {
  const extra = badgePath === null ? null : simulatedReaderSite(badgePath);
  return JSON.stringify(
    {
      ...(hub === undefined ? {} : { hub: { url: hub.url, syncIntervalSeconds: 5, backoffBaseSeconds: 0.2, backoffMaxSeconds: 2 } }),
      site: { name: 'Riverbend County Detention Center' },
      device: deviceSection(mode),
      languages,
      session: { ...timings, pinEntrySeconds: 120 },
      pin: { length: 4, maxAttempts: 5, lockoutBaseSeconds: 600, lockoutMaxSeconds: 3600 },
      readers: [{ id: 'unit-b-scanner', kind: 'serialScanner', path: scannerPath, suffix: 'CR', symbologyIdentifier: true }, ...(extra?.readers ?? [])],
      credentials: { resident: extra?.resident ?? { pattern: '^R(\\d{6})$', symbologies: ['code39', 'code128'] }, staff: { pattern: '^S(\\d{5})$' } },
    },
    null,
    2,
  );
}

/** How the host process is started: the same on every restart of one kiosk. */
interface HostLaunch {
  readonly configFile: string;
  readonly dataDir: string;
  readonly hidSocket: string | null;
  readonly clockFile: string | null;
  /** The built renderer the host serves; null for the host's own default (dist/renderer). */
  readonly rendererDir: string | null;
}

async function startHostProcess(launch: HostLaunch, port = 0): Promise<{ process: ChildProcess; url: string; spawnedAt: number }> {
  const { configFile, dataDir, hidSocket, clockFile, rendererDir } = launch;
  const spawnedAt = performance.now();
  const simulatedHid = hidSocket === null ? [] : ['--simulated-hid', hidSocket];
  const testClock = clockFile === null ? [] : ['--test-clock-file', clockFile];
  const renderer = rendererDir === null ? [] : ['--renderer', rendererDir];
  const args = [
    '--import',
    'tsx',
    'main/host/cli.ts',
    '--config',
    configFile,
    '--data',
    dataDir,
    '--port',
    String(port),
    ...simulatedHid,
    ...testClock,
    ...renderer,
  ];
  // Ended with this process too, so a test or benchmark that dies without stop() leaves no host behind.
  const child = endWithThisProcess(
    spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The host takes a test clock only when told it runs under test (main/host/test-clock.ts).
      env: clockFile === null ? process.env : { ...process.env, [testClockEnv]: '1' },
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    // A host start (tsx loading the runtime) passed 30 s at load 22; a minute, for load 10 with room.
    const timer = setTimeout(() => reject(new Error(`the host did not start within 60 s:\n${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited (${code}) before it was ready:\n${stderr}`));
    });
    lines.on('line', (line) => {
      if (line.startsWith(hostReadyMarker)) {
        clearTimeout(timer);
        resolve((JSON.parse(line.slice(hostReadyMarker.length)) as { url: string }).url);
      }
    });
  }).catch(async (error: unknown) => {
    // A host that never said it was ready is not left running (a late start would hold the port and the store).
    await stopProcess(child, 'SIGKILL');
    throw error;
  });
  return { process: child, url, spawnedAt };
}

async function stopProcess(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export interface LaunchKioskOptions {
  hub?: KioskHubLink;
  /** A prepared store file (closed, no WAL beside it), copied in as the kiosk's store instead of seeding the demo residents. */
  storeFile?: string;
  /** Adds the swipe reader (simulated HID) and the RFID badge reader (a pty) of the demo site; see SimulatedReaders. */
  simulatedReaders?: boolean;
  /** Adds a keyboard-mode reader ('unit-b-keyboard') with these settings ({} for the defaults); the page detects its reads. */
  keyboardWedge?: KeyboardWedgeSettingsInput;
  /** With `hub`: false leaves the kiosk unenrolled (no credential, empty store), as on first boot; default true. */
  enroll?: boolean;
  /**
   * 'tablet' makes the device a tablet (site file mode: tablet, no housing unit); with `hub`, pass a tablet enrollment
   * code. Default 'kiosk'.
   */
  mode?: DeviceMode;
  /** The site file's tablet section (with mode 'tablet'); left out, the defaults. */
  tablet?: Partial<TabletSettings>;
  /** Runs the host on a test clock that setClockOffset moves (main/host/test-clock.ts). */
  testClock?: boolean;
  /** The languages the site file offers (tags) and the one the kiosk starts in; left out, English and Spanish. */
  languages?: { offered: readonly string[]; default: string };
  /** Puts the data folder here instead of the temp folder (the full-disk tests' small file system). */
  dataParent?: string;
  /** The built renderer the host serves; left out, the host's default (dist/renderer). */
  rendererDir?: string;
}

/** The site file with a keyboard-mode reader added to its readers, when one is asked for. */
function withKeyboardWedge(site: string, settings: KeyboardWedgeSettingsInput | undefined): string {
  if (settings === undefined) return site;
  const parsed = JSON.parse(site) as { readers: unknown[] };
  return JSON.stringify({ ...parsed, readers: [...parsed.readers, { id: 'unit-b-keyboard', kind: 'keyboardWedge', ...settings }] }, null, 2);
}

export async function launchKiosk(timings: SessionTimings, options: LaunchKioskOptions = {}): Promise<KioskUnderTest> {
  const dir = makeTempDir('dayroom-e2e-');
  const started: PtyPair[] = [];
  try {
    return await launchKioskIn(dir, started, timings, options);
  } catch (error) {
    // A launch that fails half-way (no renderer built, a host that does not start, a refused enrollment) ends what it
    // had started — the ptys' socat processes — and removes its folder, instead of leaving them for someone to find.
    for (const pty of started) await pty.kill();
    dir.remove();
    throw error;
  }
}

async function launchKioskIn(
  dir: ReturnType<typeof makeTempDir>,
  started: PtyPair[],
  timings: SessionTimings,
  options: LaunchKioskOptions,
): Promise<KioskUnderTest> {
  const scanner: PtyPair = await startPtyPair(dir.path);
  started.push(scanner);
  const badgePty = options.simulatedReaders === true ? await startPtyPair(dir.path, { deviceName: 'badge-device', hostName: 'badge-host' }) : null;
  if (badgePty !== null) started.push(badgePty);
  // In the temp folder: a Unix socket path must stay under ~100 bytes.
  const hidSocket = badgePty === null ? null : join(dir.path, 'magstripe.sock');
  const dataDir = join(options.dataParent ?? dir.path, 'data');
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(dir.path, 'site.json');
  const mode = options.mode ?? 'kiosk';
  const site = withKeyboardWedge(
    siteFile(scanner.devicePath, timings, options.hub, badgePty?.devicePath ?? null, mode, options.languages),
    options.keyboardWedge,
  );
  writeFileSync(configFile, options.tablet === undefined ? site : JSON.stringify({ ...(JSON.parse(site) as object), tablet: options.tablet }, null, 2));
  const clockFile = options.testClock === true ? join(dir.path, 'clock.json') : null;
  if (clockFile !== null) writeFileSync(clockFile, JSON.stringify({ offsetMs: 0 }));
  if (options.storeFile !== undefined) {
    copyFileSync(options.storeFile, join(dataDir, 'device.sqlite'));
  } else if (options.hub === undefined) {
    await seedDemoResidents(join(dataDir, 'device.sqlite'));
  } else if (options.enroll !== false) {
    // As staff would in service mode: enroll with a one-time code; the residents then arrive by sync.
    const enrolled = await enrollDevice({
      dataDir,
      hubUrl: options.hub.url,
      code: options.hub.enrollmentCode,
      deviceName: deviceSection(mode).name,
      appVersion: 'e2e',
    });
    if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.error.message}`);
  }
  const hostLaunch: HostLaunch = { configFile, dataDir, hidSocket, clockFile, rendererDir: options.rendererDir ?? null };
  let host = await startHostProcess(hostLaunch);
  const simulatedReaders: SimulatedReaders | null =
    badgePty === null || hidSocket === null
      ? null
      : { magstripeSocket: hidSocket, badgePty, badge: (line) => writeToTerminal(badgePty.hostPath, Buffer.from(`${line}\r\n`, 'latin1')) };
  return {
    get url() {
      return host.url;
    },
    dataDir,
    get hostSpawnedAt() {
      return host.spawnedAt;
    },
    scan: async (text) => {
      await simulateScan(scanner.hostPath, text, { symbology: 'code39' });
    },
    async setClockOffset(offsetMs) {
      if (clockFile === null) throw new Error('launch the kiosk with testClock: true to move its clock');
      writeFileSync(clockFile, JSON.stringify({ offsetMs }));
      // The host polls the file every 50 ms.
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    sendRaw: (bytes) => scanner.write(bytes),
    simulatedReaders,
    // As a supervised kiosk restarts: the same port, and the host keeps its token, so the address stays the same and an
    // open page reconnects by itself.
    async restart() {
      await stopProcess(host.process);
      host = await startHostProcess(hostLaunch, Number(new URL(host.url).port));
    },
    async kill() {
      await stopProcess(host.process, 'SIGKILL');
      host = await startHostProcess(hostLaunch, Number(new URL(host.url).port));
    },
    suspend() {
      host.process.kill('SIGSTOP');
    },
    resume() {
      host.process.kill('SIGCONT');
    },
    async stop() {
      // A host left suspended by a failed test would never act on SIGTERM.
      if (host.process.exitCode === null && host.process.signalCode === null) host.process.kill('SIGCONT');
      await stopProcess(host.process);
      await scanner.kill();
      await badgePty?.kill();
      dir.remove();
    },
  };
}

export const defaultTimings: SessionTimings = { idleSeconds: 120, idleWarningSeconds: 30, maxSessionMinutes: 15 };
