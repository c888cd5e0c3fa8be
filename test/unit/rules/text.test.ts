// The text rule (rules/text.ts) every entry uses, and the byte limits derived from the longest letter: the
// largest legal letter in any script fits a mutation, a push request and the hub's body limit.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';
import { Mutation, PushRequest } from '../../../hub/protocol';
import {
  characterCount,
  checkText,
  letterLength,
  maxLetterJsonBytes,
  maxMessageCharacters,
  maxMutationJsonBytes,
  maxRequestBytes,
  utf8ByteLength,
} from '../../../rules/text';

describe('the text rule', () => {
  it.each([
    ['NUL', 'a\u0000b', 1],
    ['ESC', 'see \u001b[8mhidden', 4],
    ['a C1 control', 'x\u009bz', 1],
    ['DEL', 'x\u007f', 1],
    ['vertical tab', 'a\u000bb', 1],
  ])('refuses %s in a letter with its position', (_name, text, position) => {
    expect(checkText(text, 'letter')).toEqual({ ok: false, problem: 'controlCharacter', position });
  });

  it('keeps tabs and line feeds in a letter, turns CR LF and lone CR into LF, and normalises to NFC', () => {
    expect(checkText('a\tb\r\nc\rd', 'letter')).toEqual({ ok: true, text: 'a\tb\nc\nd' });
    expect(checkText('Jose\u0301', 'letter')).toEqual({ ok: true, text: 'José' });
  });

  it('refuses lone surrogates, either half, and keeps proper pairs', () => {
    expect(checkText('a\ud800b', 'letter')).toEqual({ ok: false, problem: 'invalidUnicode', position: 1 });
    expect(checkText('ab\udc00', 'line')).toEqual({ ok: false, problem: 'invalidUnicode', position: 2 });
    expect(checkText('😀', 'letter')).toEqual({ ok: true, text: '😀' });
  });

  it('refuses tabs and line breaks in a single line', () => {
    expect(checkText('a\nb', 'line')).toMatchObject({ ok: false, problem: 'controlCharacter' });
    expect(checkText('a\tb', 'name')).toMatchObject({ ok: false, problem: 'controlCharacter' });
  });

  it.each([
    ['zero-width spaces', 'Dad\u200b\u200b'],
    ['a zero-width joiner', 'D\u200dad'],
    ['a right-to-left override', '\u202edaD'],
    ['a bidi isolate', '\u2067Dad\u2069'],
    ['a left-to-right mark', 'Dad\u200e'],
    ['a BOM', '\ufeffDad'],
    ['a soft hyphen', 'Da\u00add'],
    ['a variation selector', 'Dad\ufe0f'],
    ['a combining grapheme joiner', 'Da\u034fd'],
    ['a Hangul filler', 'Dad\u3164'],
    ['a tag character', 'Dad\u{e0041}'],
  ])('refuses %s in a name, so no name can pass for another', (_name, text) => {
    expect(checkText(text, 'name')).toMatchObject({ ok: false, problem: 'invisibleCharacter' });
  });

  it('accepts names in any script, trimmed and in NFC, and keeps bidi text and joiners in letters', () => {
    expect(checkText('  Ana Di\u0301az ', 'name')).toEqual({ ok: true, text: 'Ana Díaz' });
    expect(checkText('שלום مرحبا 漢字 한국어', 'name')).toEqual({ ok: true, text: 'שלום مرحبا 漢字 한국어' });
    expect(checkText('👨‍👩‍👧 \u202ertl\u202c', 'letter')).toMatchObject({ ok: true });
  });

  it(
    'never throws, and what it accepts it accepts again unchanged (normalising twice changes nothing)',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('letter', 'line', 'name'), (text, kind: 'letter' | 'line' | 'name') => {
          const first = checkText(text, kind);
          if (first.ok) expect(checkText(first.text, kind)).toEqual(first);
        }),
        { numRuns: propertyRuns(300) },
      );
      // 300 runs take ~3.5 s at load 7 and ~30 s at load 22; all of them run, however long that takes.
    },
    propertyTimeout(60_000),
  );

  it(
    'counts bytes as UTF-8 does',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (text) => {
          expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );
});

describe('limits derived from the longest letter', () => {
  const letterOf = (body: string) => ({
    id: 1,
    name: 'sendMessage',
    args: {
      messageId: randomUUID(),
      residentId: randomUUID(),
      contactId: randomUUID(),
      body,
      writtenAt: Date.UTC(2030, 0, 1),
      replyToMessageId: randomUUID(),
      useReturnStamp: true,
    },
  });
  const pushOf = (mutations: readonly object[]) => ({ deviceId: randomUUID(), mutations });

  it.each([
    ['a 4-byte script (emoji)', '😀'],
    ['a 3-byte script (CJK)', '漢'],
    ['the worst-escaping legal characters (quotes)', '"'],
    ['the worst-escaping legal characters (backslashes)', '\\'],
    ['line feeds', '\n'],
  ])('the largest legal letter in %s is legal, and fits a mutation and a push request of the hub', (_script, character) => {
    const body = character.repeat(maxMessageCharacters);
    expect(characterCount(body)).toBe(maxMessageCharacters);
    const mutation = letterOf(body);
    expect(Mutation.safeParse(mutation).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(maxLetterJsonBytes);
    expect(Buffer.byteLength(JSON.stringify(mutation))).toBeLessThanOrEqual(maxMutationJsonBytes);
    // A request of ten of them fits the hub's body limit (a device sends fewer per request when they are this big).
    const request = pushOf(Array.from({ length: 10 }, (_, index) => ({ ...mutation, id: index + 1 })));
    expect(PushRequest.safeParse(request).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThanOrEqual(maxRequestBytes);
  });

  it('a stored letter (letterLength) is counted in code points whichever way its check takes', () => {
    // Short in UTF-16 units: accepted without counting. Long in units: counted, so 30,000 emoji (60,000 units) pass.
    expect(letterLength.safeParse('x'.repeat(maxMessageCharacters)).success).toBe(true);
    expect(letterLength.safeParse('x'.repeat(maxMessageCharacters + 1)).success).toBe(false);
    expect(letterLength.safeParse('😀'.repeat(maxMessageCharacters)).success).toBe(true);
    expect(letterLength.safeParse(`${'😀'.repeat(maxMessageCharacters)}x`).success).toBe(false);
    expect(letterLength.safeParse('\ud800'.repeat(maxMessageCharacters + 1)).success).toBe(false);
  });

  it('a letter one character longer is refused as too long; emoji count once each', () => {
    expect(Mutation.safeParse(letterOf('😀'.repeat(maxMessageCharacters + 1))).success).toBe(false);
  });

  it('even a letter of 30,000 control characters (6 bytes each in JSON) fits a request, so the hub can refuse it in words', () => {
    const mutation = letterOf('\u0000'.repeat(maxMessageCharacters));
    expect(Mutation.safeParse(mutation).success).toBe(false);
    expect(Buffer.byteLength(JSON.stringify(mutation))).toBeLessThanOrEqual(maxMutationJsonBytes);
    const lone = letterOf('\ud800'.repeat(maxMessageCharacters));
    expect(Buffer.byteLength(JSON.stringify(lone))).toBeLessThanOrEqual(maxMutationJsonBytes);
  });
});
