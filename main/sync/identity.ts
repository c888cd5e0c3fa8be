// Which device this store belongs to, as far as the hub is concerned. A store that meets a new device id (the device
// was enrolled again) cannot keep its cursor (the hub refuses another device's cursor), its replica (the new scope may
// differ, and nothing would evict what fell out of it) or its mutation numbering (the hub counts from zero for the new
// id). Pending mutations are kept and renumbered from 1: their arguments carry the ids (messageId, requestId) that let
// the hub recognise a repeat, so sending them under the new identity cannot apply anything twice. The audit log starts
// a new chain instead (audit-chain.ts, restartAuditChain).
import type { DeviceDatabase } from '../store/database';
import { storeQueriesOf } from '../store/store-queries';
import { restartAuditChain } from './audit-chain';

export type IdentityChange = 'first' | 'unchanged' | 'replaced';

export function adoptDeviceIdentity(
  db: DeviceDatabase,
  identity: { readonly deviceId: string; readonly hubUrl: string },
  options: { readonly now?: number } = {},
): IdentityChange {
  const syncState = storeQueriesOf(db).syncState;
  return db.transaction((): IdentityChange => {
    const stored = syncState.get();
    if (stored.deviceId === identity.deviceId) {
      if (stored.hubUrl !== identity.hubUrl) syncState.setIdentity(identity.deviceId, identity.hubUrl);
      return 'unchanged';
    }
    syncState.setIdentity(identity.deviceId, identity.hubUrl);
    if (stored.deviceId === null) return 'first';
    storeQueriesOf(db).replica.clearAll();
    storeQueriesOf(db).residents.removeAllFromHub();
    const outbox = storeQueriesOf(db).outbox;
    // The audit chain is per device id at the hub: the old chain's unsent entries cannot join the new one.
    const unsentAuditEntries = outbox.deletePendingNamed('appendAuditEntry');
    const pending = outbox.renumberPendingFromOne();
    syncState.setLastMutationId(pending);
    syncState.setCursor(null);
    restartAuditChain(db, { at: options.now ?? Date.now(), unsentEntries: unsentAuditEntries });
    return 'replaced';
  })();
}
