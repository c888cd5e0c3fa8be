// Magnetic stripe tracks (ISO/IEC 7811 encoding, ISO/IEC 7813 financial layout) as readers send them in
// ASCII: `%`…`?` for track 1, `;`…`?` for track 2, `+`…`?` for track 3, each optionally followed by its
// LRC character. Pure and never throwing on reader input; the test vectors and the LRC rule are in test/unit/hardware/iso7813.test.ts.
//
// Decisions worth knowing:
// - The end sentinel is the FIRST `?` after the start sentinel: `?` cannot occur in track data, but the
//   LRC after it can be any character of the track's set, `?` and the start sentinels included. So a track
//   is never split on `?`; parseKeyboardSwipe decides per track whether the character after `?` is an LRC.
// - LRC: each character has a value in its track's code (track 1: ASCII − 0x20, 6 bits; tracks 2 and 3:
//   ASCII − 0x30, 4 bits). The LRC is the XOR of those values from start sentinel through end sentinel,
//   written back as a character of the same set. XOR-ing the raw ASCII codes gives a different answer
//   (0x0E instead of `>` for the Authorize.Net track 2 vector), which is why the values are used. Checked
//   against the DataCard CP80 service manual's worked track 1 example and MagTek's TTL reader manual.
// - Track 3 uses the same 5-bit code as track 2; readers print its start sentinel as `+` to tell it apart,
//   but on the card it is the `;` code (0x0B), so that value enters the LRC.
// - The track structure (readTrack) is separate from the financial layout (parseTrack1/parseTrack2):
//   facility ID cards often carry a bare number on track 2 (`;123456?`), which is a good track but not an
//   ISO 7813 record. The site's rules decide which track and pattern identify a person.
// - Expiry `0000` is accepted as "zero-filled" (private-label cards such as the jquery.cardswipe test card
//   use it); any other month outside 01–12 is refused.
import { parsed, refused, type ParseError, type ParseResult } from './parse-result';

export type TrackNumber = 1 | 2 | 3;

/** Whether the reader sent the LRC character. A sent LRC that does not match is an error, never a status. */
export type LrcCheck = 'absent' | 'matched';

/** A track whose sentinels, characters, length and LRC are sound, whatever its data means. */
export interface RawTrack {
  readonly trackNumber: TrackNumber;
  /** Everything between the sentinels (track 1's format code included). Secret: never log it. */
  readonly data: string;
  readonly lrc: LrcCheck;
}

export type TrackErrorKind =
  | 'empty'
  | 'missingStartSentinel' // not `%`, `;` or `+` first
  | 'missingEndSentinel' // half a swipe, or a keyboard layout that turned `?` into something else
  | 'readFailed' // a keyboard-mode reader's `%E?` / `;E?` / `+E?`: the track was there but did not decode
  | 'tooLong'
  | 'invalidCharacter' // outside the track's character set, or a sentinel inside the data
  | 'lrcMismatch'
  | 'textAfterLrc'; // more than one character after the end sentinel

export interface CardholderName {
  /** Before the `/`, trimmed of the space padding. */
  readonly surname: string;
  /** After the `/` (given names, initials, title), trimmed; '' when the name has no `/`. */
  readonly firstName: string;
}

export type CardExpiry =
  | { readonly kind: 'date'; /** As encoded: 18 means 2018 on a bank card. */ readonly twoDigitYear: number; readonly month: number }
  | { readonly kind: 'notEncoded' } // a field separator stands in its place
  | { readonly kind: 'zeroFilled' }; // `0000`

export interface Track1 {
  readonly trackNumber: 1;
  readonly formatCode: 'B';
  /** Secret: never log it. */
  readonly primaryAccountNumber: string;
  readonly name: CardholderName;
  readonly expiry: CardExpiry;
  /** Three digits, or null when a field separator stands in its place. */
  readonly serviceCode: string | null;
  readonly discretionaryData: string;
  readonly lrc: LrcCheck;
}

export interface Track2 {
  readonly trackNumber: 2;
  /** Secret: never log it. */
  readonly primaryAccountNumber: string;
  readonly expiry: CardExpiry;
  readonly serviceCode: string | null;
  readonly discretionaryData: string;
  readonly lrc: LrcCheck;
}

export interface Track3 extends RawTrack {
  readonly trackNumber: 3;
}

type FieldErrorKind = 'wrongTrack' | 'missingFieldSeparator' | 'invalidAccountNumber' | 'invalidExpiry' | 'invalidServiceCode';
export type Track1ErrorKind = TrackErrorKind | FieldErrorKind | 'unsupportedFormatCode' | 'invalidName';
export type Track2ErrorKind = TrackErrorKind | FieldErrorKind;
export type Track3ErrorKind = TrackErrorKind | 'wrongTrack';

/** How one track is written: its sentinel, its character code and ISO 7811's maximum length. */
interface TrackLayout {
  readonly trackNumber: TrackNumber;
  readonly startSentinel: string;
  /** The ASCII code of the character whose value is 0 in this track's code. */
  readonly firstCode: number;
  /** 64 for the 6-bit alphanumeric code of track 1, 16 for the 5-bit numeric code of tracks 2 and 3. */
  readonly valueCount: number;
  readonly fieldSeparator: string;
  /** Characters from start sentinel through LRC. The LRC counts even when the reader does not send it. */
  readonly maxLength: number;
  /** The start sentinel's value on the card: track 3's `+` is written with the `;` code. */
  readonly startSentinelValue: number;
}

const endSentinel = '?';
const failedTrackMarker = 'E';

const track1Layout: TrackLayout = {
  trackNumber: 1,
  startSentinel: '%',
  firstCode: 0x20,
  valueCount: 64,
  fieldSeparator: '^',
  maxLength: 79,
  startSentinelValue: 0x05,
};
const track2Layout: TrackLayout = {
  trackNumber: 2,
  startSentinel: ';',
  firstCode: 0x30,
  valueCount: 16,
  fieldSeparator: '=',
  maxLength: 40,
  startSentinelValue: 0x0b,
};
// ISO/IEC 4909 gives track 3 up to 107 characters (docs/readers.md §8 "ISO 7813 tracks"); no vector tests it.
const track3Layout: TrackLayout = {
  trackNumber: 3,
  startSentinel: '+',
  firstCode: 0x30,
  valueCount: 16,
  fieldSeparator: '=',
  maxLength: 107,
  startSentinelValue: 0x0b,
};

function layoutForStartSentinel(character: string): TrackLayout | null {
  switch (character) {
    case '%':
      return track1Layout;
    case ';':
      return track2Layout;
    case '+':
      return track3Layout;
    default:
      return null;
  }
}

/** The character's value in the track's code, or null when the code has no such character. */
function characterValue(layout: TrackLayout, text: string, index: number): number | null {
  const value = text.charCodeAt(index) - layout.firstCode;
  return value >= 0 && value < layout.valueCount ? value : null;
}

/** True for a character that may stand between the sentinels: in the code, and not one of the code's sentinels. */
function isDataCharacter(layout: TrackLayout, text: string, index: number): boolean {
  const value = characterValue(layout, text, index);
  return value !== null && value !== layout.startSentinelValue && value !== endSentinelValue(layout);
}

function endSentinelValue(layout: TrackLayout): number {
  return endSentinel.charCodeAt(0) - layout.firstCode;
}

/** The LRC of start sentinel + data + end sentinel, or null when a character is outside the track's code. */
function lrcCharacter(layout: TrackLayout, data: string): string | null {
  let lrc = layout.startSentinelValue;
  for (let index = 0; index < data.length; index += 1) {
    const value = characterValue(layout, data, index);
    if (value === null) return null;
    lrc ^= value;
  }
  lrc ^= endSentinelValue(layout);
  return String.fromCharCode(lrc + layout.firstCode);
}

/**
 * Checks one track as a reader sends it: start sentinel, data, end sentinel, optional LRC. Nothing may
 * follow (framing and line endings are the driver's business). Never throws.
 */
export function readTrack(text: string): ParseResult<RawTrack, TrackErrorKind> {
  if (typeof text !== 'string' || text.length === 0) return refused('empty', 'No track text');
  const layout = layoutForStartSentinel(text.charAt(0));
  if (layout === null) return refused('missingStartSentinel', 'A track starts with %, ; or +');
  const track = `Track ${layout.trackNumber}`;
  const endIndex = text.indexOf(endSentinel, 1);
  if (endIndex === -1) return refused('missingEndSentinel', `${track} has no end sentinel: half a swipe, or a keyboard layout that changes ?`);
  const data = text.slice(1, endIndex);
  const afterEnd = text.slice(endIndex + 1);
  if (afterEnd.length > 1) return refused('textAfterLrc', `${track} is followed by more than an LRC character`);
  if (data === failedTrackMarker) return refused('readFailed', `The reader could not decode ${track.toLowerCase()}`);
  // endIndex + 1 characters through the end sentinel, plus the LRC the card carries whether or not it is sent.
  if (endIndex + 2 > layout.maxLength) return refused('tooLong', `${track} is longer than ${layout.maxLength} characters`);
  for (let index = 0; index < data.length; index += 1) {
    if (!isDataCharacter(layout, data, index)) return refused('invalidCharacter', `${track} has a character its code cannot hold at position ${index + 2}`);
  }
  if (afterEnd.length === 1 && afterEnd !== lrcCharacter(layout, data)) return refused('lrcMismatch', `${track}'s LRC character does not match its data`);
  return parsed({ trackNumber: layout.trackNumber, data, lrc: afterEnd.length === 1 ? 'matched' : 'absent' });
}

/** The LRC character for a track from start sentinel through end sentinel. For simulators and tests; throws a TypeError on anything else. */
export function lrcOf(track: string): string {
  const result = readTrack(track);
  if (!result.ok) throw new TypeError(`lrcOf needs a whole track: ${result.error.message}`);
  if (result.value.lrc !== 'absent' || !track.endsWith(endSentinel)) throw new TypeError('lrcOf needs a track without its LRC');
  const layout = layoutForStartSentinel(track.charAt(0));
  const lrc = layout === null ? null : lrcCharacter(layout, result.value.data);
  // readTrack accepted the sentinel and every character, so neither can be null here.
  if (lrc === null) throw new TypeError('lrcOf needs a whole track');
  return lrc;
}

const accountNumberPattern = /^[0-9]{1,19}$/;
const fourDigits = /^[0-9]{4}$/;
const threeDigits = /^[0-9]{3}$/;
const minNameLength = 2;
const maxNameLength = 26;

interface RecordTail {
  readonly expiry: CardExpiry;
  readonly serviceCode: string | null;
  readonly discretionaryData: string;
}

/** Expiry (YYMM or a separator), service code (3 digits or a separator), then discretionary data. */
function parseRecordTail(tail: string, separator: string, track: string): ParseResult<RecordTail, 'invalidExpiry' | 'invalidServiceCode'> {
  let expiry: CardExpiry;
  let position: number;
  if (tail.startsWith(separator)) {
    expiry = { kind: 'notEncoded' };
    position = 1;
  } else {
    const yymm = tail.slice(0, 4);
    if (!fourDigits.test(yymm)) return refused('invalidExpiry', `${track}'s expiry is not four digits (YYMM)`);
    const month = Number(yymm.slice(2));
    if (yymm === '0000') expiry = { kind: 'zeroFilled' };
    else if (month >= 1 && month <= 12) expiry = { kind: 'date', twoDigitYear: Number(yymm.slice(0, 2)), month };
    else return refused('invalidExpiry', `${track}'s expiry month is not 01–12 (the field is YYMM)`);
    position = 4;
  }
  let serviceCode: string | null;
  if (tail.startsWith(separator, position)) {
    serviceCode = null;
    position += 1;
  } else {
    serviceCode = tail.slice(position, position + 3);
    if (!threeDigits.test(serviceCode)) return refused('invalidServiceCode', `${track}'s service code is not three digits`);
    position += 3;
  }
  return parsed({ expiry, serviceCode, discretionaryData: tail.slice(position) });
}

function splitName(field: string): CardholderName {
  const slash = field.indexOf('/');
  if (slash === -1) return { surname: field.trim(), firstName: '' };
  return { surname: field.slice(0, slash).trim(), firstName: field.slice(slash + 1).trim() };
}

function wrongTrack(expected: TrackNumber, actual: TrackNumber): { readonly ok: false; readonly error: ParseError<'wrongTrack'> } {
  return refused('wrongTrack', `Expected track ${expected}, got track ${actual}`);
}

function track1FromRaw(raw: RawTrack): ParseResult<Track1, Track1ErrorKind> {
  if (raw.trackNumber !== 1) return wrongTrack(1, raw.trackNumber);
  const separator = track1Layout.fieldSeparator;
  // Format code B is the financial layout; A is reserved and C–Z are for private layouts, which a site reads raw.
  if (raw.data.charAt(0) !== 'B') return refused('unsupportedFormatCode', 'Track 1 does not use format code B');
  const afterFormatCode = raw.data.slice(1);
  const accountEnd = afterFormatCode.indexOf(separator);
  if (accountEnd === -1) return refused('missingFieldSeparator', 'Track 1 has no ^ after the account number');
  const primaryAccountNumber = afterFormatCode.slice(0, accountEnd);
  if (!accountNumberPattern.test(primaryAccountNumber)) return refused('invalidAccountNumber', 'Track 1 account number is not 1–19 digits');
  const afterAccount = afterFormatCode.slice(accountEnd + 1);
  const nameEnd = afterAccount.indexOf(separator);
  if (nameEnd === -1) return refused('missingFieldSeparator', 'Track 1 has no ^ after the name');
  const nameField = afterAccount.slice(0, nameEnd);
  if (nameField.length < minNameLength || nameField.length > maxNameLength || nameField.trim() === '') {
    return refused('invalidName', `Track 1 name is not ${minNameLength}–${maxNameLength} characters`);
  }
  const tail = parseRecordTail(afterAccount.slice(nameEnd + 1), separator, 'Track 1');
  if (!tail.ok) return tail;
  return parsed({ trackNumber: 1, formatCode: 'B', primaryAccountNumber, name: splitName(nameField), ...tail.value, lrc: raw.lrc });
}

function track2FromRaw(raw: RawTrack): ParseResult<Track2, Track2ErrorKind> {
  if (raw.trackNumber !== 2) return wrongTrack(2, raw.trackNumber);
  const separator = track2Layout.fieldSeparator;
  const accountEnd = raw.data.indexOf(separator);
  if (accountEnd === -1) return refused('missingFieldSeparator', 'Track 2 has no = after the account number');
  const primaryAccountNumber = raw.data.slice(0, accountEnd);
  if (!accountNumberPattern.test(primaryAccountNumber)) return refused('invalidAccountNumber', 'Track 2 account number is not 1–19 digits');
  const tail = parseRecordTail(raw.data.slice(accountEnd + 1), separator, 'Track 2');
  if (!tail.ok) return tail;
  return parsed({ trackNumber: 2, primaryAccountNumber, ...tail.value, lrc: raw.lrc });
}

/** Track 1 in the ISO 7813 financial layout (format code B). Never throws. */
export function parseTrack1(text: string): ParseResult<Track1, Track1ErrorKind> {
  const raw = readTrack(text);
  return raw.ok ? track1FromRaw(raw.value) : raw;
}

/** Track 2 in the ISO 7813 layout (account number `=` expiry service code discretionary). Never throws. */
export function parseTrack2(text: string): ParseResult<Track2, Track2ErrorKind> {
  const raw = readTrack(text);
  return raw.ok ? track2FromRaw(raw.value) : raw;
}

/** Track 3 (`+`…`?`): recognised and checked, its data left to the site's rules. Never throws. */
export function parseTrack3(text: string): ParseResult<Track3, Track3ErrorKind> {
  const raw = readTrack(text);
  if (!raw.ok) return raw;
  const { trackNumber, data, lrc } = raw.value;
  return trackNumber === 3 ? parsed({ trackNumber, data, lrc }) : wrongTrack(3, trackNumber);
}

// ----- Keyboard-mode swipes: several tracks in one burst of keys -----

export type SwipeTrack =
  | {
      readonly status: 'read';
      readonly trackNumber: TrackNumber;
      /** The track as sent, sentinels and LRC included: hand it to parseTrack1/2/3. Secret: never log it. */
      readonly text: string;
      readonly track: RawTrack;
    }
  | { readonly status: 'failed'; readonly trackNumber: TrackNumber } // the reader sent `E` for it
  | { readonly status: 'invalid'; readonly trackNumber: TrackNumber; readonly error: ParseError<TrackErrorKind> };

export interface KeyboardSwipe {
  /** In the order the reader sent them. */
  readonly tracks: readonly SwipeTrack[];
}

export type KeyboardSwipeErrorKind =
  | 'empty'
  | 'tooLong'
  | 'unexpectedText' // characters outside any track: typing, not a swipe
  | 'keyboardLayoutMismatch'; // sentinels garbled by a non-US layout (`;`→`ş`, `?`→`:`)

// All three tracks at their maximum, with room for line endings between them; more is a stuck key or a flood.
const maxSwipeLength = 256;

function isLineBreak(character: string | undefined): boolean {
  return character === '\r' || character === '\n';
}

/** Where a track may end: the end of the text, a line break, or the next track's start sentinel. */
function isTrackBoundary(character: string | undefined): boolean {
  return character === undefined || isLineBreak(character) || layoutForStartSentinel(character) !== null;
}

/**
 * Whether the character after the end sentinel at `endIndex` is the track's LRC. It is when it is the right
 * LRC and a boundary follows it (an LRC may look like a start sentinel, so a match alone is not enough),
 * and when it is not itself a boundary (a wrong LRC: readTrack then reports the mismatch).
 */
function lrcFollows(text: string, trackStart: number, endIndex: number): boolean {
  const next = text[endIndex + 1];
  if (next === undefined) return false;
  const layout = layoutForStartSentinel(text.charAt(trackStart));
  const expected = layout === null ? null : lrcCharacter(layout, text.slice(trackStart + 1, endIndex));
  if (next === expected && isTrackBoundary(text[endIndex + 2])) return true;
  return !isTrackBoundary(next);
}

/** Turkish-Q and similar layouts type `ş` for `;` and `:` for `?`: no track can contain `ş`, and no `?` at all means no track ended. */
function looksLikeWrongKeyboardLayout(text: string): boolean {
  if (/[şŞ]/.test(text)) return true;
  return !text.includes(endSentinel) && /^[%;+]/.test(text) && text.includes(':');
}

function classifyTrack(text: string, trackNumber: TrackNumber): SwipeTrack {
  const result = readTrack(text);
  if (result.ok) return { status: 'read', trackNumber, text, track: result.value };
  if (result.error.kind === 'readFailed') return { status: 'failed', trackNumber };
  return { status: 'invalid', trackNumber, error: result.error };
}

/**
 * Splits what a keyboard-mode magstripe reader typed for one swipe (prefix and suffix already removed)
 * into its tracks. Line breaks between and after tracks are ignored. A track that failed or is damaged is
 * reported in place, so one bad track does not lose the others. Never throws.
 */
export function parseKeyboardSwipe(text: string): ParseResult<KeyboardSwipe, KeyboardSwipeErrorKind> {
  if (typeof text !== 'string') return refused('empty', 'No swipe text');
  if (text.length > maxSwipeLength) return refused('tooLong', `A swipe is at most ${maxSwipeLength} characters`);
  if (looksLikeWrongKeyboardLayout(text)) {
    return refused('keyboardLayoutMismatch', 'The swipe looks typed through a non-US keyboard layout: set the reader or the kiosk to US');
  }
  const tracks: SwipeTrack[] = [];
  let position = 0;
  for (;;) {
    while (isLineBreak(text[position])) position += 1;
    if (position >= text.length) break;
    const layout = layoutForStartSentinel(text.charAt(position));
    if (layout === null) return refused('unexpectedText', 'The swipe has characters outside any track');
    const endIndex = text.indexOf(endSentinel, position + 1);
    if (endIndex === -1) {
      // Half a swipe: the rest is one unfinished track.
      tracks.push(classifyTrack(text.slice(position), layout.trackNumber));
      break;
    }
    const trackEnd = endIndex + 1 + (lrcFollows(text, position, endIndex) ? 1 : 0);
    tracks.push(classifyTrack(text.slice(position, trackEnd), layout.trackNumber));
    position = trackEnd;
  }
  if (tracks.length === 0) return refused('empty', 'The swipe has no tracks');
  return parsed({ tracks });
}

// ----- Encoders, for simulators and tests -----

export interface Track1Fields {
  readonly primaryAccountNumber: string;
  readonly name: CardholderName;
  readonly expiry: CardExpiry;
  readonly serviceCode: string | null;
  readonly discretionaryData: string;
}

export type Track2Fields = Omit<Track1Fields, 'name'>;

export interface EncodeTrackOptions {
  /** Append the LRC character, as readers configured to send it do. Default false, as most readers. */
  readonly withLrc?: boolean;
}

function encodeRecordTail(fields: Track2Fields, separator: string): string {
  const { expiry } = fields;
  let expiryText: string;
  switch (expiry.kind) {
    case 'date':
      expiryText = `${String(expiry.twoDigitYear).padStart(2, '0')}${String(expiry.month).padStart(2, '0')}`;
      break;
    case 'notEncoded':
      expiryText = separator;
      break;
    case 'zeroFilled':
      expiryText = '0000';
      break;
    default: {
      const unhandled: never = expiry;
      throw new TypeError(`unknown expiry: ${String(unhandled)}`);
    }
  }
  return `${expiryText}${fields.serviceCode ?? separator}${fields.discretionaryData}`;
}

function withOptionalLrc(track: string, options: EncodeTrackOptions): string {
  return options.withLrc === true ? `${track}${lrcOf(track)}` : track;
}

function sameExpiry(a: CardExpiry, b: CardExpiry): boolean {
  if (a.kind === 'date' && b.kind === 'date') return a.twoDigitYear === b.twoDigitYear && a.month === b.month;
  return a.kind === b.kind;
}

/** Whether parsing gave back exactly the fields written: a `^` or `=` inside a field would shift the others. */
function sameRecord(written: Track2Fields, read: Track2Fields): boolean {
  return (
    written.primaryAccountNumber === read.primaryAccountNumber &&
    sameExpiry(written.expiry, read.expiry) &&
    written.serviceCode === read.serviceCode &&
    written.discretionaryData === read.discretionaryData
  );
}

/**
 * Writes track 1 as a reader sends it, for simulators and tests. Throws a RangeError for fields the layout
 * cannot hold: the track is parsed back and must give the same fields (names compare trimmed).
 */
export function encodeTrack1(fields: Track1Fields, options: EncodeTrackOptions = {}): string {
  const name = fields.name.firstName === '' ? fields.name.surname : `${fields.name.surname}/${fields.name.firstName}`;
  const track = `%B${fields.primaryAccountNumber}^${name}^${encodeRecordTail(fields, '^')}?`;
  const check = parseTrack1(track);
  if (!check.ok) throw new RangeError(`encodeTrack1: ${check.error.message}`);
  const sameName = check.value.name.surname === fields.name.surname.trim() && check.value.name.firstName === fields.name.firstName.trim();
  if (!sameName || !sameRecord(fields, check.value)) throw new RangeError('encodeTrack1: a field holds a character the layout reserves');
  return withOptionalLrc(track, options);
}

/** Writes track 2 as a reader sends it, for simulators and tests. Throws a RangeError for fields the layout cannot hold. */
export function encodeTrack2(fields: Track2Fields, options: EncodeTrackOptions = {}): string {
  const track = `;${fields.primaryAccountNumber}=${encodeRecordTail(fields, '=')}?`;
  const check = parseTrack2(track);
  if (!check.ok) throw new RangeError(`encodeTrack2: ${check.error.message}`);
  if (!sameRecord(fields, check.value)) throw new RangeError('encodeTrack2: a field holds a character the layout reserves');
  return withOptionalLrc(track, options);
}
