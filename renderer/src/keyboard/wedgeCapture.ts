// The web host's half of keyboard-mode ("wedge") card readers: one capture-phase keydown/keyup listener on window,
// installed before React mounts so it runs before every handler of every screen, feeding the detector
// (hardware/keyboard/wedge-detector.ts, the same code the Electron shell runs in its main process). Under the web host
// the page is the only place that sees the keyboard, so detection happens here; the runtime says so (and with which
// settings) in DeviceInfo.keyboardWedge, which is null in Electron, where this stays inert.
//
// What it does with the detector's answers:
// - hold / frame: the key is kept from the page (preventDefault + stopImmediatePropagation), and so is its key-up.
//   A frame's text goes to the runtime (device.keyboardRead) and never into a field.
// - release, reader-like (faster than any person: a reader whose prefix/suffix setting is wrong): dropped, counted as a
//   bad read by the runtime. Card data never reaches a field, even from a misconfigured reader.
// - release: the held keys were a person. They are replayed, in order, into whatever has
//   focus: a synthetic keydown on the focused element (so window and element handlers, such as the PIN screen's, see
//   the key), then, unless a handler prevented it and only in an editable field, the key's effect: a character with
//   document.execCommand('insertText') (which fires `input` for React and keeps undo), Enter as a line break in a
//   multi-line field, Backspace as a delete; then the keyup. Keeping it to this is deliberate: the detector only ever
//   holds characters, modifiers (left out of the replay; each character already carries its case) and a reader's
//   framing keys. Tab and Escape reach handlers but do not move focus or close anything by default.
// - Synthetic (untrusted) events are ignored: they are our own replays, or script, never a keyboard.
//
// Focus: held keys are flushed to the field they were typed in on pointerdown (before a tap moves focus), and on
// focusin and window blur as a backstop (a programmatic focus change then receives them: at most the ≤50 ms of
// typing still held).
import {
  createWedgeDetector,
  isCharacterKey,
  isSilentKey,
  type WedgeAction,
  type WedgeDetector,
  type WedgeKey,
} from '../../../hardware/keyboard/wedge-detector';
import type { KeyboardReadInput, KeyboardWedgeDetection } from '../../../main/contract';

export interface WedgeCapture {
  /** Starts (settings), changes or stops (null) detection; whatever is held is given back first. */
  configure(settings: KeyboardWedgeDetection | null): void;
  /** Removes the listeners; whatever is held is given back first. */
  dispose(): void;
}

interface SeenKey extends WedgeKey {
  readonly code: string;
  readonly shiftKey: boolean;
}

/** Where the key just pressed stands while its actions are carried out. */
interface CurrentKey {
  readonly key: SeenKey;
  readonly event: KeyboardEvent;
}

const physicalKey = (key: { readonly code: string; readonly key: string }): string => key.code || key.key;

/** Fields that take typed text, where a replayed key's effect is applied. */
function isEditable(element: Element | null): element is HTMLElement {
  if (element instanceof HTMLTextAreaElement) return !element.readOnly && !element.disabled;
  if (element instanceof HTMLInputElement) return !element.readOnly && !element.disabled;
  return element instanceof HTMLElement && element.isContentEditable;
}

const isMultiLine = (element: HTMLElement): boolean => element instanceof HTMLTextAreaElement || element.isContentEditable;

/**
 * Installs the listeners at once (inert until configure() gives settings). `send` carries a read or a rejected burst
 * to the runtime; it must not throw.
 */
export function installWedgeCapture(target: Window, send: (read: KeyboardReadInput) => void): WedgeCapture {
  const document = target.document;
  let detector: WedgeDetector<SeenKey> | null = null;
  let currentSettings = '';
  let tickTimer: ReturnType<typeof setTimeout> | undefined;
  /** Key-ups to keep from the page, by physical key: their key-downs were held or taken into a read. */
  const swallowKeyUps = new Map<string, number>();

  function replay(keys: readonly SeenKey[]): void {
    for (const key of keys) {
      if (isSilentKey(key.key)) continue;
      const focused = document.activeElement instanceof HTMLElement ? document.activeElement : document.body;
      const init: KeyboardEventInit = { key: key.key, code: key.code, shiftKey: key.shiftKey, bubbles: true, cancelable: true, composed: true };
      const proceed = focused.dispatchEvent(new KeyboardEvent('keydown', init));
      if (proceed && isEditable(focused)) {
        // execCommand is the one way to type into a field that fires `input` like a keyboard and keeps undo; it is
        // deprecated in name only and still supported by every engine we ship on.
        if (isCharacterKey(key.key)) document.execCommand('insertText', false, key.key);
        else if (key.key === 'Enter' && isMultiLine(focused)) document.execCommand('insertLineBreak');
        else if (key.key === 'Backspace') document.execCommand('delete');
      }
      focused.dispatchEvent(new KeyboardEvent('keyup', init));
    }
  }

  function perform(actions: readonly WedgeAction<SeenKey>[], current: CurrentKey | null): void {
    const keepFromPage = (): void => {
      if (current === null) return;
      current.event.preventDefault();
      current.event.stopImmediatePropagation();
      const id = physicalKey(current.key);
      swallowKeyUps.set(id, (swallowKeyUps.get(id) ?? 0) + 1);
    };
    for (const action of actions) {
      switch (action.kind) {
        case 'pass':
          break;
        case 'hold':
          if (action.key === current?.key) keepFromPage();
          break;
        case 'release':
          if (current !== null && action.keys.includes(current.key)) keepFromPage();
          // Faster than a person: a reader whose framing is set wrong (or a stuck one). The runtime counts a bad read,
          // and the keys are dropped: card data must never be typed into a letter.
          if (action.readerLike) send({ rejected: action.reason === 'oversize' ? 'oversizeFrame' : 'unframedBurst' });
          else replay(action.keys);
          break;
        case 'frame':
          // The key just pressed ends the read; its earlier keys were kept from the page when they were held.
          keepFromPage();
          send({ text: action.text });
          break;
        default: {
          const unhandled: never = action;
          void unhandled;
        }
      }
    }
  }

  function armTick(): void {
    clearTimeout(tickTimer);
    tickTimer = undefined;
    const deadline = detector?.deadline() ?? null;
    if (deadline === null) return;
    // event.timeStamp and performance.now() share the page's time origin, so the deadline is on this clock.
    tickTimer = setTimeout(
      () => {
        tickTimer = undefined;
        if (detector !== null) perform(detector.tick(target.performance.now()), null);
        armTick();
      },
      Math.max(0, deadline - target.performance.now()),
    );
  }

  function flush(): void {
    if (detector === null) return;
    perform(detector.flush(), null);
    armTick();
  }

  const onKeyDown = (event: KeyboardEvent): void => {
    if (!event.isTrusted || detector === null) return;
    // A held key, an IME and a Ctrl/Meta chord are a person: never delayed, never replayed as a bare letter (Ctrl+C
    // stays a copy). Ctrl with Alt is AltGr on Windows, which a reader on such a layout may use.
    if (event.repeat || event.isComposing || event.metaKey || (event.ctrlKey && !event.altKey)) {
      flush();
      return;
    }
    const key: SeenKey = { key: event.key, at: event.timeStamp, code: event.code, shiftKey: event.shiftKey };
    perform(detector.push(key), { key, event });
    armTick();
  };

  const onKeyUp = (event: KeyboardEvent): void => {
    if (!event.isTrusted) return;
    const id = physicalKey(event);
    const count = swallowKeyUps.get(id) ?? 0;
    if (count === 0) return;
    // Its key-down never reached the page: the key-up must not arrive alone.
    event.preventDefault();
    event.stopImmediatePropagation();
    if (count === 1) swallowKeyUps.delete(id);
    else swallowKeyUps.set(id, count - 1);
  };

  const listeners = [
    ['keydown', onKeyDown],
    ['keyup', onKeyUp],
    ['pointerdown', flush],
    ['focusin', flush],
  ] as const;
  for (const [type, listener] of listeners) target.addEventListener(type, listener as EventListener, { capture: true });
  target.addEventListener('blur', flush);

  return {
    configure(settings) {
      const serialized = settings === null ? '' : JSON.stringify(settings);
      if (serialized === currentSettings) return;
      flush();
      currentSettings = serialized;
      detector = null;
      if (settings === null) return;
      const { maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength, prefix, suffix } = settings;
      try {
        detector = createWedgeDetector<SeenKey>({ maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength, prefix, suffix });
      } catch (error) {
        // The runtime checked these against the same rules when it read the site file; a mismatch is a bug, and the
        // page is better off typing normally than not at all.
        console.error('keyboard reader settings refused; keyboard reads are off', error);
      }
    },
    dispose() {
      flush();
      clearTimeout(tickTimer);
      detector = null;
      for (const [type, listener] of listeners) target.removeEventListener(type, listener as EventListener, { capture: true });
      target.removeEventListener('blur', flush);
    },
  };
}
