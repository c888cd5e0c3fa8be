import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { formatWhen } from '../../i18n/format';
import { FactList } from './FactList';
import type { ServiceSectionProps } from './serviceSection';
import { useServiceCall } from './useServiceCall';

/** Sync health as staff need it: what it is doing, when it last worked, what waits to go, the last error in words. */
export function SyncSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.sync', {}), [api]);
  const { value: status, failure, setValue } = useServiceCall(load);
  const [syncNow, setSyncNow] = useState<'idle' | 'started' | 'notEnrolled' | DeviceErrorCode>('idle');

  useEffect(() => api.on('sync.statusChanged', setValue), [api, setValue]);

  const startSync = (): void => {
    api.call('service.syncNow', {}).then(
      (result) => {
        setValue(result.status);
        setSyncNow(result.started ? 'started' : 'notEnrolled');
      },
      (error: unknown) => setSyncNow(error instanceof DeviceApiError ? error.code : 'internal'),
    );
  };

  const busy = status !== null && (status.state === 'pulling' || status.state === 'pushing' || status.state === 'fetchingBlobs');
  return (
    <section className="service-section" data-testid="service-sync" aria-labelledby="service-sync-title">
      <h2 id="service-sync-title" className="service-section__title">
        {t('service.sections.sync')}
      </h2>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {status === null ? null : (
        <>
          <FactList
            testId="service-sync-facts"
            facts={[
              [t('service.sync.state'), <span data-testid="service-sync-state">{t(`service.sync.states.${status.state}`)}</span>],
              [t('service.sync.lastSuccess'), status.lastSuccessAt === null ? t('service.sync.never') : formatWhen(status.lastSuccessAt, language)],
              [t('service.sync.pending'), t('service.sync.pendingCount', { count: status.pendingMutations })],
              [t('service.sync.blobsWaiting'), t('service.sync.blobsWaitingCount', { count: status.blobsWaiting })],
              [
                t('service.sync.lastError'),
                status.lastError === null ? (
                  t('service.sync.noError')
                ) : (
                  <span className="service-facts__problem" data-testid="service-sync-error">
                    {t('service.sync.errorAt', { error: t(`service.sync.errors.${status.lastError.code}`), time: formatWhen(status.lastError.at, language) })}
                  </span>
                ),
              ],
            ]}
          />
          {status.hubRestoredAt === undefined ? null : (
            <p className="notice" data-testid="service-sync-hub-restored">
              {t('service.sync.hubRestored', { time: formatWhen(status.hubRestoredAt, language) })}
            </p>
          )}
          <div className="service-section__actions">
            <button
              type="button"
              className="button button--primary button--wide"
              disabled={busy || status.state === 'notEnrolled'}
              onClick={startSync}
              data-testid="service-sync-now"
            >
              {busy ? t('service.sync.syncing') : t('service.sync.syncNow')}
            </button>
          </div>
        </>
      )}
      <div role="status">
        {syncNow === 'notEnrolled' ? <p className="notice">{t('service.sync.notEnrolledHint')}</p> : null}
        {syncNow !== 'idle' && syncNow !== 'started' && syncNow !== 'notEnrolled' ? <p className="notice notice--problem">{t(`errors.${syncNow}`)}</p> : null}
      </div>
    </section>
  );
}
