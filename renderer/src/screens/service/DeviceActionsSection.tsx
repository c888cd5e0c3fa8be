// Service mode's destructive actions, each behind a confirmation: enroll the device again with a new code (what
// residents did here and has not reached the facility is kept and sent under the new identity), or wipe it (every
// person's data and the credential go; the device restarts at the enrollment screen). The runtime decides who may do
// either (staff only); this screen only asks "are you sure?" and says the outcome in words.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollResult } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';
import { EnrollmentForm } from '../enrollment/EnrollmentForm';
import { ConfirmDialog } from './ConfirmDialog';
import type { ServiceSectionProps } from './serviceSection';

type Pending =
  { kind: 'none' } | { kind: 'confirmWipe' } | { kind: 'confirmReenroll'; hubUrl: string; code: string; settle(result: Promise<EnrollResult>): void };

export function DeviceActionsSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const [pending, setPending] = useState<Pending>({ kind: 'none' });
  const [wipe, setWipe] = useState<{ state: 'idle' | 'wiping' } | { state: 'failed'; code: DeviceApiError['code'] }>({ state: 'idle' });

  // The form's submit waits here until staff confirm or cancel; cancelling answers as if nothing was sent.
  const reenroll = (hubUrl: string, code: string): Promise<EnrollResult> =>
    new Promise((resolve, reject) => {
      setPending({
        kind: 'confirmReenroll',
        hubUrl,
        code,
        settle: (result) => {
          result.then(resolve, reject);
        },
      });
    });

  return (
    <section className="service-section" data-testid="service-device-actions">
      <h2 className="compose__title">{t('service.deviceActions.reenrollTitle')}</h2>
      <p className="screen__hint">{t('service.deviceActions.reenrollHint')}</p>
      <EnrollmentForm language={language} suggestedHubUrl={null} submitLabel={t('service.deviceActions.reenrollButton')} enroll={reenroll} />

      <h2 className="compose__title">{t('service.deviceActions.wipeTitle')}</h2>
      <p className="screen__hint">{t('service.deviceActions.wipeHint')}</p>
      <div className="notice-area" role="status" data-testid="wipe-outcome">
        {wipe.state === 'wiping' ? <p className="notice">{t('service.deviceActions.wiping')}</p> : null}
        {wipe.state === 'failed' ? <p className="notice notice--problem">{t(`errors.${wipe.code}`)}</p> : null}
      </div>
      <button
        type="button"
        className="button button--danger button--wide"
        disabled={wipe.state === 'wiping'}
        onClick={() => setPending({ kind: 'confirmWipe' })}
        data-testid="wipe-device"
      >
        {t('service.deviceActions.wipeButton')}
      </button>

      {pending.kind === 'confirmWipe' ? (
        <ConfirmDialog
          title={t('service.deviceActions.wipeConfirmTitle')}
          text={t('service.deviceActions.wipeConfirmText')}
          confirmLabel={t('service.deviceActions.wipeConfirm')}
          cancelLabel={t('service.cancel')}
          onCancel={() => setPending({ kind: 'none' })}
          onConfirm={() => {
            setPending({ kind: 'none' });
            setWipe({ state: 'wiping' });
            // On success the device restarts and this page reloads at the enrollment screen.
            api
              .call('service.wipeDevice', { confirm: 'wipe' })
              .catch((error: unknown) => setWipe({ state: 'failed', code: error instanceof DeviceApiError ? error.code : 'internal' }));
          }}
        />
      ) : null}
      {pending.kind === 'confirmReenroll' ? (
        <ConfirmDialog
          title={t('service.deviceActions.reenrollConfirmTitle')}
          text={t('service.deviceActions.reenrollConfirmText', { hub: pending.hubUrl })}
          confirmLabel={t('service.deviceActions.reenrollConfirm')}
          cancelLabel={t('service.cancel')}
          onCancel={() => {
            pending.settle(Promise.reject(new DeviceApiError('wrongPhase', 'cancelled')));
            setPending({ kind: 'none' });
          }}
          onConfirm={() => {
            pending.settle(api.call('service.reenroll', { hubUrl: pending.hubUrl, code: pending.code }));
            setPending({ kind: 'none' });
          }}
        />
      ) : null}
    </section>
  );
}
