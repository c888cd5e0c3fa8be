import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNow } from '../hooks/useNow';
import { secondsUntil } from '../i18n/format';

interface IdleWarningDialogProps {
  endsAt: number;
  onStillHere(): void;
}

/** The last call before an idle sign-out: a countdown from the runtime's deadline and one big way to stay. */
export function IdleWarningDialog({ endsAt, onStillHere }: IdleWarningDialogProps) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const titleId = useId();
  const countdownId = useId();
  const stillHereButton = useRef<HTMLButtonElement>(null);

  // Focus the only action, so a keyboard or switch user can answer at once.
  useEffect(() => {
    stillHereButton.current?.focus();
  }, []);

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={countdownId} data-testid="idle-warning">
        <h2 id={titleId} className="dialog__title">
          {t('idleWarning.title')}
        </h2>
        <p id={countdownId} className="dialog__text">
          {t('idleWarning.countdown', { count: secondsUntil(endsAt, now) })}
        </p>
        <button ref={stillHereButton} type="button" className="button button--primary button--huge" onClick={onStillHere}>
          {t('idleWarning.stillHere')}
        </button>
      </div>
    </div>
  );
}
