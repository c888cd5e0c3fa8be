// The hub's command line: `tsx hub/cli.ts <command> [options] --data <pglite folder>` (or DATABASE_URL).
// `tsx hub/cli.ts help` lists the commands. The commands themselves live in hub/commands/run.ts.
import { runCli } from './commands/run';

const exitCode = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
});
process.exitCode = exitCode;
