// First boot: a device with no hub credential and nobody in its store. Staff enter the hub's address and a one-time
// code from the hub; once enrolled, the runtime sends enrollment.changed and the attract screen takes over while the
// residents arrive by sync. Nobody can sign in before that: the device has no one to sign in, and this screen says so.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentStatus, LanguageCode } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { EnrollmentForm } from './EnrollmentForm';

interface EnrollmentScreenProps {
  api: DeviceClient;
  status: EnrollmentStatus;
  language: LanguageCode;
  displayControls: ReactNode;
}

export function EnrollmentScreen({ api, status, language, displayControls }: EnrollmentScreenProps) {
  const { t } = useTranslation();
  return (
    <main className="screen screen--enrollment" data-screen="enrollment">
      <div className="screen__controls">{displayControls}</div>
      <div className="screen__body">
        <h1 className="screen__title">{t('enrollment.title')}</h1>
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
      </div>
      <footer className="screen__footer" data-testid="device-identity">
        <span>{status.deviceName}</span>
      </footer>
    </main>
  );
}
