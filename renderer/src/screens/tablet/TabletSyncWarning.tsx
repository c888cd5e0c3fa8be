// The lock rule's warning (issue 8): from the site's warning threshold on, how many days are left to sync. Shown on the
// lock screen, at every sign-in and on every signed-in screen, so the lock is never a surprise.
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { TabletSyncStanding } from '../../../../main/contract';

/** The warning line; nothing while the tablet is within its days (or is not a tablet serving someone). */
export function TabletSyncWarning({ standing }: { standing: TabletSyncStanding | null }) {
  const { t } = useTranslation();
  if (standing === null || standing.state !== 'warning') return null;
  return (
    <p className="notice notice--warning tablet-sync-warning" role="status" data-testid="tablet-sync-warning">
      {t('tabletSync.warning', { count: standing.daysLeft })}
    </p>
  );
}

/** Said once at each sign-in while the warning is on, with one way to close it; the banner stays meanwhile. */
export function TabletSyncWarningDialog({ standing, onClose }: { standing: TabletSyncStanding; onClose(): void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const okButton = useRef<HTMLButtonElement>(null);
  useEffect(() => okButton.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} data-testid="tablet-sync-warning-dialog">
        <h2 id={titleId} className="dialog__title">
          {t('tabletSync.warning', { count: standing.daysLeft })}
        </h2>
        <p className="dialog__text">{t('tabletSync.warningHow', { count: standing.daysWithoutSync })}</p>
        <button ref={okButton} type="button" className="button button--primary button--huge" onClick={onClose}>
          {t('tabletSync.ok')}
        </button>
      </div>
    </div>
  );
}
