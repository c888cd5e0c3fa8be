// Cuts a reader's byte stream into frames at a configured suffix, incrementally and without I/O.
// A frame is every byte between two suffixes: the optional prefix, then the payload. Memory stays bounded
// whatever arrives: a run longer than maxFrameLength is rejected once and dropped up to the next suffix.
//
// Decisions worth knowing:
// - Payloads are printable ASCII (0x20–0x7E). Badge and wristband ids are ASCII; high or control bytes
//   mean line noise or a wrong baud rate, and accepting them would let that noise reach the id rules.
// - With a prefix configured, a frame that does not start with it is rejected as 'unprintable' (garbage):
//   it is a fragment (the port opened mid-frame) or noise, not a read. The rejection codes in
//   reader.ts have no closer match; with an empty prefix nothing is ever missing.
import type { ReadRejectionReason } from '../reader';

export interface FrameSplitterOptions {
  /** Bytes the reader sends before each read; '' for none. */
  readonly prefix?: string;
  /** Bytes that end each read, e.g. '\r', '\r\n', '\x1d'. Never empty: it is the only frame boundary. */
  readonly suffix: string;
  /** Most bytes between two suffixes (prefix included, suffix not). */
  readonly maxFrameLength: number;
}

export type FramingRejectionReason = Extract<ReadRejectionReason, 'oversizeFrame' | 'unprintable' | 'emptyFrame'>;

export type FramingResult =
  | { readonly kind: 'frame'; /** The payload without prefix and suffix. Secret: never log it. */ readonly text: string }
  | { readonly kind: 'rejected'; readonly reason: FramingRejectionReason };

export interface FrameSplitter {
  /** Feeds the next chunk; returns the frames and rejections it completed, in order. Never throws. */
  push(chunk: Uint8Array): FramingResult[];
  /** Bytes held for an unfinished frame; at most maxFrameLength + suffix length. */
  bufferedLength(): number;
  /** Drops a partial frame, e.g. after a reconnect, so it cannot join the next read. */
  reset(): void;
}

const firstPrintable = 0x20;
const lastPrintable = 0x7e;

function validateOptions(options: FrameSplitterOptions): void {
  const { prefix = '', suffix, maxFrameLength } = options;
  if (typeof prefix !== 'string') throw new TypeError('"prefix" must be a string');
  if (typeof suffix !== 'string' || suffix.length === 0) throw new TypeError('"suffix" must be a non-empty string');
  if (!Number.isInteger(maxFrameLength) || maxFrameLength < 1) {
    throw new TypeError(`"maxFrameLength" must be a positive integer: ${String(maxFrameLength)}`);
  }
  // A suffix inside the prefix would end every frame before its payload: every read would be rejected.
  if (prefix.includes(suffix)) throw new TypeError('"prefix" must not contain the suffix');
  if (Buffer.byteLength(prefix) >= maxFrameLength) throw new TypeError('"maxFrameLength" must leave room for a payload after the prefix');
}

function isPrintableAscii(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte >= firstPrintable && byte <= lastPrintable);
}

function startsWith(bytes: Uint8Array, start: Uint8Array): boolean {
  return bytes.length >= start.length && start.every((byte, index) => bytes[index] === byte);
}

export function createFrameSplitter(options: FrameSplitterOptions): FrameSplitter {
  validateOptions(options);
  const prefix = Buffer.from(options.prefix ?? '');
  const suffix = Buffer.from(options.suffix);
  const { maxFrameLength } = options;
  // Room for a full frame and its suffix: a suffix is recognised the moment its last byte arrives.
  const pending = new Uint8Array(maxFrameLength + suffix.length);
  let pendingLength = 0;
  // After an oversize rejection: drop bytes until the next suffix, keeping only a possible partial suffix.
  let discarding = false;

  function endsWithSuffix(): boolean {
    if (pendingLength < suffix.length) return false;
    const offset = pendingLength - suffix.length;
    return suffix.every((byte, index) => pending[offset + index] === byte);
  }

  function classify(frame: Uint8Array): FramingResult {
    if (frame.length === 0) return { kind: 'rejected', reason: 'emptyFrame' };
    if (!startsWith(frame, prefix)) return { kind: 'rejected', reason: 'unprintable' };
    const payload = frame.subarray(prefix.length);
    if (payload.length === 0) return { kind: 'rejected', reason: 'emptyFrame' };
    if (!isPrintableAscii(payload)) return { kind: 'rejected', reason: 'unprintable' };
    return { kind: 'frame', text: Buffer.from(payload).toString('latin1') };
  }

  /** Keeps the last suffix.length - 1 bytes: the most that can still become a suffix. */
  function keepPossibleSuffixStart(): void {
    const keep = Math.min(pendingLength, suffix.length - 1);
    pending.copyWithin(0, pendingLength - keep, pendingLength);
    pendingLength = keep;
  }

  function pushByte(byte: number, results: FramingResult[]): void {
    pending[pendingLength] = byte;
    pendingLength += 1;
    if (endsWithSuffix()) {
      if (!discarding) results.push(classify(pending.subarray(0, pendingLength - suffix.length)));
      discarding = false;
      pendingLength = 0;
      return;
    }
    if (discarding) {
      keepPossibleSuffixStart();
    } else if (pendingLength === pending.length) {
      // No suffix yet, so at least maxFrameLength + 1 of these bytes are frame: too long, whatever follows.
      results.push({ kind: 'rejected', reason: 'oversizeFrame' });
      discarding = true;
      keepPossibleSuffixStart();
    }
  }

  return {
    push(chunk) {
      const results: FramingResult[] = [];
      for (const byte of chunk) pushByte(byte, results);
      return results;
    },
    bufferedLength: () => pendingLength,
    reset() {
      pendingLength = 0;
      discarding = false;
    },
  };
}
