// Plays a barcode scanner on the host side of a pseudo-terminal pair (see test/support/socat.ts and
// `npm run simulate`): the driver on the device side gets the exact bytes a real scanner would send.
import { constants as fsConstants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Symbology } from '../reader-config';
import { aimIdentifierFor } from '../parsers/aim';

export interface SimulatedScanOptions {
  /** Sends the AIM identifier of this symbology before the data, as a scanner with AIM ids on does. */
  readonly symbology?: Symbology | undefined;
  readonly prefix?: string;
  /** Default '\r', the usual factory setting. */
  readonly suffix?: string;
}

/** The bytes a scanner sends for one read: prefix, AIM identifier, data, suffix. */
export function scannerBytes(text: string, options: SimulatedScanOptions = {}): Buffer {
  const identifier = options.symbology === undefined ? '' : aimIdentifierFor(options.symbology);
  return Buffer.from(`${options.prefix ?? ''}${identifier}${text}${options.suffix ?? '\r'}`, 'latin1');
}

/**
 * Writes bytes to a terminal, as a device would. Refuses anything that is not a character device, so a
 * mistyped path cannot overwrite a file; a missing path fails with the ENOENT error from open().
 */
export async function writeToTerminal(terminalPath: string, bytes: Uint8Array): Promise<void> {
  const terminal = await stat(terminalPath);
  if (!terminal.isCharacterDevice()) throw new Error(`${terminalPath} is not a terminal`);
  // O_NOCTTY: a pty we write to must never become this process's controlling terminal.
  const handle = await open(terminalPath, fsConstants.O_WRONLY | fsConstants.O_NOCTTY);
  try {
    await handle.write(bytes);
  } finally {
    await handle.close();
  }
}

/** Sends one scan to the host side of a pty pair; returns the bytes sent. */
export async function simulateScan(hostPath: string, text: string, options: SimulatedScanOptions = {}): Promise<Buffer> {
  const bytes = scannerBytes(text, options);
  await writeToTerminal(hostPath, bytes);
  return bytes;
}
