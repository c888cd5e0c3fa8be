// The kiosk's keyboard: most kiosks have only a touchscreen. It follows the screen language (keyboardLayouts.ts:
// Spanish and Haitian Creole accents, Vietnamese tone keys, Arabic letters, Simplified Chinese by pinyin with a
// candidate bar) with a key to switch to English letters; the keys edit the text the screen owns, so a physical
// keyboard and this one never disagree.
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';
import type { LanguageCode } from '../../../main/contract';
import { deleteBackward, typeInto } from './keyboardEditing';
import { englishLettersKey, keyboardFor, ownLettersKey, toneKeyFaces, toneKeys, type KeyboardLayout } from './keyboardLayouts';
import { choosePinyinCandidate, pinyinCandidates } from './pinyin';
import { applyVietnameseTone } from './vietnameseTones';

/** How many characters the candidate bar offers at once: the most used, enough for everyday words. */
const candidatesShown = 10;

interface OnScreenKeyboardProps {
  language: LanguageCode;
  value: string;
  onChange(value: string): void;
  /** A single-line field: no new-line key. */
  singleLine?: boolean;
  /**
   * The field the keys type into. Keys then go where its cursor is (or replace what is selected), as on any keyboard,
   * and the cursor follows; without it they go at the end.
   */
  field?: RefObject<HTMLTextAreaElement | HTMLInputElement | null>;
}

function withoutEnter(layout: KeyboardLayout): { default: string[]; shift: string[] } {
  const strip = (rows: readonly string[]): string[] => rows.map((row) => row.replace(/ ?\{enter\}/, ''));
  return { default: strip(layout.default), shift: strip(layout.shift) };
}

function isToneKey(button: string): button is keyof typeof toneKeys {
  return Object.hasOwn(toneKeys, button);
}

/** A key that types one Latin letter: in pinyin these go to the composition, not the field. */
function isLatinLetter(button: string): boolean {
  return /^[a-z]$/i.test(button);
}

export function OnScreenKeyboard({ language, value, onChange, singleLine = false, field }: OnScreenKeyboardProps) {
  const { t } = useTranslation();
  const [shifted, setShifted] = useState(false);
  const [englishLetters, setEnglishLetters] = useState(false);
  /** The pinyin letters typed and not yet turned into characters. */
  const [composition, setComposition] = useState('');
  const keyboard = keyboardFor(language, englishLetters);
  const layout = singleLine ? withoutEnter(keyboard.layout) : { default: [...keyboard.layout.default], shift: [...keyboard.layout.shift] };
  const choice = pinyinCandidates(composition);

  const selection = (): { start: number; end: number } | null => {
    const element = field?.current;
    if (!element || element.selectionStart === null || element.selectionEnd === null) return null;
    return { start: element.selectionStart, end: element.selectionEnd };
  };
  const apply = (edit: { value: string; cursor: number }): void => {
    onChange(edit.value);
    // After React has put the new text in the field: the cursor goes just after what was typed.
    const element = field?.current;
    if (element) requestAnimationFrame(() => element.setSelectionRange(edit.cursor, edit.cursor));
  };
  const type = (text: string): void => apply(typeInto(value, selection(), text));

  /** Puts the chosen characters in the field; the letters after their syllable wait for the next choice. */
  const chooseCandidate = (candidate: string): void => {
    const chosen = choosePinyinCandidate(composition, candidate);
    type(chosen.typed);
    setComposition(chosen.remaining);
  };
  /** Ends the composition: its first syllable's most used characters, or the letters as typed when none is known. */
  const commitComposition = (): void => {
    if (composition === '') return;
    const first = choice.candidates[0];
    if (first === undefined) {
      type(composition);
      setComposition('');
    } else chooseCandidate(first);
  };

  const press = (button: string): void => {
    const composing = keyboard.input === 'pinyin' && composition !== '';
    if (keyboard.input === 'pinyin' && isLatinLetter(button)) {
      setComposition((letters) => letters + button.toLowerCase());
      if (shifted) setShifted(false);
      return;
    }
    if (isToneKey(button)) {
      const at = selection()?.end ?? value.length;
      apply(applyVietnameseTone(value, at, toneKeys[button]));
      return;
    }
    switch (button) {
      case englishLettersKey:
        commitComposition();
        setEnglishLetters(true);
        return;
      case ownLettersKey:
        setEnglishLetters(false);
        return;
      case '{bksp}':
        if (composing) setComposition((letters) => letters.slice(0, -1));
        else apply(deleteBackward(value, selection()));
        return;
      case '{shift}':
        setShifted((on) => !on);
        return;
      case '{space}':
        // With pinyin waiting, space takes the first candidate, as every pinyin keyboard does.
        if (composing) commitComposition();
        else type(' ');
        return;
      case '{enter}':
        // With pinyin waiting, Enter keeps the letters as letters.
        if (composing) {
          type(composition);
          setComposition('');
        } else type('\n');
        return;
      default:
        commitComposition();
        type(button);
        if (shifted) setShifted(false);
    }
  };

  return (
    <div
      className="on-screen-keyboard"
      data-testid="on-screen-keyboard"
      data-keyboard={englishLetters ? 'en' : language}
      lang={englishLetters ? 'en' : language}
      // Arabic keys run right to left, as its letters do.
      dir={keyboard.direction}
    >
      {keyboard.input === 'pinyin' && composition !== '' ? (
        <div className="pinyin-bar" role="group" aria-label={t('mail.keyboard.candidates', { pinyin: composition })} data-testid="pinyin-bar">
          <span className="pinyin-bar__composition" data-testid="pinyin-composition" lang="en">
            {composition}
          </span>
          {choice.candidates.length === 0 ? (
            <span className="pinyin-bar__none" role="status">
              {t('mail.keyboard.noCandidates', { pinyin: composition })}
            </span>
          ) : (
            <span className="pinyin-bar__candidates" lang="zh-Hans">
              {choice.candidates.slice(0, candidatesShown).map((candidate) => (
                <button
                  key={candidate}
                  type="button"
                  className="button button--secondary pinyin-bar__candidate"
                  data-testid="pinyin-candidate"
                  // Keeps the field's focus and cursor, like the keys (preventMouseDownDefault).
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => chooseCandidate(candidate)}
                >
                  {candidate}
                </button>
              ))}
            </span>
          )}
        </div>
      ) : null}
      <Keyboard
        layout={layout}
        layoutName={shifted ? 'shift' : 'default'}
        onKeyPress={press}
        display={{
          '{bksp}': t('mail.keyboard.backspace'),
          '{space}': t('mail.keyboard.space'),
          '{enter}': t('mail.keyboard.enter'),
          '{shift}': t('mail.keyboard.shift'),
          [englishLettersKey]: t('mail.keyboard.englishLetters'),
          [ownLettersKey]: keyboard.ownLettersLabel,
          ...toneKeyFaces,
        }}
        theme="hg-theme-default dayroom-keyboard"
        physicalKeyboardHighlight={false}
        disableButtonHold
        preventMouseDownDefault
      />
    </div>
  );
}
