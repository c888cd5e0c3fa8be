// Structured logs (pino). Callers pass codes and ids, never PINs, message bodies, card data or credentials;
// the redact list is a second line of defence for fields that must never be written.
import pino, { type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type { Logger };

const neverLogged = ['pin', '*.pin', 'body', '*.body', 'text', '*.text', 'token', '*.token', 'secret', '*.secret', 'pinHash', '*.pinHash', 'frame', '*.frame'];

export function createDeviceLogger(options: { dataDir: string | null; level?: string }): Logger {
  const redact = { paths: neverLogged, censor: '[redacted]' };
  if (options.dataDir === null) return pino({ level: options.level ?? 'silent', redact });
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  return pino({ level: options.level ?? 'info', redact, base: { app: 'dayroom-device' } }, pino.destination({ dest: join(logDir, 'device.log'), mkdir: true, sync: false }));
}
