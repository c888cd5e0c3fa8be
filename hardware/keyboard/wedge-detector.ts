// Tells a keyboard-mode ("wedge") card reader or barcode scanner apart from a person typing, from key timing
// and framing alone, so a read can be taken off the keyboard stream before it types into a text field
// (docs/readers.md §7 "Keyboard-mode readers": such readers send "a burst of keys far faster than typing (≈1–20 ms apart), framed by a
// configured prefix/suffix").
//
// Pure and deterministic: no clock, no timers, no DOM, no Electron, no Node, no imports. The caller passes each
// key's timestamp and calls tick(now) when deadline() comes, so the same code runs in the renderer's capture
// listener, in the Electron shell's before-input-event filter and in tests, which replay recorded traces.
//
// How it decides:
// - A burst is a run of keys each at most maxGapMs after the one before. A person cannot keep that up for a
//   whole frame; a reader cannot be slower (see defaultWedgeOptions for the numbers).
// - A key that could start a read is held: with a prefix, the prefix's first key; without one, any character.
//   Every other key passes at once, so with a prefix configured ordinary typing is never delayed.
// - A burst that runs from the prefix through at least minFrameLength characters to the suffix is a frame:
//   its text goes to the runtime and none of its keys reach a field.
// - Anything else held is released, unchanged and in order: a key that came too late (a person), a burst that
//   stopped without its suffix (timeout), a key that cannot belong to a read, a run longer than any read.
// - Modifiers (Shift for capitals, AltGr on other layouts) are held inside a burst and left out of the text:
//   the character key that follows already says what was typed.
// - Layout garbling (a reader writing for a US layout on a Turkish one sends `ş` for `;`) is not undone here:
//   the frame text is what the keys said; the format parsers decide whether it is a card.
//
// Every pushed key ends up exactly once in the output: as a `pass`, or inside one `release` or one `frame`
// (a `hold` only defers the answer). Outputs cover the input in order: what passes or is released reaches the
// field in the order it was typed.
//
// What a caller feeds: key-down events only. Not auto-repeats (a held key is a person), not keys during IME
// composition, not Ctrl/Meta chords (Ctrl+C must stay a copy, never be replayed as 'c'): for those, flush()
// first and perform its release, then let the event through untouched. The key-up of a held or consumed key
// must be kept from the page too, or it arrives without its key-down.

/** A key press as the caller saw it. Callers may attach more (the DOM event, Electron's Input) for replay. */
export interface WedgeKey {
  /** KeyboardEvent.key: a printed character ('a', 'A', '%', 'ş') or a key name ('Enter', 'Shift', 'Tab'). */
  readonly key: string;
  /** When it was pressed, in milliseconds on any clock that only moves forward (event.timeStamp, performance.now()). */
  readonly at: number;
}

/** Why held keys were given back to the field. */
export type ReleaseReason =
  | 'gap' // the next key came later than maxGapMs: a person typed these, or a burst stopped without its suffix
  | 'timeout' // no further key within idleTimeoutMs (tick): the same, noticed without a next key
  | 'unframed' // fast, but not a read: the prefix did not follow, a key no reader sends, or a suffix too early
  | 'oversize' // longer than maxFrameLength without a suffix: a flood, a stuck reader, a wrong suffix setting
  | 'flush'; // the caller asked (focus moved, a shortcut or composition is about to be handled)

export type WedgeAction<K extends WedgeKey = WedgeKey> =
  /** The key goes to the page now, untouched. */
  | { readonly kind: 'pass'; readonly key: K }
  /** The key is kept from the page for now; a later `release` or `frame` says what it was. */
  | { readonly kind: 'hold'; readonly key: K }
  /**
   * These held keys (oldest first, possibly ending with the key just pushed) were not a read: replay them to
   * the field in this order. `readerLike` is true when they hold at least four characters, all within
   * maxGapMs of each other — faster than a person, so most likely a reader whose framing is set wrong;
   * an integrator may count a bad read (and may choose to drop them rather than type card data into a field).
   */
  | { readonly kind: 'release'; readonly keys: readonly K[]; readonly reason: ReleaseReason; readonly readerLike: boolean }
  /**
   * A read: the characters between prefix and suffix, how many keys it consumed (the key just pushed is the
   * last of them) and when that last key came (for reader latency). Secret: never log `text`, never put it
   * in a field; in the Electron shell it never needs to reach the renderer at all.
   */
  | { readonly kind: 'frame'; readonly text: string; readonly keyCount: number; readonly at: number };

export interface WedgeDetectorOptions {
  /** Longest time between two keys of one burst. */
  readonly maxGapMs: number;
  /** With keys held and none newer for this long, tick() releases them. Must be longer than maxGapMs. */
  readonly idleTimeoutMs: number;
  /** Fewest characters between prefix and suffix for a read. */
  readonly minFrameLength: number;
  /** Most characters between prefix and suffix for a read. */
  readonly maxFrameLength: number;
  /** Keys (KeyboardEvent.key values) the reader sends before each read; empty for none. */
  readonly prefix: readonly string[];
  /** Keys the reader sends after each read, e.g. ['Enter']. Never empty: it is what ends a read. */
  readonly suffix: readonly string[];
}

/**
 * The defaults, and why:
 * - maxGapMs 25: a keyboard-mode reader sends two USB reports per character (press, release), one per poll
 *   of its interrupt endpoint, so a character takes twice the poll interval: 2 ms at 1 ms (full speed; the
 *   default of MagTek's eDynamo), 20 ms at the 10 ms a low-speed device is limited to. That is the 1–20 ms
 *   of docs/readers.md §7; 25 ms leaves 5 ms for event delivery jitter. People stay above it: 120 WPM, the fastest
 *   in Dhakal et al.'s 136-million-keystroke study (CHI 2018), is 100 ms a key; digraphs typed with
 *   alternating hands come 30–60 ms sooner than others (Salthouse 1984), rarely under 30 ms; Windows'
 *   fastest key auto-repeat is about 30 a second (33 ms). A reader set to an inter-character delay
 *   (Datalogic scanners offer 10–990 ms) needs maxGapMs = delay + 2 × poll interval + 5.
 * - idleTimeoutMs 50: twice maxGapMs, so a timer that fires while keys are still queued behind a busy main
 *   thread does not cut a burst, yet a person's last character shows within 50 ms, under the 0.1 s within
 *   which a response feels instant (Miller 1968; Nielsen).
 * - minFrameLength 4: four characters and the suffix all inside one burst is beyond a person's chance rolls
 *   (two or three keys under 25 ms apart). Booking numbers, zero-padded card numbers and magstripe tracks
 *   are longer; a site whose reader sends unpadded card numbers (26-bit cards go up to 65535) sets it lower.
 * - maxFrameLength 256: the three magstripe tracks together are 79 + 40 + 107 = 226 characters with their
 *   sentinels; the serial scanner's default is the same.
 * - no prefix, suffix Enter: readers' usual framing (docs/readers.md §7 "Keyboard-mode readers": "often CR", which a wedge types as Enter).
 *   With no prefix every character is held for up to idleTimeoutMs; configuring the reader's prefix lets
 *   typing pass undelayed and keeps a person's key just before a read out of it.
 */
export const defaultWedgeOptions: WedgeDetectorOptions = Object.freeze({
  maxGapMs: 25,
  idleTimeoutMs: 50,
  minFrameLength: 4,
  maxFrameLength: 256,
  prefix: Object.freeze([]) as readonly string[],
  suffix: Object.freeze(['Enter']) as readonly string[],
});

/**
 * Keys that print nothing and are safe to delay. A reader presses Shift (or AltGr) for a character that
 * needs it, so they are part of its bursts; they are held with them and left out of the text.
 */
const modifierKeys: ReadonlySet<string> = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'OS',
  'CapsLock',
  'NumLock',
  'ScrollLock',
  'Fn',
  'FnLock',
  'Hyper',
  'Super',
  'Symbol',
  'SymbolLock',
]);

/**
 * Keys that belong to composing a character (a dead accent key on a Spanish layout, an IME). Never delayed
 * when nothing is held — holding them could break the accent a person is typing — but inside a burst they
 * are held and left out of the text like modifiers, so a reader on a layout with dead keys is not cut in two.
 */
const compositionKeys: ReadonlySet<string> = new Set(['Dead', 'Process', 'Compose', 'Unidentified']);

/** Each character of a read costs at most this many key events (Shift and AltGr and the character). */
const keysPerCharacter = 3;

/**
 * A released run with this many characters, each within maxGapMs of the one before, was typed faster than
 * a person types: a person's chance rolls are two or three keys.
 */
const readerLikeCharacters = 4;

/**
 * Timestamps are doubles that callers add and subtract; a nanosecond's tolerance keeps a gap of exactly
 * maxGapMs inside the burst whatever the rounding. Browsers coarsen event times to 5 µs or more, so no real
 * gap is that close to the limit.
 */
const gapToleranceMs = 1e-6;

/** A key that prints one character: one code point, not a control character. Key names are longer. */
export function isCharacterKey(key: string): boolean {
  const codePoint = key.codePointAt(0);
  if (codePoint === undefined) return false;
  const oneCodePoint = key.length === (codePoint > 0xffff ? 2 : 1);
  const control = codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
  return oneCodePoint && !control;
}

/** Modifiers and composition keys: held inside a burst but left out of its text, so never framing. */
export function isSilentKey(key: string): boolean {
  return modifierKeys.has(key) || compositionKeys.has(key);
}

function validateKeys(name: 'prefix' | 'suffix', keys: unknown): void {
  if (!Array.isArray(keys)) throw new TypeError(`"${name}" must be an array of key names`);
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError(`"${name}" must hold non-empty key names`);
    // Modifiers are skipped inside bursts, so a prefix or suffix made of them could never be matched.
    if (isSilentKey(key)) throw new TypeError(`"${name}" cannot contain the modifier or composition key ${key}`);
  }
}

function validateOptions(options: WedgeDetectorOptions): void {
  const { maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength, prefix, suffix } = options;
  if (typeof maxGapMs !== 'number' || !Number.isFinite(maxGapMs) || maxGapMs <= 0) {
    throw new TypeError(`"maxGapMs" must be a positive number: ${String(maxGapMs)}`);
  }
  // A timeout no longer than the gap would release keys that the next key of the burst was still allowed to join.
  if (typeof idleTimeoutMs !== 'number' || !Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= maxGapMs) {
    throw new TypeError(`"idleTimeoutMs" must be a number greater than maxGapMs: ${String(idleTimeoutMs)}`);
  }
  if (!Number.isInteger(minFrameLength) || minFrameLength < 1) {
    throw new TypeError(`"minFrameLength" must be a positive integer: ${String(minFrameLength)}`);
  }
  if (!Number.isInteger(maxFrameLength) || maxFrameLength < minFrameLength) {
    throw new TypeError(`"maxFrameLength" must be an integer no smaller than minFrameLength: ${String(maxFrameLength)}`);
  }
  validateKeys('prefix', prefix);
  validateKeys('suffix', suffix);
  if (suffix.length === 0) throw new TypeError('"suffix" must not be empty: it is what ends a read');
}

/** What the burst being held has matched so far. */
type BurstState =
  | { readonly phase: 'idle' }
  /** Inside the prefix: `matched` of its keys seen (0 when only modifiers are held so far). */
  | { readonly phase: 'prefix'; matched: number }
  /** After the prefix: the non-modifier keys since, the suffix's keys included once they arrive. */
  | { readonly phase: 'payload'; readonly content: string[] };

function assertNever(value: never): never {
  throw new Error(`unexpected burst state: ${JSON.stringify(value)}`);
}

export interface WedgeDetector<K extends WedgeKey = WedgeKey> {
  /**
   * Feeds the next key press; returns what to do, in order. The pushed key is the subject of the last
   * action: a `pass` or `hold` of it, or a `release` or `frame` it ends. Earlier actions release keys held
   * before it — perform them first, so the field gets keys in the order they were typed.
   * Throws a TypeError for a timestamp that is not a finite number (a caller's bug, not input).
   */
  push(key: K): WedgeAction<K>[];
  /** Call at deadline() (or any time): releases held keys when none came for idleTimeoutMs. */
  tick(now: number): WedgeAction<K>[];
  /** Releases whatever is held now. */
  flush(): WedgeAction<K>[];
  /** When tick() will next have something to do, or null when nothing is held. */
  deadline(): number | null;
  /** How many keys are held. */
  heldCount(): number;
}

export function createWedgeDetector<K extends WedgeKey = WedgeKey>(overrides: Partial<WedgeDetectorOptions> = {}): WedgeDetector<K> {
  const options: WedgeDetectorOptions = { ...defaultWedgeOptions, ...overrides };
  validateOptions(options);
  const { maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength } = options;
  const prefix = [...options.prefix];
  const suffix = [...options.suffix];
  const suffixKeys: ReadonlySet<string> = new Set(suffix);
  // Bounds memory whatever arrives: room for the longest read with a Shift and an AltGr on every key.
  const maxHeldKeys = keysPerCharacter * (prefix.length + maxFrameLength + suffix.length);

  let state: BurstState = { phase: 'idle' };
  let held: K[] = [];
  let lastAt = 0;

  function release(reason: ReleaseReason, actions: WedgeAction<K>[]): void {
    if (held.length > 0) {
      const characters = held.filter((event) => isCharacterKey(event.key)).length;
      actions.push({ kind: 'release', keys: held, reason, readerLike: characters >= readerLikeCharacters });
    }
    held = [];
    state = { phase: 'idle' };
  }

  function beginBurst(event: K, next: BurstState, actions: WedgeAction<K>[]): void {
    held = [event];
    lastAt = event.at;
    state = next;
    actions.push({ kind: 'hold', key: event });
  }

  /** The state after the prefix's first `matched` keys. */
  function afterPrefix(matched: number): BurstState {
    return matched === prefix.length ? { phase: 'payload', content: [] } : { phase: 'prefix', matched };
  }

  /** Nothing is held: hold the key if a read could start with it, else let it through. */
  function start(event: K, actions: WedgeAction<K>[]): void {
    const { key } = event;
    if (compositionKeys.has(key)) {
      actions.push({ kind: 'pass', key: event });
    } else if (modifierKeys.has(key)) {
      // A reader's Shift comes just before its first character ('%' is Shift+5): hold it with the burst.
      beginBurst(event, afterPrefix(0), actions);
    } else if (prefix.length > 0) {
      if (key === prefix[0]) beginBurst(event, afterPrefix(1), actions);
      else actions.push({ kind: 'pass', key: event });
    } else if (isCharacterKey(key) && !(suffix.length === 1 && suffix[0] === key)) {
      // Without a prefix any character may start a read. A lone suffix key cannot: it would end it at once.
      beginBurst(event, { phase: 'payload', content: [key] }, actions);
    } else {
      actions.push({ kind: 'pass', key: event });
    }
  }

  function endsWithSuffix(content: readonly string[]): boolean {
    if (content.length < suffix.length) return false;
    const offset = content.length - suffix.length;
    return suffix.every((key, index) => content[offset + index] === key);
  }

  /** The key came within maxGapMs of the last held one: it continues the burst, completes it, or ends it. */
  function continueBurst(event: K, actions: WedgeAction<K>[]): void {
    const { key } = event;
    lastAt = Math.max(lastAt, event.at);
    if (isSilentKey(key)) {
      held.push(event);
      if (held.length > maxHeldKeys) release('oversize', actions);
      else actions.push({ kind: 'hold', key: event });
      return;
    }
    switch (state.phase) {
      case 'idle':
        // Not reached: push() only continues a burst while keys are held. Start afresh to stay total.
        start(event, actions);
        return;
      case 'prefix': {
        if (key === prefix[state.matched]) {
          held.push(event);
          state = afterPrefix(state.matched + 1);
          actions.push({ kind: 'hold', key: event });
          return;
        }
        // Not this reader's prefix. The key may still start one of its own (a second '%'), so it starts over.
        release('unframed', actions);
        start(event, actions);
        return;
      }
      case 'payload': {
        if (!isCharacterKey(key) && !suffixKeys.has(key)) {
          // Readers type characters and their framing, nothing else: Backspace, arrows or Tab come from a person.
          release('unframed', actions);
          start(event, actions);
          return;
        }
        const { content } = state;
        content.push(key);
        if (endsWithSuffix(content)) {
          const payload = content.slice(0, content.length - suffix.length);
          if (payload.length >= minFrameLength && payload.length <= maxFrameLength && payload.every(isCharacterKey)) {
            const keyCount = held.length + 1;
            held = [];
            state = { phase: 'idle' };
            actions.push({ kind: 'frame', text: payload.join(''), keyCount, at: event.at });
            return;
          }
          // Too short to be a read. The suffix key is handed on as itself rather than replayed, so a
          // person's Enter still reaches the page as a real key press.
          release('unframed', actions);
          start(event, actions);
          return;
        }
        held.push(event);
        // Once even the shortest completion would be longer than a read, nothing here can become one.
        if (content.length - suffix.length + 1 > maxFrameLength || held.length > maxHeldKeys) release('oversize', actions);
        else actions.push({ kind: 'hold', key: event });
        return;
      }
      default:
        assertNever(state);
    }
  }

  function requireFinite(name: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`"${name}" must be a finite number of milliseconds: ${String(value)}`);
  }

  return {
    push(event) {
      requireFinite('at', event.at);
      const actions: WedgeAction<K>[] = [];
      // A clock that steps back a little (two event sources) counts as no gap, never as a long one.
      if (state.phase !== 'idle' && event.at - lastAt > maxGapMs + gapToleranceMs) release('gap', actions);
      if (state.phase === 'idle') start(event, actions);
      else continueBurst(event, actions);
      return actions;
    },
    tick(now) {
      requireFinite('now', now);
      const actions: WedgeAction<K>[] = [];
      // Compared with the same sum deadline() returns, so tick(deadline()) always releases despite rounding.
      if (state.phase !== 'idle' && now >= lastAt + idleTimeoutMs) release('timeout', actions);
      return actions;
    },
    flush() {
      const actions: WedgeAction<K>[] = [];
      release('flush', actions);
      return actions;
    },
    deadline: () => (state.phase === 'idle' ? null : lastAt + idleTimeoutMs),
    heldCount: () => held.length,
  };
}
