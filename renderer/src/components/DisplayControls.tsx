import type { LanguageCode } from '../../../main/contract';
import { LanguageSwitch } from './LanguageSwitch';
import { LargerTextToggle } from './LargerTextToggle';

export interface DisplayControlsProps {
  languages: readonly LanguageCode[];
  language: LanguageCode;
  onChooseLanguage(language: LanguageCode): void;
  largerText: boolean;
  onToggleLargerText(): void;
}

/** How the screen reads — language and text size — offered together on the attract and home screens. */
export function DisplayControls(props: DisplayControlsProps) {
  return (
    <div className="display-controls">
      <LanguageSwitch languages={props.languages} current={props.language} onChoose={props.onChooseLanguage} />
      <LargerTextToggle on={props.largerText} onToggle={props.onToggleLargerText} />
    </div>
  );
}
