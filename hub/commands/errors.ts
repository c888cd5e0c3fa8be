/** The command line itself is wrong (unknown command, missing or malformed option): exit 2 with usage help. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
