// reader-latency: from the last byte of a read going in to the device runtime's session event coming out, per reader
// kind, through the real drivers and a real runtime (store with seeded residents, credential rules, session machine,
// bridge events, the device logger writing its file). The clock starts just before the write (or emit, or key push)
// that carries a read's last byte and stops in the bridge listener that receives `session.changed` with the PIN
// screen: the session machine has taken the credential and identified the resident. Between scans the session is
// cancelled back to attract, and scans alternate between two residents.
//
// A serial read goes in as one write(2) of the whole frame on the pty's host side, so its last byte is in that write:
// a USB-CDC scanner sends a read in one bulk packet, and the drivers must not depend on bytes arriving apart.
//
// Every figure is paired with a baseline taken in the same run, interleaved scan by scan with the measured ones: the
// same bytes through the same transport to a bare listener, with no driver and no runtime. The ratio is the number to
// compare between runs; the machines are shared and noisy.
//
//  serialScanner — serial-scanner.ts on a socat pty pair; an AIM Code 39 scan `]A0R100001\r` written on the host side.
//                  Baseline: a bare SerialPort on a second pty pair, until all the scan's bytes have arrived.
//  serialRfid    — serial-rfid.ts on a pty pair; a pcProx line `101:100001\r\n`. Baseline: as the scanner's.
//  hidMagstripe  — hid-magstripe.ts with an injected device of node-hid's async shape, fed a real MagTek report
//                  (337 bytes, track 2 `;100001?`). Baseline: a bare 'data' listener on another such device.
//  keyboardWedge — keyboard-wedge.ts fed by wedge-detector.ts, as a shell feeds it: Shift and the keys of `R100001`
//                  are pushed unmeasured; the clock starts before the suffix key (Enter) is pushed, which makes the
//                  detector emit the frame. Baseline: the same keys into a detector alone, until the frame.
import { closeSync, constants as fsConstants, openSync, writeSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { createKeyboardWedgeReader } from '../../hardware/drivers/keyboard-wedge';
import {
  createHidMagstripeReader,
  magtekUsagePage,
  magtekVendorId,
  type HidApi,
  type HidDeviceInfo,
  type HidInputDevice,
} from '../../hardware/drivers/hid-magstripe';
import { createSerialRfidReader } from '../../hardware/drivers/serial-rfid';
import { createSerialScanner } from '../../hardware/drivers/serial-scanner';
import { createWedgeDetector, type WedgeAction, type WedgeDetector, type WedgeKey } from '../../hardware/keyboard/wedge-detector';
import { encodeMagtekReport } from '../../hardware/parsers/magtek-hid-report';
import type { CredentialReader } from '../../hardware/reader';
import { badgeBytes } from '../../hardware/simulators/serial-rfid-simulator';
import { scannerBytes } from '../../hardware/simulators/serial-scanner-simulator';
import { startPtyPair, type PtyPair } from '../../hardware/simulators/pty-pair';
import { ReaderConfig } from '../../hardware/reader-config';
import { KioskConfig, type KioskConfigInput } from '../../kiosk-config/schema';
import type { SessionView } from '../../main/contract';
import { createDeviceRuntime, type DeviceRuntime } from '../../main/runtime';
import { credentialIdOf, demoResidents, seedDemoResidents } from '../../scripts/demo-data';
import { makeTempDir } from '../support/temp-dir';
import { benchCount, machineLoad } from './bench-env';
import { percentile, printResult } from './stats';

const readerKinds = ['serialScanner', 'serialRfid', 'hidMagstripe', 'keyboardWedge'] as const;
type ReaderKind = (typeof readerKinds)[number];

/** Unmeasured scans per side before the measured ones: JIT, the store's page cache, the pty and socat warm. */
const warmUpScans = 500;
/** A scan whose event has not come by then was lost: the benchmark fails rather than measure around it. */
const eventTimeoutMs = 10_000;

/** The demo residents' credential ids (seedDemoResidents stores `R100001` as `100001`); scans alternate between two. */
const residentIds = demoResidents.slice(0, 2).map((resident) => credentialIdOf(resident.badge));
const residentIdOf = (index: number): string => residentIds[index % residentIds.length] as string;

/** One kind, set up: a measured scan through driver and runtime, and a baseline scan through the bare transport. */
interface KindBench {
  /** ms from just before the last byte went in to the PIN screen's session event. */
  measured(index: number): Promise<number>;
  /** ms from just before the same last byte went in to a bare listener having it. */
  baseline(index: number): Promise<number>;
  /** Figures for the RESULT line after the run (the driver's read counts, as a check nothing was lost). */
  readerCounts(): { good_reads: number; bad_reads: number };
  close(): Promise<void>;
}

/** printResult keeps two decimals; sub-millisecond figures (HID, detector) need their significant digits. */
function ms(value: number): number | string {
  return value >= 1 ? value : String(Number(value.toPrecision(3)));
}

function siteConfig(credentials: KioskConfigInput['credentials']): KioskConfig {
  return KioskConfig.parse({
    site: { name: 'Bench Site' },
    device: { name: 'Bench Kiosk', mode: 'kiosk', housingUnit: 'B' },
    languages: { offered: ['en', 'es'], default: 'en' },
    session: { idleSeconds: 60, idleWarningSeconds: 15, maxSessionMinutes: 15 },
    // The reader under test is injected (the HID one needs its fake node-hid); the site file names none.
    readers: [],
    credentials,
  } satisfies KioskConfigInput);
}

/** A real device runtime over a store seeded with the demo residents, with `reader` as its one reader. */
interface SessionProbe {
  /** Runs `lastByteIn` with the clock started, resolves with ms until the PIN screen's event, then cancels back to attract. */
  scan(lastByteIn: () => void): Promise<number>;
  stop(): Promise<void>;
}

async function startSessionProbe(dataDir: string, credentials: KioskConfigInput['credentials'], reader: CredentialReader): Promise<SessionProbe> {
  await seedDemoResidents(join(dataDir, 'device.sqlite'));
  const runtime: DeviceRuntime = await createDeviceRuntime({ config: siteConfig(credentials), dataDir, readers: [reader] });
  if (reader.health().connection !== 'connected') {
    await runtime.stop();
    throw new Error(`${reader.kind} did not connect: ${JSON.stringify(reader.health())}`);
  }
  let arrived: ((at: number) => void) | null = null;
  const stopListening = runtime.bridge.onEvent((name, payload) => {
    // The clock is read first, before anything else this listener does.
    const at = performance.now();
    if (name === 'session.changed' && (payload as SessionView).phase === 'pinEntry') arrived?.(at);
  });
  return {
    async scan(lastByteIn) {
      const event = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no PIN screen within ${eventTimeoutMs} ms of a scan`)), eventTimeoutMs);
        arrived = (at) => {
          clearTimeout(timer);
          arrived = null;
          resolve(at);
        };
      });
      const started = performance.now();
      lastByteIn();
      const elapsed = (await event) - started;
      // Back to attract, so the next scan moves the session again (attract → identifying → pinEntry).
      const cancelled = await runtime.bridge.call('session.cancel', {});
      if (!cancelled.ok) throw new Error(`session.cancel refused: ${cancelled.error.code}`);
      return elapsed;
    },
    async stop() {
      stopListening();
      await runtime.stop();
    },
  };
}

/** Opens the host side of a pty once and keeps it: each scan is then one write(2), as a reader's USB packet is. */
function openHost(pair: PtyPair): number {
  // O_NOCTTY: the pty must never become this process's controlling terminal.
  return openSync(pair.hostPath, fsConstants.O_WRONLY | fsConstants.O_NOCTTY);
}

/**
 * The baseline end of a serial transport: a SerialPort (the package and settings the drivers use) on the device side,
 * with a bare 'data' listener that notes when a scan's last byte has arrived.
 */
async function openBarePort(path: string): Promise<{ read(bytes: Buffer, write: () => void): Promise<number>; close(): Promise<void> }> {
  const port = new SerialPort({ path, baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none', autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  let expected = 0;
  let received = 0;
  let arrived: ((at: number) => void) | null = null;
  port.on('data', (chunk: Buffer) => {
    const at = performance.now();
    received += chunk.length;
    if (received >= expected) arrived?.(at);
  });
  return {
    async read(bytes, write) {
      received = 0;
      expected = bytes.length;
      const event = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the bare port did not get ${bytes.length} bytes within ${eventTimeoutMs} ms`)), eventTimeoutMs);
        arrived = (at) => {
          clearTimeout(timer);
          arrived = null;
          resolve(at);
        };
      });
      const started = performance.now();
      write();
      return (await event) - started;
    },
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

/** A serial kind: the driver on one pty pair inside the runtime, the bare port on another, the same bytes to both. */
async function serialBench(
  dir: string,
  reader: (devicePath: string) => CredentialReader,
  credentials: KioskConfigInput['credentials'],
  bytesFor: (residentId: string) => Buffer,
): Promise<KindBench> {
  const readerPair = await startPtyPair(dir, { deviceName: 'reader-device', hostName: 'reader-host' });
  const barePair = await startPtyPair(dir, { deviceName: 'bare-device', hostName: 'bare-host' });
  const driver = reader(readerPair.devicePath);
  const probe = await startSessionProbe(join(dir, 'data'), credentials, driver);
  const bare = await openBarePort(barePair.devicePath);
  const readerHost = openHost(readerPair);
  const bareHost = openHost(barePair);
  return {
    measured(index) {
      const bytes = bytesFor(residentIdOf(index));
      return probe.scan(() => writeSync(readerHost, bytes));
    },
    baseline(index) {
      const bytes = bytesFor(residentIdOf(index));
      return bare.read(bytes, () => writeSync(bareHost, bytes));
    },
    readerCounts: () => ({ good_reads: driver.health().goodReads, bad_reads: driver.health().badReads }),
    async close() {
      closeSync(readerHost);
      closeSync(bareHost);
      await bare.close();
      await probe.stop();
      await readerPair.kill();
      await barePair.kill();
    },
  };
}

function serialScannerBench(dir: string): Promise<KindBench> {
  return serialBench(
    dir,
    (path) => {
      const config = ReaderConfig.parse({ id: 'scanner', kind: 'serialScanner', path, suffix: 'CR', symbologyIdentifier: true });
      if (config.kind !== 'serialScanner') throw new Error('not a scanner config');
      return createSerialScanner(config);
    },
    { resident: { pattern: '^R(\\d{6})$', symbologies: ['code39', 'code128'] }, staff: { pattern: '^S(\\d{5})$' } },
    (residentId) => scannerBytes(`R${residentId}`, { symbology: 'code39', suffix: '\r' }),
  );
}

function serialRfidBench(dir: string): Promise<KindBench> {
  const line = { kind: 'cardId', base: 'decimal', facilityDelimiter: ':' } as const;
  return serialBench(
    dir,
    (path) => {
      const config = ReaderConfig.parse({ id: 'badge', kind: 'serialRfid', path, line });
      if (config.kind !== 'serialRfid') throw new Error('not an RFID config');
      return createSerialRfidReader(config);
    },
    // Facility 101 is the residents' wristbands; the driver hands over `facility:card`.
    { resident: { pattern: '^101:(\\d{6})$' }, staff: { pattern: '^42:(\\d+)$' } },
    (residentId) => badgeBytes({ kind: 'cardId', facilityCode: 101, cardId: BigInt(residentId) }, { line, lineEnding: '\r\n' }),
  );
}

/**
 * An open handle in node-hid's async shape (HIDAsync): an EventEmitter that emits each input report as a Buffer on
 * 'data'. node-hid's read thread hands a report to JavaScript by calling emit('data') from its callback; the bench
 * calls emit itself, so this transport has no kernel or thread hop in it (there is no /dev/uhid on this machine).
 */
class BenchHidDevice extends EventEmitter implements HidInputDevice {
  async close(): Promise<void> {
    this.removeAllListeners();
  }
}

const hidDevicePath = '/dev/hidraw-bench';

async function hidMagstripeBench(dir: string): Promise<KindBench> {
  const device = new BenchHidDevice();
  const listed: HidDeviceInfo = { vendorId: magtekVendorId, productId: 0x0002, path: hidDevicePath, usagePage: magtekUsagePage };
  const bus: HidApi = {
    devicesAsync: async () => [{ ...listed }],
    HIDAsync: {
      open: async (path) => {
        if (path !== hidDevicePath) throw new Error(`no device at ${path}`);
        return device;
      },
    },
  };
  const config = ReaderConfig.parse({ id: 'swipe', kind: 'hidMagstripe', track: 2, content: 'trackData' });
  if (config.kind !== 'hidMagstripe') throw new Error('not a HID config');
  const driver = createHidMagstripeReader(config, { hid: async () => bus });
  // A facility card carrying a bare number on track 2, in the 337-byte report (field size 110).
  const reports = new Map(
    residentIds.map((residentId) => [
      residentId,
      Buffer.from(encodeMagtekReport([{ status: 'empty' }, { status: 'read', text: `;${residentId}?` }, { status: 'empty' }], { fieldSize: 110 })),
    ]),
  );
  const reportFor = (index: number): Buffer => Buffer.from(reports.get(residentIdOf(index)) as Buffer);
  const probe = await startSessionProbe(join(dir, 'data'), { resident: { pattern: '^(\\d{6})$' } }, driver);

  const bareDevice = new BenchHidDevice();
  let bareAt = Number.NaN;
  bareDevice.on('data', () => {
    bareAt = performance.now();
  });
  return {
    measured(index) {
      // A fresh Buffer per swipe, as node-hid allocates one per report; made before the clock starts.
      const report = reportFor(index);
      return probe.scan(() => device.emit('data', report));
    },
    async baseline(index) {
      const report = reportFor(index);
      bareAt = Number.NaN;
      const started = performance.now();
      bareDevice.emit('data', report);
      if (Number.isNaN(bareAt)) throw new Error('the bare listener did not get the report');
      return bareAt - started;
    },
    readerCounts: () => ({ good_reads: driver.health().goodReads, bad_reads: driver.health().badReads }),
    async close() {
      await probe.stop();
      await bareDevice.close();
    },
  };
}

/** The keys a keyboard-mode reader types for a wristband `R100001`: Shift for the capital, then the characters. */
function wedgeKeys(residentId: string, at: number): WedgeKey[] {
  return [{ key: 'Shift', at }, ...[...`R${residentId}`].map((key) => ({ key, at }))];
}

/** Pushes the read's keys, unmeasured, so that the next key pushed (the suffix) completes the frame. */
function pushAllButSuffix(detector: WedgeDetector, residentId: string): void {
  for (const key of wedgeKeys(residentId, performance.now())) {
    const actions = detector.push(key);
    if (actions.some((action) => action.kind !== 'hold')) throw new Error('the detector did not hold a reader burst');
  }
}

function frameOf(actions: readonly WedgeAction[]): string {
  const frame = actions.find((action) => action.kind === 'frame');
  if (frame?.kind !== 'frame') throw new Error(`the suffix did not complete a frame: ${actions.map((action) => action.kind).join(', ')}`);
  return frame.text;
}

/**
 * The keyboard-mode reader: a shell runs the detector on its keyboard stream and hands each frame to the driver's
 * acceptFrame. Here the bench is the shell, in the runtime's process. Measured: the suffix key pushed into a detector →
 * frame → acceptFrame → runtime → PIN screen event. Baseline: the suffix key pushed into a second detector → frame
 * (the detector alone, the "bare listener" of this transport). Not included: the hop a real shell adds before the
 * runtime (Electron's IPC, or the page's WebSocket under the web host).
 */
async function keyboardWedgeBench(dir: string): Promise<KindBench> {
  const config = ReaderConfig.parse({ id: 'wedge', kind: 'keyboardWedge' });
  if (config.kind !== 'keyboardWedge') throw new Error('not a keyboard wedge config');
  const driver = createKeyboardWedgeReader(config);
  const probe = await startSessionProbe(join(dir, 'data'), { resident: { pattern: '^R(\\d{6})$' } }, driver);
  const shellDetector = createWedgeDetector(driver.settings);
  const bareDetector = createWedgeDetector(driver.settings);
  return {
    measured(index) {
      pushAllButSuffix(shellDetector, residentIdOf(index));
      const suffix: WedgeKey = { key: 'Enter', at: performance.now() };
      return probe.scan(() => driver.acceptFrame(frameOf(shellDetector.push(suffix))));
    },
    async baseline(index) {
      pushAllButSuffix(bareDetector, residentIdOf(index));
      const suffix: WedgeKey = { key: 'Enter', at: performance.now() };
      const started = performance.now();
      const text = frameOf(bareDetector.push(suffix));
      const elapsed = performance.now() - started;
      if (text !== `R${residentIdOf(index)}`) throw new Error('the detector framed the wrong text');
      return elapsed;
    },
    readerCounts: () => ({ good_reads: driver.health().goodReads, bad_reads: driver.health().badReads }),
    close: () => probe.stop(),
  };
}

interface KindSetUp {
  /** The RESULT line's name. */
  readonly name: string;
  readonly transport: string;
  /** The baseline's key on the RESULT line, `baseline_<what>_p50_ms`. */
  readonly baselineKey: string;
  start(dir: string): Promise<KindBench>;
}

const kinds: Record<ReaderKind, KindSetUp> = {
  serialScanner: { name: 'reader-latency-serialScanner', transport: 'pty', baselineKey: 'bare_port', start: serialScannerBench },
  serialRfid: { name: 'reader-latency-serialRfid', transport: 'pty', baselineKey: 'bare_port', start: serialRfidBench },
  hidMagstripe: { name: 'reader-latency-hidMagstripe', transport: 'injectedHid', baselineKey: 'bare_listener', start: hidMagstripeBench },
  keyboardWedge: { name: 'reader-latency-keyboardWedge', transport: 'detector', baselineKey: 'detector', start: keyboardWedgeBench },
};

function requestedKinds(): ReaderKind[] {
  const raw = process.env.BENCH_READER_KINDS;
  if (raw === undefined || raw === '') return [...readerKinds];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(readerKinds as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_READER_KINDS: unknown ${unknown.join(', ')}; known: ${readerKinds.join(', ')}`);
  return readerKinds.filter((kind) => names.includes(kind));
}

async function benchKind(kind: KindSetUp, scans: number, sizeNote: Record<string, string>): Promise<void> {
  const dir = makeTempDir('dayroom-bench-reader-');
  const load = machineLoad();
  try {
    const bench = await kind.start(dir.path);
    try {
      const warmUp = Math.min(warmUpScans, scans);
      for (let index = 0; index < warmUp; index += 1) {
        await bench.baseline(index);
        await bench.measured(index);
      }
      const measuredMs: number[] = [];
      const baselineMs: number[] = [];
      for (let index = 0; index < scans; index += 1) {
        // Interleaved, and in alternating order, so drift in the machine's load reaches both sides alike.
        if (index % 2 === 0) {
          baselineMs.push(await bench.baseline(index));
          measuredMs.push(await bench.measured(index));
        } else {
          measuredMs.push(await bench.measured(index));
          baselineMs.push(await bench.baseline(index));
        }
      }
      const counts = bench.readerCounts();
      if (counts.good_reads !== warmUp + scans || counts.bad_reads !== 0)
        throw new Error(`${kind.name}: ${JSON.stringify(counts)} for ${warmUp + scans} scans`);
      const p50 = percentile(measuredMs, 50);
      const baselineP50 = percentile(baselineMs, 50);
      printResult(kind.name, {
        scans,
        transport: kind.transport,
        p50_ms: ms(p50),
        p99_ms: ms(percentile(measuredMs, 99)),
        max_ms: ms(Math.max(...measuredMs)),
        [`baseline_${kind.baselineKey}_p50_ms`]: ms(baselineP50),
        [`baseline_${kind.baselineKey}_p99_ms`]: ms(percentile(baselineMs, 99)),
        ratio_to_baseline: p50 / baselineP50,
        warm_up_scans: warmUp,
        ...counts,
        ...load,
        ...sizeNote,
      });
    } finally {
      await bench.close();
    }
  } finally {
    dir.remove();
  }
}

export async function readerLatency(): Promise<void> {
  const scans = benchCount('BENCH_READER_SCANS', 10_000);
  for (const kind of requestedKinds()) await benchKind(kinds[kind], scans.value, scans.note);
}
