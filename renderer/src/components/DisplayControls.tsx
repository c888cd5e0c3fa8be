import type { LanguageCode } from '../../../main/contract';
import { SwitchScanToggle } from '../switchAccess/SwitchScanToggle';
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
}

/** How the screen reads — language, text size, contrast and motion — and single-switch scanning, in every screen's top bar. */
export function DisplayControls(props: DisplayControlsProps) {
  return (
    <div className="display-controls">
      <LanguageSwitch languages={props.languages} current={props.language} onChoose={props.onChooseLanguage} />
      <TextSizeSwitch current={props.textSize} onChoose={props.onChooseTextSize} />
      <ScreenLookSwitch
        theme={props.theme}
        onChooseTheme={props.onChooseTheme}
        reducedMotion={props.reducedMotion}
        onChooseReducedMotion={props.onChooseReducedMotion}
      />
      <SwitchScanToggle on={props.switchScan} onToggle={props.onToggleSwitchScan} />
    </div>
  );
}
