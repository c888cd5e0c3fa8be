// The hub's command line: `npm run hub -- <command> [options] --data <pglite folder>` (or DATABASE_URL), or against a
// running hub: `npm run hub -- <command> [options] --hub <connection file>` (the demo's is .demo/hub.json).
// `npm run hub -- help` lists the commands, `npm run hub -- help <command>` one command's options. The commands are
// declared in hub/commands/commands.ts; hub/commands/run.ts reads the command line into them.
import { readConsoleConnection, runOnHub } from './console-connection';
import { runCli } from './commands/run';
import { findMaintenanceCommand } from './commands/maintenance';
import { findReleaseCommand } from './commands/updates';

const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line), env: process.env };
const args = process.argv.slice(2);
const hubFlag = args.indexOf('--hub');

async function main(): Promise<number> {
  // backup, restore and the release commands refuse --hub themselves, in words, rather than being sent to a hub that
  // does not know them.
  const commandName = args.find((arg) => !arg.startsWith('-'));
  if (hubFlag === -1 || findMaintenanceCommand(commandName) !== undefined || findReleaseCommand(commandName) !== undefined) return runCli(args, io);
  const file = args[hubFlag + 1];
  if (file === undefined) {
    io.err('--hub needs the path of a hub connection file, e.g. --hub .demo/hub.json');
    return 2;
  }
  try {
    return await runOnHub(readConsoleConnection(file), [...args.slice(0, hubFlag), ...args.slice(hubFlag + 2)], io);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

process.exitCode = await main();
