// A tablet's lock screen (issue 8): its own person signs in, or unlocks a held session, with the PIN alone. It greets
// them by first name and shows nothing else of theirs; a staff badge still works (service mode). Typed digits exist only
// in a ref, never in the DOM, as on the kiosk's PIN pad.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AttractNotice, DeviceInfo, SessionView } from '../../../../main/contract';
import { NumberPad, type Digit } from '../../components/NumberPad';
import { PinDots } from '../../components/PinDots';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useScreenLanguage } from '../../hooks/useScreenLanguage';
import { formatTime } from '../../i18n/format';
import { createReaderBurstDetector } from '../../session/sessionRules';
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

function isDigit(key: string): key is Digit {
  return /^[0-9]$/.test(key);
}

export function TabletLockScreen({ view, info, onSubmitPin }: TabletLockScreenProps) {
  const { t } = useTranslation();
  const language = useScreenLanguage();
  const digits = useRef('');
  const [typedCount, setTypedCount] = useState(0);
  const [sending, setSending] = useState(false);
  const padDisabled = view.checking || sending;
  const keyCameTooSoon = useRef(createReaderBurstDetector());

  const setDigits = useCallback((next: string) => {
    digits.current = next;
    setTypedCount(next.length);
  }, []);

  const appendDigit = useCallback(
    (digit: Digit) => {
      if (padDisabled || digits.current.length >= view.pinLength) return;
      const next = digits.current + digit;
      if (next.length < view.pinLength) {
        setDigits(next);
        return;
      }
      setDigits('');
      setSending(true);
      void onSubmitPin(next).finally(() => setSending(false));
    },
    [padDisabled, view.pinLength, setDigits, onSubmitPin],
  );
  const removeLastDigit = useCallback(() => {
    if (!padDisabled) setDigits(digits.current.slice(0, -1));
  }, [padDisabled, setDigits]);
  const clearDigits = useCallback(() => {
    if (!padDisabled) setDigits('');
  }, [padDisabled, setDigits]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
      // A card reader typing (a staff badge on a keyboard-mode reader): none of its keys may end up in a PIN.
      if (keyCameTooSoon.current(event.timeStamp)) {
        setDigits('');
        return;
      }
      if (isDigit(event.key)) {
        event.preventDefault();
        appendDigit(event.key);
      } else if (event.key === 'Backspace') {
        event.preventDefault();
        removeLastDigit();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [appendDigit, removeLastDigit, setDigits]);

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
      <div className="pin-entry">
        <div className="pin-entry__status">
          <p className="screen__lead" data-testid="tablet-lock-prompt">
            {view.sessionHeld ? t('tabletLock.promptUnlock') : t('tabletLock.promptSignIn')}
          </p>
          <PinDots typed={typedCount} pinLength={view.pinLength} />
          <div className="notice-area" role="status" data-testid="tablet-lock-notice">
            {status === null ? null : <p className={status.problem ? 'notice notice--problem' : 'notice'}>{status.text}</p>}
          </div>
          <TabletSyncWarning standing={info?.tablet?.sync ?? null} />
          <p className="screen__hint">{t('pinEntry.forgotPin')}</p>
          <p className="screen__hint">{t('tabletLock.staffHint')}</p>
        </div>
        <div className="pin-entry__pad">
          <NumberPad disabled={padDisabled} onDigit={appendDigit} onBack={removeLastDigit} onClear={clearDigits} />
        </div>
      </div>
    </ScreenFrame>
  );
}
