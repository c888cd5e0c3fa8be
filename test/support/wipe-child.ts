// A device process that wipes its data folder and stops dead at a named step, so the parent can SIGKILL it there as a
// power cut would: `node --import tsx test/support/wipe-child.ts <dataDir> <stopAt>`. stopAt is 'beforeMarker' (the
// staff member pressed Wipe, nothing written yet) or a WipeStep. It prints `STOPPED <step>` and blocks the thread, so
// nothing after that step can run before the kill.
import { writeSync } from 'node:fs';
import { finishPendingWipe, markWipePending, type WipeStep } from '../../main/device-wipe';
import { fileCredentialVault } from '../../main/sync/credential';

const [dataDir, stopAt] = process.argv.slice(2);
if (dataDir === undefined || stopAt === undefined) throw new Error('usage: wipe-child.ts <dataDir> <stopAt>');

function stopHere(step: string): void {
  if (step !== stopAt) return;
  writeSync(1, `STOPPED ${step}\n`);
  // Block without returning to the event loop: the next step must not start before the parent's SIGKILL lands.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

stopHere('beforeMarker');
const observer = { onStep: (step: WipeStep) => stopHere(step) };
markWipePending(dataDir, 'wipeDevice', Date.now(), observer);
finishPendingWipe(dataDir, fileCredentialVault(dataDir), observer);
writeSync(1, 'STOPPED end\n');
