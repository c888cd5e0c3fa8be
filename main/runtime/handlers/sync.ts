// sync.* calls: the header's sync status, and a resident's rate-limited "Sync now" (main/sync/resident-sync-now.ts).
import type { CallHandlers } from '../../bridge/dispatch';
import type { ResidentSyncNowResult } from '../../contract';
import type { Logger } from '../../logging';
import type { ResidentSyncReason } from '../../sync/resident-sync-now';
import type { SyncStatusReader } from '../device-state';
import type { CallerGuard } from './access';

export type ResidentSyncNow = (reason: ResidentSyncReason) => ResidentSyncNowResult;

export interface SyncHandlerDeps {
  readonly syncStatus: Pick<SyncStatusReader, 'current'>;
  readonly residentSyncNow: ResidentSyncNow;
  readonly access: Pick<CallerGuard, 'forResident'>;
  readonly logger: Logger;
}

export function syncHandlers({ syncStatus, residentSyncNow, access, logger }: SyncHandlerDeps): Pick<CallHandlers, 'sync.status' | 'sync.now'> {
  return {
    'sync.status': () => syncStatus.current(),
    'sync.now': ({ reason }) =>
      access.forResident('sync.now', (residentId) => {
        const result = residentSyncNow(reason);
        logger.info({ residentId, reason, outcome: result.outcome }, 'resident asked for a sync');
        return result;
      }),
  };
}
