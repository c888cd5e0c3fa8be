import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PinNotice, SessionView } from '../../../main/contract';
import { PinPad } from '../components/PinPad';
import { ScreenFrame } from '../frame/ScreenFrame';

type PinEntryView = Extract<SessionView, { phase: 'pinEntry' }>;

interface PinEntryScreenProps {
  view: PinEntryView;
  /** Settles when the runtime has answered (the new view arrives separately). */
  onSubmitPin(pin: string): Promise<void>;
  onCancel(): void;
}

function pinNoticeText(t: TFunction, notice: PinNotice, attemptsLeft: number): string {
  switch (notice) {
    case 'wrongPin':
      return t('pinEntry.notice.wrongPin', { count: attemptsLeft });
    default: {
      const unreachable: never = notice;
      return unreachable;
    }
  }
}

/** The kiosk's PIN screen, after a card: the shared PIN pad (components/PinPad.tsx) with its notices. */
export function PinEntryScreen({ view, onSubmitPin, onCancel }: PinEntryScreenProps) {
  const { t } = useTranslation();

  let statusText: string | null = null;
  if (view.checking) statusText = view.subject === 'staff' ? t('pinEntry.checkingStaff') : t('pinEntry.checking');
  else if (view.notice !== null) statusText = pinNoticeText(t, view.notice, view.attemptsLeft);

  return (
    <ScreenFrame
      screen="pinEntry"
      instructions={t('pinEntry.instructions')}
      dataAttributes={{ 'data-pin-subject': view.subject }}
      title={view.subject === 'staff' ? t('pinEntry.titleStaff') : t('pinEntry.title')}
      actions={
        <button type="button" className="button button--secondary button--wide action--back" onClick={onCancel}>
          {t('pinEntry.cancel')}
        </button>
      }
    >
      <PinPad pinLength={view.pinLength} checking={view.checking} onSubmitPin={onSubmitPin}>
        <div className="notice-area" role="status" data-testid="pin-notice">
          {statusText === null ? null : <p className={view.notice !== null && !view.checking ? 'notice notice--problem' : 'notice'}>{statusText}</p>}
        </div>
        <p className="screen__hint">{view.subject === 'staff' ? t('pinEntry.forgotPinStaff') : t('pinEntry.forgotPin')}</p>
      </PinPad>
    </ScreenFrame>
  );
}
