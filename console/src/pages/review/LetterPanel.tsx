// One letter for review: its words exactly as written (React text nodes; the watch list's matches marked, never
// markup), its photos, eCards and video from the console's own attachment route, what was decided, and — while it
// waits — approve (withholding any attachment), or reject with a standard reason or the reviewer's own words.
// Keyboard: A approves, N opens the next letter without deciding, R goes to the rejection's reason. The caller keys it
// by the letter's id, so a new letter starts with nothing chosen.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DecisionResult, LetterView, StandardReasonList, type ReasonChoice } from '../../../../hub/console/api/schemas/review';
import { captionWords } from '../../../../rules/caption-words';
import { watchSegments } from '../../../../rules/watch-list';
import { ConsoleError, consoleGet, consolePost, queryString } from '../../api';
import { ErrorNotice } from '../../ErrorNotice';
import { useLoad } from '../../useLoad';
import { useFormat } from '../../format';

/** A language's name in the console's language ("Spanish"), or its tag where the browser has no name for it. */
function languageName(tag: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Written words, with each watch-list match marked. */
function LetterWords({ letter }: { letter: LetterView }) {
  const { t } = useTranslation();
  const segments = watchSegments(letter.body, letter.matches);
  return (
    <div className="letter-body" dir="auto" data-testid="letter-body">
      {segments.map((segment, index) =>
        segment.matched ? (
          <mark key={index} className="watch-match" title={t('review.letter.watchMatch')}>
            {segment.text}
          </mark>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </div>
  );
}

const writeOwn = 'own';

/** A reason picker: the site's standard reasons, or "write your own". */
function ReasonPicker({
  id,
  label,
  reasons,
  choice,
  text,
  onChoice,
  onText,
  pickerRef,
}: {
  id: string;
  label: string;
  reasons: StandardReasonList['reasons'];
  choice: string;
  text: string;
  onChoice(choice: string): void;
  onText(text: string): void;
  pickerRef?: React.Ref<HTMLSelectElement>;
}) {
  const { t } = useTranslation();
  return (
    <div className="reason-picker">
      <label htmlFor={`${id}-choice`}>{label}</label>
      <select id={`${id}-choice`} ref={pickerRef} value={choice} onChange={(event) => onChoice(event.target.value)}>
        <option value="">{t('review.decide.chooseReason')}</option>
        {reasons.map((reason) => (
          <option key={reason.reasonId} value={reason.reasonId}>
            {reason.text}
          </option>
        ))}
        <option value={writeOwn}>{t('review.decide.writeOwn')}</option>
      </select>
      {choice === writeOwn ? (
        <>
          <label htmlFor={`${id}-text`}>{t('review.decide.ownWords')}</label>
          <textarea id={`${id}-text`} value={text} rows={3} onChange={(event) => onText(event.target.value)} />
        </>
      ) : null}
    </div>
  );
}

function reasonChoice(choice: string, text: string): ReasonChoice | null {
  if (choice === '') return null;
  return choice === writeOwn ? { text } : { reasonId: choice };
}

export function LetterPanel({ messageId, onDecided, onNext }: { messageId: string; onDecided(): void; onNext(): void }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const loaded = useLoad(() => consoleGet(`/review/letters/${encodeURIComponent(messageId)}`, LetterView), [messageId]);
  const letter = loaded.data?.messageId === messageId ? loaded.data : null;
  const reasons = useLoad(
    () => (letter === null ? Promise.resolve({ reasons: [] }) : consoleGet(`/review/reasons${queryString({ siteId: letter.siteId })}`, StandardReasonList)),
    [letter?.siteId ?? null],
  );
  const [error, setError] = useState<ConsoleError | null>(null);
  const [busy, setBusy] = useState(false);
  const [rejectChoice, setRejectChoice] = useState('');
  const [rejectText, setRejectText] = useState('');
  const [withheld, setWithheld] = useState<Record<string, { choice: string; text: string }>>({});
  const reasonField = useRef<HTMLSelectElement>(null);

  const fail = (failure: unknown) => setError(failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0));
  const decide = (path: 'approve' | 'reject', body: unknown) => {
    setBusy(true);
    setError(null);
    consolePost(`/review/letters/${encodeURIComponent(messageId)}/${path}`, body, DecisionResult)
      .then(onDecided, fail)
      .finally(() => setBusy(false));
  };
  const approve = () => {
    const list = [];
    for (const [attachmentId, picked] of Object.entries(withheld)) {
      const reason = reasonChoice(picked.choice, picked.text);
      if (reason === null) {
        setError(new ConsoleError('invalid', t('review.decide.withholdNeedsReason'), 400));
        return;
      }
      list.push({ attachmentId, reason });
    }
    decide('approve', { withheld: list });
  };
  const reject = () => {
    const reason = reasonChoice(rejectChoice, rejectText);
    if (reason === null) {
      setError(new ConsoleError('invalid', t('review.decide.rejectNeedsReason'), 400));
      reasonField.current?.focus();
      return;
    }
    decide('reject', { reason });
  };

  const waiting = letter?.status === 'inReview';
  // Keys for a desk that reviews hundreds of letters a day; never while typing in a field.
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 'a' && waiting && !busy) {
      event.preventDefault();
      approve();
    } else if (key === 'n') {
      event.preventDefault();
      onNext();
    } else if (key === 'r' && waiting) {
      event.preventDefault();
      reasonField.current?.focus();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  if (letter === null) return loaded.error === null ? <p className="loading">{t('loading')}</p> : <ErrorNotice error={loaded.error} />;
  const fromTo =
    letter.direction === 'inbound'
      ? t('review.letter.inbound', { contact: letter.contactName, relationship: letter.contactRelationship, resident: letter.residentName })
      : t('review.letter.outbound', { contact: letter.contactName, relationship: letter.contactRelationship, resident: letter.residentName });
  return (
    <article className="letter" aria-labelledby="letter-heading" data-testid="letter">
      <header className="letter-head">
        <h2 id="letter-heading">{fromTo}</h2>
        <p className="letter-facts">
          <span className={`direction direction-${letter.direction}`}>{t(`review.direction.${letter.direction}`)}</span>
          {' · '}
          {t('review.letter.booking', { number: letter.credentialId })}
          {letter.housingUnitName === null ? null : ` · ${letter.housingUnitName}`}
          {' · '}
          {t('review.letter.received', { when: format.dateTime(letter.receivedAt) })}
          {' · '}
          <strong>{t(`review.status.${letter.status}`)}</strong>
        </p>
        {letter.flagged || letter.matches.length > 0 ? (
          <p className="notice notice-warning" data-testid="letter-flagged">
            {t('review.letter.flagged', { terms: [...new Set(letter.matches.map((match) => match.term))].join(', ') })}
          </p>
        ) : null}
        {letter.suspension === null ? null : (
          <p className="notice notice-warning">
            {t('review.letter.paused', { name: letter.residentName, until: format.dateTime(letter.suspension.endsAt), reason: letter.suspension.reason })}
          </p>
        )}
      </header>
      <LetterWords letter={letter} />
      {letter.attachments.length === 0 ? null : (
        <ul className="attachments" aria-label={t('review.letter.attachments')}>
          {letter.attachments.map((attachment) => {
            const source = `/console/api/review/attachments/${encodeURIComponent(attachment.attachmentId)}`;
            const label = t(`review.attachment.${attachment.kind}`, { number: attachment.position + 1 });
            const picked = withheld[attachment.attachmentId];
            return (
              <li key={attachment.attachmentId} className="attachment" data-testid="attachment">
                {attachment.kind === 'video' ? <video src={source} controls preload="metadata" aria-label={label} /> : <img src={source} alt={label} />}
                <p>
                  {label} · {t(`review.attachmentStatus.${attachment.status}`)}
                  {attachment.rejectionReason === null ? null : `: ${attachment.rejectionReason}`}
                </p>
                {/* The captions' words are reviewed with the video: the resident reads them on the screen. Text, never markup. */}
                {attachment.captions.map((track) => (
                  <figure key={track.language} className="attachment-captions" data-testid="attachment-captions">
                    <figcaption>{t('review.attachment.captions', { language: languageName(track.language, i18n.language) })}</figcaption>
                    <div className="letter-body" dir="auto" lang={track.language}>
                      {captionWords(track.text).join('\n')}
                    </div>
                  </figure>
                ))}
                {waiting ? (
                  <>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={picked !== undefined}
                        onChange={(event) =>
                          setWithheld((before) => {
                            const next = { ...before };
                            if (event.target.checked) next[attachment.attachmentId] = { choice: '', text: '' };
                            else delete next[attachment.attachmentId];
                            return next;
                          })
                        }
                      />
                      {t('review.decide.withhold')}
                    </label>
                    {picked === undefined ? null : (
                      <ReasonPicker
                        id={`withhold-${attachment.attachmentId}`}
                        label={t('review.decide.withholdReason')}
                        reasons={reasons.data?.reasons ?? []}
                        choice={picked.choice}
                        text={picked.text}
                        onChoice={(choice) => setWithheld((before) => ({ ...before, [attachment.attachmentId]: { ...picked, choice } }))}
                        onText={(text) => setWithheld((before) => ({ ...before, [attachment.attachmentId]: { ...picked, text } }))}
                      />
                    )}
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <ErrorNotice error={error} />
      {waiting ? (
        <div className="decision" aria-label={t('review.decide.title')} role="group">
          <button type="button" className="button-primary big" onClick={approve} disabled={busy} aria-keyshortcuts="A" data-testid="approve">
            {Object.keys(withheld).length === 0 ? t('review.decide.approve') : t('review.decide.approveWithheld')}
          </button>
          <div className="reject-box">
            <ReasonPicker
              id="reject"
              label={t('review.decide.reason')}
              reasons={reasons.data?.reasons ?? []}
              choice={rejectChoice}
              text={rejectText}
              onChoice={setRejectChoice}
              onText={setRejectText}
              pickerRef={reasonField}
            />
            <button type="button" className="button-danger big" onClick={reject} disabled={busy} data-testid="reject">
              {t('review.decide.reject')}
            </button>
          </div>
          <button type="button" onClick={onNext} aria-keyshortcuts="N">
            {t('review.decide.next')}
          </button>
          <p className="shortcuts">{t('review.decide.shortcuts')}</p>
        </div>
      ) : (
        <section className="decided" aria-label={t('review.letter.decisions')}>
          {letter.rejectionReason === null ? null : (
            <p data-testid="rejection-reason">{t('review.letter.rejectedBecause', { reason: letter.rejectionReason })}</p>
          )}
          {letter.familyNotice === null ? null : (
            <p data-testid="family-notice">
              {t('review.letter.familyTold', { reason: letter.familyNotice.reason, when: format.dateTime(letter.familyNotice.at) })}
            </p>
          )}
          <ul>
            {letter.decisions.map((decision, index) => (
              <li key={index}>
                {t(`review.decision.${decision.decision}`, { reviewer: decision.reviewer, when: format.dateTime(decision.decidedAt) })}
                {decision.reason === null ? null : `: ${decision.reason}`}
              </li>
            ))}
          </ul>
          <button type="button" onClick={onNext}>
            {t('review.decide.next')}
          </button>
        </section>
      )}
    </article>
  );
}
