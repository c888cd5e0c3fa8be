import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';

/** The voices to ask for; the platform picks the nearest it has. */
const speechLanguage: Record<LanguageCode, string> = { en: 'en-US', es: 'es-US' };

/** Speech synthesis as the platform offers it, or null where it has none (the button is then not shown at all). */
function speechSynthesisOrNull(): SpeechSynthesis | null {
  const platform = window as Partial<Pick<Window, 'speechSynthesis'>> & { SpeechSynthesisUtterance?: unknown };
  const synthesis = platform.speechSynthesis;
  return synthesis !== undefined && typeof synthesis.speak === 'function' && typeof platform.SpeechSynthesisUtterance === 'function' ? synthesis : null;
}

/** Reads a letter out loud, for people who read with difficulty; a second press stops it. */
export function ReadAloudButton({ text, language }: { text: string; language: LanguageCode }) {
  const { t } = useTranslation();
  const [speaking, setSpeaking] = useState(false);
  const synthesis = speechSynthesisOrNull();

  // Leaving the letter (or being signed out) stops the voice: nothing of a person's mail goes on being read aloud.
  useEffect(() => {
    if (!speaking) return undefined;
    return () => synthesis?.cancel();
  }, [speaking, synthesis]);

  if (synthesis === null) return null;
  const toggle = (): void => {
    synthesis.cancel();
    if (speaking) {
      setSpeaking(false);
      return;
    }
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = speechLanguage[language];
    utterance.rate = 0.9;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    synthesis.speak(utterance);
    setSpeaking(true);
  };
  return (
    <button type="button" className="button button--secondary" data-testid="read-aloud" aria-pressed={speaking} onClick={toggle}>
      {speaking ? t('mail.readAloud.stop') : t('mail.readAloud.start')}
    </button>
  );
}
