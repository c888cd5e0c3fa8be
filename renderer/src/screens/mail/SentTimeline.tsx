import { useTranslation } from 'react-i18next';
import type { LanguageCode, SentTimeline as Timeline } from '../../../../main/contract';
import { formatWhen } from '../../i18n/format';
import { hubRefusalText } from '../../i18n/hubRefusal';
import { MessageText } from '../../components/MessageText';

/**
 * Where a message the person sent is now, step by step. A rejection shows the reviewer's reason in their words (a
 * person's words about the letter); a letter the hub did not accept is worded here from its code and figures.
 */
export function SentTimeline({
  timeline,
  language,
  facilityUnreachable = false,
}: {
  timeline: Timeline;
  language: LanguageCode;
  facilityUnreachable?: boolean;
}) {
  const { t } = useTranslation();
  const failed = timeline.state === 'rejected' || timeline.state === 'notAccepted';
  return (
    <section className="timeline" data-testid="sent-timeline" data-state={timeline.state} aria-label={t('mail.timeline.title')}>
      <p className={failed ? 'timeline__state timeline__state--problem' : 'timeline__state'}>{t(`mail.timeline.state.${timeline.state}`)}</p>
      {timeline.state === 'waitingOnDevice' && facilityUnreachable ? (
        <p className="timeline__note" data-testid="facility-unreachable">
          {t('mail.timeline.unreachable')}
        </p>
      ) : null}
      {timeline.refusal === null ? null : (
        <p className="timeline__refusal" data-testid="timeline-refusal">
          {hubRefusalText(timeline.refusal, language, t)}
        </p>
      )}
      {timeline.reason === null ? null : (
        <div className="timeline__reason">
          {t('mail.timeline.reason', { reason: '' })}
          <MessageText text={timeline.reason} className="timeline__reason-text" />
        </div>
      )}
      {timeline.stampsReturned > 0 ? <p className="timeline__refund">{t('mail.timeline.stampsReturned', { count: timeline.stampsReturned })}</p> : null}
      <ol className="timeline__steps">
        {timeline.steps.map((step) => (
          <li key={step.step} className={step.done ? 'timeline__step timeline__step--done' : 'timeline__step'} data-step={step.step} data-done={step.done}>
            <span className="timeline__mark" aria-hidden="true">
              {step.done ? '●' : '○'}
            </span>
            <span className="timeline__name">{t(`mail.timeline.steps.${step.step}`)}</span>
            <span className="timeline__at">{step.done ? (step.at === null ? '' : formatWhen(step.at, language)) : t('mail.timeline.notDoneYet')}</span>
          </li>
        ))}
        {failed ? (
          <li className="timeline__step timeline__step--ended" data-step="ended" data-testid="timeline-ended">
            <span className="timeline__mark" aria-hidden="true">
              ✕
            </span>
            <span className="timeline__name">{t(`mail.timeline.state.${timeline.state}`)}</span>
            <span className="timeline__at">{timeline.endedAt === null ? '' : formatWhen(timeline.endedAt, language)}</span>
          </li>
        ) : null}
      </ol>
    </section>
  );
}
