// Magstripe swipe reader in USB HID mode (MagTek-style, vendor usage page 0xFF00): one input report per
// swipe, read through node-hid's async API (hidraw on Linux). node-hid has no hotplug events, so an unplug
// shows up as a read error: the driver closes the device, marks itself disconnected, enumerates again with
// the serial scanner's backoff and reopens when the reader is back. Track text never goes into errors,
// details or health: only the `scan` event carries what a site rule needs, and nothing else of the card.
import { parseMagtekReport, type MagtekReport, type MagtekReportErrorKind } from '../parsers/magtek-hid-report';
import { parseTrack1, parseTrack2, readTrack } from '../parsers/iso7813';
import type { CredentialReader, ReaderHealth } from '../reader';
import type { HidMagstripeConfig } from '../reader-config';
// The retry policy is the serial readers': one backoff for every reader that can be unplugged.
import { fullJitterDelayMs, type ScheduleRetry } from './serial-line-port';
import { createReaderEventHub } from './reader-event-hub';

/** MagTek's USB vendor id. */
export const magtekVendorId = 0x0801;
/** The vendor-defined usage page MagTek swipe readers report on; their other interfaces (keyboard emulation) use other pages. */
export const magtekUsagePage = 0xff00;

/** The device info node-hid's `devicesAsync()` lists; only the fields the driver reads. */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly usagePage?: number | undefined;
}

/** An open device, as node-hid's `HIDAsync`: reading starts when a 'data' listener is added. */
export interface HidInputDevice {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
  close(): Promise<void>;
}

/** What the driver needs of the node-hid module; `import('node-hid')` satisfies it. */
export interface HidApi {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  readonly HIDAsync: { open(path: string): Promise<HidInputDevice> };
}

/** Loads the HID library; rejects when it cannot (package missing, libusb/libudev absent). */
export type HidLoader = () => Promise<HidApi>;

/**
 * Why a swipe was not a read: the magstripe part of ReadRejectionReason (main/contract/schemas.ts), which the
 * `rejected` event carries and health().badReadsByReason counts.
 */
export type MagstripeRejectionReason =
  | MagtekReportErrorKind // the report itself is malformed: wrong model/field size, corrupt bytes
  | 'decodeError' // the reader flagged the configured track (bit 0 of its status byte): a bad swipe
  | 'blankCard' // encode type "blank", or no track at all
  | 'trackMissing' // other tracks read, the configured one is empty: a different kind of card
  | 'badTrack'; // sentinels, characters, LRC or the ISO layout of the configured track are wrong

export const magstripeRejectionReasons: readonly MagstripeRejectionReason[] = [
  'reportTooShort',
  'unexpectedReportLength',
  'trackLengthBeyondField',
  'unprintableTrackData',
  'decodeError',
  'blankCard',
  'trackMissing',
  'badTrack',
];

/** A condition that keeps the reader from working at all, with words for service mode. */
export type HidReaderProblem =
  | { readonly kind: 'hidLibraryUnavailable'; readonly message: string }
  | { readonly kind: 'deviceNotFound'; readonly message: string }
  | { readonly kind: 'cannotOpen'; readonly message: string };

export interface HidMagstripeHealth extends ReaderHealth {
  readonly badReadsByReason: Readonly<Record<MagstripeRejectionReason, number>>;
  /** What kind of problem `problem` words, null while the reader works (or before the first attempt). */
  readonly problemKind: HidReaderProblem['kind'] | null;
}

export interface HidMagstripeReader extends CredentialReader {
  health(): HidMagstripeHealth;
}

export interface HidMagstripeOptions {
  /** First reopen delay ceiling; doubles per failed attempt. Default 250, as the serial scanner. */
  readonly initialDelayMs?: number;
  /** Largest reopen delay ceiling. Default 5000, as the serial scanner. */
  readonly maxDelayMs?: number;
  /** Uniform in [0, 1): picks each delay below its ceiling. Default Math.random. */
  readonly random?: () => number;
  /** Default setTimeout/clearTimeout. */
  readonly schedule?: ScheduleRetry;
  /** Clock for health().lastEventAt. Default Date.now. */
  readonly now?: () => number;
  /** Default: the real node-hid, imported on first use. Tests pass a fake with node-hid's async shape. */
  readonly hid?: HidLoader;
  /** Told when an event listener throws; the driver carries on either way. Default: ignore. */
  readonly onListenerError?: (error: unknown) => void;
}

export const hidMagstripeKind = 'hidMagstripe';
const scanFormat = 'magstripe';

/**
 * The real node-hid, loaded on first use so that a machine without libusb runs everything else. Importing
 * the package does not load its native binding; getHidapiVersion() does, so a missing libusb-1.0.so.0 or
 * libudev.so.1 fails here, once, rather than on every enumeration.
 */
const loadNodeHid: HidLoader = async () => {
  const nodeHid = await import('node-hid');
  nodeHid.getHidapiVersion();
  const api: HidApi = nodeHid;
  return api;
};

const scheduleWithTimers: ScheduleRetry = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

function positiveNumber(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`"${name}" must be a positive number: ${String(value)}`);
  return value;
}

function hex4(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}

/** System messages from hidapi name the device path, never report bytes. */
function describeError(error: unknown, fallback: string): string {
  return error instanceof Error && error.message !== '' ? error.message : fallback;
}

function ignoreError(): void {}

function zeroCounts(): Record<MagstripeRejectionReason, number> {
  const counts = {} as Record<MagstripeRejectionReason, number>;
  for (const reason of magstripeRejectionReasons) counts[reason] = 0;
  return counts;
}

type SwipeOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: MagstripeRejectionReason };

function rejected(reason: MagstripeRejectionReason): SwipeOutcome {
  return { ok: false, reason };
}

/** The text a site rule sees for a sound track, or why there is none. */
function textOfTrack(config: HidMagstripeConfig, trackText: string): SwipeOutcome {
  switch (config.content) {
    case 'accountNumber': {
      const result = config.track === 1 ? parseTrack1(trackText) : parseTrack2(trackText);
      return result.ok ? { ok: true, text: result.value.primaryAccountNumber } : rejected('badTrack');
    }
    case 'trackData': {
      const result = readTrack(trackText);
      // readTrack accepts any track; the wrong one would hand, say, track 3 data to a track 2 pattern.
      if (!result.ok || result.value.trackNumber !== config.track) return rejected('badTrack');
      return { ok: true, text: result.value.data };
    }
    default: {
      const unhandled: never = config.content;
      throw new TypeError(`unknown content: ${String(unhandled)}`);
    }
  }
}

function readSwipe(config: HidMagstripeConfig, report: MagtekReport): SwipeOutcome {
  const track = report.tracks[config.track - 1];
  // The tuple index is 0 or 1, so this only satisfies noUncheckedIndexedAccess.
  if (track === undefined) return rejected('trackMissing');
  switch (track.status) {
    case 'read':
      return textOfTrack(config, track.text);
    case 'decodeError':
      return rejected('decodeError');
    case 'empty': {
      const nothingRead = report.tracks.every((other) => other.status === 'empty');
      return rejected(report.cardEncodeType === 'blank' || nothingRead ? 'blankCard' : 'trackMissing');
    }
    default: {
      const unhandled: never = track;
      throw new TypeError(`unknown track status: ${String(unhandled)}`);
    }
  }
}

/** Among listed devices, the reader's swipe interface: the vendor page when the platform reports pages. */
function chooseDevice(devices: readonly HidDeviceInfo[], vendorId: number, productId: number | undefined): HidDeviceInfo | null {
  const candidates = devices.filter(
    (device) =>
      device.vendorId === vendorId && (productId === undefined || device.productId === productId) && typeof device.path === 'string' && device.path !== '',
  );
  return candidates.find((device) => device.usagePage === magtekUsagePage) ?? candidates[0] ?? null;
}

export function createHidMagstripeReader(config: HidMagstripeConfig, options: HidMagstripeOptions = {}): HidMagstripeReader {
  const initialDelayMs = positiveNumber('initialDelayMs', options.initialDelayMs ?? 250);
  const maxDelayMs = positiveNumber('maxDelayMs', options.maxDelayMs ?? 5000);
  if (maxDelayMs < initialDelayMs) throw new TypeError('"maxDelayMs" must be at least "initialDelayMs"');
  if (config.track !== 1 && config.track !== 2) throw new TypeError(`"track" must be 1 or 2: ${String(config.track)}`);
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? scheduleWithTimers;
  const now = options.now ?? Date.now;
  const loadHid = options.hid ?? loadNodeHid;
  const onListenerError = options.onListenerError ?? ignoreError;
  const vendorId = config.vendorId ?? magtekVendorId;
  // The parser validates fieldSize before it looks at bytes: a nonsense model setting throws here, at
  // creation like the other options, rather than on the first swipe.
  if (config.fieldSize !== undefined) parseMagtekReport(new Uint8Array(0), { fieldSize: config.fieldSize });

  const readerId = config.id;

  let running = false;
  const events = createReaderEventHub(readerId, onListenerError);
  const { emit, setConnection } = events;
  let problem: HidReaderProblem | null = null;
  let goodReads = 0;
  let badReads = 0;
  const badReadsByReason = zeroCounts();
  let lastEventAt: number | null = null;
  /** Loaded once: a library that failed to load will not load later in this process either. */
  let hidLoad: Promise<HidApi> | null = null;
  /** The device open and being read; null while looking for it, waiting to retry, or stopped. */
  let currentDevice: HidInputDevice | null = null;
  /** The attempt under way; stop() waits for it so a device opened meanwhile is closed, not leaked. */
  let pendingAttempt: Promise<void> | null = null;
  const closingDevices = new WeakMap<HidInputDevice, Promise<void>>();
  let cancelRetry: (() => void) | null = null;
  let failedAttempts = 0;

  function reportScan(text: string): void {
    goodReads += 1;
    lastEventAt = now();
    emit({ type: 'scan', frame: { readerId, text, symbology: null, format: scanFormat } });
  }

  function reportRejection(reason: MagstripeRejectionReason): void {
    badReads += 1;
    badReadsByReason[reason] += 1;
    lastEventAt = now();
    emit({ type: 'rejected', readerId, reason });
  }

  function handleReport(report: Buffer): void {
    // parseMagtekReport never throws on report bytes, only on a bad fieldSize, which start() has already met.
    const parsedReport = parseMagtekReport(report, config.fieldSize === undefined ? {} : { fieldSize: config.fieldSize });
    if (!parsedReport.ok) {
      reportRejection(parsedReport.error.kind);
      return;
    }
    const outcome = readSwipe(config, parsedReport.value);
    if (outcome.ok) reportScan(outcome.text);
    else reportRejection(outcome.reason);
  }

  /** Detaches the driver from a device and closes it, once. Late errors from a retired device are swallowed. */
  function retireDevice(device: HidInputDevice): Promise<void> {
    const closing = closingDevices.get(device);
    if (closing !== undefined) return closing;
    device.removeAllListeners();
    // An 'error' with no listener would crash the process; node-hid may still report the failed read.
    device.on('error', ignoreError);
    // Closing a device whose handle the kernel already dropped can reject; it is gone either way.
    const closed = device.close().catch(ignoreError);
    closingDevices.set(device, closed);
    return closed;
  }

  function scheduleRetry(): void {
    const delayMs = fullJitterDelayMs(failedAttempts, initialDelayMs, maxDelayMs, random);
    failedAttempts += 1;
    cancelRetry = schedule(() => {
      cancelRetry = null;
      if (running) void attempt();
    }, delayMs);
  }

  function markAbsent(next: HidReaderProblem): void {
    problem = next;
    setConnection('disconnected', next.message);
    scheduleRetry();
  }

  function handleDeviceLost(device: HidInputDevice, error: unknown): void {
    if (device !== currentDevice || !running) return;
    currentDevice = null;
    void retireDevice(device);
    markAbsent({ kind: 'cannotOpen', message: `The card reader stopped responding (unplugged?): ${describeError(error, 'read error')}` });
  }

  /** The path to open now, or the problem that says why there is none. */
  async function findPath(hid: HidApi): Promise<{ readonly path: string } | { readonly problem: HidReaderProblem }> {
    if (config.path !== undefined) return { path: config.path };
    const wanted = config.productId === undefined ? `vendor ${hex4(vendorId)}` : `${hex4(vendorId)}:${hex4(config.productId)}`;
    let devices: HidDeviceInfo[];
    try {
      devices = await hid.devicesAsync();
    } catch (error) {
      return { problem: { kind: 'deviceNotFound', message: `Cannot list USB HID devices: ${describeError(error, 'enumeration failed')}` } };
    }
    const device = chooseDevice(devices, vendorId, config.productId);
    if (device === null || device.path === undefined) {
      return { problem: { kind: 'deviceNotFound', message: `No card reader with USB id ${wanted} is plugged in` } };
    }
    return { path: device.path };
  }

  async function attemptOnce(): Promise<void> {
    if (hidLoad === null) hidLoad = loadHid();
    let hid: HidApi;
    try {
      hid = await hidLoad;
    } catch (error) {
      // No retry: the library will not appear in a running process. Words for service mode, no crash.
      problem = {
        kind: 'hidLibraryUnavailable',
        message: `The USB card reader library (node-hid) could not load, so this reader cannot work; check that libusb-1.0 and libudev are installed: ${describeError(error, 'load failed')}`,
      };
      setConnection('disconnected', problem.message);
      return;
    }
    if (!running) return;
    const found = await findPath(hid);
    if (!running) return;
    if ('problem' in found) {
      markAbsent(found.problem);
      return;
    }
    let device: HidInputDevice;
    try {
      device = await hid.HIDAsync.open(found.path);
    } catch (error) {
      if (running)
        markAbsent({
          kind: 'cannotOpen',
          message: `Cannot open the card reader at ${found.path} (permissions or udev rule?): ${describeError(error, 'open failed')}`,
        });
      return;
    }
    if (!running) {
      await retireDevice(device);
      return;
    }
    currentDevice = device;
    device.on('error', (error) => handleDeviceLost(device, error));
    // Adding the 'data' listener is what starts node-hid's read loop, so it goes last.
    device.on('data', (report) => {
      if (device === currentDevice) handleReport(report);
    });
    failedAttempts = 0;
    problem = null;
    setConnection('connected', null);
  }

  /** One attempt to find and open the reader; settles when the attempt has, and never rejects. */
  function attempt(): Promise<void> {
    const current = attemptOnce().finally(() => {
      if (pendingAttempt === current) pendingAttempt = null;
    });
    pendingAttempt = current;
    return current;
  }

  return {
    readerId,
    kind: hidMagstripeKind,

    async start() {
      if (running) return;
      running = true;
      failedAttempts = 0;
      setConnection('connecting', null);
      await attempt();
    },

    async stop() {
      if (!running) return;
      running = false;
      cancelRetry?.();
      cancelRetry = null;
      const device = currentDevice;
      currentDevice = null;
      // An attempt still opening retires its own device when it sees running is false.
      await pendingAttempt;
      if (device !== null) await retireDevice(device);
      setConnection('disconnected', 'stopped');
    },

    health(): HidMagstripeHealth {
      return {
        readerId,
        kind: hidMagstripeKind,
        connection: events.connection(),
        goodReads,
        badReads,
        lastEventAt,
        badReadsByReason: { ...badReadsByReason },
        problem: problem?.message ?? null,
        problemKind: problem?.kind ?? null,
      };
    },

    onEvent: events.subscribe,
  };
}
