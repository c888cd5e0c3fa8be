// A card reader or barcode scanner in keyboard mode ("wedge"). It has no device of its own to open: it types its
// reads into the keyboard stream, and whichever shell owns that stream runs the detector
// (hardware/keyboard/wedge-detector.ts) — the Electron main process in its before-input-event filter, or the page
// under the web host. The shell hands each frame here (acceptFrame) and each burst that was faster than a person but
// not a read (rejectBurst); this driver turns them into the same events and health as every other reader.
//
// Frame text is secret like every read: it goes into the `scan` event and nowhere else (not into errors, details or
// health).
import type { ReaderConfig } from '../reader-config';
import { isCharacterKey, type WedgeDetectorOptions } from '../keyboard/wedge-detector';
import type { CredentialReader, ReaderHealth, ReadRejectionReason } from '../reader';
import { createReaderEventHub } from './reader-event-hub';

export type KeyboardWedgeConfig = Extract<ReaderConfig, { kind: 'keyboardWedge' }>;

/** What a shell's detector reports besides frames: a reader-like release it did not type into a field. */
export type RejectedBurstReason = Extract<ReadRejectionReason, 'unframedBurst' | 'oversizeFrame'>;

export interface KeyboardWedgeReader extends CredentialReader {
  /** The detector settings the shell must run, as the site file gave them. */
  readonly settings: WedgeDetectorOptions;
  /**
   * A frame the shell's detector took off the keyboard: becomes a `scan` (format 'keyboard', no symbology). Text that
   * no reader could have sent under these settings (empty, longer than maxFrameLength, control characters) is a bad
   * read instead: the text may have come over a WebSocket, so it is checked, not trusted.
   */
  acceptFrame(text: string): void;
  /** A burst faster than a person that was not a read: counted as a bad read, a `rejected` event. */
  rejectBurst(reason: RejectedBurstReason): void;
}

export interface KeyboardWedgeOptions {
  /** Clock for health().lastEventAt. Default Date.now. */
  readonly now?: () => number;
  /** Told when an event listener throws; the driver carries on either way. Default: ignore. */
  readonly onListenerError?: (error: unknown) => void;
}

export const keyboardWedgeKind = 'keyboardWedge';
const scanFormat = 'keyboard';

function ignoreError(): void {}

/** Detector options from a parsed reader entry: the settings fields are detector options as they are. */
export function wedgeOptionsOf(config: KeyboardWedgeConfig): WedgeDetectorOptions {
  const { maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength, prefix, suffix } = config;
  return Object.freeze({ maxGapMs, idleTimeoutMs, minFrameLength, maxFrameLength, prefix: Object.freeze([...prefix]), suffix: Object.freeze([...suffix]) });
}

/** The site's keyboard-mode reader entry, if it has one (the schema allows at most one). */
export function keyboardWedgeConfigOf(config: { readonly readers: readonly ReaderConfig[] }): KeyboardWedgeConfig | null {
  return config.readers.find((reader): reader is KeyboardWedgeConfig => reader.kind === 'keyboardWedge') ?? null;
}

/** Why frame text cannot be a read under these settings, or null when it can. */
function frameProblem(text: string, settings: WedgeDetectorOptions): ReadRejectionReason | null {
  if (text.length === 0) return 'emptyFrame';
  // Counted as the detector counts: one key per character (code point).
  const characters = [...text];
  if (characters.length > settings.maxFrameLength) return 'oversizeFrame';
  if (!characters.every(isCharacterKey)) return 'unprintable';
  return null;
}

export function createKeyboardWedgeReader(config: KeyboardWedgeConfig, options: KeyboardWedgeOptions = {}): KeyboardWedgeReader {
  const now = options.now ?? Date.now;
  const readerId = config.id;
  const settings = wedgeOptionsOf(config);
  const events = createReaderEventHub(readerId, options.onListenerError ?? ignoreError);
  let running = false;
  let goodReads = 0;
  let badReads = 0;
  const badReadsByReason: Partial<Record<ReadRejectionReason, number>> = {};
  let lastEventAt: number | null = null;

  function reject(reason: ReadRejectionReason): void {
    badReads += 1;
    badReadsByReason[reason] = (badReadsByReason[reason] ?? 0) + 1;
    lastEventAt = now();
    events.emit({ type: 'rejected', readerId, reason });
  }

  return {
    readerId,
    kind: keyboardWedgeKind,
    settings,
    async start() {
      running = true;
      // Nothing to open: a keyboard reader cannot be seen until it types, so "connected" means "listening".
      events.setConnection('connected', null);
    },
    async stop() {
      running = false;
      events.setConnection('disconnected', null);
    },
    acceptFrame(text) {
      // After stop() the runtime is going away; a late frame from a shell must not sign anyone in.
      if (!running) return;
      const problem = frameProblem(text, settings);
      if (problem !== null) {
        reject(problem);
        return;
      }
      goodReads += 1;
      lastEventAt = now();
      events.emit({ type: 'scan', frame: { readerId, text, symbology: null, format: scanFormat } });
    },
    rejectBurst(reason) {
      if (!running) return;
      reject(reason);
    },
    health(): ReaderHealth {
      return {
        readerId,
        kind: keyboardWedgeKind,
        connection: events.connection(),
        goodReads,
        badReads,
        badReadsByReason: { ...badReadsByReason },
        // Nothing can fail to open; a reader that never types looks the same as one that is not plugged in.
        problem: null,
        lastEventAt,
      };
    },
    onEvent: (listener) => events.subscribe(listener),
  };
}

/** Whether a reader is the keyboard-mode one (the runtime routes shells' keyboard reads to it). */
export function isKeyboardWedgeReader(reader: CredentialReader): reader is KeyboardWedgeReader {
  return reader.kind === keyboardWedgeKind && 'acceptFrame' in reader && 'rejectBurst' in reader;
}
