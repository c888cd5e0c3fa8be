// A digest of the device's replica, computed over the hub's own record shapes, so "after quiet the device's replica
// equals the hub's view of its scope" (docs/sync.md §15 "What the tests prove", item 2) is one string comparison. Residents seeded on the device (version 0)
// are not the hub's and are left out.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../rules/canonical-json';
import type { SyncedEntity } from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import { storeQueriesOf } from '../store/store-queries';

export interface ReplicaRecord {
  readonly entity: SyncedEntity;
  readonly id: string;
  readonly version: number;
  readonly data: unknown;
}

const byEntityThenId = (a: ReplicaRecord, b: ReplicaRecord): number =>
  a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The digest of any set of records (the device's, a test model's or, later, the hub's view of a scope). */
export function digestOfRecords(records: readonly ReplicaRecord[]): string {
  const sorted = [...records].sort(byEntityThenId);
  return createHash('sha256')
    .update(canonicalJson(sorted.map(({ entity, id, version, data }) => ({ entity, id, version, data }))))
    .digest('hex');
}

export function replicaRecords(db: DeviceDatabase): ReplicaRecord[] {
  const residents = storeQueriesOf(db)
    .residents.fromHub()
    .map(({ resident, version, hubLockout }): ReplicaRecord => ({
      entity: 'resident',
      id: resident.residentId,
      version,
      data: {
        residentId: resident.residentId,
        credentialId: resident.credentialId,
        displayName: resident.displayName,
        pinHash: resident.pinHash,
        language: resident.language,
        housingUnitId: resident.housingUnit,
        lockedUntil: hubLockout.lockedUntil,
        lockoutClearedAt: hubLockout.lockoutClearedAt,
      },
    }));
  return [...residents, ...storeQueriesOf(db).replica.rows()].sort(byEntityThenId);
}

export function replicaDigest(db: DeviceDatabase): string {
  return digestOfRecords(replicaRecords(db));
}
