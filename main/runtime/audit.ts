// The device's audit recorder. Entries go straight into the outbox and ride with the next sync cycle (a sign-in starts
// one; so does the interval): waking sync for each would start a cycle at every card swipe and sign-out. A failed
// append is logged by kind, never with the entry, and never stops a sign-in or a sign-out.
import { auditRecorder, createAuditLog, type AuditRecorder } from '../audit/audit-log';
import type { Logger } from '../logging';
import type { DeviceDatabase } from '../store/database';
import { isStorageFull } from '../store/storage-full';
import { recordMutation } from '../sync/outbox';
import type { ReserveGuard } from './storage-guard';

export function deviceAudit(database: DeviceDatabase, now: () => number, reserve: Pick<ReserveGuard, 'withReserve'>, logger: Logger): AuditRecorder {
  const auditLog = createAuditLog({ db: database, now, recordMutation: (name, args, effect) => recordMutation(database, name, args, effect, { now: now() }) });
  // A sign-out on a full disk still writes its audit entry: that is what the reserve is for.
  return auditRecorder({ append: (kind, actor, details) => reserve.withReserve('audit entry', () => auditLog.append(kind, actor, details)) }, (kind, error) =>
    logger.error({ err: error, kind, storageFull: isStorageFull(error) }, 'audit entry not written'),
  );
}
