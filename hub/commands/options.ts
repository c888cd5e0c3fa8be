// The options a hub command takes, declared once as zod schemas that the command line and the console route both
// parse with. Each schema takes what a person types (text, a bare flag, a repeated option) and gives the command the
// value it works with (cents, epoch milliseconds, a choice); its help (what it is, an example) is kept beside it in
// `optionHelp`, from which usage text is generated and which a console can read to build its forms.
//
// Messages start at the verb ("is required: …", "must be …"): whoever reports them puts the option's name in front,
// as the reader wrote it (`--amount` on the command line, `options.amount` on the console route).
import { z } from 'zod';
import { LanguageTag } from '../../rules/language';
import { readWeeklyHours } from '../../rules/visit-hours';

/** How an option is written on the command line: `--name value`, a bare `--flag`, or `--name value` repeated. */
export type OptionKind = 'text' | 'flag' | 'list';

export interface OptionHelp {
  readonly kind: OptionKind;
  /** Whether the command refuses to run without it. */
  readonly required: boolean;
  /** An example of the value as typed, shown in usage: `B1001`, `25.00`, `online|lobbyKiosk|moneyOrder`. */
  readonly example: string;
  /** What the value is, in words; the same words the refusals use. */
  readonly description: string;
}

export const optionHelp = z.registry<OptionHelp>();

/** The marker a refusal carries when the option was left out rather than given wrong, so it can be coded apart. */
export const missingOptionMarker = 'missingOption';

type Refinement = z.core.$RefinementCtx;

function refuse(context: Refinement, message: string, missing = false): never {
  context.addIssue({ code: 'custom', message, ...(missing ? { params: { problem: missingOptionMarker } } : {}) });
  return z.NEVER;
}

/** Text as typed, trimmed; blank counts as left out (a shell variable that expanded to nothing). */
function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

const typedText = z.string().max(100_000).optional();

function declare<S extends z.ZodType>(schema: S, help: OptionHelp): S {
  optionHelp.add(schema, help);
  return schema;
}

export function requiredText(example: string, description: string) {
  const schema = typedText.transform((value, context) => present(value) ?? refuse(context, `is required: ${description}.`, true));
  return declare(schema, { kind: 'text', required: true, example, description });
}

export function optionalText(example: string, description: string) {
  return declare(typedText.transform(present), { kind: 'text', required: false, example, description });
}

/** A repeatable option (`--photo a.jpg --photo b.jpg`), in the order given. */
export function textList(example: string, description: string) {
  return declare(
    z
      .array(z.string().max(100_000))
      .max(64)
      .optional()
      .transform((values) => values ?? []),
    { kind: 'list', required: false, example, description },
  );
}

export function flag(description: string) {
  return declare(
    z
      .boolean()
      .optional()
      .transform((value) => value === true),
    { kind: 'flag', required: false, example: '', description },
  );
}

interface WholeNumberSpec {
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly example: string;
}

function readWholeNumber(text: string, spec: WholeNumberSpec, context: Refinement): number {
  if (!/^\d+$/.test(text)) return refuse(context, `must be a whole number (${spec.description}), not "${text}".`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) return refuse(context, `must be between ${spec.min} and ${spec.max} (${spec.description}), not ${value}.`);
  return value;
}

export function optionalWholeNumber(spec: WholeNumberSpec) {
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    return text === undefined ? undefined : readWholeNumber(text, spec, context);
  });
  return declare(schema, { kind: 'text', required: false, example: spec.example, description: spec.description });
}

export function requiredWholeNumber(spec: WholeNumberSpec) {
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    return text === undefined ? refuse(context, `is required: ${spec.description}.`, true) : readWholeNumber(text, spec, context);
  });
  return declare(schema, { kind: 'text', required: true, example: spec.example, description: spec.description });
}

function readChoice<T extends string>(text: string, choices: readonly T[], context: Refinement): T {
  return choices.find((candidate) => candidate === text) ?? refuse(context, `must be one of ${choices.join(', ')}, not "${text}".`);
}

export function oneOf<T extends string>(choices: readonly T[], description: string) {
  const schema = typedText.transform((value, context): T => {
    const text = present(value);
    return text === undefined ? refuse(context, `is required: one of ${choices.join(', ')}.`, true) : readChoice(text, choices, context);
  });
  return declare(schema, { kind: 'text', required: true, example: choices.join('|'), description });
}

/** A choice that may be left out for its fallback. */
export function oneOfOr<T extends string>(choices: readonly T[], fallback: T, description: string) {
  const schema = typedText.transform((value, context): T => {
    const text = present(value);
    return text === undefined ? fallback : readChoice(text, choices, context);
  });
  return declare(schema, { kind: 'text', required: false, example: choices.join('|'), description: `${description} (${fallback} when left out)` });
}

/** A language tag by its shape (es, vi, zh-Hans; rules/language.ts), which may be left out for its fallback. */
export function languageTagOr(fallback: LanguageTag, description: string) {
  const schema = typedText.transform((value, context): LanguageTag => {
    const text = present(value);
    if (text === undefined) return fallback;
    const tag = LanguageTag.safeParse(text);
    return tag.success ? tag.data : refuse(context, `must be a language tag such as es, vi, zh-Hans or ar, not "${text.slice(0, 35)}".`);
  });
  return declare(schema, { kind: 'text', required: false, example: 'vi', description: `${description} (${fallback} when left out)` });
}

/** "25", "25.5" or "25.50" dollars → 2550 cents, without floating point. */
export function dollarsAsCents(description: string) {
  const what = 'an amount in dollars such as 25.00';
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    if (text === undefined) return refuse(context, `is required: ${what}.`, true);
    const match = /^\$?(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
    if (match === null) return refuse(context, `must be ${what}, not "${text}".`);
    return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  });
  return declare(schema, { kind: 'text', required: true, example: '25.00', description });
}

/** A date and time → epoch milliseconds: in the hub's local time zone without an offset, that instant with one. */
export function dateTime(description: string) {
  const what = 'a date and time such as 2025-06-01T14:00';
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    if (text === undefined) return refuse(context, `is required: ${what}.`, true);
    // With an offset (2025-06-01T14:00-05:00, or Z) a console in another zone than the facility can still say the
    // facility's 2 p.m.
    const parsed = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
    if (!Number.isFinite(parsed)) return refuse(context, `must be ${what} (or 2025-06-01T14:00-05:00), not "${text}".`);
    return parsed;
  });
  return declare(schema, { kind: 'text', required: true, example: '2025-06-01T14:00', description });
}

/**
 * "mon-fri 09:00-12:00 13:00-17:00; sat 10:00-24:00" → weekly opening spans (rules/visit-hours.ts reads them; whether
 * they make sense is the visits service's to say).
 */
export function weeklyHours(description: string) {
  const what = 'days and hours such as "mon-fri 09:00-12:00 13:00-17:00; sat 10:00-16:00"';
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    if (text === undefined) return [];
    const read = readWeeklyHours(text);
    return read.ok ? read.hours : refuse(context, `must be ${what}; "${read.unreadable}" is not.`);
  });
  return declare(schema, { kind: 'text', required: false, example: '"mon-fri 09:00-12:00 13:00-17:00"', description });
}

/** "5:250,10:450" → books of stamps with their prices in cents. */
export function stampBooks(description: string) {
  const schema = typedText.transform((value, context) => {
    const text = present(value);
    if (text === undefined) return undefined;
    const books: { stamps: number; priceCents: number }[] = [];
    for (const part of text.split(',')) {
      const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
      if (match === null) return refuse(context, `lists books as stamps:priceInCents, e.g. 5:250,10:450 — "${part}" is not one.`);
      books.push({ stamps: Number(match[1]), priceCents: Number(match[2]) });
    }
    return books;
  });
  return declare(schema, { kind: 'text', required: false, example: '5:250,10:450,20:800', description });
}

/** `charactersPerStamp` → `characters-per-stamp`: the schema's key as the command line spells it. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `characters-per-stamp` → `charactersPerStamp`. */
export function optionKey(flagText: string): string {
  return flagText.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
