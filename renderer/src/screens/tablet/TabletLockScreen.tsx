// A tablet's lock screen (issue 8): its own person signs in, or unlocks a held session, with the PIN alone. It greets
// them by first name and shows nothing else of theirs; a staff badge still works (service mode). The PIN pad is the
// kiosk's own (components/PinPad.tsx).
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AttractNotice, DeviceInfo, SessionView } from '../../../../main/contract';
import { PinPad } from '../../components/PinPad';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useScreenLanguage } from '../../hooks/useScreenLanguage';
import { formatTime } from '../../i18n/format';
import { attractNoticeText } from '../attractNotice';
import { TabletSyncWarning } from './TabletSyncWarning';

type TabletLockView = Extract<SessionView, { phase: 'tabletLock' }>;

interface TabletLockScreenProps {
  view: TabletLockView;
  info: DeviceInfo | null;
  /** Settles when the runtime has answered (the new view arrives separately). */
  onSubmitPin(pin: string): Promise<void>;
}

/** Why the last session ended, in the kiosk's words, except that a tablet's session limit is said its own way. */
function endedNoticeText(t: TFunction, notice: AttractNotice): string {
  return notice === 'sessionTimeLimit' ? t('tabletLock.sessionTimeLimit') : attractNoticeText(t, notice);
}

export function TabletLockScreen({ view, info, onSubmitPin }: TabletLockScreenProps) {
  const { t } = useTranslation();
  const language = useScreenLanguage();
  const firstName = info?.tablet?.assigneeFirstName ?? null;
  let status: { text: string; problem: boolean } | null = null;
  if (view.checking) status = { text: t('pinEntry.checking'), problem: false };
  else if (view.lockedUntil !== null) status = { text: t('tabletLock.lockedOut', { time: formatTime(view.lockedUntil, language) }), problem: true };
  else if (view.pinNotice === 'wrongPin') status = { text: t('pinEntry.notice.wrongPin', { count: view.attemptsLeft ?? 0 }), problem: true };
  else if (view.notice !== null) status = { text: endedNoticeText(t, view.notice), problem: false };

  return (
    <ScreenFrame
      screen="tabletLock"
      dataAttributes={{ 'data-session-held': String(view.sessionHeld) }}
      title={<span data-testid="tablet-lock-greeting">{firstName === null ? t('tabletLock.titleNoName') : t('tabletLock.greeting', { name: firstName })}</span>}
    >
      <PinPad
        pinLength={view.pinLength}
        checking={view.checking}
        onSubmitPin={onSubmitPin}
        lead={
          <p className="screen__lead" data-testid="tablet-lock-prompt">
            {view.sessionHeld ? t('tabletLock.promptUnlock') : t('tabletLock.promptSignIn')}
          </p>
        }
      >
        <div className="notice-area" role="status" data-testid="tablet-lock-notice">
          {status === null ? null : <p className={status.problem ? 'notice notice--problem' : 'notice'}>{status.text}</p>}
        </div>
        <TabletSyncWarning standing={info?.tablet?.sync ?? null} />
        <p className="screen__hint">{t('pinEntry.forgotPin')}</p>
        <p className="screen__hint">{t('tabletLock.staffHint')}</p>
      </PinPad>
    </ScreenFrame>
  );
}
