import { useTranslation } from 'react-i18next';

/** The two colour themes: the standard one (text at least 4.5:1) and high contrast (text at least 7:1). */
export const screenThemes = ['standard', 'highContrast'] as const;
export type ScreenTheme = (typeof screenThemes)[number];

interface ScreenLookSwitchProps {
  theme: ScreenTheme;
  onChooseTheme(theme: ScreenTheme): void;
  reducedMotion: boolean;
  onChooseReducedMotion(reduced: boolean): void;
}

/**
 * High contrast and less motion, each a button that stays pressed while it is on (a check mark and the fill show it, and
 * a screen reader hears "pressed"), named in words: a person who needs either can find it without knowing the jargon.
 */
export function ScreenLookSwitch({ theme, onChooseTheme, reducedMotion, onChooseReducedMotion }: ScreenLookSwitchProps) {
  const { t } = useTranslation();
  const highContrast = theme === 'highContrast';
  return (
    <div className="screen-look-switch" role="group" aria-label={t('display.label')}>
      <button
        type="button"
        className="toggle-button"
        aria-pressed={highContrast}
        aria-label={t('display.highContrastLabel')}
        title={t('display.highContrastLabel')}
        onClick={() => onChooseTheme(highContrast ? 'standard' : 'highContrast')}
        data-testid="theme-high-contrast"
      >
        {t('display.highContrast')}
      </button>
      <button
        type="button"
        className="toggle-button"
        aria-pressed={reducedMotion}
        aria-label={t('display.lessMotionLabel')}
        title={t('display.lessMotionLabel')}
        onClick={() => onChooseReducedMotion(!reducedMotion)}
        data-testid="reduced-motion"
      >
        {t('display.lessMotion')}
      </button>
    </div>
  );
}
