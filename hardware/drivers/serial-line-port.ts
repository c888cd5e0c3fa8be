// The serial plumbing every serial reader driver shares: opening the port at 8N1, reopening it with
// jittered backoff when the device goes away, connection state, health counters and event delivery.
// A driver supplies only a decoder that turns bytes into reads and rejections (the barcode scanner's
// AIM framing, the RFID reader's pcProx lines). Read text never goes into errors, details or health:
// only the `scan` event carries it.
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { doublingStep, fullJitter } from '../../rules/backoff';
import type { CredentialFormat, Symbology } from '../reader-config';
import type { CredentialReader, ReaderHealth, ReadRejectionReason } from '../reader';
import { createReaderEventHub } from './reader-event-hub';

/** What a driver needs of a serial port; `SerialPort` from the serialport package satisfies it. */
export interface ScannerPort {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close' | 'error', listener: (error?: Error | null) => void): this;
  removeAllListeners(): this;
}

export interface ScannerPortSettings {
  readonly path: string;
  readonly baudRate: number;
}

/** A USB serial adapter or reader by its ids, for sites that do not fix a path (udev names change across ports). */
export interface UsbSerialId {
  readonly vendorId: number;
  readonly productId: number;
  /** Tells two readers of one model apart; omitted, the first one listed is used. */
  readonly serialNumber?: string | undefined;
}

/** Where the reader is: a fixed path (best /dev/serial/by-id/...) or whichever port has these USB ids right now. */
export type SerialLocation = { readonly path: string } | { readonly usb: UsbSerialId };

/** The port list entry fields the driver reads; serialport's `SerialPort.list()` returns them (ids as hex text). */
export interface ListedSerialPort {
  readonly path: string;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
  readonly serialNumber?: string | undefined;
}

/** The location a site file's serial reader entry gives (it has exactly one of `path` and `usb`). */
export function serialLocationOf(config: { readonly path?: string | undefined; readonly usb?: UsbSerialId | undefined }): SerialLocation {
  if (config.path !== undefined) return { path: config.path };
  if (config.usb !== undefined) return { usb: config.usb };
  throw new TypeError('a serial reader needs a path or USB ids');
}

/** Words for where a reader is, for problems and logs (never card data). */
export function describeSerialLocation(location: SerialLocation): string {
  if ('path' in location) return location.path;
  const ids = `${hex4(location.usb.vendorId)}:${hex4(location.usb.productId)}`;
  return location.usb.serialNumber === undefined ? `USB ${ids}` : `USB ${ids} serial ${location.usb.serialNumber}`;
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

/** The first listed port with these USB ids (hex compared as numbers: lists write `0C27` or `0c27`). */
export function findUsbSerialPort(ports: readonly ListedSerialPort[], usb: UsbSerialId): ListedSerialPort | null {
  return (
    ports.find(
      (port) =>
        port.vendorId !== undefined &&
        port.productId !== undefined &&
        Number.parseInt(port.vendorId, 16) === usb.vendorId &&
        Number.parseInt(port.productId, 16) === usb.productId &&
        (usb.serialNumber === undefined || port.serialNumber === usb.serialNumber),
    ) ?? null
  );
}

/** Runs `callback` after `delayMs`; returns a function that cancels it. */
export type ScheduleRetry = (callback: () => void, delayMs: number) => () => void;

export interface SerialReaderOptions {
  /** First reopen delay ceiling; doubles per failed attempt. Default 250. */
  readonly initialDelayMs?: number;
  /** Largest reopen delay ceiling. Default 5000. */
  readonly maxDelayMs?: number;
  /** Uniform in [0, 1): picks each delay below its ceiling. Default Math.random. */
  readonly random?: () => number;
  /** Default setTimeout/clearTimeout. */
  readonly schedule?: ScheduleRetry;
  /**
   * A partial frame older than this when the next bytes arrive is dropped. Readers send a read in one
   * burst, so a quiet line means whatever is held (power-up noise, the tail of a flood) will never get
   * its end, and must not be glued to the next read. Default 500.
   */
  readonly staleFrameMs?: number;
  /** Clock for health().lastEventAt and for staleFrameMs. Default Date.now. */
  readonly now?: () => number;
  /** Default: a `SerialPort` at 8N1 with autoOpen off. Tests pass a mock port. */
  readonly createPort?: (settings: ScannerPortSettings) => ScannerPort;
  /**
   * Lists serial ports, for readers found by USB ids; asked again on every reopen so a reader replugged into another
   * socket is found. Default `SerialPort.list()` (udev on Linux). Tests pass a list, since a pty has no USB ids.
   */
  readonly listPorts?: () => Promise<readonly ListedSerialPort[]>;
  /** Told when an event listener throws; the driver carries on either way. Default: ignore. */
  readonly onListenerError?: (error: unknown) => void;
  /**
   * How an open port's path is checked to still be there, or null for no check. A device that goes away is normally
   * seen at once by a read error or a close; the check catches the time none comes (beside four busy loops a pty's
   * vanishing went unseen by the port for over 30 s). Default: every second, `fs.existsSync` (which follows a link
   * such as /dev/serial/by-id/...), on real timers.
   */
  readonly presenceCheck?: PresenceCheck | null;
}

/** Checks now and then that an open port's device path still exists. */
export interface PresenceCheck {
  readonly everyMs: number;
  readonly pathExists: (path: string) => boolean;
  /** Default setTimeout/clearTimeout; apart from the reopen schedule, so tests that count reopen delays are not disturbed. */
  readonly schedule?: ScheduleRetry;
}

/** How a decoder hands its results to the shared reader, which counts them and emits the events. */
export interface SerialReadSink {
  /** A good read. `text` is secret: it goes into the `scan` event and nowhere else. */
  scan(text: string, symbology: Symbology | null): void;
  reject(reason: ReadRejectionReason): void;
}

/** Turns one reader's byte stream into reads; owns all framing state, so a reset forgets a partial read. */
export interface SerialStreamDecoder {
  push(chunk: Buffer): void;
  reset(): void;
}

export interface SerialReaderDefinition {
  readonly readerId: string;
  /** ReaderHealth.kind, e.g. 'serialScanner'. */
  readonly kind: string;
  /** ScanFrame.format of every read, e.g. 'barcode' or 'rfid'. */
  readonly format: CredentialFormat;
  readonly location: SerialLocation;
  readonly baudRate: number;
  /** Called once; the decoder reports through the sink for as long as the reader lives. */
  createDecoder(sink: SerialReadSink): SerialStreamDecoder;
}

/**
 * Delay before reopen attempt `attempt` (0 for the first after a failure): "full jitter", uniform between 0
 * and min(maxDelayMs, initialDelayMs * 2^attempt), so a room of kiosks that lost a hub do not retry in step.
 */
export function fullJitterDelayMs(attempt: number, initialDelayMs: number, maxDelayMs: number, random: () => number): number {
  return fullJitter(doublingStep(attempt, { first: initialDelayMs, cap: maxDelayMs }), random);
}

const scheduleWithTimers: ScheduleRetry = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

function openSerialPort(settings: ScannerPortSettings): ScannerPort {
  return new SerialPort({ ...settings, dataBits: 8, stopBits: 1, parity: 'none', autoOpen: false });
}

function positiveNumber(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`"${name}" must be a positive number: ${String(value)}`);
  return value;
}

/** Error details for connection events: system messages name the device path, never read text. */
function describeError(error: Error | null | undefined, fallback: string): string {
  return error?.message || fallback;
}

function ignoreError(): void {}

/** A CredentialReader on a serial port, decoding with `definition.createDecoder`. Throws a TypeError for invalid options. */
export function createSerialReader(definition: SerialReaderDefinition, options: SerialReaderOptions = {}): CredentialReader {
  const initialDelayMs = positiveNumber('initialDelayMs', options.initialDelayMs ?? 250);
  const maxDelayMs = positiveNumber('maxDelayMs', options.maxDelayMs ?? 5000);
  if (maxDelayMs < initialDelayMs) throw new TypeError('"maxDelayMs" must be at least "initialDelayMs"');
  const staleFrameMs = positiveNumber('staleFrameMs', options.staleFrameMs ?? 500);
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? scheduleWithTimers;
  const now = options.now ?? Date.now;
  const createPort = options.createPort ?? openSerialPort;
  const listPorts = options.listPorts ?? (() => SerialPort.list());
  const where = describeSerialLocation(definition.location);
  const onListenerError = options.onListenerError ?? ignoreError;
  const presenceCheck = options.presenceCheck === undefined ? { everyMs: 1000, pathExists: existsSync } : options.presenceCheck;
  if (presenceCheck !== null) positiveNumber('presenceCheck.everyMs', presenceCheck.everyMs);

  const { readerId, kind, format } = definition;

  let running = false;
  const events = createReaderEventHub(readerId, onListenerError);
  const { emit, setConnection } = events;
  let goodReads = 0;
  let badReads = 0;
  const badReadsByReason: Partial<Record<ReadRejectionReason, number>> = {};
  /** Words for the last reason the port was lost, while it is; what service mode shows as the problem. */
  let lostBecause: string | null = null;
  let lastEventAt: number | null = null;
  let lastChunkAt: number | null = null;
  /** The port being opened or open; null while waiting to retry or stopped. */
  let currentPort: ScannerPort | null = null;
  /** Cancels the presence check of the open port; null while none is open. */
  let cancelPresenceCheck: (() => void) | null = null;
  let pendingOpen: Promise<void> | null = null;
  const closingPorts = new WeakMap<ScannerPort, Promise<void>>();
  let cancelRetry: (() => void) | null = null;
  let failedAttempts = 0;

  const decoder = definition.createDecoder({
    scan(text, symbology) {
      goodReads += 1;
      lastEventAt = now();
      emit({ type: 'scan', frame: { readerId, text, symbology, format } });
    },
    reject(reason) {
      badReads += 1;
      badReadsByReason[reason] = (badReadsByReason[reason] ?? 0) + 1;
      lastEventAt = now();
      emit({ type: 'rejected', readerId, reason });
    },
  });

  function handleData(chunk: Buffer): void {
    const receivedAt = now();
    if (lastChunkAt !== null && receivedAt - lastChunkAt > staleFrameMs) decoder.reset();
    lastChunkAt = receivedAt;
    decoder.push(chunk);
  }

  /**
   * Detaches the driver from a port and closes it, once. A port still opening is closed by its open
   * callback, which finds it abandoned. Late errors from a retired port are swallowed.
   */
  function retirePort(port: ScannerPort): Promise<void> {
    const closing = closingPorts.get(port);
    if (closing !== undefined) return closing;
    port.removeAllListeners();
    // An 'error' with no listener would crash the process.
    port.on('error', ignoreError);
    if (!port.isOpen) return Promise.resolve();
    const closed = new Promise<void>((resolve) => port.close(() => resolve()));
    closingPorts.set(port, closed);
    return closed;
  }

  function scheduleReopen(): void {
    const delayMs = fullJitterDelayMs(failedAttempts, initialDelayMs, maxDelayMs, random);
    failedAttempts += 1;
    cancelRetry = schedule(() => {
      cancelRetry = null;
      if (running) void openOnce();
    }, delayMs);
  }

  /** While `port` is the open one, checks now and then that its path is still there, and treats it as lost if not. */
  function watchPresence(port: ScannerPort, path: string): void {
    if (presenceCheck === null) return;
    const scheduleCheck = presenceCheck.schedule ?? scheduleWithTimers;
    cancelPresenceCheck = scheduleCheck(() => {
      cancelPresenceCheck = null;
      if (port !== currentPort || !running) return;
      if (presenceCheck.pathExists(path)) watchPresence(port, path);
      else handlePortLost(port, `${path} is gone`);
    }, presenceCheck.everyMs);
  }

  function stopPresenceCheck(): void {
    cancelPresenceCheck?.();
    cancelPresenceCheck = null;
  }

  function handlePortLost(port: ScannerPort | null, detail: string): void {
    if (port !== currentPort || !running) return;
    stopPresenceCheck();
    currentPort = null;
    if (port !== null) void retirePort(port);
    // A half frame from before the loss must not join the first bytes after the reconnect.
    decoder.reset();
    lostBecause = detail;
    setConnection('disconnected', detail);
    scheduleReopen();
  }

  /** The path of the port with the configured USB ids, or words for why there is none (not plugged in). */
  async function findUsbPort(usb: UsbSerialId): Promise<{ readonly path: string } | { readonly missing: string }> {
    try {
      const found = findUsbSerialPort(await listPorts(), usb);
      return found === null ? { missing: `no serial device with ${where} is plugged in` } : { path: found.path };
    } catch (error) {
      return { missing: `cannot list serial ports: ${describeError(error instanceof Error ? error : null, 'unknown error')}` };
    }
  }

  /** One attempt to find and open the port; settles when the attempt has, and never rejects. */
  function openOnce(): Promise<void> {
    const { location } = definition;
    // A fixed path opens at once (the port exists from the first call, so stop() always finds it); USB ids are
    // looked up first, and a stop() during the lookup means nothing is opened at all.
    if ('path' in location) pendingOpen = openAt(location.path);
    else {
      pendingOpen = (async () => {
        const located = await findUsbPort(location.usb);
        if (!running) return;
        if ('missing' in located) handlePortLost(null, located.missing);
        else await openAt(located.path);
      })();
    }
    return pendingOpen;
  }

  function openAt(path: string): Promise<void> {
    let port: ScannerPort;
    try {
      port = createPort({ path, baudRate: definition.baudRate });
    } catch (error) {
      // Only settings the port rejects make this throw; treat it like an absent device and keep trying.
      handlePortLost(null, describeError(error instanceof Error ? error : null, 'cannot create port'));
      return Promise.resolve();
    }
    currentPort = port;
    port.on('data', handleData);
    port.on('close', (error) => handlePortLost(port, describeError(error, 'port closed')));
    port.on('error', (error) => handlePortLost(port, describeError(error, 'port error')));
    return new Promise<void>((resolve) => {
      port.open((error) => {
        if (port !== currentPort) void retirePort(port);
        else if (error) handlePortLost(port, describeError(error, 'cannot open port'));
        else {
          failedAttempts = 0;
          lostBecause = null;
          setConnection('connected', null);
          watchPresence(port, path);
        }
        resolve();
      });
    });
  }

  return {
    readerId,
    kind,

    async start() {
      if (running) return;
      running = true;
      failedAttempts = 0;
      setConnection('connecting', null);
      await openOnce();
    },

    async stop() {
      if (!running) return;
      running = false;
      cancelRetry?.();
      cancelRetry = null;
      stopPresenceCheck();
      const port = currentPort;
      const opening = pendingOpen;
      currentPort = null;
      // A port still opening is retired by its own open callback; wait for that, then for the close.
      await opening;
      if (port !== null) await retirePort(port);
      decoder.reset();
      setConnection('disconnected', 'stopped');
    },

    health(): ReaderHealth {
      const problem = running && lostBecause !== null ? `Cannot reach the reader at ${where}: ${lostBecause}` : null;
      return { readerId, kind, connection: events.connection(), goodReads, badReads, badReadsByReason: { ...badReadsByReason }, problem, lastEventAt };
    },

    onEvent: events.subscribe,
  };
}
