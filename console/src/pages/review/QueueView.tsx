// The review queue: letters waiting, oldest first, both directions, with filters and counts; 50 a page. A row opens
// the letter; after a decision the next waiting letter of the same filters opens by itself.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueueFilterChoices, QueuePage, type QueueLetter } from '../../../../hub/console/api/schemas/review';
import { consoleGet, queryString } from '../../api';
import { ErrorNotice } from '../../ErrorNotice';
import { useLoad } from '../../useLoad';
import { useFormat } from '../../format';
import { LetterPanel } from './LetterPanel';

export interface QueueFilters {
  readonly housingUnitId: string;
  readonly residentId: string;
  readonly contactId: string;
  readonly hasAttachments: '' | 'true' | 'false';
  readonly flagged: '' | 'true' | 'false';
  readonly direction: '' | 'inbound' | 'outbound';
}

const noFilters: QueueFilters = { housingUnitId: '', residentId: '', contactId: '', hasAttachments: '', flagged: '', direction: '' };

export function QueueView({ siteId, openId, onOpen }: { siteId: string | null; openId: string | null; onOpen(messageId: string | null): void }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<QueueFilters>(noFilters);
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = queryString({ siteId, ...filters, cursor });
  const queue = useLoad(() => consoleGet(`/review/queue${query}`, QueuePage), [query]);
  const choices = useLoad(() => consoleGet(`/review/filters${queryString({ siteId })}`, QueueFilterChoices), [siteId]);
  const setFilter = (name: keyof QueueFilters, value: string) => {
    setFilters((before) => ({ ...before, [name]: value }));
    setCursors([null]);
  };
  const letters = queue.data?.letters ?? [];

  /** The letter after `messageId` in this page, else the first still waiting (the queue is reloaded first). */
  const openNext = (after: string | null) => {
    const index = letters.findIndex((letter) => letter.messageId === after);
    const next = letters[index + 1];
    if (next !== undefined) onOpen(next.messageId);
    else
      void consoleGet(`/review/queue${queryString({ siteId, ...filters })}`, QueuePage).then(
        (page) => onOpen(page.letters.find((letter) => letter.messageId !== after)?.messageId ?? null),
        () => onOpen(null),
      );
    queue.reload();
  };

  const select = (name: keyof QueueFilters, label: string, options: readonly { value: string; label: string }[]) => (
    <label>
      {label}
      <select value={filters[name]} onChange={(event) => setFilter(name, event.target.value)} data-testid={`filter-${name}`}>
        <option value="">{t('review.filters.any')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
  const contacts = (choices.data?.contacts ?? []).filter((contact) => filters.residentId === '' || contact.residentId === filters.residentId);

  return (
    <div className="review-desk">
      <section className="queue" aria-labelledby="queue-heading">
        <h2 id="queue-heading">{t('review.queue.title')}</h2>
        <p className="counts" data-testid="queue-counts" aria-live="polite">
          {queue.data === null ? t('loading') : t('review.queue.counts', { count: queue.data.total, flagged: queue.data.flaggedTotal })}
        </p>
        <fieldset className="filters">
          <legend>{t('review.filters.title')}</legend>
          {select(
            'housingUnitId',
            t('review.filters.unit'),
            (choices.data?.housingUnits ?? []).map((unit) => ({ value: unit.housingUnitId, label: unit.name })),
          )}
          {select(
            'residentId',
            t('review.filters.resident'),
            (choices.data?.residents ?? []).map((resident) => ({ value: resident.residentId, label: `${resident.displayName} (${resident.credentialId})` })),
          )}
          {select(
            'contactId',
            t('review.filters.contact'),
            contacts.map((contact) => ({ value: contact.contactId, label: contact.displayName })),
          )}
          {select('direction', t('review.filters.direction'), [
            { value: 'inbound', label: t('review.direction.inbound') },
            { value: 'outbound', label: t('review.direction.outbound') },
          ])}
          {select('hasAttachments', t('review.filters.attachments'), [
            { value: 'true', label: t('review.filters.withAttachments') },
            { value: 'false', label: t('review.filters.withoutAttachments') },
          ])}
          {select('flagged', t('review.filters.flagged'), [
            { value: 'true', label: t('review.filters.onlyFlagged') },
            { value: 'false', label: t('review.filters.notFlagged') },
          ])}
        </fieldset>
        <ErrorNotice error={queue.error} />
        {queue.data !== null && letters.length === 0 ? <p className="empty">{t('review.queue.empty')}</p> : null}
        <ol className="queue-list">
          {letters.map((letter) => (
            <QueueRow key={letter.messageId} letter={letter} open={letter.messageId === openId} onOpen={() => onOpen(letter.messageId)} />
          ))}
        </ol>
        <div className="pager">
          {cursors.length > 1 ? (
            <button type="button" onClick={() => setCursors((before) => before.slice(0, -1))}>
              {t('review.queue.previous')}
            </button>
          ) : null}
          {queue.data?.nextCursor ? (
            <button type="button" onClick={() => setCursors((before) => [...before, queue.data?.nextCursor ?? null])}>
              {t('review.queue.more')}
            </button>
          ) : null}
        </div>
      </section>
      <section className="letter-pane" aria-label={t('review.letter.title')}>
        {openId === null ? (
          <p className="empty">{t('review.letter.none')}</p>
        ) : (
          <LetterPanel key={openId} messageId={openId} onDecided={() => openNext(openId)} onNext={() => openNext(openId)} />
        )}
      </section>
    </div>
  );
}

function QueueRow({ letter, open, onOpen }: { letter: QueueLetter; open: boolean; onOpen(): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <li className={open ? 'queue-row open' : 'queue-row'}>
      <button type="button" onClick={onOpen} aria-current={open ? 'true' : undefined} data-testid="queue-row">
        <span className="queue-row-head">
          <strong>
            {letter.direction === 'inbound' ? `${letter.contactName} → ${letter.residentName}` : `${letter.residentName} → ${letter.contactName}`}
          </strong>
          {letter.flagged ? <span className="badge badge-flag">{t('review.queue.flagged')}</span> : null}
          {letter.attachmentCount > 0 ? <span className="badge">{t('review.queue.attachments', { count: letter.attachmentCount })}</span> : null}
        </span>
        <span className="queue-row-facts">
          {t(`review.direction.${letter.direction}`)} · {letter.housingUnitName ?? ''} · {format.dateTime(letter.receivedAt)}
        </span>
        <span className="queue-row-preview" dir="auto">
          {letter.preview}
        </span>
      </button>
    </li>
  );
}
