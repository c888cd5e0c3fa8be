// Queries over sync_state: the one row that says who this device is to the hub and how far its sync has got.
import type { DeviceDatabase } from './database';

export interface StoredSyncError {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

export interface SyncStateRecord {
  readonly deviceId: string | null;
  readonly hubUrl: string | null;
  readonly cursor: string | null;
  /** The highest mutation id ever handed out on this device (see migration 0004). */
  readonly lastMutationId: number;
  readonly lastSuccessAt: number | null;
  readonly lastError: StoredSyncError | null;
}

interface SyncStateRow {
  device_id: string | null;
  hub_url: string | null;
  cursor: string | null;
  last_mutation_id: number;
  last_success_at: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: number | null;
}

export interface SyncStateQueries {
  get(): SyncStateRecord;
  setIdentity(deviceId: string, hubUrl: string): void;
  setCursor(cursor: string | null): void;
  /** Hands out the next mutation id; call inside the transaction that writes the outbox row. */
  allocateMutationId(): number;
  setLastMutationId(id: number): void;
  /** A full cycle (pull and push) completed: remember when, and forget the last error. */
  recordSuccess(at: number): void;
  recordError(error: StoredSyncError): void;
}

export function syncStateQueries(db: DeviceDatabase): SyncStateQueries {
  const select = db.prepare<[], SyncStateRow>('SELECT * FROM sync_state WHERE singleton = 1');
  const updateIdentity = db.prepare('UPDATE sync_state SET device_id = ?, hub_url = ? WHERE singleton = 1');
  const updateCursor = db.prepare('UPDATE sync_state SET cursor = ? WHERE singleton = 1');
  const bumpMutationId = db.prepare<[], { last_mutation_id: number }>(
    'UPDATE sync_state SET last_mutation_id = last_mutation_id + 1 WHERE singleton = 1 RETURNING last_mutation_id',
  );
  const updateLastMutationId = db.prepare('UPDATE sync_state SET last_mutation_id = ? WHERE singleton = 1');
  const updateSuccess = db.prepare(
    'UPDATE sync_state SET last_success_at = ?, last_error_code = NULL, last_error_message = NULL, last_error_at = NULL WHERE singleton = 1',
  );
  const updateError = db.prepare('UPDATE sync_state SET last_error_code = ?, last_error_message = ?, last_error_at = ? WHERE singleton = 1');

  const row = (): SyncStateRow => {
    const found = select.get();
    // Migration 0004 inserts the row and nothing deletes it; its absence means the store was tampered with.
    if (!found) throw new Error('sync_state has no row');
    return found;
  };

  return {
    get: () => {
      const state = row();
      return {
        deviceId: state.device_id,
        hubUrl: state.hub_url,
        cursor: state.cursor,
        lastMutationId: state.last_mutation_id,
        lastSuccessAt: state.last_success_at,
        lastError:
          state.last_error_code !== null && state.last_error_at !== null
            ? { code: state.last_error_code, message: state.last_error_message ?? '', at: state.last_error_at }
            : null,
      };
    },
    setIdentity: (deviceId, hubUrl) => {
      updateIdentity.run(deviceId, hubUrl);
    },
    setCursor: (cursor) => {
      updateCursor.run(cursor);
    },
    allocateMutationId: () => {
      const bumped = bumpMutationId.get();
      if (!bumped) throw new Error('sync_state has no row');
      return bumped.last_mutation_id;
    },
    setLastMutationId: (id) => {
      updateLastMutationId.run(id);
    },
    recordSuccess: (at) => {
      updateSuccess.run(at);
    },
    recordError: (error) => {
      updateError.run(error.code, error.message, error.at);
    },
  };
}
