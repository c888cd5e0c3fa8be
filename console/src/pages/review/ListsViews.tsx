// The site's watch list (mailroom and supervisors add and remove words and phrases), its standard reasons (read by
// reviewers, edited by supervisors) and messaging pauses (set with an end date and a reason, lifted early).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MessagingPauseView,
  PauseList,
  QueueFilterChoices,
  StandardReason,
  StandardReasonList,
  WatchTermList,
  WatchTermView,
} from '../../../../hub/console/api/schemas/review';
import { ConsoleError, consoleGet, consolePost, queryString } from '../../api';
import { ErrorNotice } from '../../ErrorNotice';
import { useLoad } from '../../useLoad';
import { useFormat } from '../../format';

function useFailure(): [ConsoleError | null, (failure: unknown) => void, () => void] {
  const [error, setError] = useState<ConsoleError | null>(null);
  return [error, (failure) => setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0)), () => setError(null)];
}

export function WatchListView({ siteId }: { siteId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const terms = useLoad(() => consoleGet(`/review/watch-list${queryString({ siteId })}`, WatchTermList), [siteId]);
  const [term, setTerm] = useState('');
  const [error, fail, clear] = useFailure();
  const add = (event: FormEvent) => {
    event.preventDefault();
    consolePost('/review/watch-list', { siteId, term }, WatchTermView).then(() => {
      setTerm('');
      clear();
      terms.reload();
    }, fail);
  };
  return (
    <section aria-labelledby="watch-heading">
      <h2 id="watch-heading">{t('review.watch.title')}</h2>
      <p>{t('review.watch.intro')}</p>
      <ErrorNotice error={error ?? terms.error} />
      <form className="card inline-form" onSubmit={add}>
        <label>
          {t('review.watch.term')}
          <input value={term} onChange={(event) => setTerm(event.target.value)} required maxLength={100} data-testid="watch-term" />
        </label>
        <button type="submit" className="button-primary">
          {t('review.watch.add')}
        </button>
      </form>
      <table className="table">
        <caption className="visually-hidden">{t('review.watch.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('review.watch.term')}</th>
            <th scope="col">{t('review.watch.addedBy')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('review.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(terms.data?.terms ?? []).map((entry) => (
            <tr key={entry.termId}>
              <td dir="auto">{entry.term}</td>
              <td>
                {entry.addedBy}, {format.dateTime(entry.addedAt)}
              </td>
              <td className="actions">
                <button
                  type="button"
                  onClick={() => void consolePost(`/review/watch-list/${entry.termId}/remove`, { siteId }, WatchTermView).then(terms.reload, fail)}
                >
                  {t('review.watch.remove', { term: entry.term })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ReasonsView({ siteId, mayEdit }: { siteId: string; mayEdit: boolean }) {
  const { t } = useTranslation();
  const reasons = useLoad(() => consoleGet(`/review/reasons${queryString({ siteId })}`, StandardReasonList), [siteId]);
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<{ reasonId: string; text: string } | null>(null);
  const [error, fail, clear] = useFailure();
  const done = () => {
    clear();
    setText('');
    setEditing(null);
    reasons.reload();
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    consolePost('/review/reasons', { siteId, text }, StandardReason).then(done, fail);
  };
  return (
    <section aria-labelledby="reasons-heading">
      <h2 id="reasons-heading">{t('review.reasons.title')}</h2>
      <p>{mayEdit ? t('review.reasons.introEdit') : t('review.reasons.intro')}</p>
      <ErrorNotice error={error ?? reasons.error} />
      <ol className="reasons">
        {(reasons.data?.reasons ?? []).map((reason) => (
          <li key={reason.reasonId}>
            {editing?.reasonId === reason.reasonId ? (
              <form
                className="inline-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  consolePost(`/review/reasons/${reason.reasonId}/edit`, { siteId, text: editing.text }, StandardReason).then(done, fail);
                }}
              >
                <label>
                  <span className="visually-hidden">{t('review.reasons.words')}</span>
                  <input value={editing.text} onChange={(event) => setEditing({ reasonId: reason.reasonId, text: event.target.value })} />
                </label>
                <button type="submit" className="button-primary">
                  {t('review.reasons.save')}
                </button>
                <button type="button" onClick={() => setEditing(null)}>
                  {t('review.reasons.cancel')}
                </button>
              </form>
            ) : (
              <>
                <span dir="auto">{reason.text}</span>
                {mayEdit ? (
                  <span className="actions">
                    <button type="button" onClick={() => setEditing({ reasonId: reason.reasonId, text: reason.text })}>
                      {t('review.reasons.edit')}
                    </button>
                    <button
                      type="button"
                      onClick={() => void consolePost(`/review/reasons/${reason.reasonId}/remove`, { siteId }, StandardReason).then(done, fail)}
                    >
                      {t('review.reasons.remove')}
                    </button>
                  </span>
                ) : null}
              </>
            )}
          </li>
        ))}
      </ol>
      {mayEdit ? (
        <form className="card inline-form" onSubmit={add}>
          <label>
            {t('review.reasons.new')}
            <input value={text} onChange={(event) => setText(event.target.value)} required />
          </label>
          <button type="submit" className="button-primary">
            {t('review.reasons.add')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

export function PausesView({ siteId }: { siteId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const pauses = useLoad(() => consoleGet(`/review/pauses${queryString({ siteId })}`, PauseList), [siteId]);
  const choices = useLoad(() => consoleGet(`/review/filters${queryString({ siteId })}`, QueueFilterChoices), [siteId]);
  const [residentId, setResidentId] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [error, fail, clear] = useFailure();
  const pause = (event: FormEvent) => {
    event.preventDefault();
    // The pause ends at the end of the chosen day at the desk.
    const endsAt = new Date(`${until}T23:59:59`).getTime();
    consolePost('/review/pauses', { residentId, endsAt, reason }, MessagingPauseView).then(() => {
      clear();
      setReason('');
      pauses.reload();
    }, fail);
  };
  return (
    <section aria-labelledby="pauses-heading">
      <h2 id="pauses-heading">{t('review.pauses.title')}</h2>
      <p>{t('review.pauses.intro')}</p>
      <ErrorNotice error={error ?? pauses.error} />
      <form className="card form-grid" onSubmit={pause}>
        <label>
          <span id="pause-resident-label">{t('review.filters.resident')}</span>
          <select value={residentId} onChange={(event) => setResidentId(event.target.value)} required aria-labelledby="pause-resident-label">
            <option value="">{t('review.pauses.choose')}</option>
            {(choices.data?.residents ?? []).map((resident) => (
              <option key={resident.residentId} value={resident.residentId}>
                {resident.displayName} ({resident.credentialId})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.pauses.until')}
          <input type="date" value={until} onChange={(event) => setUntil(event.target.value)} required />
        </label>
        <label>
          {t('review.pauses.reason')}
          <textarea value={reason} onChange={(event) => setReason(event.target.value)} required rows={2} />
        </label>
        <button type="submit" className="button-primary">
          {t('review.pauses.submit')}
        </button>
      </form>
      <table className="table">
        <caption className="visually-hidden">{t('review.pauses.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('review.filters.resident')}</th>
            <th scope="col">{t('review.pauses.until')}</th>
            <th scope="col">{t('review.pauses.reason')}</th>
            <th scope="col">{t('review.pauses.state')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('review.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(pauses.data?.pauses ?? []).map((entry) => (
            <tr key={entry.suspensionId}>
              <td>{entry.residentName}</td>
              <td>{format.longDate(entry.endsAt)}</td>
              <td dir="auto">{entry.reason}</td>
              <td>
                {entry.liftedAt !== null
                  ? t('review.pauses.lifted', { who: entry.liftedBy ?? '', when: format.dateTime(entry.liftedAt) })
                  : entry.active
                    ? t('review.pauses.active', { who: entry.suspendedBy })
                    : t('review.pauses.ended')}
              </td>
              <td className="actions">
                {entry.active ? (
                  <button
                    type="button"
                    onClick={() => void consolePost(`/review/pauses/${entry.suspensionId}/lift`, {}, MessagingPauseView).then(pauses.reload, fail)}
                  >
                    {t('review.pauses.lift')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
