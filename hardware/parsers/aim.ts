// AIM symbology identifiers (ISO/IEC 15424): scanners programmed to send them put `]cm` before the data,
// c naming the symbology and m a modifier. The id lets the site accept only the barcodes its cards carry.
import type { Symbology } from '../reader-config';

export type AimParseError =
  | 'missingIdentifier' // the frame does not start with `]`
  | 'malformedIdentifier'; // `]` then fewer than two characters, or characters an identifier cannot contain

export type AimParseResult =
  | { readonly ok: true; readonly symbology: Symbology; /** The data after the identifier. Secret: never log it. */ readonly data: string }
  | { readonly ok: false; readonly error: AimParseError };

const identifierFlag = ']';
const identifierLength = 3;
// The symbology code is a letter; the modifier a digit or letter (e.g. ]A0, ]Q1, ]d1, ]e0).
const symbologyCodePattern = /^[A-Za-z]$/;
const modifierPattern = /^[0-9A-Za-z]$/;

/** The symbology for an AIM code character. Case matters: `]d` is Data Matrix, `]D` is not. */
function symbologyForCode(code: string): Symbology {
  switch (code) {
    case 'A':
      return 'code39';
    case 'C':
      return 'code128';
    case 'L':
      return 'pdf417';
    case 'Q':
      return 'qr';
    case 'd':
      return 'dataMatrix';
    case 'E':
      return 'eanUpc';
    default:
      return 'other';
  }
}

/** Splits `]cm<data>` into symbology and data. Never throws. */
export function parseAimIdentifier(frameText: string): AimParseResult {
  if (!frameText.startsWith(identifierFlag)) return { ok: false, error: 'missingIdentifier' };
  const code = frameText.charAt(1);
  const modifier = frameText.charAt(2);
  if (!symbologyCodePattern.test(code) || !modifierPattern.test(modifier)) return { ok: false, error: 'malformedIdentifier' };
  return { ok: true, symbology: symbologyForCode(code), data: frameText.slice(identifierLength) };
}

/**
 * The identifier a scanner sends for a symbology, with the modifier common for ID cards (plain Code 39 and
 * Code 128, QR model 2, Data Matrix ECC 200). For simulators and tests; `]X0` is AIM's "other barcode".
 */
export function aimIdentifierFor(symbology: Symbology): string {
  switch (symbology) {
    case 'code39':
      return ']A0';
    case 'code128':
      return ']C0';
    case 'pdf417':
      return ']L0';
    case 'qr':
      return ']Q1';
    case 'dataMatrix':
      return ']d1';
    case 'eanUpc':
      return ']E0';
    case 'other':
      return ']X0';
    default: {
      const unhandled: never = symbology;
      throw new TypeError(`unknown symbology: ${String(unhandled)}`);
    }
  }
}
