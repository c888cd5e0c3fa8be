// `npm run simulate`: plays the readers of a running demo (`npm start`) or of any process started with the simulators —
// a barcode scan or an RFID badge line on a pty, a MagTek swipe on the simulated HID reader, and unplugging or
// replugging any of them. Parsing is separate from doing so the tests can check every refusal without a demo.
// Exit codes: 0 done, 1 the demo (or the device) is not there or refused, 2 the command line is wrong.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { namedFrameBytes, Symbology } from '../hardware/reader-config';
import { LineSocketUnavailableError, type LineAnswer } from '../hardware/simulators/line-socket';
import { sendHidSimulatorCommand, simulatedFieldSize, type SimulatedHidCommandInput } from '../hardware/simulators/hid-magstripe-simulator';
import { badgeLine } from '../hardware/simulators/serial-rfid-simulator';
import { simulateScan, writeToTerminal } from '../hardware/simulators/serial-scanner-simulator';
import { demoSerialReaders, sendDemoControlCommand, type DemoSerialReader } from './demo-control';

export const demoPaths = {
  scannerHost: path.join('.demo', 'scanner-host'),
  badgeHost: path.join('.demo', 'badge-host'),
  magstripeSocket: path.join('.demo', 'magstripe.sock'),
  controlSocket: path.join('.demo', 'control.sock'),
} as const;

const readerNames = ['magstripe', ...demoSerialReaders] as const;
type ReaderName = (typeof readerNames)[number];

export const usage = `usage: npm run simulate -- <command> [options]

  scan <text>             a barcode scan on the scanner's pty
      [--port <path>]       default ${demoPaths.scannerHost}
      [--symbology ${Symbology.options.join('|')}]
      [--suffix CR|CRLF|GS|...] [--prefix ESC|...]
  swipe <track 2>         a card swiped on the simulated MagTek HID reader; quote the track: ';100001?'
      [--track1 <text>]     track 1 as well, e.g. '%B4111111111111111^CARDUSER/JOHN^1803101?'
      [--half]              a half swipe: the reader flags the tracks as undecodable (no track text needed)
      [--raw <base64>]      any report bytes instead of a swipe (garbage, another model's report)
      [--socket <path>]     default ${demoPaths.magstripeSocket}
  badge <facility:card | card>  a pcProx-style badge line (e.g. 21:100001) on the badge reader's pty
      [--hex]               send the numbers in hex, for a reader set to hex output
      [--port <path>]       default ${demoPaths.badgeHost}
  unplug <${readerNames.join('|')}>   the reader disappears, as when its USB cable is pulled
  replug <${readerNames.join('|')}>   the reader comes back
      [--socket <path>]     the magstripe simulator, default ${demoPaths.magstripeSocket}
      [--control <path>]    the demo's control socket (badge, scanner), default ${demoPaths.controlSocket}

  examples:
    npm run simulate -- scan R100001 --symbology code39
    npm run simulate -- swipe ';100001?'
    npm run simulate -- swipe --half
    npm run simulate -- badge 21:100001
    npm run simulate -- unplug magstripe`;

export class UsageError extends Error {}

export type SimulateCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'scan';
      readonly text: string;
      readonly port: string;
      readonly symbology: Symbology | undefined;
      readonly prefix: string;
      readonly suffix: string;
    }
  | { readonly kind: 'swipe'; readonly socket: string; readonly command: SimulatedHidCommandInput; readonly described: string }
  | { readonly kind: 'badge'; readonly port: string; readonly line: string }
  | { readonly kind: 'plug'; readonly op: 'unplug' | 'replug'; readonly reader: ReaderName; readonly socket: string; readonly control: string };

const optionsOf = {
  scan: ['port', 'symbology', 'prefix', 'suffix'],
  swipe: ['track1', 'half', 'raw', 'socket'],
  badge: ['hex', 'port'],
  unplug: ['socket', 'control'],
  replug: ['socket', 'control'],
} as const;
type CommandName = keyof typeof optionsOf;

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(optionsOf, name);
}

/** Frame bytes by the names in scanner manuals (CR, CRLF, GS, ...), as the site file takes them. */
function frameBytes(text: string): string {
  return namedFrameBytes[text] ?? text;
}

function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]+$/.test(text);
}

function checkTrack(name: string, text: string, startSentinel: string, example: string): void {
  if (!text.startsWith(startSentinel) || !text.includes('?')) {
    throw new UsageError(`${name} starts with '${startSentinel}' and ends with '?' (e.g. '${example}'); quote it, the shell treats ; and ? specially`);
  }
  if (!isPrintableAscii(text) || text.length > simulatedFieldSize)
    throw new UsageError(`${name} is printable ASCII of at most ${simulatedFieldSize} characters`);
}

/** One positional argument after the command, or a UsageError that says what is missing or extra. */
function single(command: string, positionals: readonly string[], what: string, optional = false): string | undefined {
  const [value, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments after ${command}: ${extra.join(' ')} (quote text that has spaces)`);
  if ((value === undefined || value === '') && !optional) throw new UsageError(`${command}: missing ${what}`);
  return value === '' ? undefined : value;
}

function parseBadge(text: string, hex: boolean): string {
  const match = /^(?:(\d{1,10}):)?(\d{1,20})$/.exec(text);
  if (match === null) throw new UsageError(`badge: "${text}" is not facility:card or card in decimal digits (e.g. 21:100001)`);
  const [, facility, card] = match;
  const base = hex ? 'hex' : 'decimal';
  return badgeLine(
    { kind: 'cardId', facilityCode: facility === undefined ? null : BigInt(facility), cardId: BigInt(card ?? '') },
    { kind: 'cardId', base, facilityDelimiter: facility === undefined ? null : ':' },
  );
}

/** Reads the command line; throws UsageError with words for anything wrong. */
export function parseSimulateArgs(args: readonly string[]): SimulateCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        symbology: { type: 'string' },
        prefix: { type: 'string' },
        suffix: { type: 'string' },
        track1: { type: 'string' },
        half: { type: 'boolean' },
        raw: { type: 'string' },
        socket: { type: 'string' },
        control: { type: 'string' },
        hex: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  const [name, ...rest] = positionals;
  if (name === undefined) throw new UsageError('missing command');
  if (!isCommandName(name)) throw new UsageError(`unknown command: ${name}`);
  const allowed: readonly string[] = optionsOf[name];
  for (const [option, value] of Object.entries(values)) {
    if (value !== undefined && option !== 'help' && !allowed.includes(option)) throw new UsageError(`--${option} is not an option of ${name}`);
  }

  switch (name) {
    case 'scan': {
      const text = single('scan', rest, 'the text to scan') ?? '';
      const symbology = values.symbology === undefined ? undefined : Symbology.safeParse(values.symbology);
      if (symbology !== undefined && !symbology.success) throw new UsageError(`unknown symbology: ${values.symbology}`);
      const suffix = frameBytes(values.suffix ?? 'CR');
      if (suffix === '') throw new UsageError('the suffix cannot be empty');
      return { kind: 'scan', text, port: values.port ?? demoPaths.scannerHost, symbology: symbology?.data, prefix: frameBytes(values.prefix ?? ''), suffix };
    }
    case 'swipe': {
      const socket = values.socket ?? demoPaths.magstripeSocket;
      const half = values.half === true;
      if (values.raw !== undefined) {
        if (rest.length > 0 || values.track1 !== undefined || half)
          throw new UsageError('swipe --raw sends the given report bytes alone: no track text, --track1 or --half with it');
        const bytes = Buffer.from(values.raw, 'base64');
        // Node's base64 decoder skips what it cannot read; re-encoding shows whether anything was skipped.
        if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== values.raw.replace(/=+$/, '')) {
          throw new UsageError('--raw takes the report bytes in base64, e.g. AAEC');
        }
        return { kind: 'swipe', socket, command: { op: 'raw', base64: bytes.toString('base64') }, described: `${bytes.length} raw report bytes` };
      }
      const track2 = single('swipe', rest, "the track 2 text (e.g. ';100001?')", half);
      if (track2 !== undefined) checkTrack('track 2', track2, ';', ';100001?');
      if (values.track1 !== undefined) checkTrack('track 1', values.track1, '%', '%B4111111111111111^CARDUSER/JOHN^1803101?');
      const command: SimulatedHidCommandInput = {
        op: 'swipe',
        ...(track2 === undefined ? {} : { track2 }),
        ...(values.track1 === undefined ? {} : { track1: values.track1 }),
        ...(half ? { decodeError: [1, 2] } : {}),
      };
      return { kind: 'swipe', socket, command, described: half ? 'a half swipe (tracks 1 and 2 undecodable)' : 'a swipe' };
    }
    case 'badge': {
      const text = single('badge', rest, 'the badge (facility:card or card, e.g. 21:100001)') ?? '';
      return { kind: 'badge', port: values.port ?? demoPaths.badgeHost, line: parseBadge(text, values.hex === true) };
    }
    case 'unplug':
    case 'replug': {
      const reader = single(name, rest, `which reader (${readerNames.join(', ')})`) ?? '';
      if (!(readerNames as readonly string[]).includes(reader)) throw new UsageError(`${name}: unknown reader "${reader}"; one of ${readerNames.join(', ')}`);
      return {
        kind: 'plug',
        op: name,
        reader: reader as ReaderName,
        socket: values.socket ?? demoPaths.magstripeSocket,
        control: values.control ?? demoPaths.controlSocket,
      };
    }
    default: {
      const unhandled: never = name;
      throw new UsageError(`unknown command: ${String(unhandled)}`);
    }
  }
}

export interface SimulateOutput {
  log(line: string): void;
  error(line: string): void;
}

const notRunning = 'is `npm start` running?';

function describeFailure(error: unknown, what: string, where: string): string {
  if (error instanceof LineSocketUnavailableError) return `no ${what} at ${where}: ${notRunning}`;
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT')
    return `no ${what} at ${where}: ${notRunning} (or is it unplugged? npm run simulate -- replug ...)`;
  return `could not reach the ${what} at ${where}: ${error instanceof Error ? error.message : String(error)}`;
}

/** An answer as one line for people: what happened, or what the simulator refused. */
function reportAnswer(answer: LineAnswer, done: string, output: SimulateOutput): number {
  if (!answer.ok) {
    output.error(answer.error);
    return 1;
  }
  const note = typeof answer['note'] === 'string' ? ` (${answer['note']})` : '';
  output.log(`${done}${note}`);
  return 0;
}

async function run(command: Exclude<SimulateCommand, { kind: 'help' }>, output: SimulateOutput): Promise<number> {
  switch (command.kind) {
    case 'scan': {
      try {
        const sent = await simulateScan(command.port, command.text, { symbology: command.symbology, prefix: command.prefix, suffix: command.suffix });
        output.log(`sent ${JSON.stringify(sent.toString('latin1'))} (${sent.length} bytes) to ${command.port}`);
        return 0;
      } catch (error) {
        output.error(describeFailure(error, 'scanner simulator', command.port));
        return 1;
      }
    }
    case 'badge': {
      const bytes = Buffer.from(`${command.line}\r\n`, 'latin1');
      try {
        await writeToTerminal(command.port, bytes);
        output.log(`sent badge line ${JSON.stringify(bytes.toString('latin1'))} to ${command.port}`);
        return 0;
      } catch (error) {
        output.error(describeFailure(error, 'badge reader', command.port));
        return 1;
      }
    }
    case 'swipe':
      try {
        return reportAnswer(await sendHidSimulatorCommand(command.socket, command.command), `swiped: ${command.described} on ${command.socket}`, output);
      } catch (error) {
        output.error(describeFailure(error, 'simulated magstripe reader', command.socket));
        return 1;
      }
    case 'plug': {
      const device = command.reader === 'scanner' ? 'barcode scanner' : `${command.reader} reader`;
      const done = `${command.op === 'unplug' ? 'unplugged' : 'replugged'} the ${device}`;
      if (command.reader === 'magstripe') {
        try {
          return reportAnswer(await sendHidSimulatorCommand(command.socket, { op: command.op }), done, output);
        } catch (error) {
          output.error(describeFailure(error, 'simulated magstripe reader', command.socket));
          return 1;
        }
      }
      const reader: DemoSerialReader = command.reader;
      try {
        return reportAnswer(await sendDemoControlCommand(command.control, { op: command.op, reader }, 15_000), done, output);
      } catch (error) {
        output.error(describeFailure(error, 'demo control socket', command.control));
        return 1;
      }
    }
    default: {
      const unhandled: never = command;
      throw new TypeError(`unknown command: ${String(unhandled)}`);
    }
  }
}

/** Runs one `npm run simulate` command line; resolves with the exit code. */
export async function runSimulate(args: readonly string[], output: SimulateOutput): Promise<number> {
  let command: SimulateCommand;
  try {
    command = parseSimulateArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line that says what is wrong; the whole list only on --help, so the mistake is not lost above it.
    output.error(`simulate: ${error.message} (npm run simulate -- --help lists the commands)`);
    return 2;
  }
  if (command.kind === 'help') {
    output.log(usage);
    return 0;
  }
  return run(command, output);
}
