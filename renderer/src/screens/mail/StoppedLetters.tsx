// Letters to the person that the facility stopped — not delivered at review, or taken back after delivery — shown at
// the top of the inbox: who sent each, when, and the reviewer's reason in the reviewer's own words (labelled as theirs).
// Never the letter: the device does not have it. Once they are on screen the home screen stops counting them.
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, StoppedLetter } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { MessageText } from '../../components/MessageText';
import { formatWhenInZone } from '../../i18n/format';
import { useMoneyData } from '../money/useMoneyData';
import '../visits/visits.css';

/** Older notices already seen are kept short: the newest few, so the inbox below stays in reach. */
const seenNoticesShown = 3;

function StoppedLetterItem({ letter, language, timeZone }: { letter: StoppedLetter; language: LanguageCode; timeZone: string | null }) {
  const { t } = useTranslation();
  return (
    <li className="stopped-letter" data-testid="stopped-letter" data-after-delivery={letter.afterDelivery}>
      {/* A text node like every name here (as on the home greeting); dir="auto" lets a right-to-left name read its way. */}
      <p className="stopped-letter__what" dir="auto">
        {t(letter.afterDelivery ? 'stoppedLetters.withdrawn' : 'stoppedLetters.notDelivered', { name: letter.senderName })}
      </p>
      <p className="stopped-letter__when">{t('stoppedLetters.stoppedAt', { when: formatWhenInZone(letter.stoppedAt, language, timeZone) })}</p>
      {letter.afterDelivery ? <p>{t('stoppedLetters.withdrawnNote')}</p> : null}
      <p className="stopped-letter__label">{t('stoppedLetters.reviewerReason')}</p>
      <MessageText text={letter.reviewerReason} className="stopped-letter__reason" />
    </li>
  );
}

/** `timeZone`: the site's (DeviceInfo.timeZone); null while unknown, when the device's own is used. */
export function StoppedLetters({ api, language, timeZone }: { api: DeviceClient; language: LanguageCode; timeZone: string | null }) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('mail.stoppedLetters', {}), [api]);
  const [letters] = useMoneyData(api, load);
  const unseen = letters?.some((letter) => !letter.seen) ?? false;
  useEffect(() => {
    // Shown now: the home screen's count of letters not delivered can drop them.
    if (unseen) api.call('mail.stoppedLettersSeen', {}).catch(() => undefined);
  }, [api, unseen]);

  const shown = (letters ?? []).filter((letter, index) => !letter.seen || index < seenNoticesShown);
  if (shown.length === 0) return null;
  return (
    // It scrolls inside itself on the inbox (at most a third of the window) and holds no control: tabIndex lets a keyboard
    // user reach it and scroll it (axe: scrollable-region-focusable).
    <section className="stopped-letters" data-testid="stopped-letters" aria-labelledby="stopped-letters-title" tabIndex={0}>
      <h2 id="stopped-letters-title" className="stopped-letters__title">
        {t('stoppedLetters.title')}
      </h2>
      <p>{t('stoppedLetters.noContent')}</p>
      <ul className="stopped-letters__list">
        {shown.map((letter) => (
          <StoppedLetterItem key={letter.noticeId} letter={letter} language={language} timeZone={timeZone} />
        ))}
      </ul>
    </section>
  );
}
