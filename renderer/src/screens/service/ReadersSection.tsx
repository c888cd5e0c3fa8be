import type { TFunction } from 'i18next';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReaderStatus, ServiceRead } from '../../../../main/contract';
import { formatClock } from './serviceFormat';
import type { ServiceSectionProps } from './serviceSection';
import { useServiceCall } from './useServiceCall';

/** Reads kept on screen; the runtime keeps a few more. */
const readsShown = 12;

/** What a read means, in words: whose kind of card it was and whether it would work here, or why it was not read. */
function readText(t: TFunction, read: ServiceRead): string {
  const { outcome } = read;
  switch (outcome.kind) {
    case 'rejected':
      return t('service.readers.notRead', { reason: t(`service.readers.reasons.${outcome.reason}`) });
    case 'read':
      switch (outcome.role) {
        case 'resident':
          return outcome.knownHere ? t('service.readers.residentKnown') : t('service.readers.residentNotKnown');
        case 'staff':
          return outcome.knownHere ? t('service.readers.staffKnown') : t('service.readers.staffNotKnown');
        case 'unknown':
          return t('service.readers.notOurs');
        default: {
          const unreachable: never = outcome.role;
          return unreachable;
        }
      }
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function readWorks(read: ServiceRead): boolean {
  return read.outcome.kind === 'read' && read.outcome.role !== 'unknown' && read.outcome.knownHere;
}

function ReaderCard({ reader }: { reader: ReaderStatus }) {
  const { t } = useTranslation();
  const working = reader.connection === 'connected' && reader.problem === null;
  return (
    <li className={working ? 'reader-card' : 'reader-card reader-card--problem'} data-testid={`reader-${reader.readerId}`}>
      <p className="reader-card__name">{reader.readerId}</p>
      <p className="reader-card__state">
        {working ? '✓ ' : '⚠ '}
        {t(`service.readers.connection.${reader.connection}`)}
      </p>
      {reader.problem === null ? null : <p className="reader-card__problem">{reader.problem}</p>}
      <p className="reader-card__counts">
        {t('service.readers.counts', { good: reader.goodReads, bad: reader.badReads, unrecognized: reader.unrecognizedReads })}
      </p>
    </li>
  );
}

/** Each reader's state, and a live list of what it reads: "test your card here". Never the card's text or whose it is. */
export function ReadersSection({ api, language }: ServiceSectionProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('service.readers', {}), [api]);
  const { value, failure, setValue } = useServiceCall(load);

  useEffect(() => {
    const stops = [
      api.on('service.readSeen', (read) =>
        setValue((current) =>
          current === null ? current : { ...current, recentReads: [read, ...current.recentReads.filter((seen) => seen.sequence !== read.sequence)] },
        ),
      ),
      api.on('device.readersChanged', (readers) => setValue((current) => (current === null ? current : { ...current, readers }))),
    ];
    return () => stops.forEach((stop) => stop());
  }, [api, setValue]);

  return (
    <section className="service-section" data-testid="service-readers" aria-labelledby="service-readers-title">
      <h2 id="service-readers-title" className="service-section__title">
        {t('service.sections.readers')}
      </h2>
      {failure !== null ? <p className="notice notice--problem">{t(`errors.${failure}`)}</p> : null}
      {value === null ? null : (
        <>
          {value.readers.length === 0 ? <p className="screen__lead">{t('service.readers.none')}</p> : null}
          <ul className="reader-cards">
            {value.readers.map((reader) => (
              <ReaderCard key={reader.readerId} reader={reader} />
            ))}
          </ul>
          <h3 className="service-section__subtitle">{t('service.readers.testTitle')}</h3>
          <p className="screen__hint">{t('service.readers.testHint')}</p>
          <ol className="read-list" aria-live="polite" data-testid="service-reads">
            {value.recentReads.length === 0 ? <li className="read-list__empty">{t('service.readers.noReads')}</li> : null}
            {value.recentReads.slice(0, readsShown).map((read) => (
              <li key={read.sequence} className={readWorks(read) ? 'read-list__item' : 'read-list__item read-list__item--problem'} data-testid="service-read">
                <span className="read-list__time">{formatClock(read.at, language)}</span>
                <span className="read-list__reader">
                  {read.readerId}
                  {read.outcome.kind === 'read' ? ` · ${t(`service.readers.formats.${read.outcome.format}`)}` : ''}
                </span>
                <span className="read-list__result">{readText(t, read)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
