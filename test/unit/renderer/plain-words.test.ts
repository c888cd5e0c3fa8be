// Plain words (docs/screens.md §8 "Plain words"): resident English reads at grade 6 or below and never names how the
// software works.
import { describe, expect, it } from 'vitest';
import en from '../../../renderer/locales/en.json';
import {
  countsOf,
  gradeGoal,
  gradeOf,
  countsOfAll,
  hardestStrings,
  jargon,
  jargonIn,
  notForResidents,
  placeholderWord,
  residentStrings,
  stringsOf,
  withPlaceholdersAsWords,
} from '../../../scripts/plain-words';

describe('resident English', () => {
  const strings = residentStrings(en);

  it(`reads at Flesch–Kincaid grade ${gradeGoal} or below, over every resident-facing string`, () => {
    const grade = gradeOf(countsOfAll(strings));
    // The hardest strings in the failure message say where to start.
    expect(grade, `hardest: ${JSON.stringify(hardestStrings(strings, 5))}`).toBeLessThanOrEqual(gradeGoal);
  });

  it('never uses a word that names how the software works', () => {
    const withJargon = strings.map(({ key, text }) => ({ key, text, terms: jargonIn(text) })).filter(({ terms }) => terms.length > 0);
    expect(withJargon).toEqual([]);
  });

  it('leaves out only what staff alone see, each exclusion naming a key that exists', () => {
    const allKeys = stringsOf(en).map(({ key }) => key);
    const missing = notForResidents
      .filter((exclusion) => exclusion.mayBeAbsent !== true)
      .filter((exclusion) => !allKeys.some((key) => key === exclusion.key || key.startsWith(`${exclusion.key}.`)))
      .map(({ key }) => key);
    expect(missing).toEqual([]);
    const residentKeys = strings.map(({ key }) => key);
    expect(residentKeys.filter((key) => key.startsWith('service.') || key.startsWith('enrollment.error.'))).toEqual([]);
    // Strings residents read on screens that are mostly for staff stay in the measure.
    expect(residentKeys).toEqual(expect.arrayContaining(['enrollment.noResidents', 'attract.unassignedHint', 'syncLocked.staffHint', 'home.timeLeft_other']));
  });

  it('measures a key a new screen adds until it is listed as staff-only', () => {
    expect(residentStrings({ newScreen: { title: 'Hello' }, service: { title: 'Service mode' } })).toEqual([{ key: 'newScreen.title', text: 'Hello' }]);
  });
});

describe('the measure', () => {
  it('reads every placeholder as one plain word', () => {
    expect(withPlaceholdersAsWords('{{count}} stamps for {{ price }}')).toBe(`${placeholderWord} stamps for ${placeholderWord}`);
    expect(countsOf('Hello, {{name}}')).toEqual({ sentences: 1, words: 2, syllables: 3 });
  });

  it('counts a label as a sentence, ends sentences at . ! ? …, and keeps a price or a colon inside one', () => {
    expect(countsOf('Sign out').sentences).toBe(1);
    expect(countsOf('Wrong PIN. Try again!').sentences).toBe(2);
    expect(countsOf('Trying to update… If it works, it unlocks.').sentences).toBe(2);
    expect(countsOf('Not bought: it costs $2.50 and you have $1.00.').sentences).toBe(1);
  });

  it('does not read a number or a symbol as a word', () => {
    expect(countsOf('⌫ delete').words).toBe(1);
    expect(countsOf('The code is 2345.').words).toBe(3);
  });

  it('gives the Flesch–Kincaid grade of the counts', () => {
    // 0.39 × (3 words / 1 sentence) + 11.8 × (3 syllables / 3 words) − 15.59
    expect(gradeOf(countsOf('The cat sat.'))).toBeCloseTo(-2.62, 2);
  });

  it('finds each jargon word in a sentence, and not inside a plain word', () => {
    for (const { term } of jargon) expect(jargonIn(`Please see the ${term} now.`), term).toContain(term);
    expect(jargonIn('Last synced 5 minutes ago')).toEqual(['sync']);
    expect(jargonIn('The request timed out at the hub')).toEqual(['hub', 'request', 'timeout']);
    expect(jargonIn('Ask staff about the hubcap in the synagogue; it is fine.')).toEqual([]);
  });
});
