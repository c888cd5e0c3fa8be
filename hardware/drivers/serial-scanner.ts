// Barcode scanner on a serial port (RS-232 or USB-CDC): frames the byte stream and strips AIM identifiers.
// Opening, reopening with backoff across unplugs, health and events are the shared serial plumbing in
// serial-line-port.ts. Frame text never goes into errors, details or health: only the `scan` event carries it.
import type { ReaderConfig } from '../reader-config';
import { parseAimIdentifier } from '../parsers/aim';
import { createFrameSplitter } from '../parsers/frame-splitter';
import type { CredentialReader } from '../reader';
import { createSerialReader, serialLocationOf, type SerialReaderOptions } from './serial-line-port';

// Kept importable from here: tests and the runtime name them by the scanner driver.
export { fullJitterDelayMs, type ScannerPort, type ScannerPortSettings, type ScheduleRetry } from './serial-line-port';

export type SerialScannerConfig = Extract<ReaderConfig, { kind: 'serialScanner' }>;

export type SerialScannerOptions = SerialReaderOptions;

export const serialScannerKind = 'serialScanner';
const scanFormat = 'barcode';

export function createSerialScanner(config: SerialScannerConfig, options: SerialScannerOptions = {}): CredentialReader {
  return createSerialReader(
    {
      readerId: config.id,
      kind: serialScannerKind,
      format: scanFormat,
      location: serialLocationOf(config),
      baudRate: config.baudRate,
      createDecoder(sink) {
        const splitter = createFrameSplitter({ prefix: config.prefix, suffix: config.suffix, maxFrameLength: config.maxFrameLength });

        function handleFrameText(text: string): void {
          if (!config.symbologyIdentifier) {
            sink.scan(text, null);
            return;
          }
          const parsed = parseAimIdentifier(text);
          if (!parsed.ok) sink.reject('badSymbologyIdentifier');
          else if (parsed.data === '') sink.reject('emptyFrame');
          else sink.scan(parsed.data, parsed.symbology);
        }

        return {
          push(chunk) {
            for (const result of splitter.push(chunk)) {
              switch (result.kind) {
                case 'frame':
                  handleFrameText(result.text);
                  break;
                case 'rejected':
                  sink.reject(result.reason);
                  break;
                default: {
                  const unhandled: never = result;
                  void unhandled;
                }
              }
            }
          },
          reset: () => splitter.reset(),
        };
      },
    },
    options,
  );
}
