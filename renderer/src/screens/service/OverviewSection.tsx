import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceErrorCode } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { installedLanguage, offeredLanguages } from '../../i18n/languages';
import { appUpdateRefusalText, appUpdateText } from './appUpdateWords';
import { ConfirmDialog } from './ConfirmDialog';
import { FactList } from './FactList';
import { formatBytes } from './serviceFormat';
import { storeEncryptionText } from './storeEncryptionWords';
import type { ServiceSectionProps } from './serviceSection';
import { useServiceCall } from './useServiceCall';

/** Which device this is, where it syncs, its app's updates, how much it stores and whether encrypted; and the restart, behind a confirmation. */
export function OverviewSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.overview', {}), [api]);
  const { value: overview, failure } = useServiceCall(load);
  const loadInfo = useCallback(() => api.call('device.info', {}), [api]);
  const { value: info } = useServiceCall(loadInfo);
  const languages = info === null ? null : offeredLanguages(info.languages);
  const [confirmingRestart, setConfirmingRestart] = useState(false);
  const [restart, setRestart] = useState<'idle' | 'asked' | DeviceErrorCode>('idle');

  const restartNow = (): void => {
    setConfirmingRestart(false);
    setRestart('asked');
    api.call('service.restart', {}).then(
      () => undefined,
      (error: unknown) => setRestart(error instanceof DeviceApiError ? error.code : 'internal'),
    );
  };

  return (
    <section className="service-section" data-testid="service-overview" aria-labelledby="service-overview-title">
      <h2 id="service-overview-title" className="service-section__title">
        {t('service.sections.overview')}
      </h2>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {overview === null ? null : (
        <FactList
          testId="service-device-facts"
          facts={[
            [t('service.overview.deviceName'), overview.deviceName],
            [t('service.overview.deviceId'), overview.deviceId ?? t('service.overview.noDeviceId')],
            [t('service.overview.site'), overview.siteName],
            [t('service.overview.mode'), t(`service.overview.modes.${overview.mode}`)],
            [t('service.overview.appVersion'), overview.appVersion],
            [t('service.overview.updates'), appUpdateText(t, overview.appUpdates, language)],
            [t('service.overview.hubUrl'), overview.hubUrl ?? t('service.overview.noHubUrl')],
            [t('service.overview.enrolled'), overview.enrolled ? t('service.overview.enrolledYes') : t('service.overview.enrolledNo')],
            ...(overview.mode === 'tablet'
              ? [
                  [
                    t('service.overview.assignee'),
                    overview.tabletAssignee === null
                      ? t('service.overview.assigneeNone')
                      : t('service.overview.assigneeValue', { name: overview.tabletAssignee.displayName, booking: overview.tabletAssignee.bookingNumber }),
                  ] as const,
                ]
              : []),
            [
              t('service.overview.storage'),
              t('service.overview.storageDetail', {
                store: formatBytes(overview.storage.storeBytes, language),
                wal: formatBytes(overview.storage.walBytes, language),
                attachments: formatBytes(overview.storage.attachmentsBytes, language),
                logs: formatBytes(overview.storage.logsBytes, language),
              }),
            ],
            [
              t('service.overview.freeSpace'),
              t('service.overview.freeSpaceDetail', {
                free: formatBytes(overview.storage.freeBytes, language),
                total: formatBytes(overview.storage.totalBytes, language),
              }),
            ],
            [t('service.overview.storeEncryption'), storeEncryptionText(t, overview.storeEncryption)],
            ...(languages === null
              ? []
              : [[t('service.overview.languages'), languages.shown.map((tag) => `${installedLanguage(tag).name} (${tag})`).join(' · ')] as const]),
          ]}
        />
      )}
      {info === null
        ? null
        : // The site offers a language this build has no locale file for: staff learn it here, residents are simply not offered it.
          offeredLanguages(info.languages).withoutWords.map((tag) => (
            <p key={tag} className="notice notice--problem" data-testid="service-language-without-words">
              {t('service.overview.languageWithoutWords', { language: tag, fallback: installedLanguage(info.defaultLanguage).name })}
            </p>
          ))}
      {overview === null || appUpdateRefusalText(t, overview.appUpdates) === null ? null : (
        // An update the device would not take: IT learns it at the device as well as in its log.
        <p className="notice notice--problem" data-testid="service-update-refused">
          {appUpdateRefusalText(t, overview.appUpdates)}
        </p>
      )}
      {overview === null || overview.storage.level === 'ok' ? null : (
        // The warning before the disk runs out, and what a full one means for the people using the device.
        <p className="notice notice--problem" role="alert" data-testid="service-disk-level" data-level={overview.storage.level}>
          {t(`service.overview.diskLevel.${overview.storage.level}`)}
        </p>
      )}
      <div className="service-section__actions">
        <button
          type="button"
          className="button button--secondary button--wide"
          disabled={restart === 'asked'}
          onClick={() => setConfirmingRestart(true)}
          data-testid="service-restart"
        >
          {t('service.restart.button')}
        </button>
      </div>
      <div role="status">
        {restart === 'asked' ? <p className="notice">{t('service.restart.restarting')}</p> : null}
        {restart !== 'idle' && restart !== 'asked' ? <p className="notice notice--problem">{t(`errors.${restart}`)}</p> : null}
      </div>
      {confirmingRestart ? (
        <ConfirmDialog
          title={t('service.restart.confirmTitle')}
          text={t('service.restart.confirmText')}
          confirmLabel={t('service.restart.confirm')}
          cancelLabel={t('service.cancel')}
          onConfirm={restartNow}
          onCancel={() => setConfirmingRestart(false)}
        />
      ) : null}
    </section>
  );
}
