import { describe, expect, it } from 'vitest';
import { dateTime, dollarsToCents, oneOf, stampBooks, wholeNumber } from '../../../hub/commands/arguments';
import { dollars } from '../../../hub/commands/format';

describe('hub CLI arguments', () => {
  it('reads dollars into cents without floating point', () => {
    expect(['25', '25.5', '25.50', '$0.07', '1000000'].map((amount) => dollarsToCents({ amount }, 'amount'))).toEqual([2500, 2550, 2550, 7, 100_000_000]);
    for (const amount of ['25.555', '-3', '1e3', 'abc', '']) expect(() => dollarsToCents({ amount }, 'amount')).toThrow(/--amount/);
  });

  it('writes cents as dollars', () => {
    expect([0, 7, 2550, -250].map(dollars)).toEqual(['$0.00', '$0.07', '$25.50', '-$2.50']);
  });

  it('checks whole numbers, choices, dates and books, naming the option', () => {
    expect(wholeNumber({ stamps: '12' }, 'stamps', 'stamps', { min: 1, max: 100 })).toBe(12);
    expect(wholeNumber({}, 'stamps', 'stamps', { min: 1, max: 100 })).toBeUndefined();
    expect(() => wholeNumber({ stamps: '1000' }, 'stamps', 'stamps', { min: 1, max: 100 })).toThrow(/--stamps must be between 1 and 100/);
    expect(oneOf({ kind: 'remote' }, 'kind', ['onSite', 'remote'] as const)).toBe('remote');
    expect(() => oneOf({ kind: 'Remote' }, 'kind', ['onSite', 'remote'] as const)).toThrow(/--kind must be one of onSite, remote/);
    expect(dateTime({ starts: '2025-06-01T14:00' }, 'starts')).toBe(new Date(2025, 5, 1, 14, 0).getTime());
    expect(() => dateTime({ starts: 'tomorrow' }, 'starts')).toThrow(/--starts/);
    expect(stampBooks({ books: '5:250, 10:450' }, 'books')).toEqual([{ stamps: 5, priceCents: 250 }, { stamps: 10, priceCents: 450 }]);
  });
});
