import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../main/contract';
import { useNow } from '../hooks/useNow';
import { minutesUntil, secondsUntil } from '../i18n/format';

interface HomeScreenProps {
  resident: ResidentSummary;
  sessionEndsAt: number;
  displayControls: ReactNode;
  onSignOut(): void;
}

/** The services a resident will reach from here; each is announced before it exists, never hidden. */
const services = ['mail', 'stamps', 'money'] as const;

function SessionTimeLeft({ endsAt }: { endsAt: number }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const text =
    secondsUntil(endsAt, now) < 60 ? t('home.timeLeftUnderAMinute') : t('home.timeLeft', { count: minutesUntil(endsAt, now) });
  return (
    <p className="session-time-left" data-testid="session-time-left">
      {text}
    </p>
  );
}

export function HomeScreen({ resident, sessionEndsAt, displayControls, onSignOut }: HomeScreenProps) {
  const { t } = useTranslation();
  return (
    <main className="screen screen--home" data-screen="home">
      <div className="screen__controls">{displayControls}</div>
      <div className="screen__body">
        {/* The name is a text node: whatever it contains is shown, never interpreted. */}
        <h1 className="screen__title">{t('home.greeting', { name: resident.displayName })}</h1>
        <SessionTimeLeft endsAt={sessionEndsAt} />
        <div className="tiles">
          {services.map((service) => (
            <button key={service} type="button" className="tile" disabled>
              <span className="tile__name">{t(`home.tiles.${service}`)}</span>
              <span className="tile__status">{t('home.comingSoon')}</span>
            </button>
          ))}
        </div>
      </div>
      <footer className="screen__footer screen__footer--actions">
        <button type="button" className="button button--primary button--wide" onClick={onSignOut}>
          {t('home.signOut')}
        </button>
      </footer>
    </main>
  );
}
