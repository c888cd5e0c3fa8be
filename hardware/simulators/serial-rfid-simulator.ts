// Plays a pcProx-style serial RFID badge reader on the host side of a pseudo-terminal pair (see pty-pair.ts
// and `npm run simulate`): the driver on the device side gets the exact line a real reader would send for a
// badge, in the output form the reader is set to (card id in decimal or hex with an optional facility code,
// or the raw Wiegand frame built with wiegand.ts's encoder, parity bits and all).
import type { NumberBase, PcProxLineOptions } from '../parsers/pcprox';
import { encodeWiegand, type WiegandCredential } from '../parsers/wiegand';
import { writeToTerminal } from './serial-scanner-simulator';

/** A badge presented to the reader. */
export type SimulatedBadge =
  /** A card the reader reports by id, e.g. a 64-bit card serial number; facility code null for none. */
  | { readonly kind: 'cardId'; readonly facilityCode: bigint | number | null; readonly cardId: bigint | number }
  /** A Wiegand badge: the reader either decodes it (card id output) or passes its bits on (raw Wiegand output). */
  | { readonly kind: 'wiegand'; readonly credential: WiegandCredential };

export interface SimulatedBadgeOptions {
  /** What the simulated reader is set to send; the same options the driver is configured with. */
  readonly line: PcProxLineOptions;
  /** Default '\r\n', the usual factory setting; '\r' and '\n' are common too. */
  readonly lineEnding?: string;
}

function digits(value: bigint | number, base: NumberBase): string {
  const number = BigInt(value);
  if (number < 0n) throw new RangeError('badge numbers are never negative');
  return base === 'hex' ? number.toString(16).toUpperCase() : number.toString(10);
}

/** The line body (without line end) a reader set to `line` sends for `badge`. Throws for a badge that form cannot carry. */
export function badgeLine(badge: SimulatedBadge, line: PcProxLineOptions): string {
  if (line.kind === 'cardId') {
    // A Wiegand badge on a reader set to card ids: the reader decodes the frame and sends its fields.
    const facilityCode = badge.kind === 'wiegand' ? badge.credential.facilityCode : badge.facilityCode;
    const cardId = badge.kind === 'wiegand' ? badge.credential.cardNumber : badge.cardId;
    if (line.facilityDelimiter === null) return digits(cardId, line.base);
    if (facilityCode === null) throw new TypeError('this reader sends a facility code, and the badge has none');
    return `${digits(facilityCode, line.base)}${line.facilityDelimiter}${digits(cardId, line.base)}`;
  }
  if (badge.kind !== 'wiegand') throw new TypeError('a reader set to raw Wiegand output needs a Wiegand badge');
  const bits = encodeWiegand(badge.credential);
  const hex = digits(bits.value, 'hex');
  if ('fixed' in line.bitCount) {
    if (line.bitCount.fixed !== bits.length) throw new TypeError(`this reader sends ${line.bitCount.fixed}-bit frames, the badge has ${bits.length} bits`);
    return hex;
  }
  return `${bits.length}${line.bitCount.delimiter}${hex}`;
}

/** The bytes a reader sends for one badge: the line and its line end. */
export function badgeBytes(badge: SimulatedBadge, options: SimulatedBadgeOptions): Buffer {
  return Buffer.from(`${badgeLine(badge, options.line)}${options.lineEnding ?? '\r\n'}`, 'latin1');
}

/** Presents one badge to the reader on the host side of a pty pair; returns the bytes sent. */
export async function presentBadge(hostPath: string, badge: SimulatedBadge, options: SimulatedBadgeOptions): Promise<Buffer> {
  const bytes = badgeBytes(badge, options);
  await writeToTerminal(hostPath, bytes);
  return bytes;
}
