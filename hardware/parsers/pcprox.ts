// The ASCII lines of a pcProx-style serial badge reader (RF IDeas and work-alikes): one line per badge,
// either a card id with an optional facility code before a delimiter (`42:12345`, digits decimal or hex as
// configured on the reader), or on some models the raw Wiegand frame as hex with its bit count
// (`26:2F623AE`), which wiegand.ts checks and decodes.
//
// The reader's output is configured on the reader, not announced on the wire, so the site config says which
// form to expect; a parser is made once per reader from that and then never throws on a line.
import { parsed, refused, type ParseResult } from './parse-result';
import {
  decodeWiegand,
  maxWiegandBits,
  wiegandFormatForLength,
  wiegandFormats,
  type WiegandCredential,
  type WiegandErrorKind,
  type WiegandFormat,
} from './wiegand';

export type NumberBase = 'decimal' | 'hex';

export type PcProxLineOptions =
  | {
      readonly kind: 'cardId';
      /** How the reader writes the facility code and card id. */
      readonly base: NumberBase;
      /** Between facility code and card id, e.g. ':' or ','; null when the reader sends the card id alone. */
      readonly facilityDelimiter: string | null;
    }
  | {
      readonly kind: 'rawWiegand';
      /** `{ delimiter: ':' }` for lines like `26:2F623AE` (bit count in decimal first); `{ fixed: 26 }` for bare hex. */
      readonly bitCount: { readonly delimiter: string } | { readonly fixed: number };
      /** Formats to decode with, picked by the frame's length. */
      readonly formats: readonly WiegandFormat[];
    };

export type PcProxRead =
  | {
      readonly kind: 'cardId';
      /** Null when the reader is set to send the card id alone. */
      readonly facilityCode: bigint | null;
      /** Secret: never log it. Big enough for 64-bit and longer card serial numbers. */
      readonly cardId: bigint;
    }
  | { readonly kind: 'wiegand'; readonly credential: WiegandCredential };

export type PcProxErrorKind =
  | 'emptyLine'
  | 'lineTooLong'
  | 'missingDelimiter' // a delimiter is configured but the line has none
  | 'invalidDigits' // not digits of the configured base (a second delimiter, spaces, noise)
  | 'invalidBitCount'
  | 'unsupportedWiegandLength' // no configured format has this many bits
  | WiegandErrorKind;

export type PcProxLineParser = (line: string) => ParseResult<PcProxRead, PcProxErrorKind>;

/** Longer than any id a reader sends (a 128-bit id in hex with a facility code fits); more is noise. */
const maxLineLength = 80;
const digitPatterns: Readonly<Record<NumberBase, RegExp>> = { decimal: /^[0-9]+$/, hex: /^[0-9A-Fa-f]+$/ };
const lineEnding = /(?:\r\n|\n|\r)$/;

function toBigInt(digits: string, base: NumberBase): bigint {
  return BigInt(base === 'hex' ? `0x${digits}` : digits);
}

function validateDelimiter(name: string, delimiter: string, base: NumberBase): void {
  if (typeof delimiter !== 'string' || delimiter.length === 0) throw new TypeError(`"${name}" must be a non-empty string`);
  if (/[\r\n]/.test(delimiter)) throw new TypeError(`"${name}" must not contain a line ending`);
  // A delimiter made of digits would be indistinguishable from the numbers around it.
  if ([...delimiter].some((character) => digitPatterns[base].test(character))) throw new TypeError(`"${name}" must not contain ${base} digits`);
}

function validateOptions(options: PcProxLineOptions): void {
  switch (options.kind) {
    case 'cardId':
      if (options.base !== 'decimal' && options.base !== 'hex') throw new TypeError('"base" must be "decimal" or "hex"');
      if (options.facilityDelimiter !== null) validateDelimiter('facilityDelimiter', options.facilityDelimiter, options.base);
      return;
    case 'rawWiegand': {
      const { bitCount, formats } = options;
      if ('fixed' in bitCount) {
        if (!Number.isInteger(bitCount.fixed) || bitCount.fixed < 1 || bitCount.fixed > maxWiegandBits) {
          throw new TypeError(`"bitCount.fixed" must be an integer from 1 to ${maxWiegandBits}`);
        }
      } else {
        validateDelimiter('bitCount.delimiter', bitCount.delimiter, 'hex');
      }
      if (!Array.isArray(formats) || formats.length === 0 || !formats.every((format) => wiegandFormats.includes(format))) {
        throw new TypeError(`"formats" must list one or more of ${wiegandFormats.join(', ')}`);
      }
      return;
    }
    default: {
      const unhandled: never = options;
      throw new TypeError(`unknown pcProx line kind: ${String(unhandled)}`);
    }
  }
}

function parseCardIdLine(body: string, base: NumberBase, delimiter: string | null): ParseResult<PcProxRead, PcProxErrorKind> {
  const digits = digitPatterns[base];
  if (delimiter === null) {
    if (!digits.test(body)) return refused('invalidDigits', `The card id is not ${base} digits`);
    return parsed({ kind: 'cardId', facilityCode: null, cardId: toBigInt(body, base) });
  }
  const at = body.indexOf(delimiter);
  if (at === -1) return refused('missingDelimiter', 'The line has no delimiter between facility code and card id');
  const facilityText = body.slice(0, at);
  const cardText = body.slice(at + delimiter.length);
  if (!digits.test(facilityText)) return refused('invalidDigits', `The facility code is not ${base} digits`);
  if (!digits.test(cardText)) return refused('invalidDigits', `The card id is not ${base} digits`);
  return parsed({ kind: 'cardId', facilityCode: toBigInt(facilityText, base), cardId: toBigInt(cardText, base) });
}

function parseRawWiegandLine(body: string, options: Extract<PcProxLineOptions, { kind: 'rawWiegand' }>): ParseResult<PcProxRead, PcProxErrorKind> {
  let length: number;
  let hex: string;
  if ('fixed' in options.bitCount) {
    length = options.bitCount.fixed;
    hex = body;
  } else {
    const at = body.indexOf(options.bitCount.delimiter);
    if (at === -1) return refused('missingDelimiter', 'The line has no delimiter between bit count and bits');
    const countText = body.slice(0, at);
    hex = body.slice(at + options.bitCount.delimiter.length);
    length = digitPatterns.decimal.test(countText) && countText.length <= 3 ? Number(countText) : 0;
    if (length < 1 || length > maxWiegandBits) return refused('invalidBitCount', `The bit count is not a number from 1 to ${maxWiegandBits}`);
  }
  if (!digitPatterns.hex.test(hex)) return refused('invalidDigits', 'The Wiegand bits are not hex digits');
  const format = wiegandFormatForLength(length, options.formats);
  if (format === null) return refused('unsupportedWiegandLength', `No configured Wiegand format has ${length} bits`);
  const decoded = decodeWiegand({ value: toBigInt(hex, 'hex'), length }, format);
  return decoded.ok ? parsed({ kind: 'wiegand', credential: decoded.value }) : decoded;
}

/**
 * A parser for one reader's lines. Throws a TypeError for invalid options (a site config error, caught at
 * start); the parser it returns never throws. A trailing CR, LF or CR LF is ignored; nothing else is trimmed.
 */
export function createPcProxLineParser(options: PcProxLineOptions): PcProxLineParser {
  validateOptions(options);
  return (line) => {
    if (typeof line !== 'string') return refused('emptyLine', 'No line');
    if (line.length > maxLineLength) return refused('lineTooLong', `A badge line has at most ${maxLineLength} characters`);
    const body = line.replace(lineEnding, '');
    if (body.length === 0) return refused('emptyLine', 'The line is empty');
    switch (options.kind) {
      case 'cardId':
        return parseCardIdLine(body, options.base, options.facilityDelimiter);
      case 'rawWiegand':
        return parseRawWiegandLine(body, options);
      default: {
        const unhandled: never = options;
        return refused('emptyLine', `unknown pcProx line kind: ${String(unhandled)}`);
      }
    }
  };
}
