// The input report of a MagTek-style USB HID magstripe reader (vendor usage page 0xFF00): one report per
// swipe, sent even when nothing decoded. Layout, per MagTek's "USB HID Swipe Reader" technical reference:
//
//   0–2  decode status of tracks 1, 2, 3 (bit 0 set = decode error; bits 1–7 reserved)
//   3–5  valid data length of tracks 1, 2, 3
//   6    card encode type
//   7…   three fixed-size track fields (110 bytes each on the 337-byte report); bytes past a track's
//        length are undefined and ignored. Each track is ASCII from start sentinel through end sentinel.
//
// Field sizes differ by model (the MagnePrint reader uses 112-byte fields, the insertion reader adds a card
// status byte after track 3), so track data is always located from the header's length bytes, and the field
// size is either given by the driver for its model or derived from a report that holds exactly three fields.
import { parsed, refused, type ParseResult } from './parse-result';

/** Byte 6. MagTek also defines 2 (CADL, obsolete) and 6 (none: never sent in a swipe report), as docs/readers.md §3 "HID magstripe" says. */
export type MagtekCardEncodeType = 'isoAba' | 'aamva' | 'cadl' | 'blank' | 'other' | 'undetermined' | 'none' | 'unknown';

export type MagtekTrack =
  | { readonly status: 'read'; /** The track's ASCII, sentinels included. Secret: never log it. */ readonly text: string }
  | { readonly status: 'decodeError' } // the reader saw a track it could not decode
  | { readonly status: 'empty' }; // nothing on that track

export interface MagtekReport {
  readonly tracks: readonly [MagtekTrack, MagtekTrack, MagtekTrack];
  readonly cardEncodeType: MagtekCardEncodeType;
  /** Byte 6 as sent, for diagnostics when the type is 'unknown'. */
  readonly cardEncodeTypeCode: number;
  readonly fieldSize: number;
}

export type MagtekReportErrorKind =
  | 'reportTooShort' // shorter than the header and three fields
  | 'unexpectedReportLength' // without a configured field size, the report does not split into three equal fields
  | 'trackLengthBeyondField' // a length byte larger than its field: a different model or a corrupt report
  | 'unprintableTrackData'; // bytes outside printable ASCII inside a track's length

export interface MagtekReportOptions {
  /** Bytes per track field for this model. Omitted: (report length − 7) / 3, which must be whole. */
  readonly fieldSize?: number;
}

const headerLength = 7;
const trackCount = 3;
const statusErrorBit = 0x01;
const firstPrintable = 0x20;
const lastPrintable = 0x7e;
/** A length byte describes at most 255 bytes, so a larger field only pads; this bound only catches nonsense options. */
const maxFieldSize = 4096;

const encodeTypeByCode: readonly MagtekCardEncodeType[] = ['isoAba', 'aamva', 'cadl', 'blank', 'other', 'undetermined', 'none'];

function encodeTypeFor(code: number): MagtekCardEncodeType {
  return encodeTypeByCode[code] ?? 'unknown';
}

function validateFieldSize(fieldSize: number): void {
  if (!Number.isInteger(fieldSize) || fieldSize < 1 || fieldSize > maxFieldSize) {
    throw new TypeError(`"fieldSize" must be an integer from 1 to ${maxFieldSize}: ${String(fieldSize)}`);
  }
}

function resolveFieldSize(report: Uint8Array, options: MagtekReportOptions): ParseResult<number, 'reportTooShort' | 'unexpectedReportLength'> {
  if (options.fieldSize !== undefined) {
    if (report.length < headerLength + trackCount * options.fieldSize) {
      return refused(
        'reportTooShort',
        `A report with ${options.fieldSize}-byte fields has at least ${headerLength + trackCount * options.fieldSize} bytes, this one ${report.length}`,
      );
    }
    return parsed(options.fieldSize);
  }
  const fieldBytes = report.length - headerLength;
  if (fieldBytes < trackCount) return refused('reportTooShort', `A report has at least ${headerLength + trackCount} bytes, this one ${report.length}`);
  if (fieldBytes % trackCount !== 0) {
    return refused('unexpectedReportLength', `A ${report.length}-byte report does not hold three equal track fields: configure the model's field size`);
  }
  return parsed(fieldBytes / trackCount);
}

function isPrintable(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte >= firstPrintable && byte <= lastPrintable);
}

/**
 * Reads one input report (the bytes node-hid returns, without a report id: these readers use none).
 * Never throws on report bytes; throws a TypeError only for an invalid fieldSize option.
 */
export function parseMagtekReport(report: Uint8Array, options: MagtekReportOptions = {}): ParseResult<MagtekReport, MagtekReportErrorKind> {
  if (options.fieldSize !== undefined) validateFieldSize(options.fieldSize);
  if (!(report instanceof Uint8Array)) return refused('reportTooShort', 'No report bytes');
  const resolved = resolveFieldSize(report, options);
  if (!resolved.ok) return resolved;
  const fieldSize = resolved.value;
  const tracks: MagtekTrack[] = [];
  for (let index = 0; index < trackCount; index += 1) {
    const status = report[index] ?? 0;
    const length = report[trackCount + index] ?? 0;
    if (length > fieldSize) {
      return refused('trackLengthBeyondField', `Track ${index + 1} claims ${length} bytes in a ${fieldSize}-byte field`);
    }
    if ((status & statusErrorBit) !== 0) {
      tracks.push({ status: 'decodeError' });
      continue;
    }
    if (length === 0) {
      tracks.push({ status: 'empty' });
      continue;
    }
    const start = headerLength + index * fieldSize;
    const data = report.subarray(start, start + length);
    if (!isPrintable(data)) return refused('unprintableTrackData', `Track ${index + 1} holds bytes outside printable ASCII`);
    tracks.push({ status: 'read', text: Buffer.from(data).toString('latin1') });
  }
  const [track1, track2, track3] = tracks as [MagtekTrack, MagtekTrack, MagtekTrack];
  const code = report[headerLength - 1] ?? 0;
  return parsed({ tracks: [track1, track2, track3], cardEncodeType: encodeTypeFor(code), cardEncodeTypeCode: code, fieldSize });
}

export interface EncodeMagtekReportOptions {
  readonly fieldSize: number;
  /** Default 'isoAba'. 'unknown' has no code of its own. */
  readonly cardEncodeType?: Exclude<MagtekCardEncodeType, 'unknown'>;
}

/**
 * The report a reader would send for these tracks, for the simulator and tests. Unused field bytes are zero.
 * Throws a RangeError for a track the field cannot hold, or a 'read' track that is empty or not printable ASCII.
 */
export function encodeMagtekReport(tracks: readonly [MagtekTrack, MagtekTrack, MagtekTrack], options: EncodeMagtekReportOptions): Uint8Array {
  const { fieldSize, cardEncodeType = 'isoAba' } = options;
  validateFieldSize(fieldSize);
  const report = new Uint8Array(headerLength + trackCount * fieldSize);
  tracks.forEach((track, index) => {
    switch (track.status) {
      case 'read': {
        const bytes = Buffer.from(track.text, 'latin1');
        if (bytes.length === 0 || bytes.length > fieldSize || !isPrintable(bytes) || bytes.toString('latin1') !== track.text) {
          throw new RangeError(`track ${index + 1} must be 1 to ${fieldSize} printable ASCII characters`);
        }
        report[trackCount + index] = bytes.length;
        report.set(bytes, headerLength + index * fieldSize);
        break;
      }
      case 'decodeError':
        report[index] = statusErrorBit;
        break;
      case 'empty':
        break;
      default: {
        const unhandled: never = track;
        throw new TypeError(`unknown track status: ${String(unhandled)}`);
      }
    }
  });
  report[headerLength - 1] = encodeTypeByCode.indexOf(cardEncodeType);
  return report;
}
