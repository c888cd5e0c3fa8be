import { useTranslation } from 'react-i18next';

interface PinDotsProps {
  typed: number;
  pinLength: number;
}

/** How many digits are in, never which: the digits themselves are not in the DOM. */
export function PinDots({ typed, pinLength }: PinDotsProps) {
  const { t } = useTranslation();
  const slots = Array.from({ length: pinLength }, (_, index) => index < typed);
  return (
    <div className="pin-dots" role="img" aria-label={t('pinEntry.progress', { count: typed, pinLength })} data-testid="pin-dots">
      {slots.map((filled, index) => (
        <span key={index} className={filled ? 'pin-dot pin-dot--filled' : 'pin-dot'} />
      ))}
    </div>
  );
}
