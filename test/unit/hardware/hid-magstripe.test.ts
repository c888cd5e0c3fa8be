// The HID magstripe driver against an injected device with node-hid's async shape (this machine has no
// /dev/uhid for a virtual kernel HID device), fed real report bytes from encodeMagtekReport, with a manual
// retry clock: swipes, bad reports, unplug and replug, stop, and a node-hid that cannot load.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ReaderEvent } from '../../../hardware/reader';
import {
  createHidMagstripeReader,
  magtekUsagePage,
  magtekVendorId,
  type HidApi,
  type HidDeviceInfo,
  type HidInputDevice,
  type HidMagstripeOptions,
} from '../../../hardware/drivers/hid-magstripe';
import { encodeMagtekReport, type MagtekTrack } from '../../../hardware/parsers/magtek-hid-report';
import type { HidMagstripeConfig } from '../../../hardware/reader-config';

const readerId = 'unit-b-swipe';
const fieldSize = 110; // the 337-byte report of docs/readers.md §3 "HID magstripe"
const track1 = '%B4111111111111111^CARDUSER/JOHN^1803101000000000020000831000000?';
const track2 = ';4111111111111111=1803101000020000831?';
const empty: MagtekTrack = { status: 'empty' };
const read = (text: string): MagtekTrack => ({ status: 'read', text });

function report(tracks: readonly [MagtekTrack, MagtekTrack, MagtekTrack], cardEncodeType: 'isoAba' | 'blank' = 'isoAba'): Buffer {
  return Buffer.from(encodeMagtekReport(tracks, { fieldSize, cardEncodeType }));
}

const goodSwipe = (): Buffer => report([read(track1), read(track2), empty]);

/**
 * One open handle, as node-hid's HIDAsync: an EventEmitter whose read loop starts when a 'data' listener is
 * added (node-hid calls resume() on 'newListener'), that emits each input report as a Buffer on 'data' and
 * a failed read on 'error', and whose async close() stops reading and then removes all listeners.
 */
class FakeHidDevice extends EventEmitter implements HidInputDevice {
  reading = false;
  closed = false;
  constructor(readonly path: string) {
    super();
    this.on('newListener', (event: string) => {
      if (event === 'data') process.nextTick(() => (this.reading = !this.closed));
    });
  }
  async close(): Promise<void> {
    this.reading = false;
    await Promise.resolve();
    this.removeAllListeners();
    this.closed = true;
  }
  /** The reader sends one input report per swipe; nothing arrives unless the read loop runs. */
  swipe(bytes: Buffer): void {
    if (this.reading) this.emit('data', bytes);
  }
}

/** The USB bus as node-hid sees it: devicesAsync() lists what is plugged in; HIDAsync.open(path) opens it. */
class FakeHidBus implements HidApi {
  readonly listed: HidDeviceInfo[] = [];
  readonly opened: FakeHidDevice[] = [];
  /** Runs when open() is called, before it settles: lets a test act while an open is in flight. */
  beforeOpen: (() => void) | null = null;
  readonly HIDAsync = {
    open: async (path: string): Promise<HidInputDevice> => {
      this.beforeOpen?.();
      await Promise.resolve();
      if (!this.listed.some((device) => device.path === path)) throw new Error(`could not open device at ${path}`);
      const device = new FakeHidDevice(path);
      this.opened.push(device);
      return device;
    },
  };
  async devicesAsync(): Promise<HidDeviceInfo[]> {
    await Promise.resolve();
    return this.listed.map((device) => ({ ...device }));
  }
  plugIn(path = '/dev/hidraw3', productId = 0x0002): void {
    // A MagTek reader may list a second interface on another usage page; the driver must pick the swipe one.
    this.listed.push({ vendorId: magtekVendorId, productId, path: `${path}-kbd`, usagePage: 0x0001 });
    this.listed.push({ vendorId: magtekVendorId, productId, path, usagePage: magtekUsagePage });
  }
  /** What an unplug looks like to node-hid: the pending read fails, and enumeration no longer lists it. */
  unplug(): void {
    this.listed.length = 0;
    for (const device of this.openDevices) device.emit('error', new Error('could not read from HID device'));
  }
  get openDevices(): FakeHidDevice[] {
    return this.opened.filter((device) => !device.closed);
  }
  get openDevice(): FakeHidDevice {
    const [device, ...others] = this.openDevices;
    if (device === undefined || others.length > 0) throw new Error(`expected one open device, found ${this.openDevices.length}`);
    return device;
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

/** Lets queued microtasks and nextTicks (fake enumeration, open, close, read start) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setUp(configOverrides: Partial<HidMagstripeConfig> = {}, options: HidMagstripeOptions = {}) {
  const bus = new FakeHidBus();
  const retries = new ManualSchedule();
  let clock = 1_000;
  const config: HidMagstripeConfig = { id: readerId, kind: 'hidMagstripe', track: 2, content: 'accountNumber', ...configOverrides };
  const reader = createHidMagstripeReader(config, {
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    schedule: retries.schedule,
    now: () => clock,
    hid: async () => bus,
    ...options,
  });
  const events: ReaderEvent[] = [];
  reader.onEvent((event) => events.push(event));
  return {
    bus,
    retries,
    reader,
    events,
    advanceClock: (ms: number) => {
      clock += ms;
    },
    /** start() resolves once connected; node-hid starts reading on the next tick. */
    start: async () => {
      await reader.start();
      await settle();
    },
    scans: () => events.flatMap((event) => (event.type === 'scan' ? [event.frame] : [])),
    rejections: () => events.flatMap((event) => (event.type === 'rejected' ? [event.reason] : [])),
    connectionStates: () => events.flatMap((event) => (event.type === 'connection' ? [event.state] : [])),
  };
}

describe('createHidMagstripeReader', () => {
  it('finds the reader by vendor id on its swipe interface and emits the account number of a good swipe', async () => {
    const { bus, reader, start, scans, connectionStates, advanceClock } = setUp();
    bus.plugIn();
    await start();
    expect(bus.openDevice.path).toBe('/dev/hidraw3');
    advanceClock(500);
    bus.openDevice.swipe(goodSwipe());
    expect(scans()).toEqual([{ readerId, text: '4111111111111111', symbology: null, format: 'magstripe' }]);
    expect(connectionStates()).toEqual(['connecting', 'connected']);
    expect(reader.health()).toMatchObject({ kind: 'hidMagstripe', connection: 'connected', goodReads: 1, badReads: 0, lastEventAt: 1_500, problem: null });
  });

  it('reads track 1, a track sent with its LRC, and a bare facility number as track data', async () => {
    const first = setUp({ track: 1 });
    first.bus.plugIn();
    await first.start();
    first.bus.openDevice.swipe(goodSwipe());
    expect(first.scans().map((frame) => frame.text)).toEqual(['4111111111111111']);

    const withLrc = setUp();
    withLrc.bus.plugIn();
    await withLrc.start();
    withLrc.bus.openDevice.swipe(report([empty, read(`${track2}>`), empty]));
    expect(withLrc.scans().map((frame) => frame.text)).toEqual(['4111111111111111']);

    const facility = setUp({ content: 'trackData' });
    facility.bus.plugIn();
    await facility.start();
    facility.bus.openDevice.swipe(report([empty, read(';00123456?'), empty]));
    facility.bus.openDevice.swipe(report([empty, read('+00123456?'), empty])); // track 3 data in track 2's field
    expect(facility.scans().map((frame) => frame.text)).toEqual(['00123456']);
    expect(facility.reader.health().badReadsByReason.badTrack).toBe(1);
  });

  it('filters by product id when one is configured', async () => {
    const { bus, reader, start } = setUp({ productId: 0x0011 });
    bus.plugIn('/dev/hidraw5', 0x0002);
    await start();
    expect(reader.health()).toMatchObject({
      connection: 'disconnected',
      problemKind: 'deviceNotFound',
      problem: 'No card reader with USB id 0x0801:0x0011 is plugged in',
    });
    expect(bus.opened).toEqual([]);
  });

  it('counts bad reports with a typed reason, emits no scan, and keeps reading', async () => {
    const { bus, reader, start, scans, rejections } = setUp();
    bus.plugIn();
    await start();
    const device = bus.openDevice;

    device.swipe(report([empty, { status: 'decodeError' }, empty])); // the reader's error bit on track 2
    device.swipe(report([empty, read(`${track2}0`), empty])); // an LRC that does not match
    const oversize = goodSwipe();
    oversize[4] = fieldSize + 1; // track 2 claims more bytes than its field
    device.swipe(oversize);
    device.swipe(report([empty, empty, empty], 'blank'));
    device.swipe(report([read(track1), empty, empty])); // a card without track 2
    device.swipe(Buffer.from([0, 0, 0, 1, 2])); // shorter than any report
    device.swipe(report([empty, read(';4111111111111111=1382101?'), empty])); // expiry month 82
    const binary = goodSwipe();
    binary[7 + fieldSize + 3] = 0x00; // a NUL inside track 2's length
    device.swipe(binary);

    expect(scans()).toEqual([]);
    expect(rejections()).toEqual([
      'decodeError',
      'badTrack',
      'trackLengthBeyondField',
      'blankCard',
      'trackMissing',
      'reportTooShort',
      'badTrack',
      'unprintableTrackData',
    ]);
    const health = reader.health();
    expect(health).toMatchObject({ connection: 'connected', goodReads: 0, badReads: 8 });
    expect(health.badReadsByReason).toEqual({
      reportTooShort: 1,
      unexpectedReportLength: 0,
      trackLengthBeyondField: 1,
      unprintableTrackData: 1,
      decodeError: 1,
      blankCard: 1,
      trackMissing: 1,
      badTrack: 2,
    });

    device.swipe(goodSwipe());
    expect(scans()).toHaveLength(1);
  });

  it('never puts card data into events other than the scan, nor into health', async () => {
    const { bus, reader, start, events, retries } = setUp();
    bus.plugIn();
    await start();
    bus.openDevice.swipe(report([empty, read(`${track2}0`), empty]));
    bus.openDevice.swipe(goodSwipe());
    bus.unplug();
    await settle();
    bus.plugIn();
    await retries.fire();
    const outsideScans = JSON.stringify([events.filter((event) => event.type !== 'scan'), reader.health()]);
    expect(outsideScans).not.toContain('4111');
    expect(outsideScans).not.toContain('CARDUSER');
  });

  it('notices an unplug through the read error, looks again with backoff, and reads again after a replug', async () => {
    const { bus, retries, reader, start, events, scans, connectionStates } = setUp();
    bus.plugIn();
    await start();
    bus.openDevice.swipe(goodSwipe());
    const firstDevice = bus.openDevice;

    bus.unplug();
    await settle();
    expect(firstDevice.closed).toBe(true);
    expect(reader.health()).toMatchObject({ connection: 'disconnected', problemKind: 'cannotOpen' });
    expect(events.at(-1)).toEqual({
      type: 'connection',
      readerId,
      state: 'disconnected',
      detail: 'The card reader stopped responding (unplugged?): could not read from HID device',
    });

    // Still unplugged: enumeration does not list it; the backoff grows and no second 'disconnected' is sent.
    await retries.fire();
    await retries.fire();
    expect(reader.health().problemKind).toBe('deviceNotFound');
    expect(bus.opened).toHaveLength(1);

    bus.plugIn();
    await retries.fire();
    expect(retries.delays).toEqual([50, 100, 200]);
    expect(retries.hasPending).toBe(false);
    expect(connectionStates()).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
    expect(reader.health().problem).toBeNull();

    await settle();
    firstDevice.emit('data', goodSwipe()); // a stale handle must not count
    bus.openDevice.swipe(goodSwipe());
    expect(scans()).toHaveLength(2);
    expect(reader.health()).toMatchObject({ goodReads: 2, badReads: 0 });

    // The backoff starts over after a successful reopen.
    bus.unplug();
    await settle();
    expect(retries.delays.at(-1)).toBe(50);
  });

  it('keeps looking for a reader that is absent at start', async () => {
    const { bus, retries, reader, start, connectionStates } = setUp();
    await start();
    expect(reader.health()).toMatchObject({
      connection: 'disconnected',
      problemKind: 'deviceNotFound',
      problem: 'No card reader with USB id vendor 0x0801 is plugged in',
    });
    bus.plugIn();
    await retries.fire();
    expect(connectionStates()).toEqual(['connecting', 'disconnected', 'connected']);
  });

  it('opens a fixed hidraw path directly and retries while it cannot', async () => {
    const { bus, retries, reader, start } = setUp({ path: '/dev/hidraw7' });
    await start();
    expect(reader.health()).toMatchObject({ problemKind: 'cannotOpen', problem: expect.stringContaining('/dev/hidraw7') });
    bus.plugIn('/dev/hidraw7');
    await retries.fire();
    expect(reader.health().connection).toBe('connected');
    expect(bus.openDevice.path).toBe('/dev/hidraw7');
  });

  it('stop() closes the device and ends retrying', async () => {
    const { bus, reader, start, connectionStates } = setUp();
    bus.plugIn();
    await start();
    const device = bus.openDevice;
    await reader.stop();
    expect(device.closed).toBe(true);
    expect(connectionStates().at(-1)).toBe('disconnected');

    const other = setUp();
    other.bus.plugIn();
    await other.start();
    other.bus.unplug();
    await settle();
    expect(other.retries.hasPending).toBe(true);
    await other.reader.stop();
    expect(other.retries.hasPending).toBe(false);
    expect(other.reader.health().connection).toBe('disconnected');
  });

  it('stop() during an open closes the device once it opens', async () => {
    const { bus, reader, retries } = setUp();
    bus.plugIn();
    let stopping: Promise<void> | null = null;
    bus.beforeOpen = () => {
      stopping = reader.stop();
    };
    await reader.start();
    await stopping;
    await settle();
    expect(bus.opened).toHaveLength(1);
    expect(bus.openDevices).toEqual([]);
    expect(reader.health().connection).toBe('disconnected');
    expect(retries.hasPending).toBe(false);
  });

  it('stop() during enumeration opens nothing', async () => {
    const { bus, reader } = setUp();
    bus.plugIn();
    const starting = reader.start();
    await reader.stop();
    await starting;
    await settle();
    expect(bus.opened).toEqual([]);
    expect(reader.health().connection).toBe('disconnected');
  });

  it('a node-hid that cannot load is a worded health problem, not a crash, and is not retried', async () => {
    let loads = 0;
    const { reader, retries, events } = setUp(
      {},
      {
        hid: () => {
          loads += 1;
          return Promise.reject(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'));
        },
      },
    );
    await reader.start();
    const health = reader.health();
    expect(health.connection).toBe('disconnected');
    expect(health.problemKind).toBe('hidLibraryUnavailable');
    expect(health.problem).toMatch(/^The USB card reader library \(node-hid\) could not load.*libusb-1\.0\.so\.0/);
    expect(events.at(-1)).toMatchObject({ type: 'connection', state: 'disconnected', detail: health.problem });
    expect(retries.hasPending).toBe(false);
    expect(loads).toBe(1);
    await reader.stop();
  });

  it('loads the real node-hid by default and reports no reader on a machine without one', async () => {
    const retries = new ManualSchedule();
    // A vendor id no real device has, so the result does not depend on what is plugged into this machine.
    const reader = createHidMagstripeReader(
      { id: readerId, kind: 'hidMagstripe', vendorId: 0xfffe, track: 2, content: 'accountNumber' },
      { schedule: retries.schedule },
    );
    await reader.start();
    expect(reader.health().problemKind).toMatch(/^(deviceNotFound|hidLibraryUnavailable)$/);
    expect(reader.health().connection).toBe('disconnected');
    await reader.stop();
    expect(retries.hasPending).toBe(false);
  });

  it('keeps delivering events when a listener throws', async () => {
    const listenerErrors: unknown[] = [];
    const { bus, reader, start, events } = setUp({}, { onListenerError: (error) => listenerErrors.push(error) });
    reader.onEvent(() => {
      throw new Error('listener bug');
    });
    bus.plugIn();
    await start();
    bus.openDevice.swipe(goodSwipe());
    expect(events.map((event) => event.type)).toEqual(['connection', 'connection', 'scan']);
    expect(listenerErrors).toHaveLength(3);
  });

  it.each([
    [{}, { initialDelayMs: 0 }, /"initialDelayMs"/],
    [{}, { initialDelayMs: 500, maxDelayMs: 100 }, /"maxDelayMs"/],
    [{ fieldSize: 0 }, {}, /"fieldSize"/],
    [{ track: 3 as 1 }, {}, /"track"/],
  ])('rejects the invalid setting %o %o with a TypeError', (config, options, message) => {
    const make = () => createHidMagstripeReader({ id: readerId, kind: 'hidMagstripe', track: 2, content: 'accountNumber', ...config }, options);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });
});
