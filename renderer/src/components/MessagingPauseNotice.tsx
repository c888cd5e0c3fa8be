// Staff paused the person's messaging: said on the home and compose screens before they write, with the end date in the
// site's time zone and staff's reason as written (a text node, isolated like any words someone else wrote).
import { useTranslation } from 'react-i18next';
import type { HomeSummary, LanguageCode } from '../../../main/contract';
import { formatDate } from '../i18n/format';

export function MessagingPauseNotice({ pause, language }: { pause: NonNullable<HomeSummary['messagingPause']>; language: LanguageCode }) {
  const { t } = useTranslation();
  return (
    <p className="notice notice--problem" role="status" data-testid="messaging-paused">
      {t('messagingPause.until', { date: formatDate(pause.pausedUntil, language) })}{' '}
      <bdi className="messaging-paused__reason" data-testid="messaging-paused-reason">
        {pause.reason}
      </bdi>
    </p>
  );
}
