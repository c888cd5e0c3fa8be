// Read-aloud, for people who read with difficulty: a letter, or a screen's heading and instructions, in the person's
// language. While it speaks it says so and the button becomes Stop. It is not there at all where the platform has no
// voice for the language (docs/screens.md §12).
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import { useReadAloud } from '../speech/useReadAloud';

/** While something is read aloud the person is listening, not idle: the session hears so this often. */
const listeningReportIntervalMs = 10_000;

export interface ReadAloudButtonProps {
  api: DeviceClient;
  language: LanguageCode;
  /** What to read, asked for when pressed. */
  text: () => string;
  /** A letter (`letter`) or the screen's heading and instructions (`screen`): the button's words say which. */
  reads: 'letter' | 'screen';
}

export function ReadAloudButton({ api, language, text, reads }: ReadAloudButtonProps) {
  const { t } = useTranslation();
  const readAloud = useReadAloud(language, text);

  useEffect(() => {
    if (!readAloud.speaking) return undefined;
    const listening = setInterval(() => api.call('session.activity', {}).catch(() => undefined), listeningReportIntervalMs);
    return () => clearInterval(listening);
  }, [readAloud.speaking, api]);

  if (!readAloud.available) return null;
  const testId = reads === 'letter' ? 'read-aloud' : 'read-aloud-screen';
  return (
    <span className="read-aloud" data-speaking={readAloud.speaking ? 'true' : 'false'}>
      <button
        type="button"
        className="button button--secondary read-aloud__button"
        data-testid={testId}
        aria-pressed={readAloud.speaking}
        onClick={readAloud.toggle}
      >
        {readAloud.speaking ? t('mail.readAloud.stop') : reads === 'letter' ? t('mail.readAloud.start') : t('mail.readAloud.startScreen')}
      </button>
      {readAloud.speaking ? (
        <span className="read-aloud__speaking" role="status" data-testid={`${testId}-speaking`}>
          {t('mail.readAloud.speaking')}
        </span>
      ) : null}
    </span>
  );
}
