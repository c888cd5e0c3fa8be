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
      <button type="button" className="pad-key pad-key--word" disabled={disabled} onClick={onClear}>
        {t('pinEntry.clear')}
      </button>
      {digitKey('0')}
      <button type="button" className="pad-key pad-key--word" disabled={disabled} onClick={onBack}>
        {t('pinEntry.back')}
      </button>
    </div>
  );
}
