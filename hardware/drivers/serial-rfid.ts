// RFID badge reader on a serial port (pcProx-style, RS-232 or USB-CDC): one ASCII line per badge, ended by
// CR, LF or CR LF, read with the pcProx line parser in the form the site config names. Opening, reopening
// with backoff across unplugs, health and events are the shared serial plumbing in serial-line-port.ts.
//
// Each good read becomes a ScanFrame whose text is the badge in one canonical form, whatever the reader's
// settings: decimal, `facilityCode:cardNumber` (or the card number alone when the reader sends no facility
// code). Raw Wiegand lines are decoded and checked (parity, length) first and normalized the same way. So a
// staff rule such as `42:(\d+)` means "facility code 42, id = card number" whether the reader writes
// `42:12345`, `2A:3039` or the 26-bit frame, and switching the reader's output mode does not change the rules.
//
// Card data never goes into errors, details, health or rejection counts: only the `scan` event carries it.
import { createFrameSplitter, type FramingRejectionReason } from '../parsers/frame-splitter';
import { createPcProxLineParser, type PcProxErrorKind, type PcProxLineOptions, type PcProxRead } from '../parsers/pcprox';
import type { CredentialReader, ReadRejectionReason } from '../reader';
import { createSerialReader, serialLocationOf, type SerialReaderOptions, type UsbSerialId } from './serial-line-port';

export const serialRfidKind = 'serialRfid';
/** The factory setting of pcProx-style serial readers. */
export const defaultSerialRfidBaudRate = 9600;
const rfidFormat = 'rfid';
/**
 * Longest line accepted, the same bound as the pcProx parser's: longer than any badge line (a 128-bit id
 * in hex with a facility code fits). Anything longer is a flood or a wrong baud rate and is dropped by the
 * framing, so memory stays bounded whatever arrives.
 */
const maxBadgeLineLength = 80;
const carriageReturn = 0x0d;
const lineFeed = 0x0a;

/** The reader's entry in the site config (hardware/reader-config.ts's `serialRfid`), with the fields the driver reads. */
export interface SerialRfidConfig {
  readonly id: string;
  readonly kind: typeof serialRfidKind;
  /** A fixed path, best a stable one such as /dev/serial/by-id/... */
  readonly path?: string | undefined;
  /** Or the reader's USB ids, looked up on every (re)open. */
  readonly usb?: UsbSerialId | undefined;
  /** Default 9600 (8N1 always). */
  readonly baudRate?: number;
  /** What the reader is set to send: card ids (base, facility delimiter) or raw Wiegand frames. */
  readonly line: PcProxLineOptions;
}

export type SerialRfidOptions = SerialReaderOptions;

/**
 * Why a line was not a badge, in more detail than the `rejected` event's ReadRejectionReason can say:
 * framing problems (too long, control bytes, empty) and the pcProx parser's kinds (no delimiter, not
 * digits of the base, parity error, unsupported Wiegand length, ...).
 */
export type SerialRfidRejectionReason = FramingRejectionReason | PcProxErrorKind;

/**
 * The event's reason for a parser's: the pcProx parser's empty and overlong lines are the framing codes every
 * line reader uses; the rest are the RFID codes of ReadRejectionReason by the same name.
 */
export function rejectionReasonForEvent(reason: SerialRfidRejectionReason): ReadRejectionReason {
  switch (reason) {
    case 'lineTooLong':
      return 'oversizeFrame';
    case 'emptyLine':
      return 'emptyFrame';
    default:
      return reason;
  }
}

/** The canonical frame text for a badge: decimal `facilityCode:cardNumber`, or the card number alone. */
export function badgeFrameText(read: PcProxRead): string {
  switch (read.kind) {
    case 'cardId':
      return read.facilityCode === null ? read.cardId.toString(10) : `${read.facilityCode.toString(10)}:${read.cardId.toString(10)}`;
    case 'wiegand':
      return `${read.credential.facilityCode}:${read.credential.cardNumber}`;
    default: {
      const unhandled: never = read;
      throw new TypeError(`unknown pcProx read: ${String(unhandled)}`);
    }
  }
}

/**
 * Makes the driver. Throws a TypeError for invalid line options or timing options (a site config error,
 * caught at start); after that it never throws on what the reader sends.
 */
export function createSerialRfidReader(config: SerialRfidConfig, options: SerialRfidOptions = {}): CredentialReader {
  const parseLine = createPcProxLineParser(config.line);

  const reader = createSerialReader(
    {
      readerId: config.id,
      kind: serialRfidKind,
      format: rfidFormat,
      location: serialLocationOf(config),
      baudRate: config.baudRate ?? defaultSerialRfidBaudRate,
      createDecoder(sink) {
        // Readers end lines with CR, LF or CR LF. Every line end becomes CR for the splitter, and the LF of a
        // CR LF is dropped so it does not end a second, empty line.
        const splitter = createFrameSplitter({ suffix: '\r', maxFrameLength: maxBadgeLineLength });
        // Deliberately kept across reset(): its only effect is to drop one LF right after a CR, and an LF is
        // never card data, so a CR LF split by a quiet line or a reconnect still ends just one line.
        let afterCarriageReturn = false;

        function reject(reason: SerialRfidRejectionReason): void {
          sink.reject(rejectionReasonForEvent(reason));
        }

        function handleLine(line: string): void {
          const result = parseLine(line);
          if (result.ok) sink.scan(badgeFrameText(result.value), null);
          else reject(result.error.kind);
        }

        function normalizeLineEnds(chunk: Buffer): Buffer {
          const bytes: number[] = [];
          for (const byte of chunk) {
            if (byte === lineFeed && afterCarriageReturn) {
              afterCarriageReturn = false;
              continue;
            }
            afterCarriageReturn = byte === carriageReturn;
            bytes.push(byte === lineFeed ? carriageReturn : byte);
          }
          return Buffer.from(bytes);
        }

        return {
          push(chunk) {
            for (const result of splitter.push(normalizeLineEnds(chunk))) {
              switch (result.kind) {
                case 'frame':
                  handleLine(result.text);
                  break;
                case 'rejected':
                  reject(result.reason);
                  break;
                default: {
                  const unhandled: never = result;
                  void unhandled;
                }
              }
            }
          },
          reset: () => splitter.reset(),
        };
      },
    },
    options,
  );

  return reader;
}
