// Simplified Chinese typed by pinyin: the person types the Latin letters of a syllable or several ("nihao"), a
// candidate bar offers the characters for the first syllable it recognises, and choosing one puts it in the field and
// leaves the rest of the letters to choose next. The characters come from simple-keyboard-layouts' Chinese layout (its
// candidates from pinyinjs), parsed once here — never a dictionary of our own.
import { z } from 'zod';
import chinese from 'simple-keyboard-layouts/build/layouts/chinese.js';

const ChineseLayout = z.object({ layoutCandidates: z.record(z.string(), z.string()) });

/** Pinyin syllable (no tones) → its characters, most used first. */
const candidatesBySyllable: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(ChineseLayout.parse(chinese).layoutCandidates).map(([syllable, characters]) => [syllable, characters.split(' ').filter((c) => c !== '')]),
);

/** The longest pinyin syllable known to the dictionary is six letters (zhuang, chuang, shuang). */
const longestSyllable = Math.max(...[...candidatesBySyllable.keys()].map((syllable) => syllable.length));

export interface PinyinChoice {
  /** The letters the candidates stand for (the first syllable of what was typed). */
  syllable: string;
  /** What the candidate bar offers, most used first. */
  candidates: readonly string[];
}

/**
 * What the candidate bar offers for the letters typed so far: the longest known syllable at their start ("nihao" →
 * "ni"), or, while a syllable is still being typed and none is known yet, nothing (an empty list, never a guess).
 */
export function pinyinCandidates(composition: string): PinyinChoice {
  const letters = composition.toLowerCase();
  for (let length = Math.min(letters.length, longestSyllable); length > 0; length -= 1) {
    const syllable = letters.slice(0, length);
    const candidates = candidatesBySyllable.get(syllable);
    if (candidates !== undefined && candidates.length > 0) return { syllable, candidates };
  }
  return { syllable: '', candidates: [] };
}

/** After a candidate is chosen: what goes into the field, and the letters still waiting for their characters. */
export function choosePinyinCandidate(composition: string, candidate: string): { typed: string; remaining: string } {
  const { syllable } = pinyinCandidates(composition);
  return { typed: candidate, remaining: composition.slice(syllable.length) };
}
