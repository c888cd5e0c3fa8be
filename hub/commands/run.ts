// The hub's command line: `npm run hub -- <command> [options] --data <pglite folder>` (or DATABASE_URL). It reads the
// words typed into a command of the registry (hub/commands/commands.ts) and its options as the schema takes them;
// usage and help are generated from the same schemas. `--hub <connection file>` sends the same command to a running
// hub instead (hub/console-connection.ts), read here first so a typo is refused before anything is sent.
import { parseArgs } from 'node:util';
import type { HubDatabase } from '../db/database';
import { openHubDatabase } from '../db/open';
import type { ScryptCost } from '../security/pin-hash';
import { hubContext } from '../services/index';
import { findCommand, hubCommands } from './commands';
import { CommandUsageError } from './errors';
import { findMaintenanceCommand, maintenanceCommands, maintenanceHelp, runMaintenance } from './maintenance';
import { findReleaseCommand, releaseCommands, releaseHelp, runReleaseCommand } from './updates';
import { visibleText } from './format';
import { commandHelp, commandInvocation, commandUsage, describeOptions, runCommand, type HubCommand } from './registry';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Tests hand in an open database; otherwise --data or DATABASE_URL decides. */
  readonly database?: HubDatabase;
  readonly pinCost?: ScryptCost;
  readonly now?: () => number;
}

/** An option's value as typed: text, a bare flag, or the texts of a repeated option. */
export type TypedOptionValue = string | boolean | string[];

/** What the words on the command line ask for. */
export type CommandLine =
  | { readonly kind: 'help'; readonly text: string; readonly exitCode: 0 | 2 }
  | { readonly kind: 'refused'; readonly error: CommandUsageError; readonly command: HubCommand | null }
  | {
      readonly kind: 'run';
      readonly command: HubCommand;
      /** Keyed as the command's schema names them (`charactersPerStamp`), not yet validated. */
      readonly options: Record<string, TypedOptionValue>;
      readonly site: string | undefined;
      readonly data: string | undefined;
    };

export function usage(): string {
  const width = Math.max(...[...hubCommands, ...maintenanceCommands, ...releaseCommands].map((command) => command.name.length));
  return [
    `usage: ${commandInvocation} <command> [options] [--data <pglite folder>] [--site <site id>] [--hub <connection file>]`,
    '  DATABASE_URL=postgres://… uses a PostgreSQL server instead of a PGlite folder; --hub runs the command inside a running hub.',
    '  --site may be left out while the hub has a single site.',
    '',
    'commands:',
    ...hubCommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "maintenance (on the hub's server, DATABASE_URL only; never through --hub):",
    ...maintenanceCommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'app updates (on the machine that holds the signing key; never through --hub):',
    ...releaseCommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `${commandInvocation} help <command> shows the options of one command.`,
  ].join('\n');
}

const globalParseOptions = { data: { type: 'string' }, site: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** node's parseArgs refusals, coded and worded for the command at hand. */
function parseRefusal(command: HubCommand, error: unknown): CommandUsageError {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const typed = /'([^']+)'/.exec(message)?.[1] ?? message;
    const takes = describeOptions(command).map((option) => option.flag);
    return new CommandUsageError(
      'unknownOption',
      `Unknown option '${typed}': ${command.name} takes ${takes.length === 0 ? 'no options of its own' : takes.join(', ')}.`,
      [typed.replace(/^-+/, '')],
    );
  }
  return new CommandUsageError('badOptionValue', message);
}

/** Reads the words of a command line into a command of the registry and its options (not yet validated). */
export function readCommandLine(args: readonly string[]): CommandLine {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0];
  if (name === undefined) return { kind: 'help', text: usage(), exitCode: args.includes('--help') || args.includes('-h') ? 0 : 2 };
  if (name === 'help') {
    const topic = words[1];
    if (topic === undefined) return { kind: 'help', text: usage(), exitCode: 0 };
    const command = findCommand(topic);
    if (command === undefined) return { kind: 'refused', error: new CommandUsageError('unknownCommand', `Unknown command "${topic}".`), command: null };
    return { kind: 'help', text: commandHelp(command), exitCode: 0 };
  }
  const command = findCommand(name);
  if (command === undefined) return { kind: 'refused', error: new CommandUsageError('unknownCommand', `Unknown command "${name}".`), command: null };
  const described = describeOptions(command);
  const own = Object.fromEntries(
    described.map((option) => [
      option.flag.slice(2),
      option.kind === 'text'
        ? { type: 'string' as const }
        : option.kind === 'flag'
          ? { type: 'boolean' as const }
          : { type: 'string' as const, multiple: true },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: { ...globalParseOptions, ...own }, strict: true, allowPositionals: true });
  } catch (error) {
    return { kind: 'refused', error: parseRefusal(command, error), command };
  }
  if (parsed.positionals.length !== 1) {
    return {
      kind: 'refused',
      error: new CommandUsageError('unexpectedArgument', `Unexpected argument "${parsed.positionals[1] ?? ''}"; values follow their --option.`),
      command,
    };
  }
  if (parsed.values.help === true) return { kind: 'help', text: commandHelp(command), exitCode: 0 };
  const options: Record<string, TypedOptionValue> = {};
  for (const option of described) {
    const value = parsed.values[option.flag.slice(2)];
    if (value !== undefined) options[option.key] = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : value;
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  return { kind: 'run', command, options, site: text(parsed.values.site), data: text(parsed.values.data) };
}

/** Says a refusal of the command line on `err`: what is wrong, then how the command (or any command) is written. */
export function reportRefusedLine(line: Extract<CommandLine, { kind: 'refused' }>, err: (line: string) => void): void {
  err(line.error.message);
  err(line.command === null ? usage() : commandUsage(line.command));
}

/**
 * Runs one command; resolves to the process exit code (0 done, 1 refused by the hub, 2 bad command line). Every line
 * goes out through visibleText: commands print names, letters and reasons people wrote, and none of it may act on the
 * terminal (an escape sequence in a letter could hide text from the reviewer that the resident then receives).
 */
export async function runCli(args: readonly string[], terminalIo: CliIo): Promise<number> {
  const io: CliIo = { ...terminalIo, out: (line) => terminalIo.out(visibleText(line)), err: (line) => terminalIo.err(visibleText(line)) };
  // backup and restore are not registry commands (hub/commands/maintenance.ts says why).
  const words = args.filter((arg) => !arg.startsWith('-'));
  const maintenance = findMaintenanceCommand(words[0]);
  if (maintenance !== undefined) return runMaintenance(maintenance, args, io);
  const maintenanceTopic = words[0] === 'help' ? findMaintenanceCommand(words[1]) : undefined;
  if (maintenanceTopic !== undefined) {
    io.out(maintenanceHelp(maintenanceTopic));
    return 0;
  }
  // update-signing-key and publish-update read files on this machine, a private key among them (updates.ts).
  const release = findReleaseCommand(words[0]);
  if (release !== undefined) return runReleaseCommand(release, args, io);
  const releaseTopic = words[0] === 'help' ? findReleaseCommand(words[1]) : undefined;
  if (releaseTopic !== undefined) {
    io.out(releaseHelp(releaseTopic));
    return 0;
  }
  const line = readCommandLine(args);
  switch (line.kind) {
    case 'help':
      io.out(line.text);
      return line.exitCode;
    case 'refused':
      reportRefusedLine(line, io.err);
      return 2;
    case 'run':
      return runOnDatabase(line, io);
    default: {
      const unknownLine: never = line;
      throw new Error(`unknown command line ${JSON.stringify(unknownLine)}`);
    }
  }
}

async function runOnDatabase(line: Extract<CommandLine, { kind: 'run' }>, io: CliIo): Promise<number> {
  // The options first, the database second: a typo is reported before anything is opened or looked up.
  const refusal = line.command.check(line.options, 'commandLine');
  if (refusal !== null) {
    reportRefusedLine({ kind: 'refused', error: refusal, command: line.command }, io.err);
    return 2;
  }
  let database = io.database;
  try {
    if (database === undefined) {
      const databaseUrl = io.env.DATABASE_URL;
      if (line.data === undefined && (databaseUrl === undefined || databaseUrl === '')) {
        reportRefusedLine(
          {
            kind: 'refused',
            error: new CommandUsageError(
              'noDataLocation',
              'Say where the hub keeps its data: --data <folder> (PGlite) or DATABASE_URL=postgres://… (a PostgreSQL server).',
            ),
            command: line.command,
          },
          io.err,
        );
        return 2;
      }
      database = await openHubDatabase({
        ...(line.data === undefined ? {} : { dataDir: line.data }),
        ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
      });
    }
    const hub = hubContext(database, { ...(io.now === undefined ? {} : { now: io.now }), ...(io.pinCost === undefined ? {} : { pinCost: io.pinCost }) });
    const result = await runCommand({
      command: line.command,
      options: line.options,
      site: line.site,
      hub,
      reviewer: io.env.USER ?? io.env.LOGNAME ?? 'hub console',
      spelling: 'commandLine',
      out: io.out,
      err: io.err,
    });
    return result.exitCode;
  } catch (error) {
    io.err(`The hub could not do this: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (io.database === undefined && database !== undefined) await database.close();
  }
}
