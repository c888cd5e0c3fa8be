// Structured logs (pino). Callers pass codes and ids, never PINs, message bodies, card data or credentials;
// the redact list is a second line of defence for fields that must never be written.
//
// The log never takes the device down: a full disk (ENOSPC), a log folder that became unwritable or a file that
// cannot be opened makes lines drop, counted, never an exception in the caller. pino's own synchronous destination
// (sonic-boom) emits 'error' on a failed write, and with no listener that is a throw out of whatever call was logging
// — a contract call documented never to reject rejected, and a start on a full disk crashed in a restart loop.
import pino, { type DestinationStream, type Logger } from 'pino';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type { Logger };

const neverLogged = ['pin', '*.pin', 'body', '*.body', 'text', '*.text', 'token', '*.token', 'secret', '*.secret', 'pinHash', '*.pinHash', 'frame', '*.frame'];

/** Where the device log is written; service mode reads and exports it from here. */
export function deviceLogPath(dataDir: string): string {
  return join(dataDir, 'logs', 'device.log');
}

/** How the log file is doing: lines that could not be written since the start, and the last reason. */
export interface LogHealth {
  readonly droppedLines: number;
  /** The error code of the last failed write or open (ENOSPC, EACCES…), or null. */
  readonly lastFailure: string | null;
}

function errorCode(error: unknown): string {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : 'unknown';
}

/**
 * An append-only log file written synchronously (a line logged just before a crash or a power cut reaches the file,
 * worth more than speed at a kiosk's log volume), whose failures are counted and never thrown. It opens the file
 * again on the next line after a failed open, so a log folder that comes back is written to again.
 */
export class DeviceLogDestination implements DestinationStream {
  #descriptor: number | null = null;
  #droppedLines = 0;
  #lastFailure: string | null = null;

  constructor(readonly path: string) {
    this.#open();
  }

  get health(): LogHealth {
    return { droppedLines: this.#droppedLines, lastFailure: this.#lastFailure };
  }

  #open(): void {
    try {
      mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
      this.#descriptor = openSync(this.path, 'a', 0o600);
    } catch (error) {
      this.#descriptor = null;
      this.#lastFailure = errorCode(error);
    }
  }

  write(line: string): void {
    if (this.#descriptor === null) this.#open();
    if (this.#descriptor === null) {
      this.#droppedLines += 1;
      return;
    }
    try {
      const bytes = Buffer.from(line, 'utf8');
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.#descriptor, bytes, offset, bytes.length - offset);
    } catch (error) {
      // Part of a line may have reached the file; the next line starts on its own line, so a reader skips one bad line.
      this.#droppedLines += 1;
      this.#lastFailure = errorCode(error);
      if (errorCode(error) === 'EBADF') this.#descriptor = null;
    }
  }

  close(): void {
    if (this.#descriptor === null) return;
    try {
      closeSync(this.#descriptor);
    } catch {
      // Closing a log that cannot be closed leaves nothing to do.
    }
    this.#descriptor = null;
  }
}

const destinations = new WeakMap<Logger, DeviceLogDestination>();

/** The health of a logger made by createDeviceLogger (null for one that writes nowhere, such as the tests'). */
export function deviceLogHealth(logger: Logger): LogHealth | null {
  return destinations.get(logger)?.health ?? null;
}

export function createDeviceLogger(options: { dataDir: string | null; level?: string }): Logger {
  const redact = { paths: neverLogged, censor: '[redacted]' };
  if (options.dataDir === null) return pino({ level: options.level ?? 'silent', redact });
  const destination = new DeviceLogDestination(deviceLogPath(options.dataDir));
  const logger = pino({ level: options.level ?? 'info', redact, base: { app: 'dayroom-device' } }, destination);
  destinations.set(logger, destination);
  return logger;
}
