// Structured logs (pino). Callers pass codes and ids, never PINs, message bodies, card data or credentials;
// the redact list is a second line of defence for fields that must never be written.
import pino, { type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type { Logger };

const neverLogged = ['pin', '*.pin', 'body', '*.body', 'text', '*.text', 'token', '*.token', 'secret', '*.secret', 'pinHash', '*.pinHash', 'frame', '*.frame'];

/** Where the device log is written; service mode reads and exports it from here. */
export function deviceLogPath(dataDir: string): string {
  return join(dataDir, 'logs', 'device.log');
}

export function createDeviceLogger(options: { dataDir: string | null; level?: string }): Logger {
  const redact = { paths: neverLogged, censor: '[redacted]' };
  if (options.dataDir === null) return pino({ level: options.level ?? 'silent', redact });
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // Synchronous writes: the file is open before this returns (no late open racing a removed folder), and a line
  // logged just before a crash or a power cut is on disk — worth more than speed at a kiosk's log volume.
  const destination = pino.destination({ dest: deviceLogPath(options.dataDir), mkdir: true, sync: true });
  return pino({ level: options.level ?? 'info', redact, base: { app: 'dayroom-device' } }, destination);
}
