// Wiping a device: every person's data (the store with its drafts, outbox and audit log, its sealed key, the attachment
// files) and the hub credential go, so the device starts again at the enrollment screen. A power cut must leave it
// wiped or intact, never half, so the wipe is a durable intention first: a marker file is written atomically, and from
// that moment the device is committed. Every start finishes a wipe whose marker it finds before it opens the store, so
// a half-deleted store is never opened, and each step below is safe to run again. Before the marker exists nothing has
// been touched.
//
// The logs stay: they hold ids, codes and counts, never names, PINs, message bodies or card data (docs/security.md §11 "Data in logs"), and
// support needs to see that a wipe happened and why a device came back empty.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncFolder, removeFileDurably, writeFileAtomically } from '../platform/atomic-write';
import type { CredentialVault } from './sync/credential';
import { encryptingSuffix, plaintextSuffix } from './store/store-encryption';
import { sealedStoreKeyFileName } from './store/store-key';

export const wipeMarkerFileName = 'wipe-pending';
export const storeFileName = 'device.sqlite';
/**
 * SQLite's companions of the store file (the WAL and its index, and a rollback journal should one ever exist), what an
 * interrupted encryption may have left (main/store/store-encryption.ts), and last the sealed store key: without it
 * nothing that survives of the encrypted store on the disk can be read, and the next start makes a new one.
 */
const storeFiles = [
  storeFileName,
  `${storeFileName}-wal`,
  `${storeFileName}-shm`,
  `${storeFileName}-journal`,
  `${storeFileName}${encryptingSuffix}`,
  `${storeFileName}${encryptingSuffix}-journal`,
  `${storeFileName}${plaintextSuffix}`,
  sealedStoreKeyFileName,
];

/** The steps of a wipe in order, named so a test can stop the process at each one (test/integration/device-wipe). */
export type WipeStep = 'markerWritten' | 'credentialErased' | 'storeRemoved' | 'attachmentsRemoved' | 'finished';

export interface WipeObserver {
  /** Called after each step is durable; the crash-safety test kills the process here. */
  readonly onStep?: (step: WipeStep) => void;
}

export function wipePending(dataDir: string): boolean {
  return existsSync(join(dataDir, wipeMarkerFileName));
}

/**
 * Commits the device to a wipe. The caller then stops everything that holds the store open and calls
 * finishPendingWipe (the runtime's next start does, whichever comes first).
 */
/** Staff pressed "Wipe this device", or the hub ordered a device reported lost to wipe itself (deviceWipeOrdered). */
export type WipeReason = 'wipeDevice' | 'hubOrderedWipe';

export function markWipePending(dataDir: string, reason: WipeReason, at: number, observer: WipeObserver = {}): void {
  writeFileAtomically(dataDir, wipeMarkerFileName, `${JSON.stringify({ reason, at })}\n`);
  observer.onStep?.('markerWritten');
}

/** Finishes a wipe if one is pending; returns whether there was one. Must run before the store is opened. */
export function finishPendingWipe(dataDir: string, vault: CredentialVault, observer: WipeObserver = {}): boolean {
  if (!wipePending(dataDir)) return false;
  // The credential first: a device that cannot reach the hub any more cannot receive anyone's data again either.
  vault.erase();
  observer.onStep?.('credentialErased');
  for (const name of storeFiles) rmSync(join(dataDir, name), { force: true });
  fsyncFolder(dataDir);
  observer.onStep?.('storeRemoved');
  rmSync(join(dataDir, 'blobs'), { recursive: true, force: true });
  fsyncFolder(dataDir);
  observer.onStep?.('attachmentsRemoved');
  // Last: only now is there nothing left to finish.
  removeFileDurably(dataDir, wipeMarkerFileName);
  observer.onStep?.('finished');
  return true;
}
