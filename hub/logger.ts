// The hub's structured logs (pino). Callers log ids and codes, never secrets, PINs, enrollment codes or message
// bodies; the redact list is a second line of defence for fields that must never be written.
import pino, { type DestinationStream, type Logger } from 'pino';

const neverLogged = [
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  'pin',
  '*.pin',
  'pinHash',
  '*.pinHash',
  'body',
  '*.body',
  'enrollmentCode',
  '*.enrollmentCode',
];

export function createHubLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const settings = { level: options.level ?? 'info', redact: { paths: neverLogged, censor: '[redacted]' }, base: { app: 'dayroom-hub' } };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
