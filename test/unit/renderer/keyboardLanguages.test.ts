// The on-screen keyboard in every language: Vietnamese tones land where Vietnamese writes them, pinyin finds its
// characters in simple-keyboard-layouts' candidates, and every language's layout has what its words need.
import { describe, expect, it } from 'vitest';
import { englishLettersKey, hasOwnKeyboard, keyboardFor, ownLettersKey } from '../../../renderer/src/components/keyboardLayouts';
import { choosePinyinCandidate, pinyinCandidates } from '../../../renderer/src/components/pinyin';
import { applyVietnameseTone, type VietnameseTone } from '../../../renderer/src/components/vietnameseTones';

/** Types `letters`, then the tone key, at the end of `before`. */
function toned(before: string, tone: VietnameseTone): string {
  return applyVietnameseTone(before, before.length, tone).value;
}

describe('Vietnamese tone keys', () => {
  it('put the tone on the vowel Vietnamese marks', () => {
    expect(toned('Viêt', 'nang')).toBe('Việt');
    expect(toned('chao', 'huyen')).toBe('chào');
    expect(toned('nguơi', 'huyen')).toBe('nguời');
    expect(toned('ngươi', 'huyen')).toBe('người');
    expect(toned('đươc', 'nang')).toBe('được');
    expect(toned('qua', 'sac')).toBe('quá');
    expect(toned('giơ', 'huyen')).toBe('giờ');
    expect(toned('gi', 'huyen')).toBe('gì');
    expect(toned('toan', 'sac')).toBe('toán');
    expect(toned('khuyu', 'hoi')).toBe('khuỷu');
    expect(toned('me', 'nga')).toBe('mẽ');
    expect(toned('Nam', 'hoi')).toBe('Nảm');
  });

  it('replace a tone the word already has, and the same tone again takes it off', () => {
    expect(toned('chào', 'sac')).toBe('cháo');
    expect(toned('chào', 'huyen')).toBe('chao');
  });

  it('tone the word before the cursor, not the end of the text, and move the cursor by what changed', () => {
    const text = 'Xin chao ban';
    const edit = applyVietnameseTone(text, 'Xin chao'.length, 'huyen');
    expect(edit).toEqual({ value: 'Xin chào ban', cursor: 'Xin chào'.length });
  });

  it('change nothing after a space, a digit or a word with no vowel', () => {
    expect(applyVietnameseTone('chao ', 5, 'sac')).toEqual({ value: 'chao ', cursor: 5 });
    expect(applyVietnameseTone('12', 2, 'sac')).toEqual({ value: '12', cursor: 2 });
    expect(applyVietnameseTone('đ', 1, 'sac')).toEqual({ value: 'đ', cursor: 1 });
  });

  it('write the composed characters (NFC), as Vietnamese text is stored and searched', () => {
    expect(toned('Viêt', 'nang')).toBe('Việt'.normalize('NFC'));
    expect(toned('Viêt', 'nang').length).toBe(4);
  });
});

describe('pinyin candidates', () => {
  it('offer the characters of a syllable, most used first', () => {
    expect(pinyinCandidates('ni').candidates[0]).toBe('你');
    expect(pinyinCandidates('hao').candidates[0]).toBe('好');
    expect(pinyinCandidates('zhong').candidates[0]).toBe('中');
  });

  it('find the first syllable of letters typed together, and leave the rest for the next choice', () => {
    expect(pinyinCandidates('nihao')).toMatchObject({ syllable: 'ni' });
    expect(choosePinyinCandidate('nihao', '你')).toEqual({ typed: '你', remaining: 'hao' });
    expect(choosePinyinCandidate('hao', '好')).toEqual({ typed: '好', remaining: '' });
    expect(pinyinCandidates('zhongguo')).toMatchObject({ syllable: 'zhong' });
  });

  it('offer nothing (never a guess) for letters that start no syllable, and ignore capitals', () => {
    expect(pinyinCandidates('v')).toEqual({ syllable: '', candidates: [] });
    expect(pinyinCandidates('')).toEqual({ syllable: '', candidates: [] });
    expect(pinyinCandidates('NI').candidates[0]).toBe('你');
  });
});

describe('a keyboard for every language', () => {
  const keys = (tag: string, englishLetters = false): string[] => {
    const { layout } = keyboardFor(tag, englishLetters);
    return [...layout.default, ...layout.shift].flatMap((row) => row.split(' '));
  };

  it('Spanish and Haitian Creole have their accented letters', () => {
    for (const letter of ['á', 'é', 'í', 'ó', 'ú', 'ñ', 'ü', '¿', '¡']) expect(keys('es')).toContain(letter);
    for (const letter of ['è', 'ò', 'à', 'È', 'Ò', 'À']) expect(keys('ht')).toContain(letter);
  });

  it('Vietnamese has its shaped vowels, đ and the five tone keys', () => {
    for (const letter of ['ă', 'â', 'đ', 'ê', 'ô', 'ơ', 'ư', 'Ă', 'Đ', 'Ư']) expect(keys('vi')).toContain(letter);
    for (const tone of ['{tone-sac}', '{tone-huyen}', '{tone-hoi}', '{tone-nga}', '{tone-nang}']) expect(keys('vi')).toContain(tone);
    expect(keyboardFor('vi', false).input).toBe('vietnameseTones');
  });

  it('Arabic has the Arabic letters from simple-keyboard-layouts, right to left, without desktop keys', () => {
    const arabic = keys('ar');
    for (const letter of [
      'ا',
      'ب',
      'ت',
      'ث',
      'ج',
      'ح',
      'خ',
      'د',
      'ذ',
      'ر',
      'ز',
      'س',
      'ش',
      'ص',
      'ض',
      'ط',
      'ظ',
      'ع',
      'غ',
      'ف',
      'ق',
      'ك',
      'ل',
      'م',
      'ن',
      'ه',
      'و',
      'ي',
    ])
      expect(arabic).toContain(letter);
    for (const desktopKey of ['{tab}', '{lock}', '.com']) expect(arabic).not.toContain(desktopKey);
    expect(keyboardFor('ar', false).layout.default.join(' ').split('{shift}').length - 1).toBe(1);
    expect(keyboardFor('ar', false).direction).toBe('rtl');
  });

  it('Simplified Chinese types pinyin letters for the candidate bar', () => {
    expect(keyboardFor('zh-Hans', false).input).toBe('pinyin');
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') expect(keys('zh-Hans')).toContain(letter);
  });

  it('every language but English switches to English letters and back; a language without a keyboard gets English', () => {
    for (const tag of ['es', 'ht', 'vi', 'zh-Hans', 'ar']) {
      expect(hasOwnKeyboard(tag)).toBe(true);
      expect(keys(tag)).toContain(englishLettersKey);
      const english = keyboardFor(tag, true);
      expect(english.input).toBe('letters');
      expect(english.direction).toBe('ltr');
      expect(keys(tag, true)).toContain(ownLettersKey);
      expect(keys(tag, true)).toContain('q');
    }
    expect(keys('en')).not.toContain(englishLettersKey);
    expect(hasOwnKeyboard('xx')).toBe(false);
    expect(keyboardFor('xx', false)).toEqual(keyboardFor('en', false));
  });

  it('every layout has delete, shift and space, and the same number of rows in both shifts', () => {
    for (const tag of ['en', 'es', 'ht', 'vi', 'zh-Hans', 'ar']) {
      for (const englishLetters of [false, true]) {
        const { layout } = keyboardFor(tag, englishLetters);
        expect(layout.default.length).toBe(layout.shift.length);
        for (const rows of [layout.default, layout.shift]) {
          const all = rows.join(' ').split(' ');
          for (const key of ['{bksp}', '{shift}', '{space}']) expect(all, `${tag} ${englishLetters}`).toContain(key);
        }
      }
    }
  });
});
