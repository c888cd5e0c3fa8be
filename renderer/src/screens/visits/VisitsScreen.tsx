// The resident's visits: under way and upcoming ones first, then the recent past, each with its day and times in the
// facility's time zone, in person or by video, the visitor, how long, and whether it was cancelled. Read from the
// device's store (the hub's copy as last synced), so it works with the facility out of reach; fetched again after each
// sync, so a visit cancelled at the facility is marked while the person watches.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, Visit } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { MessageText, Name } from '../../components/MessageText';
import { formatDayInZone, formatTimeInZone } from '../../i18n/format';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { useMoneyData } from '../money/useMoneyData';
import './visits.css';

interface VisitsScreenProps {
  api: DeviceClient;
  language: LanguageCode;
  /** The site's IANA zone (DeviceInfo.timeZone); null until the device has said, when the device's own zone is used. */
  timeZone: string | null;
  onClose(): void;
}

/** "Cancelled", "Happening now", "Past", or nothing for an upcoming visit that will happen. */
function visitState(visit: Visit): 'cancelled' | 'underway' | 'past' | null {
  if (visit.cancelled) return 'cancelled';
  switch (visit.timing) {
    case 'upcoming':
      return null;
    case 'underway':
      return 'underway';
    case 'past':
      return 'past';
    default: {
      const unknownTiming: never = visit.timing;
      return unknownTiming;
    }
  }
}

function VisitCard({ visit, language, timeZone }: { visit: Visit; language: LanguageCode; timeZone: string | null }) {
  const { t } = useTranslation();
  const state = visitState(visit);
  const endsAt = visit.startsAt + visit.durationMinutes * 60_000;
  return (
    <li
      className={`visit${visit.cancelled ? ' visit--cancelled' : ''}${visit.timing === 'past' ? ' visit--past' : ''}`}
      data-testid="visit"
      data-visit-id={visit.visitId}
      data-cancelled={visit.cancelled}
      data-timing={visit.timing}
    >
      <p className="visit__day">{formatDayInZone(visit.startsAt, language, timeZone)}</p>
      <p className="visit__time">
        {t('visits.time', { start: formatTimeInZone(visit.startsAt, language, timeZone), end: formatTimeInZone(endsAt, language, timeZone) })}
        {' · '}
        {t('visits.minutes', { count: visit.durationMinutes })}
      </p>
      <p className="visit__kind">{t(`visits.kind.${visit.kind}`)}</p>
      <p className="visit__visitor">
        {t('visits.visitor')} <Name text={visit.visitorName} />
      </p>
      {state === null ? null : (
        <p className={`visit__state visit__state--${state}`} data-testid="visit-state">
          {t(`visits.state.${state}`)}
        </p>
      )}
      {visit.cancellationReason === null ? null : (
        <div className="visit__reason" data-testid="visit-cancellation-reason">
          <p className="visit__reason-label">{t('visits.cancellationReason')}</p>
          <MessageText text={visit.cancellationReason} className="visit__reason-text" />
        </div>
      )}
    </li>
  );
}

export function VisitsScreen({ api, language, timeZone, onClose }: VisitsScreenProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('visits.list', {}), [api]);
  const [view] = useMoneyData(api, load);

  return (
    <ScreenFrame
      screen="visits"
      instructions={t('visits.instructions')}
      title={t('visits.title')}
      actions={
        <button type="button" className="button button--secondary action--back" data-testid="visits-home" onClick={onClose}>
          {t('mail.backHome')}
        </button>
      }
    >
      <div className="visits">
        {view === null ? null : (
          <>
            <p className="visits__note">{t('visits.facilityTime')}</p>
            <section aria-labelledby="visits-upcoming" data-testid="visits-upcoming">
              <h2 id="visits-upcoming" className="visits__heading">
                {t('visits.upcomingTitle')}
              </h2>
              {view.upcoming.length === 0 ? (
                <p>{t('visits.noUpcoming')}</p>
              ) : (
                <ul className="visits__list">
                  {view.upcoming.map((visit) => (
                    <VisitCard key={visit.visitId} visit={visit} language={language} timeZone={timeZone} />
                  ))}
                </ul>
              )}
            </section>
            <section aria-labelledby="visits-past" data-testid="visits-past">
              <h2 id="visits-past" className="visits__heading">
                {t('visits.pastTitle', { count: view.recentPastDays })}
              </h2>
              {view.recentPast.length === 0 ? (
                <p>{t('visits.noPast')}</p>
              ) : (
                <ul className="visits__list">
                  {view.recentPast.map((visit) => (
                    <VisitCard key={visit.visitId} visit={visit} language={language} timeZone={timeZone} />
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </div>
    </ScreenFrame>
  );
}
