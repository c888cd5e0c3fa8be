// Developer tool: plays a barcode scanner against the demo's pty (`npm start` creates it).
//   npm run simulate -- scan <text> [--port <hostPath>] [--symbology code39|code128|...] [--suffix CR|CRLF] [--prefix ESC]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { namedFrameBytes, Symbology } from '../kiosk-config/schema';
import { simulateScan } from '../hardware/simulators/serial-scanner-simulator';

const defaultPort = path.join('.demo', 'scanner-host');
const usage = `usage: npm run simulate -- scan <text> [--port <hostPath>] [--symbology ${Symbology.options.join('|')}] [--suffix CR|CRLF|GS|...] [--prefix ESC|...]
  default port: ${defaultPort}`;

class UsageError extends Error {}

interface ScanCommand {
  readonly text: string;
  readonly port: string;
  readonly symbology: Symbology | undefined;
  readonly prefix: string;
  readonly suffix: string;
}

/** Frame bytes by the names in scanner manuals (CR, CRLF, GS, ...), as the site file takes them. */
function frameBytes(text: string): string {
  return namedFrameBytes[text] ?? text;
}

function parseScanCommand(args: readonly string[]): ScanCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string', default: defaultPort },
        symbology: { type: 'string' },
        prefix: { type: 'string', default: '' },
        suffix: { type: 'string', default: 'CR' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const [command, text, ...extra] = positionals;
  if (command !== 'scan') throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
  if (text === undefined || text === '') throw new UsageError('missing the text to scan');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (quote text that has spaces)`);
  const symbology = values.symbology === undefined ? undefined : Symbology.safeParse(values.symbology);
  if (symbology !== undefined && !symbology.success) throw new UsageError(`unknown symbology: ${values.symbology}`);
  const suffix = frameBytes(values.suffix);
  if (suffix === '') throw new UsageError('the suffix cannot be empty');
  return { text, port: values.port, symbology: symbology?.data, prefix: frameBytes(values.prefix), suffix };
}

async function main(args: readonly string[]): Promise<number> {
  let command: ScanCommand;
  try {
    command = parseScanCommand(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message ? `${error.message}\n${usage}` : usage);
    return error.message ? 2 : 0;
  }
  try {
    const sent = await simulateScan(command.port, command.text, { symbology: command.symbology, prefix: command.prefix, suffix: command.suffix });
    console.log(`sent ${JSON.stringify(sent.toString('latin1'))} (${sent.length} bytes) to ${command.port}`);
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`no scanner simulator at ${command.port}: is \`npm start\` running?`);
    } else {
      console.error(`could not send the scan to ${command.port}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
