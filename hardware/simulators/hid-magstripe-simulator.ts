// A simulated MagTek HID swipe reader for a running process: a HidApi (the interface hid-magstripe.ts takes in place of
// node-hid) whose one device is driven over a Unix domain socket, because this machine has no /dev/uhid for a virtual
// kernel HID device. The web host takes it with `--simulated-hid <socket>` and the demo always has one; `npm run
// simulate -- swipe|unplug|replug magstripe` and the e2e tests talk to the socket (newline-delimited JSON, line-socket.ts).
//
// It behaves as node-hid does with a real reader: devicesAsync() lists the reader only while it is plugged in; an open
// device starts reading when a 'data' listener is added and emits one report Buffer per swipe; an unplug fails the
// pending read with an 'error' and the device leaves the list. Swipes are real report bytes (encodeMagtekReport, the
// 337-byte report with 110-byte track fields), so the driver's parser sees exactly what a reader would send.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { magtekUsagePage, magtekVendorId, type HidApi, type HidDeviceInfo, type HidInputDevice, type HidLoader } from '../drivers/hid-magstripe';
import { encodeMagtekReport, type MagtekCardEncodeType, type MagtekTrack } from '../parsers/magtek-hid-report';
import { sendLineCommand, serveLineSocket, type LineAnswer } from './line-socket';

/** The hidraw path the simulated reader is listed under; `sim-` so no one mistakes it for a kernel device. */
export const simulatedHidPath = 'sim-hidraw0';
/** MagTek's product id for the USB HID swipe reader (21040101-family). */
export const simulatedHidProductId = 0x0002;
/** Bytes per track field of the simulated model: the 337-byte report of docs/readers.md §3 "HID magstripe". */
export const simulatedFieldSize = 110;
/** node-hid's words when a hidraw read fails because the device went away. */
export const unpluggedReadError = 'could not read from HID device';

const encodeTypes = ['isoAba', 'aamva', 'cadl', 'blank', 'other', 'undetermined', 'none'] as const satisfies readonly Exclude<
  MagtekCardEncodeType,
  'unknown'
>[];

/** Track text as the reader puts it in a field: printable ASCII that fits. The sentinels are the sender's business. */
const TrackText = z
  .string()
  .min(1)
  .max(simulatedFieldSize, `a track holds at most ${simulatedFieldSize} characters on this reader`)
  .regex(/^[\x20-\x7e]+$/, 'a track is printable ASCII');
const TrackNumber = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** The commands the socket takes, one JSON object per line. */
export const SimulatedHidCommand = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('swipe'),
      track1: TrackText.optional(),
      track2: TrackText.optional(),
      track3: TrackText.optional(),
      /** Tracks the reader flags as undecodable (status bit 0), as on a half or too-fast swipe; their text is not sent. */
      decodeError: z.array(TrackNumber).max(3).default([]),
      /** Byte 6. Default isoAba; blank with no tracks is what a card with a wiped stripe gives. */
      cardEncodeType: z.enum(encodeTypes).default('isoAba'),
    })
    .strict(),
  /** Any report bytes at all, for garbage: a report of another model, a truncated one, binary inside a track. */
  z.object({ op: z.literal('raw'), base64: z.base64().min(1, 'the report is not empty') }).strict(),
  z.object({ op: z.literal('unplug') }).strict(),
  z.object({ op: z.literal('replug') }).strict(),
  z.object({ op: z.literal('status') }).strict(),
]);
export type SimulatedHidCommand = z.infer<typeof SimulatedHidCommand>;
export type SimulatedHidCommandInput = z.input<typeof SimulatedHidCommand>;

const opNames = SimulatedHidCommand.options.map((option) => option.shape.op.value);

/** The report the reader sends for a swipe command. Throws a RangeError for tracks encodeMagtekReport refuses. */
export function swipeReport(swipe: Extract<SimulatedHidCommand, { op: 'swipe' }>): Buffer {
  const texts = [swipe.track1, swipe.track2, swipe.track3] as const;
  const tracks = texts.map((text, index): MagtekTrack => {
    if (swipe.decodeError.includes((index + 1) as 1 | 2 | 3)) return { status: 'decodeError' };
    return text === undefined ? { status: 'empty' } : { status: 'read', text };
  });
  const [track1, track2, track3] = tracks as [MagtekTrack, MagtekTrack, MagtekTrack];
  return Buffer.from(encodeMagtekReport([track1, track2, track3], { fieldSize: simulatedFieldSize, cardEncodeType: swipe.cardEncodeType }));
}

/** What `devicesAsync()` lists for the reader: node-hid's fields, as a MagTek swipe reader reports them on Linux. */
interface SimulatedDeviceInfo extends HidDeviceInfo {
  readonly path: string;
  readonly usage: number;
  readonly manufacturer: string;
  readonly product: string;
  readonly interface: number;
}

/** One open handle, as node-hid's HIDAsync. */
class SimulatedHidDevice extends EventEmitter implements HidInputDevice {
  private reading = false;
  closed = false;
  /** The reader was unplugged under this handle: it never reads again, as a hidraw fd of a removed device. */
  vanished = false;

  constructor(private readonly onClose: (device: SimulatedHidDevice) => void) {
    super();
    // node-hid resumes its read loop when a 'data' listener is added; before that, reports are not read.
    this.on('newListener', (event: string | symbol) => {
      if (event === 'data') process.nextTick(() => (this.reading = !this.closed && !this.vanished));
    });
  }

  /** Delivers one report if this handle is reading; false when it was not (the report is lost, as on hardware). */
  deliver(report: Buffer): boolean {
    if (!this.reading || this.closed || this.vanished) return false;
    // A copy per handle: a listener that scribbles on its Buffer must not change what another handle reads.
    this.emit('data', Buffer.from(report));
    return true;
  }

  /** The kernel removed the device: the pending read fails, from the read loop, so asynchronously. */
  vanish(): void {
    if (this.closed || this.vanished) return;
    this.vanished = true;
    this.reading = false;
    setImmediate(() => {
      // node-hid would throw an 'error' nobody listens to and crash the process; a simulator must not.
      if (!this.closed && this.listenerCount('error') > 0) this.emit('error', new Error(unpluggedReadError));
    });
  }

  async close(): Promise<void> {
    this.reading = false;
    await Promise.resolve();
    this.removeAllListeners();
    this.closed = true;
    this.onClose(this);
  }
}

export interface SimulatedHidMagstripeOptions {
  /** Where the control socket listens. */
  readonly socketPath: string;
  /** Plugged in at start; default true. */
  readonly plugged?: boolean;
}

export interface SimulatedHidMagstripe {
  /** Give this to the driver (createHidMagstripeReader's `hid` option, the runtime's `hid`). */
  readonly loader: HidLoader;
  readonly api: HidApi;
  readonly socketPath: string;
  /** Runs a command in this process, as the socket would (tests that own the simulator). */
  handle(message: unknown): LineAnswer;
  close(): Promise<void>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** Starts the simulated reader and its control socket. */
export async function startSimulatedHidMagstripe(options: SimulatedHidMagstripeOptions): Promise<SimulatedHidMagstripe> {
  let plugged = options.plugged ?? true;
  const openDevices = new Set<SimulatedHidDevice>();
  const info: SimulatedDeviceInfo = {
    vendorId: magtekVendorId,
    productId: simulatedHidProductId,
    path: simulatedHidPath,
    usagePage: magtekUsagePage,
    usage: 1,
    manufacturer: 'Mag-Tek',
    product: 'USB Swipe Reader (simulated)',
    interface: 0,
  };

  const api: HidApi = {
    async devicesAsync() {
      await Promise.resolve();
      return plugged ? [{ ...info }] : [];
    },
    HIDAsync: {
      async open(path: string) {
        await Promise.resolve();
        if (!plugged || path !== simulatedHidPath) throw new Error(`cannot open device with path ${path}`);
        const device = new SimulatedHidDevice((closed) => openDevices.delete(closed));
        openDevices.add(device);
        return device;
      },
    },
  };

  // Handles of an unplugged reader linger until the driver closes them; they are not open in any useful sense.
  const state = () => ({ plugged, openDevices: [...openDevices].filter((device) => !device.vanished).length });

  function deliver(report: Buffer): LineAnswer {
    if (!plugged) return { ok: false, error: 'the simulated magstripe reader is unplugged: replug it first' };
    let delivered = 0;
    for (const device of openDevices) if (device.deliver(report)) delivered += 1;
    // On hardware a swipe nobody reads is simply lost; saying so spares a developer wondering why nothing happened.
    if (delivered === 0) return { ok: false, error: 'the simulated magstripe reader is plugged in but no driver has it open yet; try again in a moment' };
    return { ok: true, ...state(), delivered, bytes: report.length };
  }

  function handle(message: unknown): LineAnswer {
    const parsedCommand = SimulatedHidCommand.safeParse(message);
    if (!parsedCommand.success) {
      const op = typeof message === 'object' && message !== null && 'op' in message ? message.op : undefined;
      if (typeof op !== 'string' || !opNames.includes(op as SimulatedHidCommand['op'])) {
        return { ok: false, error: `unknown command ${JSON.stringify(op ?? null)}: "op" is one of ${opNames.join(', ')}` };
      }
      return { ok: false, error: `bad ${op} command: ${describeIssues(parsedCommand.error)}` };
    }
    const command = parsedCommand.data;
    switch (command.op) {
      case 'swipe': {
        let report: Buffer;
        try {
          report = swipeReport(command);
        } catch (error) {
          return { ok: false, error: `bad swipe command: ${error instanceof Error ? error.message : 'cannot build the report'}` };
        }
        return deliver(report);
      }
      case 'raw':
        return deliver(Buffer.from(command.base64, 'base64'));
      case 'unplug':
        plugged = false;
        for (const device of openDevices) device.vanish();
        return { ok: true, ...state() };
      case 'replug':
        // A replug is a new USB device: handles of the old one stay dead; the driver must enumerate and open again.
        plugged = true;
        return { ok: true, ...state() };
      case 'status':
        return { ok: true, ...state() };
      default: {
        const unhandled: never = command;
        throw new TypeError(`unknown command: ${String(unhandled)}`);
      }
    }
  }

  const server = await serveLineSocket(options.socketPath, handle);
  return {
    loader: async () => api,
    api,
    socketPath: options.socketPath,
    handle,
    close: () => server.close(),
  };
}

/** Sends one command to a running simulator (`npm run simulate`, tests) and resolves with its answer. */
export function sendHidSimulatorCommand(socketPath: string, command: SimulatedHidCommandInput, timeoutMs?: number): Promise<LineAnswer> {
  return sendLineCommand(socketPath, command, timeoutMs);
}
