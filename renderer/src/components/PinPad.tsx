// The PIN pad of every sign-in screen — the kiosk's PIN entry and a tablet's lock screen: the dots, the number pad and
// the physical keyboard, in one component so the two cannot drift. Typed digits exist only in a ref, never in the DOM
// or in state; the PIN goes by itself when its last digit is in.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { NumberPad, type Digit } from './NumberPad';
import { PinDots } from './PinDots';
import { createReaderBurstDetector, readerKeystrokeGapMs } from '../session/sessionRules';

interface PinPadProps {
  pinLength: number;
  /** The runtime is checking a PIN: the pad takes nothing meanwhile. */
  checking: boolean;
  /** Settles when the runtime has answered (the new view arrives separately). */
  onSubmitPin(pin: string): Promise<void>;
  /** Above the dots: what the screen asks for. */
  lead?: ReactNode;
  /** Below the dots: the screen's notices and hints. */
  children?: ReactNode;
}

function isDigit(key: string): key is Digit {
  return /^[0-9]$/.test(key);
}

export function PinPad({ pinLength, checking, onSubmitPin, lead, children }: PinPadProps) {
  const digits = useRef('');
  const [typedCount, setTypedCount] = useState(0);
  const [sending, setSending] = useState(false);
  const padDisabled = checking || sending;
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
      if (padDisabled || digits.current.length >= pinLength) return;
      const next = digits.current + digit;
      setDigits(next);
      if (next.length < pinLength) return;
      if (from === 'pad') submit();
      else keyboardSubmitTimer.current = setTimeout(submit, readerKeystrokeGapMs);
    },
    [padDisabled, pinLength, setDigits, submit],
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
        // A card reader is typing (a resident's card, or a staff badge on a keyboard-mode reader). Its first key may
        // already be in the PIN: drop everything typed so far, so none of its keys ends up in one.
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

  return (
    <div className="pin-entry">
      <div className="pin-entry__status">
        {lead}
        <PinDots typed={typedCount} pinLength={pinLength} />
        {children}
      </div>
      <div className="pin-entry__pad">
        <NumberPad disabled={padDisabled} onDigit={(digit) => appendDigit(digit, 'pad')} onBack={removeLastDigit} onClear={clearDigits} />
      </div>
    </div>
  );
}
