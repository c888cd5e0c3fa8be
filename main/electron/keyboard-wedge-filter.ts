// The Electron shell's half of keyboard-mode ("wedge") card readers: a before-input-event filter that runs the
// detector (hardware/keyboard/wedge-detector.ts) in the main process, so a card's keys are taken off the keyboard
// before the page sees any of them. Reads go straight to the runtime's keyboard-mode reader, in process: the renderer
// never sees card text, not even over IPC. Keys that turn out to be a person typing are given back to the page with
// webContents.sendInputEvent, in the order they were typed.
//
// Attach it AFTER the kiosk shortcut filter (policy.ts inputFilterDecision), so a shortcut that filter drops is never
// held and replayed here. Exactly one detector per shell: the runtime is created with keyboardWedgeDetection 'shell',
// so the page is told `keyboardWedge: null` and installs none.
//
// Only types come from 'electron', and only the few members used are named, so the real WebContents fits and unit
// tests under plain Node pass a fake.
import type { Event as ElectronEvent, Input, KeyboardInputEvent } from 'electron';
import type { RejectedBurstReason } from '../../hardware/drivers/keyboard-wedge';
import {
  createWedgeDetector,
  isCharacterKey,
  isSilentKey,
  type WedgeAction,
  type WedgeDetectorOptions,
  type WedgeKey,
} from '../../hardware/keyboard/wedge-detector';

/** Electron's own shapes, named here so tests (which may not import electron) can build them. */
export type WedgeInputEvent = ElectronEvent;
export type WedgeInput = Input;
export type WedgeReplayEvent = KeyboardInputEvent;

export type WedgeInputListener = (event: WedgeInputEvent, input: WedgeInput) => void;

/** The members of Electron's WebContents the filter uses. */
export interface WedgeWebContents {
  on(event: 'before-input-event', listener: WedgeInputListener): unknown;
  off(event: 'before-input-event', listener: WedgeInputListener): unknown;
  sendInputEvent(inputEvent: KeyboardInputEvent): void;
  isDestroyed(): boolean;
}

/** Where reads go: the runtime's keyboard-mode reader (DeviceRuntime.shellKeyboardWedge). */
export interface WedgeReadSink {
  acceptFrame(text: string): void;
  rejectBurst(reason: RejectedBurstReason): void;
}

/** Runs `callback` after `delayMs`; returns a function that cancels it. */
export type ScheduleTick = (callback: () => void, delayMs: number) => () => void;

export interface KeyboardWedgeFilterOptions {
  readonly webContents: WedgeWebContents;
  readonly settings: WedgeDetectorOptions;
  readonly reader: WedgeReadSink;
  /**
   * Milliseconds on a clock that only moves forward. Electron's Input carries no timestamp, so keys are timed when
   * the main process sees them. Default performance.now.
   */
  readonly now?: () => number;
  /** Default setTimeout/clearTimeout. */
  readonly schedule?: ScheduleTick;
  /**
   * How long a replayed key may take to come back through before-input-event before the filter stops waiting for it.
   * Default 1000: far longer than a round trip to the renderer, short enough that a lost one is soon forgotten.
   */
  readonly replayTimeoutMs?: number;
  /** Told when a replay never came back through the filter (counts only, never keys), for the log. Default: ignore. */
  readonly onReplayLost?: () => void;
}

export interface KeyboardWedgeFilter {
  /** Releases whatever is held (typing it into the page) and removes the listener. */
  detach(): void;
}

/** A key as the filter saw it: the detector's view plus what a replay needs. */
interface SeenKey extends WedgeKey {
  readonly code: string;
  readonly shift: boolean;
}

/** A replay the filter sent and expects to see again in before-input-event, where it must pass untouched. */
interface PendingReplay {
  readonly type: 'keyDown' | 'keyUp';
  readonly key: string;
  readonly expiresAt: number;
}

/**
 * KeyboardEvent.key names that Electron's accelerator key codes (what sendInputEvent takes) spell differently.
 * Characters are their own key code; the keys a detector holds are characters, modifiers (never replayed) and a
 * reader's framing keys.
 */
const keyCodeOfKeyName: Readonly<Record<string, string>> = {
  ' ': 'Space',
  '+': 'Plus',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
};

const scheduleWithTimers: ScheduleTick = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return () => clearTimeout(timer);
};

function ignore(): void {}

/** The identity of a physical key for matching its key-up to its key-down. */
const physicalKey = (input: { readonly code: string; readonly key: string }): string => input.code || input.key;

export function attachKeyboardWedgeFilter(options: KeyboardWedgeFilterOptions): KeyboardWedgeFilter {
  const { webContents, reader } = options;
  const now = options.now ?? (() => performance.now());
  const schedule = options.schedule ?? scheduleWithTimers;
  const replayTimeoutMs = options.replayTimeoutMs ?? 1000;
  const onReplayLost = options.onReplayLost ?? ignore;
  const detector = createWedgeDetector<SeenKey>(options.settings);

  /** Key-ups to keep from the page, by physical key: their key-downs were held or consumed. */
  const swallowKeyUps = new Map<string, number>();
  let pendingReplays: PendingReplay[] = [];
  let cancelTick: (() => void) | null = null;

  function swallowKeyUpOf(key: SeenKey): void {
    const id = physicalKey(key);
    swallowKeyUps.set(id, (swallowKeyUps.get(id) ?? 0) + 1);
  }

  /** Types held keys into the page as they were typed. Modifiers are left out: each character carries its own Shift. */
  function replay(keys: readonly SeenKey[]): void {
    if (webContents.isDestroyed()) return;
    const expiresAt = now() + replayTimeoutMs;
    for (const key of keys) {
      if (isSilentKey(key.key)) continue;
      const keyCode = keyCodeOfKeyName[key.key] ?? key.key;
      // Shift only: the character already says what AltGr made of it, and an Alt modifier would turn it into a shortcut.
      const modifiers: KeyboardInputEvent['modifiers'] = key.shift ? ['shift'] : [];
      pendingReplays.push({ type: 'keyDown', key: key.key, expiresAt }, { type: 'keyUp', key: key.key, expiresAt });
      webContents.sendInputEvent({ type: 'keyDown', keyCode, modifiers });
      // A character needs its char event to be typed; named keys (Enter, Tab) act on their key-down.
      if (isCharacterKey(key.key)) webContents.sendInputEvent({ type: 'char', keyCode, modifiers });
      webContents.sendInputEvent({ type: 'keyUp', keyCode, modifiers });
    }
  }

  /**
   * Carries out the detector's answer. `current` is the key being handled now (null for tick and flush); its event is
   * prevented when the detector holds it or takes it into a release (which replays it) or a frame.
   */
  function perform(actions: readonly WedgeAction<SeenKey>[], current: { key: SeenKey; event: ElectronEvent } | null): void {
    const keepFromPage = (): void => {
      if (current === null) return;
      current.event.preventDefault();
      swallowKeyUpOf(current.key);
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
          // Faster than a person: a reader whose framing is set wrong (or a stuck one). Service mode shows it as a bad
          // read, and the keys are dropped: card data must never be typed into a letter.
          if (action.readerLike) reader.rejectBurst(action.reason === 'oversize' ? 'oversizeFrame' : 'unframedBurst');
          else replay(action.keys);
          break;
        case 'frame':
          // The key just pushed ends the frame; every earlier key of it was held and prevented already.
          keepFromPage();
          reader.acceptFrame(action.text);
          break;
        default: {
          const unhandled: never = action;
          void unhandled;
        }
      }
    }
  }

  function armTick(): void {
    cancelTick?.();
    cancelTick = null;
    const deadline = detector.deadline();
    if (deadline === null) return;
    cancelTick = schedule(
      () => {
        cancelTick = null;
        perform(detector.tick(now()), null);
        armTick();
      },
      Math.max(0, deadline - now()),
    );
  }

  /** True when the input is one of our own replays coming back: it must reach the page untouched. */
  function isOwnReplay(input: Input): boolean {
    const at = now();
    const live = pendingReplays.filter((replayed) => replayed.expiresAt > at);
    if (live.length < pendingReplays.length) onReplayLost();
    pendingReplays = live;
    const index = pendingReplays.findIndex((replayed) => replayed.type === input.type && replayed.key === input.key);
    if (index === -1) return false;
    pendingReplays.splice(index, 1);
    return true;
  }

  const listener: WedgeInputListener = (event, input) => {
    if (input.type !== 'keyDown' && input.type !== 'keyUp') return;
    if (isOwnReplay(input)) return;
    if (event.defaultPrevented) {
      // The kiosk shortcut filter dropped it. Keys typed before it still belong in the page, before anything else.
      if (input.type === 'keyDown') perform(detector.flush(), null);
      armTick();
      return;
    }
    if (input.type === 'keyUp') {
      const id = physicalKey(input);
      const count = swallowKeyUps.get(id) ?? 0;
      if (count > 0) {
        // Its key-down never reached the page (held, replayed or part of a read): the key-up must not arrive alone.
        event.preventDefault();
        if (count === 1) swallowKeyUps.delete(id);
        else swallowKeyUps.set(id, count - 1);
      }
      return;
    }
    // A held key, an IME and a Ctrl/Meta chord are a person: never delayed, and never replayed as a bare letter
    // (Ctrl+C must stay a copy). Alt with Ctrl is AltGr on some systems, which a reader on such a layout uses.
    const chord = input.meta || (input.control && !input.alt);
    if (input.isAutoRepeat || input.isComposing || chord) {
      perform(detector.flush(), null);
      armTick();
      return;
    }
    const key: SeenKey = { key: input.key, at: now(), code: input.code, shift: input.shift };
    perform(detector.push(key), { key, event });
    armTick();
  };

  webContents.on('before-input-event', listener);

  return {
    detach() {
      webContents.off('before-input-event', listener);
      cancelTick?.();
      cancelTick = null;
      perform(detector.flush(), null);
    },
  };
}
