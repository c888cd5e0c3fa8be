// What changes under a running device, in one place that every part is handed explicitly: the sync engine (there
// once enrolled), the credential as last read or enrolled, whether the hub withdrew it, and the attract screen's language.
import type { LanguageCode, SyncStatus } from '../contract';
import type { DeviceDatabase } from '../store/database';
import type { CredentialRead } from '../sync/credential';
import type { SyncEngine } from '../sync/engine';
import { recordMutation, type RecordMutation } from '../sync/outbox';
import type { DeviceStoreQueries } from '../store/store-queries';

export interface DeviceState {
  /** The sync engine once the device is enrolled; null before, and again once a wipe stopped it. */
  sync: SyncEngine | null;
  /** What the vault held at start, then each credential enrolled since: enrollment.status reads it. */
  credentialRead: CredentialRead;
  /** Set when the hub answered that it withdrew this device's credential; cleared by the next enrollment. */
  credentialRevoked: boolean;
  /** The language before anyone signs in: chosen on the attract screen, back to the site's default at each sign-out. */
  attractLanguage: LanguageCode;
}

export function createDeviceState(credentialRead: CredentialRead, defaultLanguage: LanguageCode): DeviceState {
  return { sync: null, credentialRead, credentialRevoked: false, attractLanguage: defaultLanguage };
}

/** Through the engine once enrolled, so the mutation also wakes sync; before that, straight into the outbox. */
export function recordThroughSync(state: Pick<DeviceState, 'sync'>, database: DeviceDatabase, now: () => number): RecordMutation {
  return (name, args, localEffect) =>
    state.sync ? state.sync.recordMutation(name, args, localEffect) : recordMutation(database, name, args, localEffect, { now: now() });
}

export interface SyncStatusReader {
  /** What a device without an engine reports: what it last heard from the hub and what waits to be sent. */
  notEnrolled(): SyncStatus;
  current(): SyncStatus;
}

export function syncStatusReader(
  state: Pick<DeviceState, 'sync'>,
  queries: Pick<DeviceStoreQueries, 'syncState' | 'outbox' | 'attachments'>,
): SyncStatusReader {
  const notEnrolled = (): SyncStatus => ({
    state: 'notEnrolled',
    lastSuccessAt: queries.syncState.get().lastSuccessAt,
    pendingMutations: queries.outbox.pendingCount(),
    lastError: null,
    nextAttemptAt: null,
    blobsWaiting: queries.attachments.toFetchCount(),
    errorCounts: {},
  });
  return { notEnrolled, current: () => state.sync?.status() ?? notEnrolled() };
}
