import { useTranslation } from 'react-i18next';

/** Shown only until the first session view arrives. */
export function LoadingScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen screen--centered" data-screen="loading">
      <p className="screen__lead">{t('app.loading')}</p>
    </main>
  );
}
