// Every way a sync step can fail, turned into a code the screens translate and a sentence for staff and logs.
// The sentences are ours, never the hub's text or a record's content: sync status is shown to anyone at the screen.
import type { SyncErrorCode } from '../contract';
import type { ApplyPullError } from './apply-pull';
import type { BlobFailure } from './blobs';
import type { HubFailure } from './hub-client';
import { isStorageFullCode } from '../store/storage-full';

export interface SyncProblem {
  readonly code: SyncErrorCode;
  readonly message: string;
}

/** The disk is full: nothing was written, and sync tries again by itself (the machine backs off). */
export const storageFullProblem: SyncProblem = {
  code: 'storageFull',
  message: 'The device’s disk is full; nothing was lost, and sync carries on by itself when space is freed.',
};

export function problemOfHubFailure(failure: HubFailure): SyncProblem {
  switch (failure.kind) {
    case 'network':
      return { code: 'hubUnreachable', message: 'The hub could not be reached.' };
    case 'timeout':
      return { code: 'hubTimeout', message: 'The hub did not answer in time.' };
    case 'invalidResponse':
      return { code: 'invalidResponse', message: `The hub's answer did not fit the protocol (${failure.problem}).` };
    case 'aborted':
      return { code: 'internal', message: 'The sync was stopped on this device.' };
    case 'http':
      switch (failure.code) {
        case 'unauthorized':
        case 'deviceMismatch':
          return { code: 'deviceNotRecognized', message: 'The hub does not recognize this device; staff may need to enroll it again.' };
        case 'deviceRevoked':
          return { code: 'deviceRevoked', message: 'The hub has withdrawn this device’s credential; staff must enroll it again.' };
        case 'deviceWipeOrdered':
          return { code: 'deviceWipeOrdered', message: 'The hub has withdrawn this device’s credential and ordered it wiped (it was reported lost).' };
        case 'outOfScope':
          return { code: 'outOfScope', message: 'The hub refused a request outside this device’s housing unit or person.' };
        case 'mutationGap':
          return { code: 'mutationGap', message: 'The hub is missing earlier actions from this device; staff must check the device.' };
        case 'cursorNotYours':
          return { code: 'hubError', message: 'The hub says this device’s sync position belongs to another device.' };
        case null:
          return failure.status === 401
            ? { code: 'deviceNotRecognized', message: 'The hub does not recognize this device; staff may need to enroll it again.' }
            : { code: 'hubError', message: `The hub answered with HTTP ${failure.status}.` };
        default:
          return { code: 'hubError', message: `The hub refused the request (${failure.status} ${failure.code}).` };
      }
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}

export function problemOfApplyPull(error: ApplyPullError): SyncProblem {
  switch (error.kind) {
    case 'invalidBatch':
      return {
        code: 'invalidBatch',
        message: `The hub sent changes that do not fit the protocol${error.changeIndex === null ? '' : ` (change ${error.changeIndex}: ${error.problem})`}; none were applied.`,
      };
    case 'storeFailed':
      if (error.storageFull) return storageFullProblem;
      return { code: 'storeFailed', message: 'The device could not save the changes from the hub; none were applied.' };
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

export function problemOfBlob(failure: BlobFailure): SyncProblem {
  switch (failure.kind) {
    case 'hashMismatch':
      return { code: 'blobHashMismatch', message: 'An attachment arrived damaged (its content did not match its hash) and was discarded.' };
    case 'tooLarge':
      return { code: 'blobTooLarge', message: `An attachment was larger than allowed (${failure.limit} bytes) and was discarded.` };
    case 'writeFailed':
      // An attachment that met a full disk is the device's full disk, not the attachment's fault: the same state as a
      // pull that could not be written, backed off from and resumed when space returns.
      if (isStorageFullCode(failure.problem)) return storageFullProblem;
      return { code: 'blobWriteFailed', message: `An attachment could not be saved on this device (${failure.problem}).` };
    case 'hub':
      return failure.failure.kind === 'http' && failure.failure.status === 404
        ? { code: 'blobUnavailable', message: 'The hub does not have an attachment this device asked for.' }
        : problemOfHubFailure(failure.failure);
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}
