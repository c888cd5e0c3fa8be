// First boot: a device with no hub credential and nobody in its store. Staff enter the hub's address and a one-time
// code from the hub; once enrolled, the runtime sends enrollment.changed and the attract screen takes over while the
// residents arrive by sync. Nobody can sign in before that: the device has no one to sign in, and this screen says so.
import { useTranslation } from 'react-i18next';
import type { EnrollmentStatus, LanguageCode } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { EnrollmentForm } from './EnrollmentForm';

interface EnrollmentScreenProps {
  api: DeviceClient;
  status: EnrollmentStatus;
  language: LanguageCode;
}

export function EnrollmentScreen({ api, status, language }: EnrollmentScreenProps) {
  const { t } = useTranslation();
  return (
    <ScreenFrame screen="enrollment" title={t('enrollment.title')} subtitle={<span data-testid="device-identity">{status.deviceName}</span>}>
      <p className="screen__lead" data-testid="enrollment-no-residents">
        {t('enrollment.noResidents')}
      </p>
      {status.credential === 'unreadable' ? <p className="notice notice--problem">{t('enrollment.credentialUnreadable')}</p> : null}
      {status.credential === 'revoked' ? (
        <p className="notice notice--problem" data-testid="enrollment-revoked">
          {t('enrollment.credentialRevoked')}
        </p>
      ) : null}
      <p className="screen__hint">{t('enrollment.staffHint')}</p>
      <EnrollmentForm
        language={language}
        suggestedHubUrl={status.suggestedHubUrl}
        submitLabel={t('enrollment.submit')}
        enroll={(hubUrl, code) => api.call('enrollment.enroll', { hubUrl, code })}
      />
    </ScreenFrame>
  );
}
