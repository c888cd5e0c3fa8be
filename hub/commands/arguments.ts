// Reading command-line values in words: each getter names the option and what it expects when the value is wrong.
import { CliUsageError } from './errors';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export function requiredText(values: OptionValues, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new CliUsageError(`--${name} is required: ${what}.`);
  return value.trim();
}

export function optionalText(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function textList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function wholeNumber(values: OptionValues, name: string, what: string, range: { min: number; max: number }): number | undefined {
  const text = optionalText(values, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new CliUsageError(`--${name} must be a whole number (${what}), not "${text}".`);
  const value = Number(text);
  if (value < range.min || value > range.max) throw new CliUsageError(`--${name} must be between ${range.min} and ${range.max} (${what}), not ${value}.`);
  return value;
}

export function oneOf<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback?: T): T {
  const text = optionalText(values, name);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw new CliUsageError(`--${name} is required: one of ${choices.join(', ')}.`);
  }
  const choice = choices.find((candidate) => candidate === text);
  if (choice === undefined) throw new CliUsageError(`--${name} must be one of ${choices.join(', ')}, not "${text}".`);
  return choice;
}

/** "25", "25.5" or "25.50" dollars → 2550 cents, without floating point. */
export function dollarsToCents(values: OptionValues, name: string): number {
  const text = requiredText(values, name, 'an amount in dollars such as 25.00');
  const match = /^\$?(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (match === null) throw new CliUsageError(`--${name} must be an amount in dollars such as 25.00, not "${text}".`);
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** A date and time in the hub's local time zone, e.g. 2025-06-01T14:00 → epoch milliseconds. */
export function dateTime(values: OptionValues, name: string): number {
  const text = requiredText(values, name, 'a date and time such as 2025-06-01T14:00');
  // Without an offset it is the console's local time; with one (2025-06-01T14:00-05:00, or Z) it is that instant, so a
  // console in another zone than the facility can still say the facility's 2 p.m.
  const parsed = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
  if (!Number.isFinite(parsed)) throw new CliUsageError(`--${name} must be a date and time such as 2025-06-01T14:00 (or 2025-06-01T14:00-05:00), not "${text}".`);
  return parsed;
}

/** "5:250,10:450" → books of stamps with their prices in cents. */
export function stampBooks(values: OptionValues, name: string): { stamps: number; priceCents: number }[] | undefined {
  const text = optionalText(values, name);
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
    if (match === null) throw new CliUsageError(`--${name} lists books as stamps:priceInCents, e.g. 5:250,10:450 — "${part}" is not one.`);
    return { stamps: Number(match[1]), priceCents: Number(match[2]) };
  });
}
