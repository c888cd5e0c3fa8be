import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../api/transport';

/** Says plainly that the screen has lost the device, instead of letting buttons silently do nothing. */
export function ConnectionBanner({ connection }: { connection: ConnectionState }) {
  const { t } = useTranslation();
  // The live region stays in the DOM so its text is announced when it appears.
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      {connection === 'connected' ? null : (
        <p className="connection-banner__text">
          <strong>{t('app.reconnecting')}</strong> {t('app.reconnectingDetail')}
        </p>
      )}
    </div>
  );
}
