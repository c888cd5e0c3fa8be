import type { LanguageCode } from '../../../main/contract';
import { SwitchScanToggle } from '../switchAccess/SwitchScanToggle';
import { LanguageSwitch } from './LanguageSwitch';
import { TextSizeSwitch, type TextSize } from './TextSizeSwitch';

export interface DisplayControlsProps {
  languages: readonly LanguageCode[];
  language: LanguageCode;
  onChooseLanguage(language: LanguageCode): void;
  textSize: TextSize;
  onChooseTextSize(size: TextSize): void;
  /** Single-switch scanning, on or off. */
  switchScan: boolean;
  onToggleSwitchScan(): void;
}

/** How the screen reads — language and text size — and single-switch scanning, in every screen's top bar. */
export function DisplayControls(props: DisplayControlsProps) {
  return (
    <div className="display-controls">
      <LanguageSwitch languages={props.languages} current={props.language} onChoose={props.onChooseLanguage} />
      <TextSizeSwitch current={props.textSize} onChoose={props.onChooseTextSize} />
      <SwitchScanToggle on={props.switchScan} onToggle={props.onToggleSwitchScan} />
    </div>
  );
}
