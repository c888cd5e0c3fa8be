// The one money rule: what a deposit may be, and how an amount typed by staff is read into integer cents without
// floating point. The hub's services check every deposit with it, and the console (its API schemas and its browser
// forms) reads typed amounts through it, so "-5", "0", "1e12", "abc" and "1.005" are refused in the same words
// wherever they are typed. (The command line keeps its own option reader, hub/commands/options.ts, whose refusals
// name the option; the service behind it checks with this rule.)

/** The most one deposit may bring: larger sums go through the money office by hand. */
export const maxDepositCents = 100_000;

export type AmountProblem = 'notAnAmount' | 'negative' | 'zero' | 'tooManyDecimals' | 'tooLarge';

export type AmountReading = { readonly ok: true; readonly cents: number } | { readonly ok: false; readonly problem: AmountProblem; readonly sentence: string };

/** Cents as dollars: 2550 → "$25.50", -250 → "-$2.50". No thousands separator, as the hub's console writes them. */
export function dollarsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const whole = Math.abs(cents);
  return `${sign}$${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}`;
}

const tooLargeSentence = `One deposit may be at most ${dollarsText(maxDepositCents)}.`;

function refused(problem: AmountProblem, sentence: string): AmountReading {
  return { ok: false, problem, sentence };
}

/**
 * Cents a caller already holds as a number (a service's argument, a JSON body): a positive whole number of cents, at
 * most `maxDepositCents`. The sentences are the ones the hub has always answered deposits with.
 */
export function checkDepositCents(cents: number): AmountReading {
  if (!Number.isSafeInteger(cents)) return refused('notAnAmount', 'A deposit is a positive whole number of cents.');
  if (cents < 0) return refused('negative', 'A deposit is a positive whole number of cents.');
  if (cents === 0) return refused('zero', 'A deposit is a positive whole number of cents.');
  if (cents > maxDepositCents) return refused('tooLarge', tooLargeSentence);
  return { ok: true, cents };
}

/**
 * Dollars as staff type them — "25", "25.5", "$25.50" — into cents, or a refusal in words: a sign, an exponent or any
 * other text, a third decimal (a fraction of a cent), zero, and more than one deposit may bring.
 */
export function readDepositDollars(text: string): AmountReading {
  const typed = text.trim();
  if (typed.startsWith('-'))
    return refused('negative', `A deposit is money coming in, so more than $0.00; "${typed}" is negative. To take money back, correct the entry it undoes.`);
  const match = /^\$?(\d+)(?:\.(\d+))?$/.exec(typed);
  if (match === null) return refused('notAnAmount', `"${typed}" is not an amount in dollars such as 25.00.`);
  const decimals = match[2] ?? '';
  if (decimals.length > 2) return refused('tooManyDecimals', `An amount has at most two decimals (cents); "${typed}" has ${decimals.length}.`);
  const wholeDollars = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  // Compared as digits first: a number this long would lose precision in Number() before the limit could refuse it.
  if (wholeDollars.length > String(maxDepositCents).length) return refused('tooLarge', tooLargeSentence);
  const cents = Number(wholeDollars) * 100 + Number(decimals.padEnd(2, '0'));
  if (cents === 0) return refused('zero', `A deposit is money coming in, so more than $0.00; "${typed}" is nothing.`);
  return checkDepositCents(cents);
}
