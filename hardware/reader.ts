// The interface every card reader and badge scanner driver implements, and the events it emits.
// Drivers report frames (what the reader sent, already unframed); the runtime maps frames to people
// by the site's rules (see main/signin/credential-mapping.ts). Raw frame text never leaves the runtime: not to the
// renderer, not to the logs.
import type { CredentialFormat, Symbology } from './reader-config';
import type { ReadRejectionReason } from '../main/contract/schemas';

export type ReaderConnectionState = 'connecting' | 'connected' | 'disconnected';

/** One complete read, after framing (prefix/suffix) and symbology identifiers were removed. */
export interface ScanFrame {
  readonly readerId: string;
  /** The decoded payload. Treat as secret: never log it. */
  readonly text: string;
  /** The barcode symbology when the reader reported one (AIM identifier), else null. */
  readonly symbology: Symbology | null;
  /** What kind of credential was read; site rules can be limited to some (`formats`). */
  readonly format: CredentialFormat;
}

/** Why a read failed: one list for every driver, defined with the contract so service mode shows the same codes. */
export type { ReadRejectionReason } from '../main/contract/schemas';

export type ReaderEvent =
  | { readonly type: 'scan'; readonly frame: ScanFrame }
  | { readonly type: 'rejected'; readonly readerId: string; readonly reason: ReadRejectionReason }
  | { readonly type: 'connection'; readonly readerId: string; readonly state: ReaderConnectionState; readonly detail: string | null };

export interface ReaderHealth {
  readonly readerId: string;
  readonly kind: string;
  readonly connection: ReaderConnectionState;
  readonly goodReads: number;
  readonly badReads: number;
  /** Bad reads by reason since the reader was made (reasons never seen left out). Counts only, never card data. */
  readonly badReadsByReason: Readonly<Partial<Record<ReadRejectionReason, number>>>;
  /** Why the reader is not working, in words for staff (the device is absent, cannot be opened…), else null. */
  readonly problem: string | null;
  /** Epoch ms of the last scan or rejection, null before the first. */
  readonly lastEventAt: number | null;
}

export interface CredentialReader {
  readonly readerId: string;
  readonly kind: string;
  /** Starts opening the device. Never rejects because the device is absent: that is a `connection` event, and the driver keeps looking. */
  start(): Promise<void>;
  /** Closes the device and stops looking for it. */
  stop(): Promise<void>;
  health(): ReaderHealth;
  onEvent(listener: (event: ReaderEvent) => void): () => void;
}
