// An install of an app update that stops dead at a named step, so the parent can SIGKILL it there as a power cut would:
// `node --import tsx test/support/update-install-child.ts <install root> <version> <archive> <stopAt>`. stopAt is
// 'beforeStart' or an InstallStep (main/update/install-layout.ts). It prints `STOPPED <step>` and blocks the thread,
// so nothing after that step can run before the kill.
import { writeSync } from 'node:fs';
import { installVersion, type InstallStep } from '../../main/update/install-layout';

const [root, version, archive, stopAt] = process.argv.slice(2);
if (root === undefined || version === undefined || archive === undefined || stopAt === undefined) {
  throw new Error('usage: update-install-child.ts <install root> <version> <archive> <stopAt>');
}

function stopHere(step: string): void {
  if (step !== stopAt) return;
  writeSync(1, `STOPPED ${step}\n`);
  // Block without returning to the event loop: the next step must not start before the parent's SIGKILL lands.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

stopHere('beforeStart');
await installVersion(root, version, archive, 'webhost-linux', { onStep: (step: InstallStep) => stopHere(step) });
writeSync(1, 'STOPPED end\n');
