import { useTranslation } from 'react-i18next';

interface LargerTextToggleProps {
  on: boolean;
  onToggle(): void;
}

export function LargerTextToggle({ on, onToggle }: LargerTextToggleProps) {
  const { t } = useTranslation();
  return (
    <button type="button" className="toggle-button larger-text-toggle" aria-pressed={on} onClick={onToggle}>
      <span aria-hidden="true" className="larger-text-toggle__glyph">
        A<span className="larger-text-toggle__glyph-big">A</span>
      </span>
      {t('largerText')}
    </button>
  );
}
