// Developer tool: plays the readers of the running demo (`npm start`): scans, swipes, badges, unplugs and replugs.
// `npm run simulate -- --help` lists the commands; the work is in simulate-cli.ts, where the tests can reach it.
import { runSimulate } from './simulate-cli';

process.exitCode = await runSimulate(process.argv.slice(2), {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});
