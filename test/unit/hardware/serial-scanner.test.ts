// The serial scanner driver with a fake port and a manual retry clock: backoff, reconnects and event
// handling, deterministically. test/integration/serial-scanner.test.ts runs it against real ptys.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SerialScannerReader } from '../../../hardware/reader-config';
import type { ReaderEvent } from '../../../hardware/reader';
import {
  createSerialScanner,
  fullJitterDelayMs,
  type ScannerPort,
  type SerialScannerConfig,
  type SerialScannerOptions,
} from '../../../hardware/drivers/serial-scanner';

/** A device that can be present or absent; each open() makes a port onto it. */
class FakeDevice {
  present = false;
  readonly ports: FakePort[] = [];
  get openPort(): FakePort | undefined {
    return this.ports.find((port) => port.isOpen);
  }
}

class FakePort extends EventEmitter implements ScannerPort {
  isOpen = false;
  constructor(private readonly device: FakeDevice) {
    super();
  }
  open(callback: (error: Error | null) => void): void {
    queueMicrotask(() => {
      if (!this.device.present) return callback(new Error('No such file or directory, cannot open /dev/fake'));
      this.isOpen = true;
      callback(null);
    });
  }
  close(callback: (error: Error | null) => void): void {
    this.isOpen = false;
    queueMicrotask(() => {
      this.emit('close');
      callback(null);
    });
  }
  receive(bytes: string): void {
    this.emit('data', Buffer.from(bytes, 'latin1'));
  }
  unplug(): void {
    this.isOpen = false;
    this.device.present = false;
    this.emit('close', new Error('bad file descriptor'));
  }
}

/** Retry timers the test fires by hand. */
class ManualSchedule {
  readonly delays: number[] = [];
  private pending: { callback: () => void; cancelled: boolean } | null = null;
  readonly schedule = (callback: () => void, delayMs: number): (() => void) => {
    const entry = { callback, cancelled: false };
    this.delays.push(delayMs);
    this.pending = entry;
    return () => {
      entry.cancelled = true;
    };
  };
  get hasPending(): boolean {
    return this.pending !== null && !this.pending.cancelled;
  }
  async fire(): Promise<void> {
    const entry = this.pending;
    this.pending = null;
    if (entry === null || entry.cancelled) throw new Error('no retry is pending');
    entry.callback();
    await settle();
  }
}

/** Lets queued microtasks (fake open/close callbacks) run. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await Promise.resolve();
}

function scannerConfig(overrides: Partial<SerialScannerConfig> = {}): SerialScannerConfig {
  return SerialScannerReader.parse({ id: 'unit-b-scanner', kind: 'serialScanner', path: '/dev/fake', ...overrides });
}

function setUp(configOverrides: Partial<SerialScannerConfig> = {}, options: SerialScannerOptions = {}) {
  const device = new FakeDevice();
  const retries = new ManualSchedule();
  let clock = 1_000;
  const scanner = createSerialScanner(scannerConfig(configOverrides), {
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    schedule: retries.schedule,
    now: () => clock,
    // The fake device has no path on disk; the presence check has its own test below.
    presenceCheck: null,
    createPort: () => {
      const port = new FakePort(device);
      device.ports.push(port);
      return port;
    },
    ...options,
  });
  const events: ReaderEvent[] = [];
  scanner.onEvent((event) => events.push(event));
  return {
    device,
    retries,
    scanner,
    events,
    advanceClock: (ms: number) => {
      clock += ms;
    },
    connectionStates: () => events.flatMap((event) => (event.type === 'connection' ? [event.state] : [])),
  };
}

describe('fullJitterDelayMs', () => {
  it('picks uniformly below a ceiling that doubles up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 60].map((attempt) => fullJitterDelayMs(attempt, 250, 5_000, () => 0.999_999));
    expect(ceilings).toEqual([249, 499, 999, 1_999, 3_999, 4_999, 4_999]);
    expect(fullJitterDelayMs(3, 250, 5_000, () => 0)).toBe(0);
    expect(fullJitterDelayMs(3, 250, 5_000, () => 0.5)).toBe(1_000);
  });

  it('stays finite for any attempt count', () => {
    expect(fullJitterDelayMs(10_000, 250, 5_000, () => 0.5)).toBe(2_500);
  });
});

describe('createSerialScanner', () => {
  it('connects to a present device', async () => {
    const { device, scanner, connectionStates } = setUp();
    device.present = true;
    await scanner.start();
    expect(connectionStates()).toEqual(['connecting', 'connected']);
    expect(scanner.health()).toEqual({
      readerId: 'unit-b-scanner',
      kind: 'serialScanner',
      connection: 'connected',
      goodReads: 0,
      badReads: 0,
      badReadsByReason: {},
      problem: null,
      lastEventAt: null,
    });
  });

  it('keeps looking for an absent device with capped, jittered backoff', async () => {
    const { device, retries, scanner, connectionStates } = setUp();
    await scanner.start();
    expect(scanner.health().connection).toBe('disconnected');
    for (let attempt = 0; attempt < 5; attempt += 1) await retries.fire();
    expect(retries.delays).toEqual([50, 100, 200, 400, 500, 500]);
    // Failed retries do not repeat the 'disconnected' event.
    expect(connectionStates()).toEqual(['connecting', 'disconnected']);

    device.present = true;
    await retries.fire();
    expect(connectionStates()).toEqual(['connecting', 'disconnected', 'connected']);
    expect(retries.hasPending).toBe(false);
  });

  it('reopens after an unplug, starting the backoff over', async () => {
    const { device, retries, scanner, events, connectionStates } = setUp();
    device.present = true;
    await scanner.start();
    device.openPort?.unplug();
    expect(scanner.health().connection).toBe('disconnected');
    expect(events.at(-1)).toEqual({ type: 'connection', readerId: 'unit-b-scanner', state: 'disconnected', detail: 'bad file descriptor' });
    await retries.fire();
    await retries.fire();
    device.present = true;
    await retries.fire();
    expect(retries.delays).toEqual([50, 100, 200]);
    expect(connectionStates()).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
  });

  it('a device whose path vanishes with no close or error is lost at the next presence check, and found again', async () => {
    const presence = new ManualSchedule();
    const { device, retries, scanner, events, connectionStates } = setUp(
      {},
      { presenceCheck: { everyMs: 1_000, pathExists: (path) => path === '/dev/fake' && device.present, schedule: presence.schedule } },
    );
    device.present = true;
    await scanner.start();
    // Still there: the check looks again, and nothing changes.
    await presence.fire();
    expect(scanner.health().connection).toBe('connected');
    expect(presence.hasPending).toBe(true);
    // Gone without a word from the port (what a pty once did on a loaded machine).
    device.present = false;
    await presence.fire();
    expect(events.at(-1)).toEqual({ type: 'connection', readerId: 'unit-b-scanner', state: 'disconnected', detail: '/dev/fake is gone' });
    expect(presence.hasPending).toBe(false);
    device.present = true;
    await retries.fire();
    expect(connectionStates()).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(presence.delays).toEqual([1_000, 1_000, 1_000]);
    await scanner.stop();
    expect(presence.hasPending).toBe(false);
  });

  it('drops a half frame from before an unplug', async () => {
    const { device, retries, scanner, events } = setUp();
    device.present = true;
    await scanner.start();
    device.openPort?.receive('R12');
    device.openPort?.unplug();
    device.present = true;
    await retries.fire();
    device.openPort?.receive('R654321\r');
    expect(events.filter((event) => event.type === 'scan')).toEqual([
      { type: 'scan', frame: { readerId: 'unit-b-scanner', text: 'R654321', symbology: null, format: 'barcode' } },
    ]);
  });

  it('emits scans and rejections and counts them', async () => {
    const { device, scanner, events, advanceClock } = setUp({ symbologyIdentifier: true });
    device.present = true;
    await scanner.start();
    device.openPort?.receive(']A0R123456\r');
    advanceClock(100);
    device.openPort?.receive('R123456\r]C0\r\r\x00\x01\r');
    expect(events.filter((event) => event.type !== 'connection')).toEqual([
      { type: 'scan', frame: { readerId: 'unit-b-scanner', text: 'R123456', symbology: 'code39', format: 'barcode' } },
      { type: 'rejected', readerId: 'unit-b-scanner', reason: 'badSymbologyIdentifier' },
      { type: 'rejected', readerId: 'unit-b-scanner', reason: 'emptyFrame' },
      { type: 'rejected', readerId: 'unit-b-scanner', reason: 'emptyFrame' },
      { type: 'rejected', readerId: 'unit-b-scanner', reason: 'unprintable' },
    ]);
    expect(scanner.health()).toMatchObject({ goodReads: 1, badReads: 4, lastEventAt: 1_100 });
  });

  it('keeps a frame whose bytes arrive in quick succession', async () => {
    const { device, scanner, events, advanceClock } = setUp({}, { staleFrameMs: 300 });
    device.present = true;
    await scanner.start();
    device.openPort?.receive('R123');
    advanceClock(300);
    device.openPort?.receive('456\r');
    expect(events.at(-1)).toMatchObject({ type: 'scan', frame: { text: 'R123456' } });
  });

  it('drops a partial frame left on a quiet line instead of gluing it to the next read', async () => {
    const { device, scanner, events, advanceClock } = setUp({}, { staleFrameMs: 300 });
    device.present = true;
    await scanner.start();
    device.openPort?.receive('x');
    advanceClock(301);
    device.openPort?.receive('R123456\r');
    expect(events.at(-1)).toMatchObject({ type: 'scan', frame: { text: 'R123456' } });
  });

  it('reads the next scan after a flood once the line went quiet', async () => {
    const { device, scanner, events, advanceClock } = setUp({ maxFrameLength: 64 }, { staleFrameMs: 300 });
    device.present = true;
    await scanner.start();
    device.openPort?.receive('x'.repeat(5_000));
    device.openPort?.receive('y'.repeat(5_000));
    advanceClock(1_000);
    device.openPort?.receive('R123456\r');
    expect(events.filter((event) => event.type !== 'connection')).toEqual([
      { type: 'rejected', readerId: 'unit-b-scanner', reason: 'oversizeFrame' },
      { type: 'scan', frame: { readerId: 'unit-b-scanner', text: 'R123456', symbology: null, format: 'barcode' } },
    ]);
  });

  it('stop() closes the port and ends retrying', async () => {
    const { device, retries, scanner, connectionStates } = setUp();
    device.present = true;
    await scanner.start();
    device.openPort?.unplug();
    expect(retries.hasPending).toBe(true);
    await scanner.stop();
    expect(retries.hasPending).toBe(false);
    expect(connectionStates().at(-1)).toBe('disconnected');

    const { device: otherDevice, scanner: otherScanner } = setUp();
    otherDevice.present = true;
    await otherScanner.start();
    await otherScanner.stop();
    expect(otherDevice.openPort).toBeUndefined();
    expect(otherScanner.health().connection).toBe('disconnected');
  });

  it('stop() during an open closes the port once it opens', async () => {
    const { device, scanner } = setUp();
    device.present = true;
    const starting = scanner.start();
    await scanner.stop();
    await starting;
    await settle();
    expect(device.ports).toHaveLength(1);
    expect(device.openPort).toBeUndefined();
    expect(scanner.health().connection).toBe('disconnected');
  });

  it('keeps delivering events when a listener throws', async () => {
    const listenerErrors: unknown[] = [];
    const { device, scanner, events } = setUp({}, { onListenerError: (error) => listenerErrors.push(error) });
    scanner.onEvent(() => {
      throw new Error('listener bug');
    });
    device.present = true;
    await scanner.start();
    device.openPort?.receive('R1\r');
    expect(events.map((event) => event.type)).toEqual(['connection', 'connection', 'scan']);
    expect(listenerErrors).toHaveLength(3);
  });

  it('survives a port that throws while being created', async () => {
    const retries = new ManualSchedule();
    const scanner = createSerialScanner(scannerConfig(), {
      schedule: retries.schedule,
      createPort: () => {
        throw new TypeError('bad settings');
      },
    });
    await scanner.start();
    expect(scanner.health().connection).toBe('disconnected');
    expect(retries.hasPending).toBe(true);
    await scanner.stop();
  });

  it('onEvent returns an unsubscribe function', async () => {
    const { device, scanner } = setUp();
    const seen: ReaderEvent[] = [];
    const unsubscribe = scanner.onEvent((event) => seen.push(event));
    unsubscribe();
    device.present = true;
    await scanner.start();
    expect(seen).toEqual([]);
  });

  it.each([
    [{ initialDelayMs: 0 }, /"initialDelayMs"/],
    [{ maxDelayMs: Number.NaN }, /"maxDelayMs"/],
    [{ initialDelayMs: 500, maxDelayMs: 100 }, /"maxDelayMs"/],
    [{ staleFrameMs: -1 }, /"staleFrameMs"/],
  ])('rejects the invalid option %o with a TypeError', (options, message) => {
    expect(() => createSerialScanner(scannerConfig(), options)).toThrow(TypeError);
    expect(() => createSerialScanner(scannerConfig(), options)).toThrow(message);
  });
});
