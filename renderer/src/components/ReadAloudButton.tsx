import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import { intlLocale } from '../i18n/format';

/** While a letter is read aloud the person is listening, not idle: the session hears so this often. */
const listeningReportIntervalMs = 10_000;

/** Speech synthesis as the platform offers it, or null where it has none. */
function speechSynthesisOrNull(): SpeechSynthesis | null {
  const platform = window as Partial<Pick<Window, 'speechSynthesis'>> & { SpeechSynthesisUtterance?: unknown };
  const synthesis = platform.speechSynthesis;
  return synthesis !== undefined && typeof synthesis.speak === 'function' && typeof platform.SpeechSynthesisUtterance === 'function' ? synthesis : null;
}

/**
 * Whether the platform has a voice at all, checked at run time: an engine may exist with no voice installed (a Linux
 * kiosk without espeak), and a button that does nothing when pressed is worse than none. Voices can arrive late, so
 * the answer follows `voiceschanged`.
 */
function useHasVoice(synthesis: SpeechSynthesis | null): boolean {
  const [hasVoice, setHasVoice] = useState(() => synthesis !== null && synthesis.getVoices().length > 0);
  useEffect(() => {
    if (synthesis === null) return undefined;
    const check = (): void => setHasVoice(synthesis.getVoices().length > 0);
    check();
    synthesis.addEventListener('voiceschanged', check);
    return () => synthesis.removeEventListener('voiceschanged', check);
  }, [synthesis]);
  return hasVoice;
}

/** Reads a letter out loud, for people who read with difficulty; while it speaks it says so and offers Stop. */
export function ReadAloudButton({ api, text, language }: { api: DeviceClient; text: string; language: LanguageCode }) {
  const { t } = useTranslation();
  const [speaking, setSpeaking] = useState(false);
  const [synthesis] = useState(speechSynthesisOrNull);
  const hasVoice = useHasVoice(synthesis);

  // Leaving the letter (or being signed out) stops the voice: nothing of a person's mail goes on being read aloud.
  useEffect(() => {
    if (!speaking) return undefined;
    const listening = setInterval(() => api.call('session.activity', {}).catch(() => undefined), listeningReportIntervalMs);
    return () => {
      clearInterval(listening);
      synthesis?.cancel();
    };
  }, [speaking, synthesis, api]);

  if (synthesis === null || !hasVoice) return null;
  const toggle = (): void => {
    synthesis.cancel();
    if (speaking) {
      setSpeaking(false);
      return;
    }
    const utterance = new SpeechSynthesisUtterance(text);
    // The voice to ask for is the language's Intl locale (its locale file's); the platform picks the nearest it has.
    utterance.lang = intlLocale(language);
    utterance.rate = 0.9;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    synthesis.speak(utterance);
    setSpeaking(true);
  };
  return (
    <span className="read-aloud">
      <button type="button" className="button button--secondary" data-testid="read-aloud" aria-pressed={speaking} onClick={toggle}>
        {speaking ? t('mail.readAloud.stop') : t('mail.readAloud.start')}
      </button>
      {speaking ? (
        <span className="read-aloud__speaking" role="status" data-testid="read-aloud-speaking">
          {t('mail.readAloud.speaking')}
        </span>
      ) : null}
    </span>
  );
}
