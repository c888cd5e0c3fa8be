import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';
import { installedLanguage } from '../i18n/languages';
import { ChoicesDialog } from './ChoicesDialog';

interface LanguageSwitchProps {
  languages: readonly LanguageCode[];
  current: LanguageCode;
  onChoose(language: LanguageCode): void;
}

/**
 * Up to this many offered languages sit in the top bar as buttons (one press to change); more open a chooser, since six
 * buttons took a whole row of a 1280×800 screen and half of a 1024×600 one at the largest text.
 */
export const languagesInTheBar = 2;

/**
 * The offered languages, each named in its own language (its locale file's `locale.name`) so anyone can find theirs:
 * as buttons in the bar for two, else behind one button showing a globe and the current language's name.
 */
export function LanguageSwitch({ languages, current, onChoose }: LanguageSwitchProps) {
  const { t } = useTranslation();
  const [choosing, setChoosing] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  if (languages.length < 2) return null;
  if (languages.length <= languagesInTheBar) {
    return (
      <div className="language-switch" role="group" aria-label={t('language.switchLabel')}>
        <LanguageButtons languages={languages} current={current} onChoose={onChoose} />
      </div>
    );
  }
  const { name, direction } = installedLanguage(current);
  return (
    <>
      <button
        ref={opener}
        type="button"
        className="toggle-button language-opener"
        aria-haspopup="dialog"
        aria-expanded={choosing}
        aria-label={t('language.open', { name })}
        onClick={() => setChoosing(true)}
        data-testid="language-opener"
      >
        <GlobeIcon />
        <span lang={current} dir={direction}>
          {name}
        </span>
      </button>
      {choosing ? (
        <ChoicesDialog title={t('language.chooseTitle')} opener={opener} onClose={() => setChoosing(false)} testId="language-chooser">
          <div className="language-switch language-switch--chooser" role="group" aria-label={t('language.switchLabel')}>
            <LanguageButtons
              languages={languages}
              current={current}
              onChoose={(language) => {
                setChoosing(false);
                onChoose(language);
              }}
            />
          </div>
        </ChoicesDialog>
      ) : null}
    </>
  );
}

function LanguageButtons({ languages, current, onChoose }: LanguageSwitchProps) {
  return languages.map((language) => {
    const { name, direction } = installedLanguage(language);
    return (
      <button
        key={language}
        type="button"
        className="toggle-button"
        lang={language}
        dir={direction}
        aria-pressed={language === current}
        onClick={() => onChoose(language)}
      >
        {name}
      </button>
    );
  });
}

/** A globe, the sign for "language" that needs no reading; drawn, since the kiosk's fonts have no emoji. */
function GlobeIcon() {
  return (
    <svg className="language-opener__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <g fill="none" stroke="currentColor" strokeWidth="1.8">
        <circle cx="12" cy="12" r="9.5" />
        <ellipse cx="12" cy="12" rx="4.2" ry="9.5" />
        <path d="M2.5 12h19M4.2 6.8h15.6M4.2 17.2h15.6" />
      </g>
    </svg>
  );
}
