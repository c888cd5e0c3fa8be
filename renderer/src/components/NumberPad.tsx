import { useTranslation } from 'react-i18next';

export type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

const digitRows: readonly (readonly Digit[])[] = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
];

interface NumberPadProps {
  disabled: boolean;
  onDigit(digit: Digit): void;
  onBack(): void;
  onClear(): void;
}

/** A phone-style 3×4 pad; each key's accessible name is its digit or its word. */
export function NumberPad({ disabled, onDigit, onBack, onClear }: NumberPadProps) {
  const { t } = useTranslation();
  const digitKey = (digit: Digit) => (
    <button key={digit} type="button" className="pad-key" disabled={disabled} onClick={() => onDigit(digit)}>
      {digit}
    </button>
  );
  return (
    <div className="number-pad" role="group" aria-label={t('pinEntry.padLabel')}>
      {digitRows.flat().map(digitKey)}
      {/* Each word key carries a mark as well as a short word, so "clear all" and "delete one" never read alike. */}
      <button
        type="button"
        className="pad-key pad-key--word"
        disabled={disabled}
        onClick={onClear}
        aria-label={t('pinEntry.clearLabel')}
        data-testid="pad-clear"
      >
        <span className="pad-key__mark" aria-hidden="true">
          ✕
        </span>
        <span className="pad-key__word">{t('pinEntry.clear')}</span>
      </button>
      {digitKey('0')}
      <button
        type="button"
        className="pad-key pad-key--word"
        disabled={disabled}
        onClick={onBack}
        aria-label={t('pinEntry.backLabel')}
        data-testid="pad-delete"
      >
        <span className="pad-key__mark" aria-hidden="true">
          ⌫
        </span>
        <span className="pad-key__word">{t('pinEntry.back')}</span>
      </button>
    </div>
  );
}
