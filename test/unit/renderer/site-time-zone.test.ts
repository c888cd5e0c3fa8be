// Every time on screen is in the site's zone, whatever the device's own clock zone, and no sentence puts its full stop
// after a time that ends in one ("p. m..").
import { afterEach, describe, expect, it } from 'vitest';
import en from '../../../renderer/locales/en.json';
import es from '../../../renderer/locales/es.json';
import { formatTime, formatWhen, showTimesIn } from '../../../renderer/src/i18n/format';

const at = Date.UTC(2026, 2, 4, 3, 30);

afterEach(() => showTimesIn(null));

describe('the site time zone', () => {
  it('shows times in the zone the device names, not the machine’s', () => {
    showTimesIn('America/Chicago');
    expect(formatWhen(at, 'en')).toBe('Mar 3, 2026, 9:30 PM');
    expect(formatTime(at, 'en')).toBe('9:30 PM');
    showTimesIn('UTC');
    expect(formatWhen(at, 'en')).toBe('Mar 4, 2026, 3:30 AM');
  });

  it('falls back to the machine’s zone for a zone Intl does not know, instead of failing to show a time', () => {
    showTimesIn('Mars/Olympus_Mons');
    expect(() => formatWhen(at, 'es')).not.toThrow();
  });
});

/** Every string of a locale file with its key path. */
function strings(tree: unknown, path = ''): Array<[string, string]> {
  if (typeof tree === 'string') return [[path, tree]];
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([key, value]) => strings(value, path === '' ? key : `${path}.${key}`));
}

describe('sentences around times', () => {
  it('in Spanish never end with a full stop right after a time, which already ends in "p. m."', () => {
    const timeThenStop = /\{\{(time|when|date|at)\}\}\./;
    expect(formatTime(at, 'es')).toMatch(/m\.$/);
    expect(
      strings(es)
        .filter(([, text]) => timeThenStop.test(text))
        .map(([key]) => key),
    ).toEqual([]);
    // English times end in "AM"/"PM", so its sentences keep their full stops.
    expect(strings(en).filter(([, text]) => timeThenStop.test(text)).length).toBeGreaterThan(0);
  });
});
