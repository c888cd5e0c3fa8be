import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PinNotice, SessionView } from '../../../main/contract';
import { NumberPad, type Digit } from '../components/NumberPad';
import { ScreenFrame } from '../frame/ScreenFrame';
import { PinDots } from '../components/PinDots';
import { createReaderBurstDetector, readerKeystrokeGapMs } from '../session/sessionRules';

type PinEntryView = Extract<SessionView, { phase: 'pinEntry' }>;

interface PinEntryScreenProps {
  view: PinEntryView;
  /** Settles when the runtime has answered (the new view arrives separately). */
  onSubmitPin(pin: string): Promise<void>;
  onCancel(): void;
}

function pinNoticeText(t: TFunction, notice: PinNotice, attemptsLeft: number): string {
  switch (notice) {
    case 'wrongPin':
      return t('pinEntry.notice.wrongPin', { count: attemptsLeft });
    default: {
      const unreachable: never = notice;
      return unreachable;
    }
  }
}

function isDigit(key: string): key is Digit {
  return /^[0-9]$/.test(key);
}

/** The PIN pad. Submits by itself when the last digit is in; typed digits exist only in a ref, never in the DOM. */
export function PinEntryScreen({ view, onSubmitPin, onCancel }: PinEntryScreenProps) {
  const { t } = useTranslation();
  const digits = useRef('');
  const [typedCount, setTypedCount] = useState(0);
  const [sending, setSending] = useState(false);
  const padDisabled = view.checking || sending;
  // A PIN completed from a physical keyboard waits this long before it goes, in case a card reader is mid-burst.
  const keyboardSubmitTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const keyCameTooSoon = useRef(createReaderBurstDetector());

  const setDigits = useCallback((next: string) => {
    digits.current = next;
    setTypedCount(next.length);
  }, []);

  const submit = useCallback(() => {
    clearTimeout(keyboardSubmitTimer.current);
    keyboardSubmitTimer.current = undefined;
    const pin = digits.current;
    setDigits('');
    setSending(true);
    void onSubmitPin(pin).finally(() => setSending(false));
  }, [onSubmitPin, setDigits]);

  const appendDigit = useCallback(
    (digit: Digit, from: 'pad' | 'keyboard') => {
      if (padDisabled || digits.current.length >= view.pinLength) return;
      const next = digits.current + digit;
      setDigits(next);
      if (next.length < view.pinLength) return;
      if (from === 'pad') submit();
      else keyboardSubmitTimer.current = setTimeout(submit, readerKeystrokeGapMs);
    },
    [padDisabled, view.pinLength, setDigits, submit],
  );

  const removeLastDigit = useCallback(() => {
    if (!padDisabled) setDigits(digits.current.slice(0, -1));
  }, [padDisabled, setDigits]);

  const clearDigits = useCallback(() => {
    if (!padDisabled) setDigits('');
  }, [padDisabled, setDigits]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
      if (keyCameTooSoon.current(event.timeStamp)) {
        // A card reader is typing. Its first key may already be in the PIN: drop everything typed so far.
        event.preventDefault();
        clearTimeout(keyboardSubmitTimer.current);
        keyboardSubmitTimer.current = undefined;
        setDigits('');
        return;
      }
      if (isDigit(event.key)) {
        event.preventDefault();
        appendDigit(event.key, 'keyboard');
      } else if (event.key === 'Backspace') {
        event.preventDefault();
        removeLastDigit();
      } else if (event.key === 'Enter') {
        // A focused pad key answers Enter itself; elsewhere Enter sends a complete PIN without the wait.
        if (event.target instanceof HTMLButtonElement) return;
        if (keyboardSubmitTimer.current !== undefined) {
          event.preventDefault();
          submit();
        }
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [appendDigit, removeLastDigit, setDigits, submit]);

  useEffect(() => () => clearTimeout(keyboardSubmitTimer.current), []);

  let statusText: string | null = null;
  if (view.checking) statusText = view.subject === 'staff' ? t('pinEntry.checkingStaff') : t('pinEntry.checking');
  else if (view.notice !== null) statusText = pinNoticeText(t, view.notice, view.attemptsLeft);

  return (
    <ScreenFrame
      screen="pinEntry"
      dataAttributes={{ 'data-pin-subject': view.subject }}
      title={view.subject === 'staff' ? t('pinEntry.titleStaff') : t('pinEntry.title')}
      actions={
        <button type="button" className="button button--secondary button--wide action--back" onClick={onCancel}>
          {t('pinEntry.cancel')}
        </button>
      }
    >
      <div className="pin-entry">
        <div className="pin-entry__status">
          <PinDots typed={typedCount} pinLength={view.pinLength} />
          <div className="notice-area" role="status" data-testid="pin-notice">
            {statusText === null ? null : (
              <p className={view.notice !== null && !view.checking ? 'notice notice--problem' : 'notice'}>{statusText}</p>
            )}
          </div>
          <p className="screen__hint">{view.subject === 'staff' ? t('pinEntry.forgotPinStaff') : t('pinEntry.forgotPin')}</p>
        </div>
        <div className="pin-entry__pad">
          <NumberPad disabled={padDisabled} onDigit={(digit) => appendDigit(digit, 'pad')} onBack={removeLastDigit} onClear={clearDigits} />
        </div>
      </div>
    </ScreenFrame>
  );
}
