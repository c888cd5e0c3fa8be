// Vietnamese tones on the on-screen keyboard: the person types the letters of a word, then a tone key, and the tone
// goes on the vowel where Vietnamese writes it — as the Telex and VNI keyboards people already know do. Pure, so it is
// tested without a page.

/** The five marked tones (the sixth, ngang, has no mark), as the combining marks Unicode writes them with. */
export const vietnameseTones = {
  sac: '\u0301', // á
  huyen: '\u0300', // à
  hoi: '\u0309', // ả
  nga: '\u0303', // ã
  nang: '\u0323', // ạ
} as const;

export type VietnameseTone = keyof typeof vietnameseTones;

const toneMarks = new Set<string>(Object.values(vietnameseTones));
const plainVowels = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
/** Vowels that carry their own shape (breve, circumflex, horn): a tone prefers them. */
const shapedVowels = new Set(['ă', 'â', 'ê', 'ô', 'ơ', 'ư']);

/** A letter of the word with any tone taken off, and whether it is a vowel. */
interface Letter {
  /** The letter as typed, NFC, without its tone. */
  base: string;
  vowel: boolean;
  shaped: boolean;
}

function withoutTone(letter: string): string {
  return [...letter.normalize('NFD')]
    .filter((mark) => !toneMarks.has(mark))
    .join('')
    .normalize('NFC');
}

function letterOf(character: string): Letter {
  const base = withoutTone(character);
  const lower = base.toLowerCase();
  const shaped = shapedVowels.has(lower);
  return { base, vowel: shaped || plainVowels.has(lower), shaped };
}

/** The index, within the word's letters, of the vowel that carries the tone; -1 when the word has no vowel. */
function toneVowelIndex(letters: readonly Letter[]): number {
  const lower = letters.map((letter) => letter.base.toLowerCase());
  let first = letters.findIndex((letter) => letter.vowel);
  if (first === -1) return -1;
  // In "qu" and "gi" the u and i belong to the consonant: quá, giờ (but "gi" alone is a vowel: gì).
  if (first > 0 && ((lower[first - 1] === 'q' && lower[first] === 'u') || (lower[first - 1] === 'g' && lower[first] === 'i'))) {
    if (letters[first + 1]?.vowel === true) first += 1;
  }
  let last = first;
  while (letters[last + 1]?.vowel === true) last += 1;
  const vowels = letters.slice(first, last + 1);
  // A shaped vowel takes the tone; with two (ươ), the second: người, được.
  const shaped = vowels.map((letter, index) => (letter.shaped ? index : -1)).filter((index) => index !== -1);
  if (shaped.length > 0) return first + shaped[shaped.length - 1]!;
  // A consonant after the vowels: the last vowel (toán, khuyết); otherwise the first of two (chào, mùa), the middle
  // of three (khuỷu).
  if (last + 1 < letters.length) return last;
  if (vowels.length === 3) return first + 1;
  return first;
}

/**
 * The text with `tone` put on the word that ends at `cursor` (any tone it had is replaced; the same tone again takes
 * it off, as on Telex keyboards). A cursor after no letter types nothing: the text and cursor come back unchanged.
 */
export function applyVietnameseTone(value: string, cursor: number, tone: VietnameseTone): { value: string; cursor: number } {
  const before = value.slice(0, cursor);
  const wordMatch = /\p{L}+$/u.exec(before);
  if (wordMatch === null) return { value, cursor };
  const word = [...wordMatch[0].normalize('NFC')];
  const letters = word.map(letterOf);
  const index = toneVowelIndex(letters);
  if (index === -1) return { value, cursor };
  const mark = vietnameseTones[tone];
  const hadThisTone = word.some((character) => character.normalize('NFD').includes(mark));
  const toned = letters.map((letter, position) => (position === index && !hadThisTone ? `${letter.base}${mark}`.normalize('NFC') : letter.base)).join('');
  const start = before.length - wordMatch[0].length;
  return { value: value.slice(0, start) + toned + value.slice(cursor), cursor: start + toned.length };
}
