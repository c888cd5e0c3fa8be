// A tablet's own rules (issue 8): its session limits, and the lock rule's deadline from the last successful sync or,
// when it has not synced since, from when its person's records arrived. Reads only; on a kiosk everything is null.
import { tabletSettingsOf, type KioskConfig } from '../../kiosk-config/schema';
import type { DeviceInfo } from '../contract';
import type { TabletSessionRules } from '../session/kiosk-session';
import type { ResidentQueries } from '../store/residents';
import type { SyncStateQueries } from '../store/sync-state';
import type { TabletAssignment } from '../tablet/tablet-assignment';
import { syncDeadlineOf, syncStandingOf, type SyncDeadline } from '../tablet/sync-lock';

export interface TabletStanding {
  /** For the session machine's input; null on a kiosk. */
  readonly sessionRules: TabletSessionRules | null;
  syncDeadline(): SyncDeadline | null;
  /** The tablet part of DeviceInfo. */
  info(): DeviceInfo['tablet'];
}

export interface TabletStandingDeps {
  readonly config: KioskConfig;
  readonly tabletAssignment: Pick<TabletAssignment, 'assignee'>;
  readonly syncState: Pick<SyncStateQueries, 'get'>;
  readonly residents: Pick<ResidentQueries, 'writtenAt'>;
  readonly now: () => number;
}

export function tabletStanding({ config, tabletAssignment, syncState, residents, now }: TabletStandingDeps): TabletStanding {
  const tabletSettings = config.device.mode === 'tablet' ? tabletSettingsOf(config) : null;
  const syncDeadline = (): SyncDeadline | null => {
    if (tabletSettings === null) return null;
    const assignee = tabletAssignment.assignee();
    if (assignee === null) return null;
    return syncDeadlineOf(syncState.get().lastSuccessAt, residents.writtenAt(assignee.residentId) ?? now(), tabletSettings);
  };
  const sessionRules: TabletSessionRules | null =
    tabletSettings === null
      ? null
      : {
          idleLockMs: tabletSettings.idleLockSeconds * 1000,
          dimMs: tabletSettings.dimSeconds * 1000,
          maxSessionMs: tabletSettings.maxSessionMinutes * 60_000,
          syncDeadline,
        };
  const info = (): DeviceInfo['tablet'] => {
    if (tabletSettings === null) return null;
    const assignee = tabletAssignment.assignee();
    const deadline = syncDeadline();
    return {
      assigned: assignee !== null,
      // The lock screen greets its owner by first name; the rest of the name stays behind the PIN.
      assigneeFirstName: assignee === null ? null : (assignee.displayName.trim().split(/\s+/)[0] ?? null),
      sync: deadline === null ? null : syncStandingOf(deadline, now()),
    };
  };
  return { sessionRules, syncDeadline, info };
}
