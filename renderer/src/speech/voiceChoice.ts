// Which of the platform's voices reads a language aloud. Pure, so it is tested without a browser: voices come from the
// platform (speech-dispatcher with espeak-ng on a Linux kiosk, docs/screens.md §12) and name their language in many
// spellings — `zh-CN`, `cmn`, `vi_VN`, `ar` — so a language tag matches by its prefixes, never by one exact string.

/** The fields of a platform voice that choosing one needs (a `SpeechSynthesisVoice` has them all). */
export interface VoiceLike {
  readonly lang: string;
  readonly name: string;
  readonly default: boolean;
  readonly localService: boolean;
}

/**
 * For each language tag of the app (docs: en, es, ht, vi, zh-Hans, ar), the voice languages that can read it, best
 * first. Simplified Chinese is Mandarin as written in mainland China: espeak-ng calls it `cmn`, browsers `zh-CN`; a
 * Cantonese (`yue`, `zh-HK`) voice would read the characters in another language, so it is not offered. A tag not in
 * the table is matched by its own primary subtag, so adding a language needs no change here unless its voices use
 * another name.
 */
const voiceLanguages: Readonly<Record<string, readonly string[]>> = {
  en: ['en-us', 'en'],
  es: ['es-us', 'es-419', 'es-mx', 'es'],
  ht: ['ht'],
  vi: ['vi'],
  'zh-hans': ['zh-cn', 'zh-hans', 'cmn', 'zh-sg', 'zh'],
  ar: ['ar'],
};

/** The language of a voice as one spelling: lower case, `-` between subtags (some platforms write `vi_VN`). */
function normalized(lang: string): string {
  return lang.trim().toLowerCase().replace(/_/g, '-');
}

/** A voice's language is `wanted` or a more specific form of it (`es` matches `es-MX`, never `est`). */
function matches(voiceLang: string, wanted: string): boolean {
  return voiceLang === wanted || voiceLang.startsWith(`${wanted}-`);
}

/** Voices that are never right for a tag even though their prefix matches (Cantonese for Simplified Chinese). */
function excluded(tag: string, voiceLang: string): boolean {
  return tag === 'zh-hans' && (matches(voiceLang, 'zh-hk') || matches(voiceLang, 'zh-tw') || matches(voiceLang, 'zh-hant') || matches(voiceLang, 'yue'));
}

/** The voice languages to try for an app language tag, best first. */
export function voiceLanguagesFor(languageTag: string): readonly string[] {
  const tag = normalized(languageTag);
  return voiceLanguages[tag] ?? [tag.split('-')[0] ?? tag];
}

/**
 * The voice to read `languageTag` with, or null when the platform has none for it — then no read-aloud button is
 * shown at all, since a button that reads Vietnamese in an English voice (or says nothing) is worse than none. Among
 * the voices of the best-matching language, the platform's default comes first, then one on the device itself (a
 * network voice needs a network a kiosk may not have), then the platform's order.
 */
export function chooseVoice<Voice extends VoiceLike>(voices: readonly Voice[], languageTag: string): Voice | null {
  const tag = normalized(languageTag);
  for (const wanted of voiceLanguagesFor(languageTag)) {
    const candidates = voices.filter((voice) => {
      const voiceLang = normalized(voice.lang);
      return matches(voiceLang, wanted) && !excluded(tag, voiceLang);
    });
    if (candidates.length === 0) continue;
    return candidates.find((voice) => voice.default) ?? candidates.find((voice) => voice.localService) ?? candidates[0] ?? null;
  }
  return null;
}
