// Structured logs (pino). Callers pass codes and ids, never PINs, message bodies, card data or credentials;
// the redact list is a second line of defence for fields that must never be written.
//
// The log never takes the device down: a full disk (ENOSPC), a log folder that became unwritable or a file that
// cannot be opened makes lines drop, counted, never an exception in the caller. pino's own synchronous destination
// (sonic-boom) emits 'error' on a failed write, and with no listener that is a throw out of whatever call was logging
// — a contract call documented never to reject rejected, and a start on a full disk crashed in a restart loop.
//
// Nor does it fill the disk: it rotates with pino-roll (pino's own rolling file stream) into numbered files
// (`logs/device.1.log`, `logs/device.2.log`, …, the highest being written), each at most `maxFileKb`, and keeps the
// newest `keptFiles` of them; a restart carries on in the highest-numbered file.
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoRoll, { type RollingStream } from 'pino-roll';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deviceLogFiles, deviceLogPath } from './log-files';

export { deviceLogFiles, deviceLogPath } from './log-files';

export type { Logger };

const neverLogged = ['pin', '*.pin', 'body', '*.body', 'text', '*.text', 'token', '*.token', 'secret', '*.secret', 'pinHash', '*.pinHash', 'frame', '*.frame'];

/** How big the log may grow: files of at most `maxFileKb`, the newest `keptFiles` of them kept. */
export interface LogRotation {
  readonly maxFileKb: number;
  readonly keptFiles: number;
}

/** 5 × 2 MB: days of a kiosk's routine lines and weeks of its problems, and nothing a full disk would notice. */
export const defaultLogRotation: LogRotation = { maxFileKb: 2048, keptFiles: 5 };

/** What the rolling stream holds while the disk refuses it (written once space returns); lines beyond are dropped. */
const heldWhileRefusedBytes = 16 * 1024;

/** The file pino-roll carries on in at a start: the highest-numbered one, or the first. */
function currentLogFile(logPath: string): string {
  return deviceLogFiles(logPath).at(-1) ?? join(dirname(logPath), `${basename(logPath).replace(/\.log$/, '')}.1.log`);
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
 * The device log, written synchronously (a line logged just before a crash or a power cut reaches the file, worth
 * more than speed at a kiosk's log volume), whose failures are counted and never thrown.
 *
 * pino-roll's stream is made asynchronously (it looks for the highest-numbered file first), and the lines of a start
 * are the ones support needs most when a start fails; so until it is ready the lines go straight into the file it
 * will carry on in, then to it. While there is no stream — the folder cannot be made — each line tries to open the
 * file again and to make the stream, so a log folder that comes back is written to again.
 */
export class DeviceLogDestination implements DestinationStream {
  #direct: number | null = null;
  #rolling: RollingStream | null = null;
  #startingRoll = false;
  #droppedLines = 0;
  #lastFailure: string | null = null;

  constructor(
    readonly path: string,
    readonly rotation: LogRotation = defaultLogRotation,
  ) {
    this.#openDirect();
    this.#startRolling();
  }

  get health(): LogHealth {
    return { droppedLines: this.#droppedLines, lastFailure: this.#lastFailure };
  }

  #failed(error: unknown): void {
    this.#droppedLines += 1;
    this.#lastFailure = errorCode(error);
  }

  #openDirect(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.#direct = openSync(currentLogFile(this.path), 'a', 0o600);
    } catch (error) {
      this.#direct = null;
      this.#lastFailure = errorCode(error);
    }
  }

  #closeDirect(): void {
    if (this.#direct === null) return;
    try {
      closeSync(this.#direct);
    } catch {
      // Closing a log that cannot be closed leaves nothing to do.
    }
    this.#direct = null;
  }

  #startRolling(): void {
    if (this.#rolling !== null || this.#startingRoll) return;
    this.#startingRoll = true;
    pinoRoll({
      file: this.path,
      size: `${this.rotation.maxFileKb}k`,
      // removeOtherLogFiles: count the files a previous run left too, so restarts do not pile them up.
      limit: { count: this.rotation.keptFiles, removeOtherLogFiles: true },
      mkdir: true,
      sync: true,
      mode: 0o600,
      maxLength: heldWhileRefusedBytes,
    }).then(
      (stream) => {
        this.#startingRoll = false;
        // A failed write leaves the line held and retried with the next (up to heldWhileRefusedBytes); a full hold
        // drops the line. Both count, neither throws.
        stream.on('error', (error: unknown) => this.#failed(error));
        stream.on('drop', () => {
          this.#droppedLines += 1;
        });
        this.#closeDirect();
        this.#rolling = stream;
      },
      (error: unknown) => {
        this.#startingRoll = false;
        this.#lastFailure = errorCode(error);
      },
    );
  }

  write(line: string): void {
    if (this.#rolling !== null) {
      try {
        this.#rolling.write(line);
      } catch (error) {
        this.#failed(error);
      }
      return;
    }
    this.#startRolling();
    if (this.#direct === null) this.#openDirect();
    if (this.#direct === null) {
      this.#droppedLines += 1;
      return;
    }
    try {
      const bytes = Buffer.from(line, 'utf8');
      for (let offset = 0; offset < bytes.length;) offset += writeSync(this.#direct, bytes, offset, bytes.length - offset);
    } catch (error) {
      // Part of a line may have reached the file; the next line starts on its own line, so a reader skips one bad line.
      this.#failed(error);
      if (errorCode(error) === 'EBADF') this.#direct = null;
    }
  }

  close(): void {
    this.#closeDirect();
    try {
      this.#rolling?.end();
    } catch {
      // Already ended: nothing left to close.
    }
    this.#rolling = null;
  }
}

const destinations = new WeakMap<Logger, DeviceLogDestination>();

/** The health of a logger made by createDeviceLogger (null for one that writes nowhere, such as the tests'). */
export function deviceLogHealth(logger: Logger): LogHealth | null {
  return destinations.get(logger)?.health ?? null;
}

export function createDeviceLogger(options: { dataDir: string | null; level?: string; rotation?: LogRotation }): Logger {
  const redact = { paths: neverLogged, censor: '[redacted]' };
  if (options.dataDir === null) return pino({ level: options.level ?? 'silent', redact });
  const destination = new DeviceLogDestination(deviceLogPath(options.dataDir), options.rotation);
  const logger = pino({ level: options.level ?? 'info', redact, base: { app: 'dayroom-device' } }, destination);
  destinations.set(logger, destination);
  return logger;
}
