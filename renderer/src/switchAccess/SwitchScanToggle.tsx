import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import './switchAccess.css';

interface SwitchScanToggleProps {
  on: boolean;
  onToggle(): void;
}

/**
 * Turns single-switch scanning on or off (useSwitchScanning), beside language and text size. A person with only a switch
 * turns it on by holding the switch down; the button is for the person helping them, and shows that it is on.
 */
export function SwitchScanToggle({ on, onToggle }: SwitchScanToggleProps) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <>
      <button
        type="button"
        className="toggle-button switch-scan-toggle"
        aria-pressed={on}
        aria-label={t('switchScan.name')}
        aria-describedby={hintId}
        title={t('switchScan.hint')}
        onClick={onToggle}
        data-testid="switch-scan-toggle"
      >
        {t('switchScan.label')}
      </button>
      <span id={hintId} hidden>
        {t('switchScan.hint')}
      </span>
    </>
  );
}
