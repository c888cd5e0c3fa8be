// The text rule: what text a person may put into Dayroom, at every entry — the device's contract, the hub's protocol
// mutations and the hub's console. One definition, so no entry lets through what another would refuse, and a letter
// the device accepted is a letter the hub can store (PostgreSQL refuses NUL in text; a lone surrogate cannot be
// encoded as UTF-8 at all and would be silently replaced on the way in).
//
// Also the limits that follow from the longest letter: the JSON size of the largest letter, of the largest mutation,
// and of a push request. Devices cut push batches by these bytes and the hub's body limit is derived from them, so the
// two can never disagree (a batch cut by count alone could grow past the hub's limit and be refused on every push).
//
// Pure zod: no Node, no DOM — the device's contract (shared with the renderer) imports it too.
import { z } from 'zod';

/** The longest message, in characters as people count them (code points; characterCount). */
export const maxMessageCharacters = 30_000;

/** Characters as people count them (code points), so an emoji or an accented letter counts once. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** What kind of text a field holds; each kind allows a little less than the one before it. */
export type TextKind =
  /** A letter: several lines, tabs kept. */
  | 'letter'
  /** One line of free text: a reason, a relationship, a search. */
  | 'line'
  /** A person's name: one line, and nothing invisible or direction-changing, so no name can pass for another. */
  | 'name';

/** Why a text was refused; every entry says each in words (textProblemSentence) and keeps the code. */
export type TextProblem =
  /** NUL, ESC and the other C0/C1 controls, DEL (and, outside letters, tab and line breaks). */
  | 'controlCharacter'
  /** Half of a UTF-16 surrogate pair: not a character, and not storable. */
  | 'invalidUnicode'
  /** Zero-width characters and bidirectional controls in a name. */
  | 'invisibleCharacter';

export const textProblems: readonly TextProblem[] = ['controlCharacter', 'invalidUnicode', 'invisibleCharacter'];

export type TextCheck = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: TextProblem; readonly position: number };

// C0 except tab (U+0009) and line feed (U+000A), DEL, and C1. Carriage returns are turned into line feeds before
// this runs (a letter pasted from Windows is not refused for its line endings). Control characters in these patterns
// are the point of them.
// eslint-disable-next-line no-control-regex
const letterControls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex
const lineControls = /[\u0000-\u001F\u007F-\u009F]/u;
// Unicode's format characters (Cf: zero-width space and joiners, word joiner, BOM, soft hyphen, bidi embeddings,
// overrides, isolates and marks, tag characters).
const formatCharacter = /\p{Cf}/u;
// Invisible characters Unicode files elsewhere than Cf: the combining grapheme joiner, Hangul fillers, Khmer
// inherent vowels, Mongolian free variation selectors, variation selectors (and their supplement).
const otherInvisibleRanges: readonly (readonly [number, number])[] = [
  [0x034f, 0x034f],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xffa0, 0xffa0],
  [0xe0100, 0xe01ef],
];

/** Index of the first invisible or direction-changing character, or -1. */
function firstInvisible(text: string): number {
  let index = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (formatCharacter.test(character) || otherInvisibleRanges.some(([first, last]) => codePoint >= first && codePoint <= last)) return index;
    index += character.length;
  }
  return -1;
}

/** Index of the first lone surrogate, or -1. */
function firstLoneSurrogate(text: string): number {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
      else return index;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return index;
  }
  return -1;
}

/**
 * Checks and normalises a text: line endings to `\n`, then Unicode NFC (so "José" typed with a combining accent and
 * "José" typed with é are one name, and one letter counts its characters the same on every device), names trimmed.
 * Returns the text to store, or the first problem and where it is (a UTF-16 index into the text as given).
 */
export function checkText(value: string, kind: TextKind): TextCheck {
  const lonely = firstLoneSurrogate(value);
  // Before normalising: NFC of a lone surrogate is itself, but nothing should run over text that is not text.
  if (lonely !== -1) return { ok: false, problem: 'invalidUnicode', position: lonely };
  const lines = value.replace(/\r\n?/g, '\n');
  const controls = kind === 'letter' ? letterControls : lineControls;
  const control = controls.exec(lines);
  if (control !== null) return { ok: false, problem: 'controlCharacter', position: control.index };
  if (kind === 'name') {
    const invisible = firstInvisible(lines);
    if (invisible !== -1) return { ok: false, problem: 'invisibleCharacter', position: invisible };
  }
  const normalised = lines.normalize('NFC');
  return { ok: true, text: kind === 'name' ? normalised.trim() : normalised };
}

/** The sentence every entry gives for a problem; `field` names what was refused ("the message", "the name"). */
export function textProblemSentence(problem: TextProblem, field: string): string {
  switch (problem) {
    case 'controlCharacter':
      return `${field} contains a control character (such as NUL or ESC) that cannot be sent; remove it and try again.`;
    case 'invalidUnicode':
      return `${field} contains broken text (half of a character); type it again.`;
    case 'invisibleCharacter':
      return `${field} contains an invisible or direction-changing character, which would let one name look like another; type it again without it.`;
    default: {
      const unknownProblem: never = problem;
      throw new Error(`unknown text problem ${String(unknownProblem)}`);
    }
  }
}

/**
 * A zod string checked by the text rule and normalised: the schema every entry uses for text. A refusal is an issue
 * whose message is textProblemSentence and whose params carry the code (`{ textProblem }`), so a caller that must
 * answer with a code (the hub's push) finds it without reading the sentence.
 */
export function checkedText(kind: TextKind, limits: { readonly minCharacters?: number; readonly maxCharacters: number; readonly field: string }) {
  return z.string().transform((value, context): string => {
    const checked = checkText(value, kind);
    if (!checked.ok) {
      context.addIssue({ code: 'custom', message: textProblemSentence(checked.problem, limits.field), params: { textProblem: checked.problem } });
      return z.NEVER;
    }
    const characters = characterCount(checked.text);
    if (characters < (limits.minCharacters ?? 0)) {
      context.addIssue({ code: 'custom', message: `${limits.field} is empty.` });
      return z.NEVER;
    }
    if (characters > limits.maxCharacters) {
      context.addIssue({
        code: 'custom',
        message: `${limits.field} can be at most ${limits.maxCharacters} characters; this one has ${characters}.`,
        params: { tooLong: true },
      });
      return z.NEVER;
    }
    return checked.text;
  });
}

/** The text problem a zod error carries (checkedText's params), if any. */
export function textProblemOf(error: z.ZodError): TextProblem | null {
  for (const issue of error.issues) {
    if (issue.code !== 'custom') continue;
    const problem: unknown = issue.params?.textProblem;
    const known = textProblems.find((candidate) => candidate === problem);
    if (known !== undefined) return known;
  }
  return null;
}

/** Whether a zod error says a checkedText was too long. */
export function isTooLong(error: z.ZodError): boolean {
  return error.issues.some((issue) => issue.code === 'custom' && issue.params?.tooLong === true);
}

/** A letter's length as stored or sent (code points), without the rest of the rule: records the hub already holds. */
export const letterLength = z.string().refine(
  // A string never has more code points than UTF-16 units, so one no longer in units than the limit is within it
  // without counting: a device checks every letter of every pull with this, and counting was a third of that check.
  (value) => value.length <= maxMessageCharacters || characterCount(value) <= maxMessageCharacters,
  { message: `a message is at most ${maxMessageCharacters} characters` },
);

// ---- Sizes on the wire, all from maxMessageCharacters ----

/**
 * The most bytes JSON.stringify can spend on one code point: 6, for a control character or a lone surrogate written as
 * `\u0000` / `\ud800` (UTF-8 spends at most 4, on characters outside the BMP; `"` and `\` take 2). The text rule
 * refuses what takes 6, but a letter the device stored before the rule existed must still fit a request, so the hub
 * can read it and refuse it in words instead of refusing the whole request for its size.
 */
export const maxJsonBytesPerCharacter = 6;

/** The largest letter body as a JSON string, quotes included, in UTF-8 bytes. */
export const maxLetterJsonBytes = maxMessageCharacters * maxJsonBytesPerCharacter + 2;

/** Room for everything of a mutation besides its letter: ids, names, times, an audit entry's fields and details. */
export const mutationFieldsAllowanceBytes = 8 * 1024;

/** The largest mutation the protocol carries, as JSON bytes. */
export const maxMutationJsonBytes = maxLetterJsonBytes + mutationFieldsAllowanceBytes;

/** How many of the largest mutations one push request always has room for. */
export const largestMutationsPerPush = 10;

/** Room for a push request's envelope: `{"deviceId":"…","mutations":[…]}` and the commas between mutations. */
export const pushEnvelopeAllowanceBytes = 4 * 1024;

/** The largest request body the hub accepts — the push request a device fills to at most this many bytes. */
export const maxRequestBytes = largestMutationsPerPush * (maxMutationJsonBytes + 1) + pushEnvelopeAllowanceBytes;

/** UTF-8 bytes of a string, without Node's Buffer (the contract runs in the renderer too). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
