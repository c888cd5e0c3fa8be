// The kiosk's keyboard: most kiosks have only a touchscreen. English and Spanish layouts (ñ, accents, ¿ ¡); the
// keys edit the text the screen owns, so a physical keyboard and this one never disagree.
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';
import type { LanguageCode } from '../../../main/contract';
import { deleteBackward, typeInto } from './keyboardEditing';

type KeyboardLayout = { default: string[]; shift: string[] };

const layouts = {
  en: {
    default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', "a s d f g h j k l '", '{shift} z x c v b n m , . ?', '{enter} {space} ! -'],
    shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L :', '{shift} Z X C V B N M ; / ?', '{enter} {space} ! -'],
  },
  es: {
    default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l ñ', '{shift} z x c v b n m , . ¿ ?', 'á é í ó ú ü {enter} {space} ¡ !'],
    shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L Ñ', '{shift} Z X C V B N M ; : ¿ ?', 'Á É Í Ó Ú Ü {enter} {space} ¡ -'],
  },
} satisfies Record<string, KeyboardLayout>;
const layoutsByLanguage: ReadonlyMap<LanguageCode, KeyboardLayout> = new Map(Object.entries(layouts));

/** A language is a locale file, not a list; one whose keyboard has not been drawn yet types on the English keys. */
function layoutFor(language: LanguageCode): KeyboardLayout {
  return layoutsByLanguage.get(language) ?? layouts.en;
}

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

export function OnScreenKeyboard({ language, value, onChange, singleLine = false, field }: OnScreenKeyboardProps) {
  const { t } = useTranslation();
  const [shifted, setShifted] = useState(false);
  const languageLayout = layoutFor(language);
  const layout = singleLine
    ? { default: languageLayout.default.map((row) => row.replace('{enter} ', '')), shift: languageLayout.shift.map((row) => row.replace('{enter} ', '')) }
    : languageLayout;

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

  const press = (button: string) => {
    switch (button) {
      case '{bksp}':
        apply(deleteBackward(value, selection()));
        return;
      case '{shift}':
        setShifted((on) => !on);
        return;
      case '{space}':
        apply(typeInto(value, selection(), ' '));
        return;
      case '{enter}':
        apply(typeInto(value, selection(), '\n'));
        return;
      default:
        apply(typeInto(value, selection(), button));
        if (shifted) setShifted(false);
    }
  };

  return (
    <div className="on-screen-keyboard" data-testid="on-screen-keyboard" lang={language}>
      <Keyboard
        layout={layout}
        layoutName={shifted ? 'shift' : 'default'}
        onKeyPress={press}
        display={{
          '{bksp}': t('mail.keyboard.backspace'),
          '{space}': t('mail.keyboard.space'),
          '{enter}': t('mail.keyboard.enter'),
          '{shift}': t('mail.keyboard.shift'),
        }}
        theme="hg-theme-default dayroom-keyboard"
        physicalKeyboardHighlight={false}
        disableButtonHold
        preventMouseDownDefault
      />
    </div>
  );
}
