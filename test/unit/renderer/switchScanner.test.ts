// Single-switch scanning's timing: the highlight moves by itself at the set interval, a press acts or enters a row, a
// full pass inside a row with no press leaves it, and a long row is offered in parts. Driven with fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inParts, SwitchScanner, type ScanItem } from '../../../renderer/src/switchAccess/switchScanner';

const intervalMs = 1500;
const control = (name: string): ScanItem<string> => ({ kind: 'control', control: name });
const row = (anchor: string, names: readonly string[]): ScanItem<string> => ({ kind: 'group', anchor, part: 0, members: names.map(control) });

/** What the highlight shows, by name: a control's own, or a row's anchor. */
function shownAs(item: ScanItem<string> | null): string | null {
  if (item === null) return null;
  return item.kind === 'control' ? item.control : `${String(item.anchor)}#${item.part}`;
}

function scannerOver(screen: () => readonly ScanItem<string>[]) {
  const highlights: (string | null)[] = [];
  const activated: string[] = [];
  const scanner = new SwitchScanner<string>({
    intervalMs,
    items: screen,
    highlight: (item) => highlights.push(shownAs(item)),
    activate: (name) => activated.push(name),
    timers: { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
  });
  return { scanner, highlights, activated, now: () => shownAs(scanner.highlighted) };
}

describe('single-switch scanning', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at the first stop and moves one stop each interval, round and round, never sooner', () => {
    const { scanner, now } = scannerOver(() => [control('Mail'), control('Stamps'), control('Sign out')]);
    scanner.start();
    expect(now()).toBe('Mail');
    vi.advanceTimersByTime(intervalMs - 1);
    expect(now()).toBe('Mail');
    vi.advanceTimersByTime(1);
    expect(now()).toBe('Stamps');
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('Sign out');
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('Mail');
  });

  it('a press acts on the highlighted control and starts the interval over from the first stop', () => {
    const { scanner, activated, now } = scannerOver(() => [control('Mail'), control('Stamps'), control('Sign out')]);
    scanner.start();
    vi.advanceTimersByTime(intervalMs);
    scanner.press();
    expect(activated).toEqual(['Stamps']);
    expect(now()).toBe('Mail');
    // A full interval again before the highlight moves: the person is not rushed after pressing.
    vi.advanceTimersByTime(intervalMs - 1);
    expect(now()).toBe('Mail');
    vi.advanceTimersByTime(1);
    expect(now()).toBe('Stamps');
  });

  it('a row is one stop; a press enters it, presses inside stay in it, and a full pass with no press leaves it', () => {
    const { scanner, activated, now } = scannerOver(() => [control('Back'), row('pad', ['1', '2', '3']), control('Cancel')]);
    scanner.start();
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('pad#0');
    scanner.press();
    expect(now()).toBe('1');
    expect(activated).toEqual([]);
    vi.advanceTimersByTime(intervalMs);
    scanner.press();
    expect(activated).toEqual(['2']);
    // Still in the pad, from its first key: a PIN is several presses on one pad.
    expect(now()).toBe('1');
    vi.advanceTimersByTime(intervalMs * 2);
    expect(now()).toBe('3');
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('pad#0');
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('Cancel');
  });

  it('follows the screen as it changes: a row that is gone sends the scan back to the top', () => {
    let screen: readonly ScanItem<string>[] = [control('Home'), row('inbox', ['Denise', 'Ana'])];
    const { scanner, now } = scannerOver(() => screen);
    scanner.start();
    vi.advanceTimersByTime(intervalMs);
    scanner.press();
    expect(now()).toBe('Denise');
    screen = [control('Back to mail'), control('Reply')];
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('Back to mail');
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('Reply');
  });

  it('a long list is offered in parts, so reaching its last item takes a few steps, not one step per item', () => {
    const letters = Array.from({ length: 20 }, (_, index) => control(`letter ${index + 1}`));
    const parts = inParts(letters, 'inbox', 6);
    expect(parts.map(shownAs)).toEqual(['inbox#1', 'inbox#2', 'inbox#3', 'inbox#4']);
    const { scanner, activated } = scannerOver(() => parts);
    scanner.start();
    vi.advanceTimersByTime(intervalMs * 3);
    scanner.press();
    vi.advanceTimersByTime(intervalMs);
    scanner.press();
    expect(activated).toEqual(['letter 20']);
  });

  it('stopping clears the highlight and the timer', () => {
    const { scanner, highlights, now } = scannerOver(() => [control('Mail'), control('Stamps')]);
    scanner.start();
    scanner.stop();
    expect(now()).toBeNull();
    expect(highlights.at(-1)).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    scanner.press();
    expect(now()).toBeNull();
  });

  it('a screen with nothing to reach highlights nothing and keeps looking', () => {
    let screen: readonly ScanItem<string>[] = [];
    const { scanner, now } = scannerOver(() => screen);
    scanner.start();
    expect(now()).toBeNull();
    screen = [control('OK')];
    vi.advanceTimersByTime(intervalMs);
    expect(now()).toBe('OK');
  });
});
