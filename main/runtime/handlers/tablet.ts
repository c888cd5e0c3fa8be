// A tablet's calls: sync from the sync-age lock screen, and staff assigning the tablet to a person or taking it back.
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import type { Logger } from '../../logging';
import type { TabletAssignment } from '../../tablet/tablet-assignment';
import type { SessionHandle } from '../session-actor';
import type { CallerGuard } from './access';
import type { ResidentSyncNow } from './sync';

type TabletCalls = 'tablet.syncNow' | 'service.assignTablet' | 'service.unassignTablet';

export interface TabletHandlerDeps {
  readonly session: Pick<SessionHandle, 'getSnapshot'>;
  readonly tabletAssignment: Pick<TabletAssignment, 'assign' | 'unassign'>;
  readonly residentSyncNow: ResidentSyncNow;
  readonly access: Pick<CallerGuard, 'requireStaff'>;
  readonly logger: Logger;
}

export function tabletHandlers({ session, tabletAssignment, residentSyncNow, access, logger }: TabletHandlerDeps): Pick<CallHandlers, TabletCalls> {
  return {
    'tablet.syncNow': () => {
      const snapshot = session.getSnapshot();
      if (!snapshot.matches('syncLocked') && !snapshot.matches({ locked: 'syncOverdue' }))
        throw new DeviceCallError('notAuthorized', 'tablet.syncNow is offered only on a tablet locked for sync age.');
      const result = residentSyncNow('asked');
      logger.info({ outcome: result.outcome }, 'sync asked for from the sync-age lock screen');
      return result;
    },
    'service.assignTablet': async ({ bookingNumber, staffPin }) =>
      tabletAssignment.assign({ staffId: access.requireStaff('service.assignTablet'), staffPin }, bookingNumber),
    'service.unassignTablet': async ({ staffPin }) => tabletAssignment.unassign({ staffId: access.requireStaff('service.unassignTablet'), staffPin }),
  };
}
