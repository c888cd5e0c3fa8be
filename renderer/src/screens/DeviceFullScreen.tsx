import { useTranslation } from 'react-i18next';
import { ScreenFrame } from '../frame/ScreenFrame';

/**
 * The device could not start because its disk is full (the shell serves this instead of a restart loop, and starts the
 * device by itself once there is room). In the kiosk's own language; nobody can sign in, so it only says what to do.
 */
export function DeviceFullScreen() {
  const { t } = useTranslation();
  return (
    <ScreenFrame screen="deviceFull" title={t('deviceFull.title')} centered>
      <p className="screen__lead" data-testid="device-full-lead">
        {t('deviceFull.lead')}
      </p>
      <p className="notice notice--problem" role="alert">
        {t('deviceFull.tellStaff')}
      </p>
    </ScreenFrame>
  );
}
