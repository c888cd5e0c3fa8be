import { describe, expect, it } from 'vitest';
import { checkDepositCents, dollarsText, maxDepositCents, readDepositDollars } from '../../../rules/money';

describe('the one money rule', () => {
  it('reads dollars as staff type them into cents, without floating point', () => {
    expect(['25', '25.5', '25.50', '$0.07', '1000', '0001.10'].map((typed) => readDepositDollars(typed))).toEqual(
      [2500, 2550, 2550, 7, 100_000, 110].map((cents) => ({ ok: true, cents })),
    );
  });

  it('refuses a negative, zero, an exponent, text, a third decimal and too much, in words', () => {
    const refused = (typed: string) => {
      const reading = readDepositDollars(typed);
      if (reading.ok) throw new Error(`${typed} was taken as ${reading.cents}`);
      return [reading.problem, reading.sentence];
    };
    expect(refused('-5')).toEqual([
      'negative',
      'A deposit is money coming in, so more than $0.00; "-5" is negative. To take money back, correct the entry it undoes.',
    ]);
    expect(refused('0')).toEqual(['zero', 'A deposit is money coming in, so more than $0.00; "0" is nothing.']);
    expect(refused('0.00')[0]).toBe('zero');
    expect(refused('1e12')).toEqual(['notAnAmount', '"1e12" is not an amount in dollars such as 25.00.']);
    expect(refused('abc')).toEqual(['notAnAmount', '"abc" is not an amount in dollars such as 25.00.']);
    expect(refused('')[0]).toBe('notAnAmount');
    expect(refused('1.005')).toEqual(['tooManyDecimals', 'An amount has at most two decimals (cents); "1.005" has 3.']);
    expect(refused('1000.01')).toEqual(['tooLarge', 'One deposit may be at most $1000.00.']);
    expect(refused('1000000000000000000000')).toEqual(['tooLarge', 'One deposit may be at most $1000.00.']);
  });

  it('checks cents held as numbers with the words deposits have always been refused in', () => {
    for (const cents of [-500, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(checkDepositCents(cents)).toMatchObject({ ok: false, sentence: 'A deposit is a positive whole number of cents.' });
    expect(checkDepositCents(1e12)).toMatchObject({ ok: false, problem: 'tooLarge', sentence: 'One deposit may be at most $1000.00.' });
    expect(checkDepositCents(maxDepositCents)).toEqual({ ok: true, cents: maxDepositCents });
    expect([0, 7, 2550, -250, 123_456].map(dollarsText)).toEqual(['$0.00', '$0.07', '$25.50', '-$2.50', '$1234.56']);
  });
});
