// The watch list's matching rule (rules/watch-list.ts): the hub flags letters by it and the console highlights its
// ranges, so it must find a term however it is encoded, only as whole words, phrases across any whitespace — and the
// ranges it returns must cut the original text exactly where the term is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileWatchList, findWatchMatches, isFlagged, watchSegments, watchTermKey } from '../../../rules/watch-list';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';

function matchedTexts(text: string, terms: readonly string[]): string[] {
  return findWatchMatches(text, terms).map((match) => text.slice(match.start, match.end));
}

describe('the watch-list rule', () => {
  it('matches whole words only, whatever their case', () => {
    expect(matchedTexts('A GUN, a Gun and a gun.', ['gun'])).toEqual(['GUN', 'Gun', 'gun']);
    expect(matchedTexts('He had begun; the gunner; guns', ['gun'])).toEqual([]);
    expect(matchedTexts('gun_shop and 3gun', ['gun'])).toEqual([]);
  });

  it('matches a phrase across any run of whitespace, line breaks included', () => {
    expect(matchedTexts('meet me  at\n\tthe back gate', ['at the back'])).toEqual(['at\n\tthe back']);
    expect(matchedTexts('at theback', ['at the back'])).toEqual([]);
  });

  it('treats compatibility forms, ligatures and accents written two ways as the same text', () => {
    expect(matchedTexts('ｄｒｕｇｓ here', ['drugs'])).toEqual(['ｄｒｕｇｓ']);
    expect(matchedTexts('a ﬁre', ['fire'])).toEqual(['ﬁre']);
    // é precomposed in the term, decomposed in the letter (and the other way round).
    expect(matchedTexts('un cafe\u0301 ya', ['café'])).toEqual(['cafe\u0301']);
    expect(matchedTexts('un café ya', ['cafe\u0301'])).toEqual(['café']);
    // An accent is part of the word: "cafe" is not "café".
    expect(matchedTexts('un café ya', ['cafe'])).toEqual([]);
  });

  it('sees through invisible characters put inside a word to hide it', () => {
    expect(matchedTexts('dr\u200Bu\u00ADgs', ['drugs'])).toEqual(['dr\u200Bu\u00ADgs']);
  });

  it('lets a term that is not a word touch a word', () => {
    expect(matchedTexts('send $$$now', ['$$$'])).toEqual(['$$$']);
  });

  it('finds every term, in order, and ignores blank terms', () => {
    const text = 'the gate code is 4411 near the gate';
    expect(findWatchMatches(text, ['gate', 'code', '   ', ''])).toEqual([
      { start: 4, end: 8, term: 'gate' },
      { start: 9, end: 13, term: 'code' },
      { start: 31, end: 35, term: 'gate' },
    ]);
    expect(isFlagged(text, compileWatchList(['  '])) || isFlagged(text, [])).toBe(false);
  });

  it('cuts the text into marked and unmarked pieces, merging overlaps', () => {
    const text = 'meet at the back gate';
    const segments = watchSegments(text, findWatchMatches(text, ['the back', 'back gate']));
    expect(segments).toEqual([
      { text: 'meet at ', matched: false },
      { text: 'the back gate', matched: true },
    ]);
    expect(watchSegments('', [])).toEqual([{ text: '', matched: false }]);
  });

  it('gives one key to terms that are the same term', () => {
    expect(watchTermKey('  Back   GATE ')).toBe(watchTermKey('back gate'));
    expect(watchTermKey('ｄｒｕｇｓ')).toBe(watchTermKey('Drugs'));
  });
});

const wordCharacters = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéß0123456789'.split(''));
const word = fc.array(wordCharacters, { minLength: 1, maxLength: 8 }).map((characters) => characters.join(''));
const separators = fc.constantFrom(' ', '  ', '\n', '\t', ', ', '. ', ' (', ') ', '\u00A0');
const filler = fc.array(fc.oneof(word, separators, fc.constantFrom('😀', '\u200B', 'Ａ', '<b>', '&amp;')), { maxLength: 12 }).map((parts) => parts.join(''));
const phrase = fc.array(word, { minLength: 1, maxLength: 3 });

describe('the watch-list rule, by property', () => {
  it(
    'finds a planted term or phrase, however it is cased and spaced, and its range is exactly the planted text',
    () => {
      fc.assert(
        fc.property(filler, phrase, fc.array(separators, { minLength: 2, maxLength: 2 }), filler, fc.boolean(), (before, words, gaps, after, upper) => {
          const planted = words.join(gaps[0] === '\u00A0' ? ' \n ' : ' \t');
          const written = upper ? planted.toUpperCase() : planted;
          const text = `${before} ${written} ${after}`;
          const term = words.join(' ');
          const matches = findWatchMatches(text, [term]);
          const start = before.length + 1;
          // The planted copy is found with its exact range (upper-casing ß gives SS, which is a different word).
          if (!upper || !planted.includes('ß')) expect(matches).toContainEqual({ start, end: start + written.length, term });
          for (const match of matches) {
            expect(watchTermKey(text.slice(match.start, match.end))).toBe(watchTermKey(term));
          }
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );

  it(
    'never matches inside a longer word, and its segments always join back to the text',
    () => {
      fc.assert(
        fc.property(filler, word, word, filler, (before, term, extra, after) => {
          const text = `${before} ${extra}${term}${extra} ${after}`;
          const matches = findWatchMatches(text, [term]);
          for (const match of matches) {
            const previous = text.slice(0, match.start);
            const next = text.slice(match.end);
            expect(previous).not.toMatch(/[\p{L}\p{N}\p{M}_]$/u);
            expect(next).not.toMatch(/^[\p{L}\p{N}\p{M}_]/u);
          }
          expect(
            watchSegments(text, matches)
              .map((segment) => segment.text)
              .join(''),
          ).toBe(text);
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeout(60_000),
  );
});
