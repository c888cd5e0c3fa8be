// A benchmark-like process that starts a kiosk with launchKiosk (socat for each reader pty, the web host) and then
// ends badly, for test/integration/support/helper-processes.test.ts:
//   `node --import tsx test/support/kiosk-launch-child.ts <renderer dir> <ending>`
// It prints `READY` once the kiosk is up, then: 'throw' — an uncaught error, as a benchmark that fails half-way, once a
// line arrives on stdin;
// 'wait' — waits, to be stopped by a signal from the test, as a benchmark interrupted with Ctrl-C or kill.
// It never calls the kiosk's stop(): whatever it started must end with it anyway.
import { writeSync } from 'node:fs';
import { defaultTimings, launchKiosk } from './kiosk-process';

const [rendererDir, ending] = process.argv.slice(2);
if (rendererDir === undefined || (ending !== 'throw' && ending !== 'wait')) throw new Error('usage: kiosk-launch-child.ts <renderer dir> throw|wait');

await launchKiosk(defaultTimings, { rendererDir, simulatedReaders: true });
writeSync(1, 'READY\n');
if (ending === 'throw') {
  // Only when the test says so (a line on stdin), once it has listed what this process started: a fixed 100 ms lost
  // that race at load 10, and the helpers had already ended with this process before the test looked for them.
  process.stdin.once('data', () => {
    throw new Error('a benchmark failed half-way');
  });
} else {
  setInterval(() => undefined, 60_000);
}
