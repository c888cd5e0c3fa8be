import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { HomeSummary, LanguageCode, ResidentSummary } from '../../../main/contract';
import { MessagingPauseNotice } from '../components/MessagingPauseNotice';
import { ScreenFrame } from '../frame/ScreenFrame';
import { useNow } from '../hooks/useNow';
import { useIsolated } from '../i18n/bidi';
import { formatDayInZone, formatMoney, formatTime, formatTimeInZone, minutesUntil, secondsUntil } from '../i18n/format';

interface HomeScreenProps {
  resident: ResidentSummary;
  sessionEndsAt: number;
  /** Null until the runtime has answered. */
  summary: HomeSummary | null;
  /** The site's time zone (DeviceInfo.timeZone), for the next visit's day and time; null: the device's own. */
  timeZone?: string | null;
  /** The device's last try to reach the facility failed for want of a network: said next to what is waiting. */
  facilityUnreachable?: boolean;
  onSignOut(): void;
  /** Opens a service's screen; without it the tiles are announced as coming soon. */
  onOpen?(service: Service): void;
}

/** The services a resident will reach from here; each is announced before it exists, never hidden. */
const services = ['mail', 'stamps', 'money', 'visits'] as const;
export type Service = (typeof services)[number];

/** One line per tile with what the device knows: new mail, and balances exactly as the hub last confirmed them. */
function tileFact(service: Service, summary: HomeSummary | null, language: LanguageCode, timeZone: string | null, t: TFunction): string | null {
  if (summary === null) return null;
  switch (service) {
    case 'mail':
      return summary.unreadMessages === 0 ? t('home.facts.noNewMail') : t('home.facts.newMail', { count: summary.unreadMessages });
    case 'stamps':
      return summary.balance === null ? t('home.facts.notConfirmedYet') : t('home.facts.stamps', { count: summary.balance.stamps });
    case 'money':
      return summary.balance === null
        ? t('home.facts.notConfirmedYet')
        : t('home.facts.money', { amount: formatMoney(summary.balance.availableCents, language), time: formatTime(summary.balance.confirmedAt, language) });
    case 'visits':
      return summary.nextVisit === null
        ? t('home.facts.noVisits')
        : t('home.facts.nextVisit', {
            day: formatDayInZone(summary.nextVisit.startsAt, language, timeZone),
            time: formatTimeInZone(summary.nextVisit.startsAt, language, timeZone),
          });
    default: {
      const unreachable: never = service;
      return unreachable;
    }
  }
}

function SessionTimeLeft({ endsAt }: { endsAt: number }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const text = secondsUntil(endsAt, now) < 60 ? t('home.timeLeftUnderAMinute') : t('home.timeLeft', { count: minutesUntil(endsAt, now) });
  return (
    <span className="session-time-left" data-testid="session-time-left">
      {text}
    </span>
  );
}

export function HomeScreen({ resident, sessionEndsAt, summary, timeZone = null, facilityUnreachable = false, onSignOut, onOpen }: HomeScreenProps) {
  const openers: Partial<Record<Service, () => void>> =
    onOpen === undefined ? {} : { mail: () => onOpen('mail'), stamps: () => onOpen('stamps'), money: () => onOpen('money'), visits: () => onOpen('visits') };
  const { t } = useTranslation();
  const isolated = useIsolated();
  return (
    <ScreenFrame
      screen="home"
      instructions={t('home.instructions')}
      // The name is a text node: whatever it contains is shown, never interpreted, in its own direction.
      title={t('home.greeting', { name: isolated(resident.displayName) })}
      subtitle={<SessionTimeLeft endsAt={sessionEndsAt} />}
      actions={
        <button type="button" className="button button--primary button--wide" onClick={onSignOut} data-testid="sign-out">
          {t('home.signOut')}
        </button>
      }
    >
      {summary !== null && summary.waitingOnThisDevice > 0 ? (
        <p className="home__waiting">
          {t('home.facts.waiting', { count: summary.waitingOnThisDevice })}
          {facilityUnreachable ? (
            <>
              {' '}
              <span data-testid="facility-unreachable">{t('home.facts.unreachable')}</span>
            </>
          ) : null}
        </p>
      ) : null}
      {summary?.messagingPause ? <MessagingPauseNotice pause={summary.messagingPause} language={resident.language} /> : null}
      <div className="tiles">
        {services.map((service) => {
          const open = openers[service];
          return (
            <button key={service} type="button" className="tile" disabled={open === undefined} onClick={open} data-testid={`tile-${service}`}>
              <span className="tile__name">{t(`home.tiles.${service}`)}</span>
              <span className="tile__fact">{tileFact(service, summary, resident.language, timeZone, t)}</span>
              {/* Letters the facility stopped are said on the Mail tile until the person has seen the notice. */}
              {service === 'mail' && summary !== null && summary.stoppedLetters > 0 ? (
                <span className="tile__alert" data-testid="home-stopped-letters">
                  {t('home.facts.stoppedLetters', { count: summary.stoppedLetters })}
                </span>
              ) : null}
              <span className="tile__status">{open === undefined ? t('home.comingSoon') : t('home.open')}</span>
            </button>
          );
        })}
      </div>
    </ScreenFrame>
  );
}
