// Wiegand credential formats: the bit frames a badge reader sends for a badge, and the facility (or
// company) code and card number inside. Bits are numbered 1..N from the most significant, the first sent,
// as in docs/readers.md §6 "Wiegand formats" and HID's format descriptions.
//
// Every layout below was checked against a second source, Proxmark3's client/src/wiegand_formats.c
// (RfidResearchGroup/proxmark3), whose positions count from 0 at the first bit:
// - H10301: Pack_H10301 puts CN in bits 1..16 above the last bit and FC in the 8 bits above that, with
//   even parity over the first 12 data bits at the top and odd parity over the last 12 at the bottom.
// - H10304: Pack_H10304 uses set_linear_field(FC, 1, 16), (CN, 17, 19), even parity over positions 1..18
//   into position 0, odd parity over 18..35 into 36: bits 2–17, 18–36, 1 over 2–19, 37 over 19–36.
// - Corporate 1000 (35-bit), Pack_C1k35s: CN in Bot bits 1..20 (our bits 15–34), company id in Bot bits
//   21..31 plus Mid bit 0 (bits 3–14); Mid bit 1 (bit 2) even parity with mask 0xB6DB6DB6 plus Mid bit 0
//   (bits 3,4,6,7,…,33,34); Bot bit 0 (bit 35) odd parity with mask 0x6DB6DB6C plus Mid bits 0–1
//   (bits 2,3,5,6,…,32,33); Mid bit 2 (bit 1) odd parity over everything else, computed last. This matches
//   docs/readers.md §6 exactly, including the order: bit 35 covers bit 2 and bit 1 covers both.
// In every format each bit is covered by at least one parity bit, so any single flipped bit is caught.
import { parsed, refused, type ParseResult } from './parse-result';

export type WiegandFormat = 'H10301' | 'H10304' | 'Corporate1000';

export interface WiegandBits {
  /** The frame as an unsigned number, bit 1 most significant. */
  readonly value: bigint;
  /** Bits in the frame: leading zero bits count. */
  readonly length: number;
}

export interface WiegandCredential {
  readonly format: WiegandFormat;
  /** The facility code; Corporate 1000 calls it the company id. */
  readonly facilityCode: number;
  readonly cardNumber: number;
}

export type WiegandErrorKind =
  | 'invalidBitString' // characters other than 0 and 1
  | 'invalidLength' // not a whole number of bits from 1 to maxWiegandBits
  | 'valueOutOfRange' // negative, or set bits above the frame's length
  | 'wrongLength' // a frame of another length than the format's
  | 'parityError';

/** Longer frames exist (up to 200 bits on some readers) but none of the formats here needs them. */
export const maxWiegandBits = 256;

/** Bits `first`..`first + count - 1`, numbered from 1 at the most significant. */
interface BitField {
  readonly first: number;
  readonly count: number;
}

interface ParityBit {
  readonly position: number;
  /** Even: the covered bits and this one hold an even number of ones. */
  readonly sense: 'even' | 'odd';
  readonly covers: readonly number[];
}

interface FormatLayout {
  readonly length: number;
  readonly facilityCode: BitField;
  readonly cardNumber: BitField;
  /** In the order an encoder must set them: a parity bit may cover one set before it. */
  readonly parity: readonly ParityBit[];
}

function bitRange(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

const layouts: Readonly<Record<WiegandFormat, FormatLayout>> = {
  H10301: {
    length: 26,
    facilityCode: { first: 2, count: 8 },
    cardNumber: { first: 10, count: 16 },
    parity: [
      { position: 1, sense: 'even', covers: bitRange(2, 13) },
      { position: 26, sense: 'odd', covers: bitRange(14, 25) },
    ],
  },
  H10304: {
    length: 37,
    facilityCode: { first: 2, count: 16 },
    cardNumber: { first: 18, count: 19 },
    parity: [
      { position: 1, sense: 'even', covers: bitRange(2, 19) },
      { position: 37, sense: 'odd', covers: bitRange(19, 36) }, // bit 19 counts in both
    ],
  },
  Corporate1000: {
    length: 35,
    facilityCode: { first: 3, count: 12 },
    cardNumber: { first: 15, count: 20 },
    parity: [
      { position: 2, sense: 'even', covers: bitRange(3, 34).filter((bit) => bit % 3 !== 2) }, // 3,4,6,7,…,33,34
      { position: 35, sense: 'odd', covers: bitRange(2, 33).filter((bit) => bit % 3 !== 1) }, // 2,3,5,6,…,32,33
      { position: 1, sense: 'odd', covers: bitRange(2, 35) },
    ],
  },
};

export const wiegandFormats: readonly WiegandFormat[] = ['H10301', 'H10304', 'Corporate1000'];

/** The frame length of a format: 26, 37 or 35. */
export function wiegandLengthOf(format: WiegandFormat): number {
  return layouts[format].length;
}

/** The format of that length among `formats`, or null. The three formats here have distinct lengths. */
export function wiegandFormatForLength(length: number, formats: readonly WiegandFormat[] = wiegandFormats): WiegandFormat | null {
  return formats.find((format) => layouts[format].length === length) ?? null;
}

function bitAt(bits: WiegandBits, position: number): number {
  return Number((bits.value >> BigInt(bits.length - position)) & 1n);
}

function readField(bits: WiegandBits, field: BitField): number {
  const shift = BigInt(bits.length - (field.first + field.count - 1));
  return Number((bits.value >> shift) & ((1n << BigInt(field.count)) - 1n));
}

/** The bit that gives the covered bits the parity's sense. */
function parityBitFor(bits: WiegandBits, parity: ParityBit): number {
  const ones = parity.covers.reduce((sum, position) => sum + bitAt(bits, position), 0);
  return parity.sense === 'even' ? ones % 2 : 1 - (ones % 2);
}

function isValidLength(length: unknown): length is number {
  return typeof length === 'number' && Number.isInteger(length) && length >= 1 && length <= maxWiegandBits;
}

/** A frame from a string of `0` and `1`, first bit first; its length is the string's. Never throws. */
export function wiegandBitsFromString(bitString: string): ParseResult<WiegandBits, 'invalidBitString' | 'invalidLength'> {
  if (typeof bitString !== 'string' || !/^[01]*$/.test(bitString)) return refused('invalidBitString', 'A bit string holds only 0 and 1');
  if (!isValidLength(bitString.length)) return refused('invalidLength', `A frame has 1 to ${maxWiegandBits} bits`);
  return parsed({ value: BigInt(`0b${bitString}`), length: bitString.length });
}

/** The frame as `0` and `1`, first bit first, leading zeros kept. */
export function wiegandBitsToString(bits: WiegandBits): string {
  return bits.value.toString(2).padStart(bits.length, '0');
}

function checkBits(bits: WiegandBits): ParseResult<WiegandBits, 'invalidLength' | 'valueOutOfRange'> {
  if (!isValidLength(bits.length)) return refused('invalidLength', `A frame has 1 to ${maxWiegandBits} bits`);
  if (typeof bits.value !== 'bigint' || bits.value < 0n || bits.value >> BigInt(bits.length) !== 0n) {
    return refused('valueOutOfRange', `The value does not fit in ${bits.length} bits`);
  }
  return parsed(bits);
}

/**
 * Reads a frame in a format: length, then every parity bit, then the fields. `input` is a frame or a bit
 * string. Never throws; a parity error names the failing parity bit, never the card's bits.
 */
export function decodeWiegand(input: WiegandBits | string, format: WiegandFormat): ParseResult<WiegandCredential, WiegandErrorKind> {
  const frame = typeof input === 'string' ? wiegandBitsFromString(input) : checkBits(input);
  if (!frame.ok) return frame;
  const bits = frame.value;
  const layout = layouts[format];
  if (bits.length !== layout.length) return refused('wrongLength', `${format} has ${layout.length} bits, the frame ${bits.length}`);
  for (const parity of layout.parity) {
    if (bitAt(bits, parity.position) !== parityBitFor(bits, parity)) {
      return refused('parityError', `${format} ${parity.sense} parity bit ${parity.position} does not match: a misread or another format`);
    }
  }
  return parsed({ format, facilityCode: readField(bits, layout.facilityCode), cardNumber: readField(bits, layout.cardNumber) });
}

function checkFieldValue(name: string, value: number, field: BitField): void {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** field.count) {
    throw new RangeError(`${name} must be an integer from 0 to ${2 ** field.count - 1}: ${String(value)}`);
  }
}

/** The frame for a credential, parity bits set. For simulators and tests; throws a RangeError for a field the format cannot hold. */
export function encodeWiegand(credential: WiegandCredential): WiegandBits {
  const layout = layouts[credential.format];
  checkFieldValue('facilityCode', credential.facilityCode, layout.facilityCode);
  checkFieldValue('cardNumber', credential.cardNumber, layout.cardNumber);
  const place = (value: number, field: BitField): bigint => BigInt(value) << BigInt(layout.length - (field.first + field.count - 1));
  let bits: WiegandBits = {
    value: place(credential.facilityCode, layout.facilityCode) | place(credential.cardNumber, layout.cardNumber),
    length: layout.length,
  };
  for (const parity of layout.parity) {
    const bit = BigInt(parityBitFor(bits, parity)) << BigInt(layout.length - parity.position);
    bits = { value: bits.value | bit, length: layout.length };
  }
  return bits;
}
