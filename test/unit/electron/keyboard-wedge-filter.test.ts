// The Electron shell's keyboard-mode reader filter, against a fake WebContents: a reader's burst never reaches the page
// and goes to the reader in process; a person's keys reach the page (held ones replayed in order, and let through when
// they come back); key-ups of held keys are kept from the page; shortcuts, chords and auto-repeat are never delayed.
import { describe, expect, it } from 'vitest';
import type { RejectedBurstReason } from '../../../hardware/drivers/keyboard-wedge';
import { defaultWedgeOptions, type WedgeDetectorOptions } from '../../../hardware/keyboard/wedge-detector';
import {
  attachKeyboardWedgeFilter,
  type WedgeInput as Input,
  type WedgeInputEvent as ElectronEvent,
  type WedgeInputListener,
  type WedgeReplayEvent as KeyboardInputEvent,
  type WedgeWebContents,
} from '../../../main/electron/keyboard-wedge-filter';
import { inputFilterDecision } from '../../../main/electron/policy';

/** What reached the page: real key-downs Electron let through, and replays the filter sent. */
type PageKey = { from: 'keyboard' | 'replay'; type: string; key: string };

function harness(settings: Partial<WedgeDetectorOptions> = {}, options: { echoReplays?: boolean } = {}) {
  const echoReplays = options.echoReplays ?? true;
  let clock = 0;
  const timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const listeners: WedgeInputListener[] = [];
  const page: PageKey[] = [];
  const sent: KeyboardInputEvent[] = [];
  const frames: string[] = [];
  const rejected: RejectedBurstReason[] = [];
  let lostReplays = 0;

  /** Delivers one input as Electron would: every before-input-event listener in turn, then the page unless prevented. */
  function deliver(input: Input, from: PageKey['from']): boolean {
    let prevented = false;
    const event: ElectronEvent = {
      preventDefault: () => {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    };
    for (const listener of listeners) listener(event, input);
    if (!prevented) page.push({ from, type: input.type, key: input.key });
    return !prevented;
  }

  const webContents: WedgeWebContents = {
    on: (_name, listener) => listeners.push(listener),
    off: (_name, listener) => listeners.splice(listeners.indexOf(listener), 1),
    isDestroyed: () => false,
    sendInputEvent: (inputEvent) => {
      sent.push(inputEvent);
      // Electron reports key-downs and key-ups to before-input-event, not char events.
      if (echoReplays && inputEvent.type !== 'char') {
        const key = inputEvent.keyCode === 'Space' ? ' ' : inputEvent.keyCode;
        deliver(input(inputEvent.type === 'keyUp' ? 'keyUp' : 'keyDown', key, { shift: inputEvent.modifiers?.includes('shift') ?? false }), 'replay');
      }
    },
  };

  // The kiosk shortcut filter first, as main.ts registers it.
  listeners.push((event, shortcutInput) => {
    if (inputFilterDecision(shortcutInput).verdict === 'deny') event.preventDefault();
  });
  const filter = attachKeyboardWedgeFilter({
    webContents,
    settings: { ...defaultWedgeOptions, ...settings },
    reader: { acceptFrame: (text) => frames.push(text), rejectBurst: (reason) => rejected.push(reason) },
    now: () => clock,
    schedule: (callback, delayMs) => {
      const timer = { at: clock + delayMs, callback, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    onReplayLost: () => (lostReplays += 1),
  });

  function advance(ms: number): void {
    const until = clock + ms;
    for (;;) {
      const due = timers.filter((timer) => !timer.cancelled && timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      clock = Math.max(clock, due.at);
      due.callback();
    }
    clock = until;
  }

  /** Presses and releases a key `gapMs` after the last one, as a keyboard would. */
  function press(key: string, gapMs: number, modifiers: Partial<Input> = {}): void {
    advance(gapMs);
    deliver(input('keyDown', key, modifiers), 'keyboard');
    advance(1);
    deliver(input('keyUp', key, modifiers), 'keyboard');
  }

  function type(text: string, gapMs: number): void {
    for (const key of text) press(key === '\n' ? 'Enter' : key, gapMs, { shift: /[A-Z%^?]/.test(key) });
  }

  const typedKeyDowns = () =>
    page
      .filter((entry) => entry.type === 'keyDown')
      .map((entry) => entry.key)
      .join('');
  return { press, type, advance, page, sent, frames, rejected, filter, typedKeyDowns, lost: () => lostReplays };
}

function input(type: 'keyDown' | 'keyUp', key: string, modifiers: Partial<Input> = {}): Input {
  const code = key.length === 1 && /[a-z]/i.test(key) ? `Key${key.toUpperCase()}` : key.length === 1 && /\d/.test(key) ? `Digit${key}` : key;
  return {
    type,
    key,
    code,
    isAutoRepeat: false,
    isComposing: false,
    shift: false,
    control: false,
    alt: false,
    meta: false,
    location: 0,
    modifiers: [],
    ...modifiers,
  };
}

describe('keyboard-mode reader filter (Electron shell)', () => {
  it('takes a reader burst off the keyboard: the reader gets the text, the page gets no key of it, up or down', () => {
    const h = harness();
    h.type('R100001\n', 3);
    h.advance(200);
    expect(h.frames).toEqual(['R100001']);
    expect(h.page).toEqual([]);
    expect(h.rejected).toEqual([]);
  });

  it('gives a person’s typing to the page unchanged and in order, by replaying each held key', () => {
    const h = harness();
    h.type('Hi R1', 150);
    h.advance(200);
    expect(h.frames).toEqual([]);
    expect(h.typedKeyDowns()).toBe('Hi R1');
    // Every key the page saw came from a replay; the real ones (and their key-ups) were kept back.
    expect(h.page.every((entry) => entry.from === 'replay')).toBe(true);
    expect(
      h.page
        .filter((entry) => entry.type === 'keyUp')
        .map((entry) => entry.key)
        .join(''),
    ).toBe('Hi R1');
    // Characters are replayed as key-down, char, key-up; capitals keep their Shift.
    expect(h.sent.slice(0, 3)).toEqual([
      { type: 'keyDown', keyCode: 'H', modifiers: ['shift'] },
      { type: 'char', keyCode: 'H', modifiers: ['shift'] },
      { type: 'keyUp', keyCode: 'H', modifiers: ['shift'] },
    ]);
    expect(h.sent.some((event) => event.keyCode === 'Space')).toBe(true);
    expect(h.lost()).toBe(0);
  });

  it('lets an Enter a person presses through at once, never held', () => {
    const h = harness();
    h.press('Enter', 200);
    expect(h.page).toEqual([
      { from: 'keyboard', type: 'keyDown', key: 'Enter' },
      { from: 'keyboard', type: 'keyUp', key: 'Enter' },
    ]);
  });

  it('counts a fast burst without its suffix as a bad read and types none of it: card data never reaches a field', () => {
    const h = harness();
    h.type('R100001', 3);
    h.advance(200);
    expect(h.frames).toEqual([]);
    expect(h.rejected).toEqual(['unframedBurst']);
    expect(h.typedKeyDowns()).toBe('');
    // A person typing afterwards is typed as ever.
    h.type('ok', 200);
    h.advance(200);
    expect(h.typedKeyDowns()).toBe('ok');
  });

  it('a stuck reader repeating one key is a bad read, and none of the flood reaches the page', () => {
    const h = harness();
    h.type('0'.repeat(600), 2);
    h.advance(200);
    expect(h.frames).toEqual([]);
    // Two runs longer than any read (256), then the tail the timeout ends.
    expect(h.rejected).toEqual(['oversizeFrame', 'oversizeFrame', 'unframedBurst']);
    expect(h.typedKeyDowns()).toBe('');
  });

  it('never delays a Ctrl chord: held keys are typed first, then the chord reaches the page as it was', () => {
    const h = harness();
    h.press('a', 200);
    h.press('c', 10, { control: true });
    expect(h.page.map((entry) => `${entry.from}:${entry.type}:${entry.key}`)).toEqual([
      'replay:keyDown:a',
      'replay:keyUp:a',
      'keyboard:keyDown:c',
      'keyboard:keyUp:c',
    ]);
  });

  it('leaves a shortcut the kiosk filter dropped dropped, and types what was held before it', () => {
    const h = harness();
    h.press('x', 200);
    h.press('r', 10, { control: true });
    h.advance(200);
    expect(h.typedKeyDowns()).toBe('x');
    expect(h.page.some((entry) => entry.key === 'r')).toBe(false);
  });

  it('never delays auto-repeat or composition', () => {
    const h = harness();
    h.press('a', 200, { isAutoRepeat: true });
    h.press('b', 200, { isComposing: true });
    expect(h.page.map((entry) => `${entry.from}:${entry.key}`)).toEqual(['keyboard:a', 'keyboard:a', 'keyboard:b', 'keyboard:b']);
  });

  it('with a prefix, typing passes without delay and only the prefix is held', () => {
    const h = harness({ prefix: [';'], suffix: ['?'] });
    h.type('ok', 150);
    expect(h.page.map((entry) => entry.from)).toEqual(['keyboard', 'keyboard', 'keyboard', 'keyboard']);
    h.type(';4111111111111111=1803?', 2);
    expect(h.frames).toEqual(['4111111111111111=1803']);
    expect(h.typedKeyDowns()).toBe('ok');
  });

  it('stops waiting for a replay that never comes back, and says so', () => {
    const h = harness({}, { echoReplays: false });
    h.press('a', 200);
    h.advance(100);
    expect(h.sent.map((event) => event.type)).toEqual(['keyDown', 'char', 'keyUp']);
    h.advance(2000);
    h.press('b', 0);
    expect(h.lost()).toBe(1);
  });

  it('types what is held when detached', () => {
    const h = harness();
    h.press('a', 200);
    h.filter.detach();
    expect(h.sent.map((event) => `${event.type}:${event.keyCode}`)).toEqual(['keyDown:a', 'char:a', 'keyUp:a']);
  });
});
