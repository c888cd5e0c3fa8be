// The hub's command registry: every command declared once — its name, a one-line summary, a zod schema for its
// options and its handler over the hub services — and run the same way whether it was typed at the command line
// (hub/commands/run.ts) or sent to a running hub's console route as JSON (hub/http/admin.ts). Usage text is generated
// from the schemas, and `describeCommands` lists them for anything that builds on the registry (the facility console).
import { z } from 'zod';
import { HubInputError, listSites, type HubContext, type HubInputProblem } from '../services/index';
import { CommandUsageError, commandUsageCodes } from './errors';
import { flagName, missingOptionMarker, optionHelp, type OptionHelp } from './options';

/** How the person at the console reaches the commands, so usage reads as they would type it. */
export const commandInvocation = 'npm run hub --';

/**
 * A command that checks something (verify-audit) says what it found in its output either way; 'problemFound' makes
 * the exit code 1 without another message, so scripts and cron can tell a broken audit chain from a sound one.
 */
export type CommandOutcome = 'done' | 'problemFound';

export interface CommandContext {
  readonly hub: HubContext;
  readonly out: (line: string) => void;
  /** Who signs review decisions when --reviewer is not given: the login name at the console. */
  readonly reviewer: string;
  /** The site named by --site, or the only one. */
  site(): Promise<string>;
}

type OptionShape = Record<string, z.ZodType>;
type OptionsSchema<Shape extends OptionShape> = z.ZodObject<Shape, z.core.$strict>;

interface CommandDeclaration<Shape extends OptionShape> {
  readonly name: string;
  readonly summary: string;
  readonly options: Shape;
  /** Said after the generated usage when the options alone do not tell the whole story (either-or options). */
  readonly note?: string;
  readonly run: (options: z.output<OptionsSchema<Shape>>, context: CommandContext) => Promise<CommandOutcome | void>;
}

/** A declared command with its options' types erased, so commands of every shape sit in one list. */
export interface HubCommand {
  readonly name: string;
  readonly summary: string;
  /** The options (strict: an option the command does not take is refused); the command line and the console route both validate with it. */
  readonly options: z.ZodObject<OptionShape, z.core.$strict>;
  readonly note: string | null;
  /** The first thing wrong with these options (as given: typed text, flags, lists), worded for `spelling`'s reader; null when they are fine. */
  readonly check: (options: unknown, spelling: OptionSpelling) => CommandUsageError | null;
  /** Validates the options with the schema (throwing a coded CommandUsageError) and runs the handler. */
  readonly run: (options: unknown, spelling: OptionSpelling, context: CommandContext) => Promise<CommandOutcome>;
}

export function defineCommand<Shape extends OptionShape>(declaration: CommandDeclaration<Shape>): HubCommand {
  const options: OptionsSchema<Shape> = z.strictObject(declaration.options);
  const command: HubCommand = {
    name: declaration.name,
    summary: declaration.summary,
    options,
    note: declaration.note ?? null,
    check: (values, spelling) => {
      const parsed = options.safeParse(values);
      return parsed.success ? null : optionsRefusal(command, parsed.error, spelling);
    },
    run: async (values, spelling, context) => {
      const parsed = options.safeParse(values);
      if (!parsed.success) throw optionsRefusal(command, parsed.error, spelling);
      return (await declaration.run(parsed.data, context)) ?? 'done';
    },
  };
  return command;
}

/** One option as a console or a usage line needs it: its schema key, how it is typed, and its help. */
export interface OptionDescription extends OptionHelp {
  readonly key: string;
  /** As typed on the command line: `--characters-per-stamp`. */
  readonly flag: string;
}

export function describeOptions(command: HubCommand): OptionDescription[] {
  return Object.entries(command.options.shape).map(([key, schema]) => {
    const help = optionHelp.get(schema);
    // Every option is made by hub/commands/options.ts, which registers its help; a bare zod schema here is a bug.
    if (help === undefined) throw new Error(`${command.name}: option ${key} was not declared with hub/commands/options.ts`);
    return { key, flag: `--${flagName(key)}`, ...help };
  });
}

/** The options every command takes besides its own. */
export const globalOptions: readonly OptionDescription[] = [
  {
    key: 'site',
    flag: '--site',
    kind: 'text',
    required: false,
    example: '<site id>',
    description: 'the site (may be left out while the hub has a single site)',
  },
  {
    key: 'data',
    flag: '--data',
    kind: 'text',
    required: false,
    example: '<pglite folder>',
    description: 'where the hub keeps its data (or DATABASE_URL=postgres://…)',
  },
  {
    key: 'hub',
    flag: '--hub',
    kind: 'text',
    required: false,
    example: '.demo/hub.json',
    description: "a running hub's connection file: run the command inside that hub",
  },
];

function usagePart(option: OptionDescription): string {
  const typed = option.kind === 'flag' ? option.flag : `${option.flag} ${option.example}`;
  switch (option.kind) {
    case 'flag':
      return `[${typed}]`;
    case 'list':
      return `[${typed}]...`;
    case 'text':
      return option.required ? typed : `[${typed}]`;
    default: {
      const unknownKind: never = option.kind;
      throw new Error(`unknown option kind ${String(unknownKind)}`);
    }
  }
}

/** `usage: npm run hub -- deposit --resident B1001 --amount 25.00 …`, from the command's schema. */
export function commandUsage(command: HubCommand): string {
  return [`usage: ${commandInvocation} ${command.name}`, ...describeOptions(command).map(usagePart)].join(' ');
}

/** What `help <command>` prints: the summary, the usage line and every option in words. */
export function commandHelp(command: HubCommand): string {
  const options = [...describeOptions(command), ...globalOptions];
  const width = Math.max(...options.map((option) => option.flag.length));
  return [
    `${command.summary}.`,
    commandUsage(command),
    ...(command.note === null ? [] : [`  ${command.note}`]),
    '',
    'options:',
    ...options.map((option) => `  ${option.flag.padEnd(width)}  ${option.description}${option.required ? ' (required)' : ''}`),
  ].join('\n');
}

const hubInputProblems = ['notFound', 'invalid', 'conflict'] as const satisfies readonly HubInputProblem[];

/** What a refusal is: a coded usage problem (exit 2), the hub refusing (exit 1), or something that broke (exit 1). */
export const CommandErrorCode = z.enum([...commandUsageCodes, ...hubInputProblems, 'failed']);
export type CommandErrorCode = z.infer<typeof CommandErrorCode>;

export const CommandRefusal = z.object({
  code: CommandErrorCode,
  message: z.string(),
  /** The option the refusal is about, as the schema names it; empty when it is about the command as a whole. */
  path: z.array(z.union([z.string(), z.number()])),
});
export type CommandRefusal = z.infer<typeof CommandRefusal>;

export interface CommandResult {
  /** 0 done, 1 refused by the hub or a problem found, 2 the command was asked for wrongly. */
  readonly exitCode: number;
  readonly refusal: CommandRefusal | null;
}

/** Who reads the refusal, so an option is named as they wrote it: `--amount` typed, `options.amount` sent as JSON. */
export type OptionSpelling = 'commandLine' | 'console';

export function optionName(path: readonly PropertyKey[], spelling: OptionSpelling): string {
  const key = path.map(String).join('.');
  switch (spelling) {
    case 'commandLine':
      return `--${flagName(key)}`;
    case 'console':
      return `options.${key}`;
    default: {
      const unknownSpelling: never = spelling;
      throw new Error(`unknown spelling ${String(unknownSpelling)}`);
    }
  }
}

function expectedInWords(expected: string): string {
  switch (expected) {
    case 'boolean':
      return 'true or false (a bare flag on the command line)';
    case 'array':
      return 'a list of texts';
    default:
      return 'text';
  }
}

/** The first thing wrong with a command's options, as a coded refusal naming the option. */
export function optionsRefusal(command: HubCommand, error: z.ZodError, spelling: OptionSpelling): CommandUsageError {
  const issue = error.issues[0];
  if (issue === undefined) return new CommandUsageError('badOptionValue', `The options of ${command.name} were refused.`);
  const takes = describeOptions(command).map((option) => (spelling === 'commandLine' ? option.flag : option.key));
  const takesInWords = takes.length === 0 ? `${command.name} takes no options of its own` : `${command.name} takes ${takes.join(', ')}`;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknown = issue.keys[0] ?? '';
      return new CommandUsageError('unknownOption', `Unknown option '${spelling === 'commandLine' ? `--${flagName(unknown)}` : unknown}': ${takesInWords}.`, [
        unknown,
      ]);
    }
    case 'custom': {
      const missing = issue.params?.problem === missingOptionMarker;
      return new CommandUsageError(
        missing ? 'missingOption' : 'badOptionValue',
        `${optionName(issue.path, spelling)} ${issue.message}`,
        issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
      );
    }
    case 'invalid_type':
      return new CommandUsageError(
        'badOptionValue',
        `${optionName(issue.path, spelling)} must be ${expectedInWords(issue.expected)}.`,
        issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
      );
    default:
      return new CommandUsageError(
        'badOptionValue',
        `${optionName(issue.path, spelling)}: ${issue.message}.`,
        issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
      );
  }
}

export interface CommandRun {
  readonly command: HubCommand;
  /** The options as given (typed text, flags, lists), keyed as the schema names them; validated here. */
  readonly options: unknown;
  /** --site, when given. */
  readonly site: string | undefined;
  readonly hub: HubContext;
  readonly reviewer: string;
  readonly spelling: OptionSpelling;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Validates the options with the command's schema, runs it, and says what went wrong in words on `err` (with the
 * usage line for a usage problem). Resolves to the exit code and the coded refusal, never rejects.
 */
export async function runCommand(run: CommandRun): Promise<CommandResult> {
  const { command, hub } = run;
  const refused = (refusal: CommandRefusal, exitCode: number): CommandResult => {
    run.err(refusal.message);
    if (exitCode === 2) run.err(commandUsage(command));
    return { exitCode, refusal };
  };
  try {
    const site = async (): Promise<string> => {
      const sites = await listSites(hub.database);
      if (run.site !== undefined) {
        if (!sites.some((candidate) => candidate.siteId === run.site)) throw new CommandUsageError('siteNeeded', `There is no site ${run.site}.`, ['site']);
        return run.site;
      }
      if (sites.length === 1 && sites[0] !== undefined) return sites[0].siteId;
      if (sites.length === 0) throw new CommandUsageError('siteNeeded', 'There is no site yet: run create-site first.');
      throw new CommandUsageError(
        'siteNeeded',
        `This hub has several sites; choose one with --site: ${sites.map((candidate) => `${candidate.name} (${candidate.siteId})`).join(', ')}.`,
        ['site'],
      );
    };
    const outcome = await command.run(run.options, run.spelling, { hub, out: run.out, reviewer: run.reviewer, site });
    return { exitCode: outcome === 'problemFound' ? 1 : 0, refusal: null };
  } catch (error) {
    if (error instanceof CommandUsageError) return refused({ code: error.code, message: error.message, path: [...error.path] }, 2);
    if (error instanceof HubInputError) return refused({ code: error.problem, message: error.message, path: [] }, 1);
    return refused({ code: 'failed', message: `The hub could not do this: ${error instanceof Error ? error.message : String(error)}`, path: [] }, 1);
  }
}
