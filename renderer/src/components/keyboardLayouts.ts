// The on-screen keyboard's layouts, one per screen language (docs/screens.md §4), each with a key to switch to English
// letters (a name, an address, a word the person knows only in English). Arabic comes from simple-keyboard-layouts;
// Vietnamese adds its shaped vowels and a row of tone keys (vietnameseTones.ts); Simplified Chinese types pinyin in
// Latin letters and chooses characters from a candidate bar (pinyin.ts).
import { z } from 'zod';
import arabic from 'simple-keyboard-layouts/build/layouts/arabic.js';
import type { VietnameseTone } from './vietnameseTones';

export interface KeyboardLayout {
  default: readonly string[];
  shift: readonly string[];
}

/** How a language's keyboard types: letter by letter, with tone keys after the letters, or by pinyin and a candidate. */
export type KeyboardInput = 'letters' | 'vietnameseTones' | 'pinyin';

export interface LanguageKeyboard {
  layout: KeyboardLayout;
  input: KeyboardInput;
  /** The switch-back key's words, in the language's own script (a person who reads only Arabic finds "عربي"). */
  ownLettersLabel: string;
  /** The field's direction while typing in this keyboard: Arabic is written right to left. */
  direction: 'ltr' | 'rtl';
}

/** The key that switches to English letters, and the one that switches back. */
export const englishLettersKey = '{abc}';
export const ownLettersKey = '{own}';

/** Tone keys, named by the tone; their faces show the mark on a dotted circle, as Vietnamese keyboards draw them. */
export const toneKeys: Readonly<Record<`{tone-${VietnameseTone}}`, VietnameseTone>> = {
  '{tone-sac}': 'sac',
  '{tone-huyen}': 'huyen',
  '{tone-hoi}': 'hoi',
  '{tone-nga}': 'nga',
  '{tone-nang}': 'nang',
};

export const toneKeyFaces: Readonly<Record<keyof typeof toneKeys, string>> = {
  '{tone-sac}': '◌́',
  '{tone-huyen}': '◌̀',
  '{tone-hoi}': '◌̉',
  '{tone-nga}': '◌̃',
  '{tone-nang}': '◌̣',
};

export const englishLayout: KeyboardLayout = {
  default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', "a s d f g h j k l '", '{shift} z x c v b n m , . ?', '{enter} {space} ! -'],
  shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L :', '{shift} Z X C V B N M ; / ?', '{enter} {space} ! -'],
};

/** English letters with the switch back to the person's own keyboard in the last row. */
function englishWithWayBack(): KeyboardLayout {
  return {
    default: englishLayout.default.map((row, index, rows) => (index === rows.length - 1 ? `${ownLettersKey} ${row}` : row)),
    shift: englishLayout.shift.map((row, index, rows) => (index === rows.length - 1 ? `${ownLettersKey} ${row}` : row)),
  };
}

const SimpleKeyboardLayout = z.object({ layout: z.object({ default: z.array(z.string()), shift: z.array(z.string()) }) });

/**
 * The Arabic layout of simple-keyboard-layouts, made a kiosk's: no Tab, Caps Lock, ".com" or desktop symbol keys,
 * no keys for programmers' symbols (so a row fits a 1024 px window), one Shift, and a last row with English letters, space, the Arabic comma and question mark.
 */
function arabicLayout(): KeyboardLayout {
  const source = SimpleKeyboardLayout.parse(arabic).layout;
  const dropped = new Set(['{tab}', '{lock}', '\\', '|', '.com', '@', '<', '>', '-', '=', '_', '+', '{enter}']);
  const kiosk = (rows: readonly string[], lastRow: string): string[] =>
    rows
      .slice(0, 4)
      .map((row) => {
        const keys = row.split(' ').filter((key) => !dropped.has(key));
        // One Shift, at the start: the second is the desktop's right-hand Shift.
        const shifts = keys.filter((key) => key === '{shift}').length;
        return (shifts > 1 ? keys.filter((key, index) => key !== '{shift}' || index === keys.indexOf('{shift}')) : keys).join(' ');
      })
      .concat(lastRow);
  return {
    default: kiosk(source.default, `${englishLettersKey} {enter} {space} ، . ؟`),
    shift: kiosk(source.shift, `${englishLettersKey} {enter} {space} ، . ؟`),
  };
}

const keyboards: Readonly<Record<string, LanguageKeyboard>> = {
  en: { layout: englishLayout, input: 'letters', ownLettersLabel: 'ABC', direction: 'ltr' },
  es: {
    layout: {
      default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l ñ', '{shift} z x c v b n m , . ¿ ?', 'á é í ó ú ü {enter} {space} ¡ !'],
      shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L Ñ', '{shift} Z X C V B N M ; : ¿ ?', 'Á É Í Ó Ú Ü {enter} {space} ¡ -'],
    },
    input: 'letters',
    ownLettersLabel: 'Español',
    direction: 'ltr',
  },
  // Haitian Creole writes è, ò and à (and the English letters): the rest of the layout is English.
  ht: {
    layout: {
      default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', "a s d f g h j k l '", '{shift} z x c v b n m , . ?', 'è ò à {enter} {space} ! -'],
      shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L :', '{shift} Z X C V B N M ; / ?', 'È Ò À {enter} {space} ! -'],
    },
    input: 'letters',
    ownLettersLabel: 'Kreyòl',
    direction: 'ltr',
  },
  // Vietnamese: the shaped vowels beside the letters, đ, and a tone key for each of the five marked tones.
  vi: {
    layout: {
      default: [
        '1 2 3 4 5 6 7 8 9 0 {bksp}',
        'q w e r t y u i o p ơ ư',
        'a s d f g h j k l đ ê ô',
        '{shift} z x c v b n m ă â , . ?',
        '{tone-sac} {tone-huyen} {tone-hoi} {tone-nga} {tone-nang} {enter} {space}',
      ],
      shift: [
        '! @ # $ % & * ( ) " {bksp}',
        'Q W E R T Y U I O P Ơ Ư',
        'A S D F G H J K L Đ Ê Ô',
        '{shift} Z X C V B N M Ă Â ; : ?',
        '{tone-sac} {tone-huyen} {tone-hoi} {tone-nga} {tone-nang} {enter} {space}',
      ],
    },
    input: 'vietnameseTones',
    ownLettersLabel: 'Tiếng Việt',
    direction: 'ltr',
  },
  // Simplified Chinese: pinyin in Latin letters; the candidate bar turns them into characters. Chinese punctuation.
  'zh-Hans': {
    layout: {
      default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l', '{shift} z x c v b n m ， 。 ？', '{enter} {space} ！ 、'],
      shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L', '{shift} Z X C V B N M ： ； ？', '{enter} {space} ！ 、'],
    },
    input: 'pinyin',
    ownLettersLabel: '拼音',
    direction: 'ltr',
  },
  ar: { layout: arabicLayout(), input: 'letters', ownLettersLabel: 'عربي', direction: 'rtl' },
};

/** Every layout but English gets the key to English letters, at the start of its last row (Arabic has it already). */
function withEnglishLettersKey(layout: KeyboardLayout): KeyboardLayout {
  const add = (rows: readonly string[]): string[] =>
    rows.map((row, index) => (index === rows.length - 1 && !row.includes(englishLettersKey) ? `${englishLettersKey} ${row}` : row));
  return { default: add(layout.default), shift: add(layout.shift) };
}

/**
 * The keyboard for a screen language, or for English letters when the person switched to them. A language with no
 * keyboard of its own types with the English one (never no keyboard at all).
 */
export function keyboardFor(languageTag: string, englishLetters: boolean): LanguageKeyboard {
  const own = keyboards[languageTag];
  if (own === undefined || languageTag === 'en') return keyboards['en']!;
  if (englishLetters) return { layout: englishWithWayBack(), input: 'letters', ownLettersLabel: own.ownLettersLabel, direction: 'ltr' };
  return { ...own, layout: withEnglishLettersKey(own.layout) };
}

/** Whether a language has a keyboard of its own (and so the switch to English letters). */
export function hasOwnKeyboard(languageTag: string): boolean {
  return languageTag !== 'en' && keyboards[languageTag] !== undefined;
}
