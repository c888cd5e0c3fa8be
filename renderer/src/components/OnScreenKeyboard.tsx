// The kiosk's keyboard: most kiosks have only a touchscreen. English and Spanish layouts (ñ, accents, ¿ ¡); the
// keys edit the text the screen owns, so a physical keyboard and this one never disagree.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';
import type { LanguageCode } from '../../../main/contract';

const layouts: Record<LanguageCode, { default: string[]; shift: string[] }> = {
  en: {
    default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l \'', '{shift} z x c v b n m , . ?', '{enter} {space} ! -'],
    shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L :', '{shift} Z X C V B N M ; / ?', '{enter} {space} ! -'],
  },
  es: {
    default: ['1 2 3 4 5 6 7 8 9 0 {bksp}', 'q w e r t y u i o p', 'a s d f g h j k l ñ', '{shift} z x c v b n m , . ¿ ?', 'á é í ó ú ü {enter} {space} ¡ !'],
    shift: ['! @ # $ % & * ( ) " {bksp}', 'Q W E R T Y U I O P', 'A S D F G H J K L Ñ', '{shift} Z X C V B N M ; : ¿ ?', 'Á É Í Ó Ú Ü {enter} {space} ¡ -'],
  },
};

interface OnScreenKeyboardProps {
  language: LanguageCode;
  value: string;
  onChange(value: string): void;
  /** A single-line field: no new-line key. */
  singleLine?: boolean;
}

export function OnScreenKeyboard({ language, value, onChange, singleLine = false }: OnScreenKeyboardProps) {
  const { t } = useTranslation();
  const [shifted, setShifted] = useState(false);
  const layout = singleLine
    ? { default: layouts[language].default.map((row) => row.replace('{enter} ', '')), shift: layouts[language].shift.map((row) => row.replace('{enter} ', '')) }
    : layouts[language];

  const press = (button: string) => {
    switch (button) {
      case '{bksp}':
        // By characters as people count them, so an emoji goes in one press.
        onChange([...value].slice(0, -1).join(''));
        return;
      case '{shift}':
        setShifted((on) => !on);
        return;
      case '{space}':
        onChange(`${value} `);
        return;
      case '{enter}':
        onChange(`${value}\n`);
        return;
      default:
        onChange(value + button);
        if (shifted) setShifted(false);
    }
  };

  return (
    <div className="on-screen-keyboard" data-testid="on-screen-keyboard" lang={language}>
      <Keyboard
        layout={layout}
        layoutName={shifted ? 'shift' : 'default'}
        onKeyPress={press}
        display={{ '{bksp}': t('mail.keyboard.backspace'), '{space}': t('mail.keyboard.space'), '{enter}': t('mail.keyboard.enter'), '{shift}': t('mail.keyboard.shift') }}
        theme="hg-theme-default dayroom-keyboard"
        physicalKeyboardHighlight={false}
        disableButtonHold
        preventMouseDownDefault
      />
    </div>
  );
}
