import { useTranslation } from 'react-i18next';
import { ScreenFrame } from '../frame/ScreenFrame';
import { useNow } from '../hooks/useNow';
import { useScreenLanguage } from '../hooks/useScreenLanguage';
import { formatTime, minutesUntil } from '../i18n/format';

interface LockedOutScreenProps {
  until: number;
  onDismiss(): void;
}

/** After too many wrong PINs: when the person may try again, in clock time and as a countdown. */
export function LockedOutScreen({ until, onDismiss }: LockedOutScreenProps) {
  const { t } = useTranslation();
  const language = useScreenLanguage();
  const minutesLeft = minutesUntil(until, useNow(1000));
  return (
    <ScreenFrame
      screen="lockedOut"
      title={t('lockedOut.title')}
      centered
      actions={
        <button type="button" className="button button--primary button--wide" onClick={onDismiss}>
          {t('lockedOut.ok')}
        </button>
      }
    >
      {minutesLeft > 0 ? (
        <>
          <p className="screen__lead">{t('lockedOut.tryAgainAt', { time: formatTime(until, language) })}</p>
          <p className="screen__lead" data-testid="lockout-countdown">
            {t('lockedOut.minutesLeft', { count: minutesLeft })}
          </p>
        </>
      ) : (
        <p className="screen__lead">{t('lockedOut.tryAgainNow')}</p>
      )}
    </ScreenFrame>
  );
}
