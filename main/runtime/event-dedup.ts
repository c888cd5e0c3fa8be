// The screens hear of a change once: session.changed when the view they draw changed, device.infoChanged when the
// language or a tablet's standing did, and the session machine hears TABLET_CHANGED only when the lock deadline moved.
import type { KioskConfig } from '../../kiosk-config/schema';
import { sessionViewOf, type KioskSessionSnapshot } from '../session/kiosk-session';
import type { DeviceInfoSource } from './device-info';
import type { EventListener } from './events';
import type { SessionHandle } from './session-actor';
import type { TabletStanding } from './tablet-standing';

export interface DeviceNotices {
  /** Each session snapshot: a new view, a new language, and (days pass) a tablet's warning that has begun. */
  sessionChanged(snapshot: KioskSessionSnapshot): void;
  languageMaybeChanged(): void;
  /** After a sync, an assignment or a session step: the screens hear of a new standing, the session of a moved deadline. */
  refreshTabletInfo(options?: { tellSession: boolean }): void;
}

export interface DeviceNoticesDeps {
  readonly mode: KioskConfig['device']['mode'];
  readonly session: SessionHandle;
  readonly emit: EventListener;
  readonly deviceInfo: DeviceInfoSource;
  readonly tablet: Pick<TabletStanding, 'info' | 'syncDeadline'>;
}

/** Built once the session exists: what was last told is taken from it and the tablet as they are now. */
export function deviceNotices({ mode, session, emit, deviceInfo, tablet }: DeviceNoticesDeps): DeviceNotices {
  let lastView = '';
  let lastLanguage = deviceInfo.currentLanguage();
  /** The tablet part of DeviceInfo and the lock deadline, as last told to the screens and the session; unused on a kiosk. */
  let lastTabletInfo = JSON.stringify(tablet.info());
  let lastLockAt: number | null = tablet.syncDeadline()?.lockAt ?? null;

  const languageMaybeChanged = (): void => {
    if (deviceInfo.currentLanguage() === lastLanguage) return;
    lastLanguage = deviceInfo.currentLanguage();
    emit('device.infoChanged', deviceInfo.info());
  };
  const refreshTabletInfo = (options: { tellSession: boolean } = { tellSession: true }): void => {
    if (mode !== 'tablet') return;
    if (options.tellSession) {
      const lockAt = tablet.syncDeadline()?.lockAt ?? null;
      if (lockAt !== lastLockAt) session.send({ type: 'TABLET_CHANGED' });
      lastLockAt = lockAt;
    }
    const serialized = JSON.stringify(tablet.info());
    if (serialized === lastTabletInfo) return;
    lastTabletInfo = serialized;
    emit('device.infoChanged', deviceInfo.info());
  };
  return {
    sessionChanged(snapshot) {
      const view = sessionViewOf(snapshot);
      const serialized = JSON.stringify(view);
      if (serialized !== lastView) {
        lastView = serialized;
        emit('session.changed', view);
      }
      languageMaybeChanged();
      // Days pass: at a sign-in, a touch or a lock, the screens hear of a warning that has begun or a day that went by.
      refreshTabletInfo({ tellSession: false });
    },
    languageMaybeChanged,
    refreshTabletInfo,
  };
}
