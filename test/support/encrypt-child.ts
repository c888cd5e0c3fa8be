// A device process that opens its (unencrypted) store with a key and stops dead at a named step of the encryption, so
// the parent can SIGKILL it there as a power cut would: `node --import tsx test/support/encrypt-child.ts <storeFile>
// <keyHex> <stopAt>`. stopAt is an EncryptionStep. It prints `STOPPED <step>` and blocks the thread, so nothing after
// that step can run before the kill.
import { writeSync } from 'node:fs';
import { openDeviceStore } from '../../main/store/database';
import type { EncryptionStep } from '../../main/store/store-encryption';

const [storeFile, keyHex, stopAt] = process.argv.slice(2);
if (storeFile === undefined || keyHex === undefined || stopAt === undefined) throw new Error('usage: encrypt-child.ts <storeFile> <keyHex> <stopAt>');
const key = Buffer.from(keyHex, 'hex');

function stopHere(step: EncryptionStep): void {
  if (step !== stopAt) return;
  writeSync(1, `STOPPED ${step}\n`);
  // Block without returning to the event loop: the next step must not start before the parent's SIGKILL lands.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

openDeviceStore(storeFile, { storeKey: { storeKey: () => ({ key }) }, encryptionObserver: { onStep: stopHere } }).db.close();
writeSync(1, 'STOPPED end\n');
