import { useTranslation } from 'react-i18next';
import { ScreenFrame } from '../frame/ScreenFrame';

/** Shown only until the first session view arrives. */
export function LoadingScreen() {
  const { t } = useTranslation();
  return (
    <ScreenFrame screen="loading" title={t('app.title')} centered>
      <p className="screen__lead">{t('app.loading')}</p>
    </ScreenFrame>
  );
}
