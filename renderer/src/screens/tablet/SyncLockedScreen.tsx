// A tablet locked by the lock rule (issue 8): why, and what to do. It unlocks by itself once a sync succeeds (the
// runtime moves the deadline); staff badges still open service mode, which can sync it too.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceInfo } from '../../../../main/contract';

interface SyncLockedScreenProps {
  info: DeviceInfo | null;
  displayControls: ReactNode;
}

export function SyncLockedScreen({ info, displayControls }: SyncLockedScreenProps) {
  const { t } = useTranslation();
  const days = info?.tablet?.sync?.daysWithoutSync ?? null;
  return (
    <main className="screen screen--sync-locked" data-screen="syncLocked">
      <div className="screen__controls">{displayControls}</div>
      <div className="screen__body screen__body--centered">
        <h1 className="screen__title" data-testid="sync-locked-title">
          {t('syncLocked.title')}
        </h1>
        <p className="screen__lead" data-testid="sync-locked-why">
          {days === null ? t('syncLocked.whyNoCount') : t('syncLocked.why', { count: days })}
        </p>
        <p className="screen__lead screen__lead--strong" data-testid="sync-locked-what">
          {t('syncLocked.whatToDo')}
        </p>
        <p className="screen__hint">{t('syncLocked.unlocksBySelf')}</p>
        <p className="screen__hint">{t('syncLocked.staffHint')}</p>
      </div>
      {info ? (
        <footer className="screen__footer">
          <span>{info.siteName}</span>
          <span aria-hidden="true"> · </span>
          <span>{info.deviceName}</span>
        </footer>
      ) : null}
    </main>
  );
}
