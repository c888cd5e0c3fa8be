// What is wrong with a command as it was asked for — by the command line or by the console route — as a stable code
// a caller can switch on and a sentence for the person at the console. Always exit 2 with the command's usage.

/**
 * unknownCommand: no command of that name. unknownOption: an option the command does not take. missingOption: a
 * required option left out. badOptionValue: an option's value is not one the command can use (its path says which).
 * unexpectedArgument: words on the command line that belong to no option. badRequest: a request to the console route
 * that is not { command, options }. noDataLocation: neither --data nor DATABASE_URL says where the hub keeps its data.
 * siteNeeded: the site is unknown, missing, or must be chosen with --site. unreadableFile: a file an option names
 * cannot be read.
 */
export const commandUsageCodes = [
  'unknownCommand',
  'unknownOption',
  'missingOption',
  'badOptionValue',
  'unexpectedArgument',
  'badRequest',
  'noDataLocation',
  'siteNeeded',
  'unreadableFile',
] as const;
export type CommandUsageCode = (typeof commandUsageCodes)[number];

export class CommandUsageError extends Error {
  constructor(
    readonly code: CommandUsageCode,
    message: string,
    /** The option the problem is in, as the schema names it (e.g. ["amount"]); empty for the command as a whole. */
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.name = 'CommandUsageError';
  }
}
