// A tablet locked by the lock rule: why, and what to do. It unlocks by itself once a sync succeeds (the runtime moves
// the deadline); "Try to sync now" lets the person standing at a Wi-Fi spot or the dock start one at once instead of
// waiting out a backoff, and staff badges still open service mode, which can sync it too.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceInfo, ResidentSyncNowResult } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { ScreenFrame } from '../../frame/ScreenFrame';

interface SyncLockedScreenProps {
  api: DeviceClient;
  info: DeviceInfo | null;
}

type TryOutcome = ResidentSyncNowResult['outcome'] | 'failed';

export function SyncLockedScreen({ api, info }: SyncLockedScreenProps) {
  const { t } = useTranslation();
  const days = info?.tablet?.sync?.daysWithoutSync ?? null;
  const [outcome, setOutcome] = useState<TryOutcome | null>(null);
  const trySync = (): void => {
    api.call('tablet.syncNow', {}).then(
      (result) => setOutcome(result.outcome),
      () => setOutcome('failed'),
    );
  };
  return (
    <ScreenFrame
      screen="syncLocked"
      title={<span data-testid="sync-locked-title">{t('syncLocked.title')}</span>}
      centered
      actions={
        <button type="button" className="button button--primary button--wide" data-testid="sync-locked-try" onClick={trySync}>
          {t('syncLocked.tryNow')}
        </button>
      }
    >
      <p className="screen__lead" data-testid="sync-locked-why">
        {days === null ? t('syncLocked.whyNoCount') : t('syncLocked.why', { count: days })}
      </p>
      <p className="screen__lead screen__lead--strong" data-testid="sync-locked-what">
        {t('syncLocked.whatToDo')}
      </p>
      <p className="notice" role="status" data-testid="sync-locked-outcome" hidden={outcome === null}>
        {outcome === null ? null : t(`syncLocked.outcome.${outcome}`)}
      </p>
      <p className="screen__hint">{t('syncLocked.unlocksBySelf')}</p>
      <p className="screen__hint">{t('syncLocked.staffHint')}</p>
      {info ? (
        <p className="screen__hint">
          {info.siteName} · {info.deviceName}
        </p>
      ) : null}
    </ScreenFrame>
  );
}
