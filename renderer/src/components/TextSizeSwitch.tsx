import { useTranslation } from 'react-i18next';

/** The three text sizes every screen is laid out for (the fit check visits each). */
export const textSizes = ['normal', 'larger', 'largest'] as const;
export type TextSize = (typeof textSizes)[number];

interface TextSizeSwitchProps {
  current: TextSize;
  onChoose(size: TextSize): void;
}

/**
 * Three buttons, each an "A" drawn at the size it gives, named in words for a screen reader and for the person who
 * reads the label: a cycling single button would hide what the next press does.
 */
export function TextSizeSwitch({ current, onChoose }: TextSizeSwitchProps) {
  const { t } = useTranslation();
  return (
    <div className="text-size-switch" role="group" aria-label={t('textSize.label')}>
      {textSizes.map((size) => (
        <button
          key={size}
          type="button"
          className={`toggle-button text-size-switch__button text-size-switch__button--${size}`}
          aria-pressed={size === current}
          aria-label={t(`textSize.${size}`)}
          title={t(`textSize.${size}`)}
          onClick={() => onChoose(size)}
          data-testid={`text-size-${size}`}
        >
          <span aria-hidden="true">A</span>
        </button>
      ))}
    </div>
  );
}
