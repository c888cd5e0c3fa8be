// Search of reviewed mail, both directions: by resident, contact, words and dates, newest first, 50 a page.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { QueueFilterChoices, SearchPage } from '../../../../hub/console/api/schemas/review';
import { consoleGet, queryString } from '../../api';
import { ErrorNotice } from '../../ErrorNotice';
import { useLoad } from '../../useLoad';
import { useFormat } from '../../format';

interface Search {
  readonly residentId: string;
  readonly contactId: string;
  readonly words: string;
  readonly from: string;
  readonly to: string;
}

const dayMs = 24 * 60 * 60 * 1000;

/** A date field's value as the start of that day (local), or of the day after for an end date. */
function dayStart(value: string, after: boolean): number | null {
  if (value === '') return null;
  const start = new Date(`${value}T00:00:00`).getTime();
  return Number.isNaN(start) ? null : after ? start + dayMs : start;
}

export function SearchView({ siteId, onOpen }: { siteId: string | null; onOpen(messageId: string): void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [form, setForm] = useState<Search>({ residentId: '', contactId: '', words: '', from: '', to: '' });
  const [asked, setAsked] = useState<Search | null>(null);
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const choices = useLoad(() => consoleGet(`/review/filters${queryString({ siteId })}`, QueueFilterChoices), [siteId]);
  const query =
    asked === null
      ? null
      : queryString({
          siteId,
          residentId: asked.residentId,
          contactId: asked.contactId,
          words: asked.words.trim(),
          from: dayStart(asked.from, false),
          to: dayStart(asked.to, true),
          cursor: cursors[cursors.length - 1] ?? null,
        });
  const results = useLoad(() => (query === null ? Promise.resolve(null) : consoleGet(`/review/search${query}`, SearchPage)), [query]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCursors([null]);
    setAsked(form);
  };
  const field = (name: keyof Search, value: string) => setForm((before) => ({ ...before, [name]: value }));
  return (
    <section aria-labelledby="search-heading">
      <h2 id="search-heading">{t('review.search.title')}</h2>
      <form className="card form-grid" onSubmit={submit}>
        <label>
          {t('review.filters.resident')}
          <select value={form.residentId} onChange={(event) => field('residentId', event.target.value)}>
            <option value="">{t('review.filters.any')}</option>
            {(choices.data?.residents ?? []).map((resident) => (
              <option key={resident.residentId} value={resident.residentId}>
                {resident.displayName} ({resident.credentialId})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.filters.contact')}
          <select value={form.contactId} onChange={(event) => field('contactId', event.target.value)}>
            <option value="">{t('review.filters.any')}</option>
            {(choices.data?.contacts ?? [])
              .filter((contact) => form.residentId === '' || contact.residentId === form.residentId)
              .map((contact) => (
                <option key={contact.contactId} value={contact.contactId}>
                  {contact.displayName}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('review.search.words')}
          <input value={form.words} onChange={(event) => field('words', event.target.value)} maxLength={200} data-testid="search-words" />
        </label>
        <label>
          {t('review.search.from')}
          <input type="date" value={form.from} onChange={(event) => field('from', event.target.value)} />
        </label>
        <label>
          {t('review.search.to')}
          <input type="date" value={form.to} onChange={(event) => field('to', event.target.value)} />
        </label>
        <button type="submit" className="button-primary">
          {t('review.search.submit')}
        </button>
      </form>
      <ErrorNotice error={results.error} />
      {results.data === null || results.data === undefined ? null : results.data.letters.length === 0 ? (
        <p className="empty">{t('review.search.none')}</p>
      ) : (
        <table className="table" data-testid="search-results">
          <caption className="visually-hidden">{t('review.search.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.search.when')}</th>
              <th scope="col">{t('review.search.who')}</th>
              <th scope="col">{t('review.search.status')}</th>
              <th scope="col">{t('review.search.start')}</th>
            </tr>
          </thead>
          <tbody>
            {results.data.letters.map((letter) => (
              <tr key={letter.messageId}>
                <td>{format.dateTime(letter.receivedAt)}</td>
                <td>
                  <button type="button" className="link-button" onClick={() => onOpen(letter.messageId)}>
                    {letter.direction === 'inbound' ? `${letter.contactName} → ${letter.residentName}` : `${letter.residentName} → ${letter.contactName}`}
                  </button>
                </td>
                <td>{t(`review.status.${letter.status}`)}</td>
                <td dir="auto">{letter.preview}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {results.data?.nextCursor ? (
        <button type="button" onClick={() => setCursors((before) => [...before, results.data?.nextCursor ?? null])}>
          {t('review.queue.more')}
        </button>
      ) : null}
    </section>
  );
}
