import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';
import { CaptionsToggle, type CaptionsChoice } from '../captions/captions';
import { SwitchScanToggle } from '../switchAccess/SwitchScanToggle';
import { ChoicesDialog } from './ChoicesDialog';
import { LanguageSwitch } from './LanguageSwitch';
import { ScreenLookSwitch, type ScreenTheme } from './ScreenLookSwitch';
import { TextSizeSwitch, type TextSize } from './TextSizeSwitch';

export interface DisplayControlsProps {
  languages: readonly LanguageCode[];
  language: LanguageCode;
  onChooseLanguage(language: LanguageCode): void;
  textSize: TextSize;
  onChooseTextSize(size: TextSize): void;
  theme: ScreenTheme;
  onChooseTheme(theme: ScreenTheme): void;
  reducedMotion: boolean;
  onChooseReducedMotion(reduced: boolean): void;
  /** Single-switch scanning, on or off. */
  switchScan: boolean;
  onToggleSwitchScan(): void;
  /** Captions on videos, for the signed-in person; null while nobody is signed in (no one to keep the choice for). */
  captions: CaptionsChoice | null;
}

/**
 * How the screen reads, in every screen's top bar: the language, and one "Display" button that opens text size,
 * contrast, motion, single-switch scanning and (for a signed-in person) captions on videos. Two buttons where there were up to twelve, so the bar keeps one row at
 * every size and the screen keeps its room (docs/screens.md §16). Each choice takes effect at once, behind the open
 * dialog, so the person sees what it does before pressing Done.
 */
export function DisplayControls(props: DisplayControlsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <div className="display-controls">
      <LanguageSwitch languages={props.languages} current={props.language} onChoose={props.onChooseLanguage} />
      <button
        ref={opener}
        type="button"
        className="toggle-button display-opener"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
        data-testid="display-opener"
      >
        {/* A big and a small letter, the sign for text size; a locale may draw it in its own writing. */}
        <span className="display-opener__icon" aria-hidden="true">
          {t('display.openIcon')}
        </span>
        {t('display.open')}
      </button>
      {open ? (
        <ChoicesDialog title={t('display.label')} opener={opener} onClose={() => setOpen(false)} testId="display-choices">
          <section className="display-choices__part">
            <h3 className="display-choices__heading">{t('textSize.label')}</h3>
            <TextSizeSwitch current={props.textSize} onChoose={props.onChooseTextSize} />
          </section>
          <section className="display-choices__part">
            <ScreenLookSwitch
              theme={props.theme}
              onChooseTheme={props.onChooseTheme}
              reducedMotion={props.reducedMotion}
              onChooseReducedMotion={props.onChooseReducedMotion}
            />
            <SwitchScanToggle on={props.switchScan} onToggle={props.onToggleSwitchScan} />
            {props.captions === null ? null : <CaptionsToggle choice={props.captions} />}
          </section>
        </ChoicesDialog>
      ) : null}
    </div>
  );
}
