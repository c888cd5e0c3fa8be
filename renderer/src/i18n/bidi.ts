// A name or other value someone else wrote, set inside a sentence of ours. Where its direction can differ from the
// sentence's — an English name in an Arabic sentence, an Arabic name in an English one — it is wrapped in the Unicode
// first-strong isolate (U+2068 … U+2069), the plain-text form of <bdi>: the name keeps its own order and the sentence's
// punctuation and numbers stay where the sentence put them. A name that cannot differ is left exactly as written.
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan and their presentation forms, and the historic right-to-left scripts. */
const rightToLeftCharacter = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

const firstStrongIsolate = '\u2068';
const popDirectionalIsolate = '\u2069';

export function isolatedIn(sentenceDirection: 'ltr' | 'rtl', value: string): string {
  if (sentenceDirection === 'ltr' && !rightToLeftCharacter.test(value)) return value;
  return `${firstStrongIsolate}${value}${popDirectionalIsolate}`;
}

/** `isolatedIn` for the screen's current language. */
export function useIsolated(): (value: string) => string {
  const { i18n } = useTranslation();
  const direction = i18n.dir();
  return useCallback((value: string) => isolatedIn(direction, value), [direction]);
}
