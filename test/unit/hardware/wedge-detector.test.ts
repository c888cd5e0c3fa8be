import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createWedgeDetector,
  defaultWedgeOptions,
  type WedgeAction,
  type WedgeDetector,
  type WedgeDetectorOptions,
  type WedgeKey,
} from '../../../hardware/keyboard/wedge-detector';
import { KeyboardWedgeSettings, framingKeys } from '../../../hardware/keyboard/wedge-settings';
import { buildTraces, formatTrace, type Trace, type TraceEvent } from '../../fixtures/keyboard/generate';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';

const fixturesDir = join(import.meta.dirname, '../../fixtures/keyboard');

// ---- Harness ----

/**
 * Follows every action against the input, proving each key comes out exactly once and in order: a pass or a
 * release must be the oldest keys not yet accounted for (the very objects pushed), a frame consumes the next
 * keyCount of them. Anything else fails the test at once.
 */
class Ledger<K extends WedgeKey> {
  readonly input: K[] = [];
  /** Index of the oldest key whose fate is not known yet. */
  cursor = 0;
  readonly field: K[] = [];
  readonly frames: { text: string; keys: K[] }[] = [];
  readonly releases: Extract<WedgeAction<K>, { kind: 'release' }>[] = [];

  constructor(readonly detector: WedgeDetector<K>) {}

  push(key: K): WedgeAction<K>[] {
    this.input.push(key);
    const actions = this.detector.push(key);
    this.record(actions);
    const last = actions.at(-1);
    // The pushed key is the subject of the last action, and everything not yet accounted for is held.
    expect(last).toBeDefined();
    if (last?.kind === 'pass' || last?.kind === 'hold') expect(last.key).toBe(key);
    expect(this.detector.heldCount()).toBe(this.input.length - this.cursor);
    return actions;
  }

  tick(now: number): WedgeAction<K>[] {
    const actions = this.detector.tick(now);
    this.record(actions);
    return actions;
  }

  flush(): WedgeAction<K>[] {
    const actions = this.detector.flush();
    this.record(actions);
    return actions;
  }

  private take(count: number): K[] {
    expect(this.cursor + count).toBeLessThanOrEqual(this.input.length);
    const keys = this.input.slice(this.cursor, this.cursor + count);
    this.cursor += count;
    return keys;
  }

  private record(actions: readonly WedgeAction<K>[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'pass':
          expect(this.take(1)[0]).toBe(action.key);
          this.field.push(action.key);
          break;
        case 'hold':
          expect(this.input.at(-1)).toBe(action.key);
          break;
        case 'release': {
          expect(action.keys.length).toBeGreaterThan(0);
          const keys = this.take(action.keys.length);
          keys.forEach((key, index) => expect(action.keys[index]).toBe(key));
          this.field.push(...keys);
          this.releases.push(action);
          break;
        }
        case 'frame':
          this.frames.push({ text: action.text, keys: this.take(action.keyCount) });
          break;
        default: {
          const unexpected: never = action;
          throw new Error(`unexpected action ${JSON.stringify(unexpected)}`);
        }
      }
    }
  }

  /** Ends the run as a caller's timer would: one tick at the deadline. Afterwards nothing may be held. */
  finish(): this {
    const deadline = this.detector.deadline();
    if (deadline !== null) this.tick(deadline);
    expect(this.detector.deadline()).toBeNull();
    expect(this.cursor).toBe(this.input.length);
    return this;
  }
}

/**
 * Plays events as the renderer or the shell would: `timer` ticks whenever a deadline passes before the next
 * key (a setTimeout at deadline()); `lazy` never ticks until the end. Both must classify alike.
 */
function play<K extends WedgeKey>(options: Partial<WedgeDetectorOptions>, events: readonly K[], mode: 'timer' | 'lazy'): Ledger<K> {
  const ledger = new Ledger(createWedgeDetector<K>(options));
  const { detector } = ledger;
  for (const event of events) {
    const deadline = detector.deadline();
    if (mode === 'timer' && deadline !== null && deadline <= event.at) ledger.tick(deadline);
    ledger.push(event);
  }
  return ledger.finish();
}

const keysOf = (events: readonly WedgeKey[]): string[] => events.map((event) => event.key);
const frameTexts = (ledger: Ledger<WedgeKey>): string[] => ledger.frames.map((frame) => frame.text);

/** Key events from a compact script: each entry a key, all `gapMs` apart from `startAt`. */
function timed(keys: readonly string[], gapMs: number, startAt = 1_000): WedgeKey[] {
  return keys.map((key, index) => ({ key, at: startAt + index * gapMs }));
}
const chars = (text: string): string[] => [...text];

// ---- Recorded traces ----

function loadTraces(): Trace[] {
  return readdirSync(fixturesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')) as Trace);
}

describe('recorded keyboard traces', () => {
  const traces = loadTraces();

  it('include the committed output of generate.ts, unchanged (regenerate with `npx tsx test/fixtures/keyboard/generate.ts`)', () => {
    // Traces captured from real hardware may sit beside them; every .json here is played below.
    for (const trace of buildTraces()) expect(readFileSync(join(fixturesDir, `${trace.name}.json`), 'utf8')).toBe(formatTrace(trace));
  });

  it('keep to the timings README.md states: reader keys ≤ 22 ms apart, a person’s ≥ 30 ms', () => {
    for (const trace of traces) {
      trace.events.forEach((event, index) => {
        const previous = trace.events[index - 1];
        if (previous === undefined || previous.by !== event.by) return;
        const gap = event.at - previous.at;
        expect(gap).toBeGreaterThanOrEqual(0);
        // Between two reads a reader is idle for seconds; inside one it is fast.
        if (event.by === 'reader' && gap < 1_000) expect(gap, `${trace.name} #${index}`).toBeLessThanOrEqual(22);
        if (event.by === 'person') expect(gap, `${trace.name} #${index}`).toBeGreaterThanOrEqual(30);
      });
    }
  });

  describe.each(traces.map((trace) => [trace.name, trace] as const))('%s', (_name, trace) => {
    const options = KeyboardWedgeSettings.parse(trace.settings);

    it.each(['timer', 'lazy'] as const)('classifies every key as built (%s ticks)', (mode) => {
      const ledger = play<TraceEvent>(options, trace.events, mode);
      // Reads extracted exactly, in order.
      expect(ledger.frames.map((frame) => frame.text)).toEqual(trace.expected.frames);
      // The field gets exactly the keys it should, in the order they were typed.
      expect(keysOf(ledger.field)).toEqual(trace.expected.field);
      // Nothing of a read reaches the field: every key a frame consumed was the reader's, and every reader
      // key in the field belongs to a burst that never ended in a suffix (the expectation lists those).
      for (const frame of ledger.frames) expect(frame.keys.every((event) => event.by === 'reader')).toBe(true);
      const readerKeysInField = ledger.field.filter((event) => event.by === 'reader').length;
      const readerKeysTotal = trace.events.filter((event) => event.by === 'reader').length;
      const readerKeysInFrames = ledger.frames.reduce((sum, frame) => sum + frame.keys.length, 0);
      expect(readerKeysInField + readerKeysInFrames).toBe(readerKeysTotal);
      for (const text of trace.expected.frames) expect(trace.expected.fieldText).not.toContain(text);
    });

    it('releases a person’s keys as a person’s (never flagged readerLike)', () => {
      const ledger = play<TraceEvent>(options, trace.events, 'timer');
      for (const release of ledger.releases) {
        const byPerson = release.keys.every((event) => event.by === 'person');
        if (byPerson) expect(release.readerLike).toBe(false);
      }
    });
  });

  it('flags the bursts that lacked a suffix as reader-like, and says why each was released', () => {
    const trace = traces.find((candidate) => candidate.name === 'mixed-burst-without-suffix');
    expect(trace).toBeDefined();
    const ledger = play<TraceEvent>({}, trace?.events ?? [], 'timer');
    const readerReleases = ledger.releases.filter((release) => release.keys.some((event) => event.by === 'reader'));
    expect(readerReleases.map((release) => [release.reason, release.readerLike])).toEqual([
      ['timeout', true],
      ['gap', true],
    ]);
  });
});

// ---- Behaviour ----

describe('createWedgeDetector', () => {
  it('has the documented defaults', () => {
    expect(defaultWedgeOptions).toEqual({ maxGapMs: 25, idleTimeoutMs: 50, minFrameLength: 4, maxFrameLength: 256, prefix: [], suffix: ['Enter'] });
  });

  it('holds a fast burst and hands it over as one frame', () => {
    const detector = createWedgeDetector();
    const burst = timed([...chars('R123456'), 'Enter'], 2);
    const actions = burst.flatMap((key) => detector.push(key));
    expect(actions.slice(0, -1).every((action) => action.kind === 'hold')).toBe(true);
    expect(actions.at(-1)).toEqual({ kind: 'frame', text: 'R123456', keyCount: 8, at: 1_014 });
    expect(detector.deadline()).toBeNull();
  });

  it('keeps Shift out of the frame text and counts it among the consumed keys', () => {
    const ledger = play({}, timed(['Shift', 'B', 'Shift', 'K', '2', '4', 'Enter'], 2), 'timer');
    expect(ledger.frames).toEqual([{ text: 'BK24', keys: ledger.input }]);
    expect(ledger.field).toEqual([]);
  });

  it('passes a garbled layout through as typed', () => {
    expect(frameTexts(play({}, timed([...chars('%B12&DOE/J&99:ş12=99:'), 'Enter'], 3), 'timer'))).toEqual(['%B12&DOE/J&99:ş12=99:']);
  });

  it('keeps a dead key inside a burst out of the text, and never holds one a person types', () => {
    expect(frameTexts(play({}, timed(['1', '2', 'Dead', '3', '4', 'Enter'], 3), 'timer'))).toEqual(['1234']);
    const detector = createWedgeDetector();
    expect(detector.push({ key: 'Dead', at: 0 })).toEqual([{ kind: 'pass', key: { key: 'Dead', at: 0 } }]);
  });

  describe('people', () => {
    it('releases a person’s character when the next key comes too late, and the last one on the timeout', () => {
      const detector = createWedgeDetector();
      const h = { key: 'h', at: 0 };
      const i = { key: 'i', at: 90 };
      expect(detector.push(h)).toEqual([{ kind: 'hold', key: h }]);
      expect(detector.push(i)).toEqual([
        { kind: 'release', keys: [h], reason: 'gap', readerLike: false },
        { kind: 'hold', key: i },
      ]);
      expect(detector.deadline()).toBe(140);
      expect(detector.tick(139.9)).toEqual([]);
      expect(detector.tick(140)).toEqual([{ kind: 'release', keys: [i], reason: 'timeout', readerLike: false }]);
      expect(detector.deadline()).toBeNull();
      expect(detector.tick(1_000)).toEqual([]);
    });

    it('lets keys that no read starts with pass at once', () => {
      const detector = createWedgeDetector();
      for (const key of ['Enter', 'Backspace', 'Tab', 'ArrowLeft', 'F2']) expect(detector.push({ key, at: 0 })[0]?.kind).toBe('pass');
    });

    it('with a prefix, lets ordinary typing pass undelayed and holds only the prefix character', () => {
      const ledger = new Ledger(createWedgeDetector({ prefix: [';'] }));
      expect(ledger.push({ key: 'a', at: 0 }).map((action) => action.kind)).toEqual(['pass']);
      expect(ledger.push({ key: ';', at: 100 }).map((action) => action.kind)).toEqual(['hold']);
      expect(ledger.push({ key: 'b', at: 200 }).map((action) => action.kind)).toEqual(['release', 'pass']);
      ledger.finish();
      expect(keysOf(ledger.field)).toEqual(['a', ';', 'b']);
    });

    it('does not take a person’s quick four digits and Enter for a read', () => {
      const ledger = play({}, timed([...chars('4821'), 'Enter'], 35), 'timer');
      expect(ledger.frames).toEqual([]);
      expect(keysOf(ledger.field)).toEqual(['4', '8', '2', '1', 'Enter']);
    });
  });

  describe('framing', () => {
    it('strips a prefix and a multi-key suffix', () => {
      const options = { prefix: ['Escape'], suffix: ['Tab', 'Enter'] };
      expect(frameTexts(play(options, timed(['Escape', ...chars('R123456'), 'Tab', 'Enter'], 2), 'timer'))).toEqual(['R123456']);
    });

    it('releases a fast run that does not follow the prefix, then starts over from the key that broke it', () => {
      const ledger = play({ prefix: ['%', 'B'] }, timed(['%', '%', 'B', ...chars('1234'), 'Enter'], 2), 'timer');
      expect(ledger.releases.map((release) => [keysOf(release.keys), release.reason])).toEqual([[['%'], 'unframed']]);
      expect(frameTexts(ledger)).toEqual(['1234']);
    });

    it('hands a suffix that comes too early on as a real key press, not a replay', () => {
      const ledger = play({}, timed([...chars('abc'), 'Enter'], 10), 'timer');
      expect(ledger.releases.map((release) => [keysOf(release.keys), release.reason, release.readerLike])).toEqual([[['a', 'b', 'c'], 'unframed', false]]);
      expect(keysOf(ledger.field)).toEqual(['a', 'b', 'c', 'Enter']);
      expect(ledger.frames).toEqual([]);
    });

    it('ends a burst at a key no reader sends and lets that key act after the released ones', () => {
      const ledger = play({}, timed([...chars('abcde'), 'Backspace', 'x'], 5), 'timer');
      expect(keysOf(ledger.field)).toEqual(['a', 'b', 'c', 'd', 'e', 'Backspace', 'x']);
      expect(ledger.releases[0]).toMatchObject({ reason: 'unframed', readerLike: true });
    });

    it('joins a key exactly maxGapMs late to the burst and releases one a tenth of a millisecond later', () => {
      expect(frameTexts(play({}, timed([...chars('1234'), 'Enter'], 25), 'timer'))).toEqual(['1234']);
      expect(frameTexts(play({}, timed([...chars('1234'), 'Enter'], 25.1), 'timer'))).toEqual([]);
    });

    it('releases a flood longer than maxFrameLength as oversize and stays bounded', () => {
      const detector = createWedgeDetector({ maxFrameLength: 8 });
      const ledger = new Ledger(detector);
      const flood = timed(chars('x'.repeat(100)), 1);
      for (const key of flood) {
        ledger.push(key);
        expect(detector.heldCount()).toBeLessThanOrEqual(3 * (8 + 1));
      }
      ledger.finish();
      expect(ledger.frames).toEqual([]);
      expect(ledger.releases[0]).toMatchObject({ reason: 'oversize', readerLike: true });
      expect(ledger.releases[0]?.keys).toHaveLength(9);
      expect(ledger.field).toHaveLength(100);
    });

    it('accepts a frame of exactly maxFrameLength and minFrameLength characters', () => {
      expect(frameTexts(play({ minFrameLength: 2, maxFrameLength: 5 }, timed([...chars('abcde'), 'Enter'], 2), 'timer'))).toEqual(['abcde']);
      expect(frameTexts(play({ minFrameLength: 2, maxFrameLength: 5 }, timed([...chars('ab'), 'Enter'], 2), 'timer'))).toEqual(['ab']);
      expect(frameTexts(play({ minFrameLength: 2, maxFrameLength: 5 }, timed([...chars('a'), 'Enter'], 2), 'timer'))).toEqual([]);
    });

    it('absorbs a person’s key that lands inside a burst: the read fails to parse, but nothing leaks (known limit)', () => {
      // A keyboard-mode reader and the keyboard are the same device to the page; only timing tells them
      // apart, and a key 3 ms from the reader's keys is indistinguishable from them.
      const events = timed([...chars('BK24'), 'q', ...chars('0017'), 'Enter'], 3);
      const ledger = play({}, events, 'timer');
      expect(frameTexts(ledger)).toEqual(['BK24q0017']);
      expect(ledger.field).toEqual([]);
    });
  });

  describe('the caller', () => {
    it('can flush held keys, e.g. when focus moves', () => {
      const detector = createWedgeDetector();
      detector.push({ key: 'a', at: 0 });
      expect(detector.flush()).toEqual([{ kind: 'release', keys: [{ key: 'a', at: 0 }], reason: 'flush', readerLike: false }]);
      expect(detector.flush()).toEqual([]);
    });

    it('gets back the very objects it pushed, extra fields and all', () => {
      const detector = createWedgeDetector<WedgeKey & { code: string }>();
      const key = { key: 'a', at: 0, code: 'KeyA' };
      detector.push(key);
      const [release] = detector.flush();
      expect(release?.kind === 'release' && release.keys[0]).toBe(key);
    });

    it('treats a timestamp that steps back as no gap', () => {
      expect(frameTexts(play({}, [...timed(chars('1234'), 2, 1_000), { key: 'Enter', at: 999 }], 'timer'))).toEqual(['1234']);
    });

    it('throws a TypeError for a timestamp that is not a finite number', () => {
      const detector = createWedgeDetector();
      expect(() => detector.push({ key: 'a', at: Number.NaN })).toThrow(TypeError);
      expect(() => detector.tick(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    });
  });

  describe('invalid options throw a TypeError naming the option', () => {
    it.each([
      [{ maxGapMs: 0 }, /"maxGapMs"/],
      [{ maxGapMs: Number.NaN }, /"maxGapMs"/],
      [{ idleTimeoutMs: 25 }, /"idleTimeoutMs"/],
      [{ minFrameLength: 0 }, /"minFrameLength"/],
      [{ minFrameLength: 1.5 }, /"minFrameLength"/],
      [{ minFrameLength: 10, maxFrameLength: 9 }, /"maxFrameLength"/],
      [{ suffix: [] }, /"suffix"/],
      [{ suffix: [''] }, /"suffix"/],
      [{ suffix: ['Shift'] }, /"suffix"/],
      [{ prefix: ['Dead'] }, /"prefix"/],
      [{ prefix: 'x' as unknown as string[] }, /"prefix"/],
    ] satisfies [Partial<WedgeDetectorOptions>, RegExp][])('%o', (options, message) => {
      expect(() => createWedgeDetector(options)).toThrow(TypeError);
      expect(() => createWedgeDetector(options)).toThrow(message);
    });
  });
});

describe('KeyboardWedgeSettings', () => {
  it('fills in the defaults', () => {
    expect(KeyboardWedgeSettings.parse({})).toEqual(defaultWedgeOptions);
  });

  it('reads framing as characters, reader-manual names or key arrays', () => {
    expect(KeyboardWedgeSettings.parse({ prefix: '%', suffix: 'CR' })).toMatchObject({ prefix: ['%'], suffix: ['Enter'] });
    expect(KeyboardWedgeSettings.parse({ prefix: 'ESC', suffix: '\t\r' })).toMatchObject({ prefix: ['Escape'], suffix: ['Tab', 'Enter'] });
    expect(KeyboardWedgeSettings.parse({ prefix: '~>', suffix: ['Tab'] })).toMatchObject({ prefix: ['~', '>'], suffix: ['Tab'] });
    expect(framingKeys('\x1d')).toEqual({ error: expect.stringContaining('U+001d') });
  });

  it.each([
    [{ suffix: '' }, 'suffix'],
    [{ prefix: '\x02' }, 'prefix'],
    [{ prefix: ['Shift'] }, 'prefix'],
    [{ maxGapMs: 60 }, 'maxGapMs'],
    [{ maxGapMs: 30, idleTimeoutMs: 30 }, 'idleTimeoutMs'],
    [{ minFrameLength: 10, maxFrameLength: 8 }, 'maxFrameLength'],
    [{ surprise: true }, ''],
  ])('refuses %o', (input, path) => {
    const result = KeyboardWedgeSettings.safeParse(input);
    expect(result.success).toBe(false);
    if (path !== '') expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('gives options the detector takes', () => {
    const options = KeyboardWedgeSettings.parse({ prefix: ';', maxGapMs: 30, idleTimeoutMs: 60 });
    expect(frameTexts(play(options, timed([';', ...chars('1234'), 'Enter'], 28), 'timer'))).toEqual(['1234']);
  });
});

// ---- Properties ----

const configs: readonly Partial<WedgeDetectorOptions>[] = [
  {},
  { prefix: ['%'] },
  { prefix: [';'] },
  { prefix: ['~', '>'] },
  { prefix: ['Escape'], suffix: ['Tab'] },
  { suffix: ['Tab', 'Enter'] },
  { suffix: ['#'] },
  { minFrameLength: 1, maxFrameLength: 6 },
];
const configArbitrary = fc.constantFrom(...configs);
const textCharacters = [...'abcXYZ0189%;?^&=/ ~>#ş'];
const namedKeys = ['Enter', 'Tab', 'Escape', 'Backspace', 'ArrowLeft', 'Shift', 'AltGraph', 'Dead'];
const anyKey = fc.constantFrom(...textCharacters, ...namedKeys);
const tenths = (low: number, high: number) => fc.integer({ min: Math.round(low * 10), max: Math.round(high * 10) }).map((value) => value / 10);

/** Turns gaps into timestamps. */
function stamp(keys: readonly string[], gaps: readonly number[], startAt = 1_000): WedgeKey[] {
  let at = startAt;
  return keys.map((key, index) => {
    at += index === 0 ? 0 : (gaps[index - 1] ?? 0);
    return { key, at };
  });
}

/** A step of a random run: a key after a gap, a tick some way into the wait, or a flush. */
type Step =
  { readonly kind: 'key'; readonly key: string; readonly gap: number } | { readonly kind: 'tick'; readonly after: number } | { readonly kind: 'flush' };

const gapArbitrary = fc.oneof(tenths(0, 25), fc.constantFrom(0, 25, 25.1, 49.9, 50, 50.1), tenths(25, 400));
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('key' as const), key: anyKey, gap: gapArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), after: tenths(0, 120) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
);

/** Runs steps; ticks never go past the next key's time, as a caller's clock cannot. */
function runSteps(options: Partial<WedgeDetectorOptions>, steps: readonly Step[]): Ledger<WedgeKey> {
  const ledger = new Ledger(createWedgeDetector(options));
  let at = 1_000;
  let lastTick = -Infinity;
  steps.forEach((step, index) => {
    switch (step.kind) {
      case 'key': {
        at += step.gap;
        ledger.push({ key: step.key, at });
        break;
      }
      case 'tick': {
        const next = steps.slice(index + 1).find((later): later is Extract<Step, { kind: 'key' }> => later.kind === 'key');
        const now = Math.max(lastTick, Math.min(at + step.after, next === undefined ? Infinity : at + next.gap));
        lastTick = now;
        ledger.tick(now);
        break;
      }
      case 'flush':
        ledger.flush();
        break;
      default: {
        const unexpected: never = step;
        throw new Error(`unexpected step ${JSON.stringify(unexpected)}`);
      }
    }
  });
  return ledger.finish();
}

describe('properties', () => {
  // Hundreds of random typings each: ~1 s on a quiet machine, up to ~13 s at load 22; a minute leaves room at load 10.
  it(
    'a person (keys ≥ 35 ms apart) never makes a frame, and every key reaches the field in order',
    () => {
      fc.assert(
        fc.property(
          configArbitrary,
          fc.array(fc.tuple(anyKey, tenths(35, 2_000)), { maxLength: 60 }),
          fc.array(fc.nat(), { maxLength: 10 }),
          (options, typed, tickSeeds) => {
            const events = stamp(
              typed.map(([key]) => key),
              typed.map(([, gap]) => gap),
            );
            const ledger = new Ledger(createWedgeDetector(options));
            events.forEach((event, index) => {
              // Ticks at arbitrary moments before each key, as a timer might fire.
              const previous = events[index - 1];
              if (previous !== undefined && tickSeeds.includes(index)) ledger.tick(previous.at + (event.at - previous.at) * 0.7);
              ledger.push(event);
            });
            ledger.finish();
            expect(ledger.frames).toEqual([]);
            expect(ledger.field).toEqual(events);
            for (const release of ledger.releases) expect(release.readerLike).toBe(false);
          },
        ),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );

  it(
    'a burst (keys ≤ maxGapMs apart) framed by prefix and suffix is a frame of exactly its text, wherever it falls in typing',
    () => {
      const frameCharacters = [...'abcXYZ0189%;?^&=/ ~>ş'];
      fc.assert(
        fc.property(
          configArbitrary,
          fc.array(fc.constantFrom(...frameCharacters), { minLength: 6, maxLength: 120 }),
          fc.array(tenths(0, 25), { minLength: 400, maxLength: 400 }),
          fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
          fc.array(fc.tuple(anyKey, tenths(35, 500)), { maxLength: 8 }),
          fc.array(fc.tuple(anyKey, tenths(35, 500)), { maxLength: 8 }),
          (options, characters, gaps, shifted, before, after) => {
            const { prefix, suffix, minFrameLength, maxFrameLength } = { ...defaultWedgeOptions, ...options };
            const payload = characters.slice(0, maxFrameLength).filter((character) => !suffix.includes(character));
            fc.pre(payload.length >= minFrameLength);
            // The reader's keys: prefix, payload with a Shift before some characters, suffix.
            const readerKeys = [...prefix, ...payload.flatMap((character, index) => (shifted[index] ? ['Shift', character] : [character])), ...suffix];
            const personBefore = stamp(
              before.map(([key]) => key),
              before.map(([, gap]) => gap),
            );
            const burstStart = (personBefore.at(-1)?.at ?? 0) + 35;
            const burst = stamp(readerKeys, gaps, burstStart);
            const personAfter = stamp(
              after.map(([key]) => key),
              after.map(([, gap]) => gap),
              (burst.at(-1)?.at ?? 0) + 35,
            );
            const ledger = play(options, [...personBefore, ...burst, ...personAfter], 'timer');
            expect(frameTexts(ledger)).toEqual([payload.join('')]);
            expect(ledger.frames[0]?.keys).toEqual(burst);
            expect(ledger.field).toEqual([...personBefore, ...personAfter]);
          },
        ),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );

  it(
    'any interleaving of keys, ticks and flushes accounts for every key exactly once, in order',
    () => {
      fc.assert(
        fc.property(configArbitrary, fc.array(stepArbitrary, { maxLength: 150 }), (options, steps) => {
          const ledger = runSteps(options, steps);
          // Ledger has checked identity and order; here the totals and the frames' bounds.
          const { minFrameLength, maxFrameLength } = { ...defaultWedgeOptions, ...options };
          const framed = ledger.frames.reduce((sum, frame) => sum + frame.keys.length, 0);
          expect(ledger.field.length + framed).toBe(ledger.input.length);
          for (const frame of ledger.frames) {
            expect([...frame.text].length).toBeGreaterThanOrEqual(minFrameLength);
            expect([...frame.text].length).toBeLessThanOrEqual(maxFrameLength);
          }
        }),
        { numRuns: propertyRuns(500) },
      );
    },
    propertyTimeout(60_000),
  );

  it(
    'when the timer fires changes only when keys are released, never how they are classified',
    () => {
      fc.assert(
        fc.property(configArbitrary, fc.array(fc.tuple(anyKey, gapArbitrary), { maxLength: 150 }), (options, typed) => {
          const events = stamp(
            typed.map(([key]) => key),
            typed.map(([, gap]) => gap),
          );
          const withTimer = play(options, events, 'timer');
          const withoutTimer = play(options, events, 'lazy');
          expect(withTimer.field).toEqual(withoutTimer.field);
          expect(withTimer.frames).toEqual(withoutTimer.frames);
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );
});
