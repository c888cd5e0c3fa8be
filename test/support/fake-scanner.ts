// A credential reader the test scans on by hand: the runtime's sign-in path from a read on, without a pty.
import type { CredentialReader, ReaderEvent } from '../../hardware/reader';

/** A reader (named 'front-scanner' unless told) whose scan(text) delivers a barcode read to the runtime's listeners. */
export function fakeScanner(readerId = 'front-scanner'): { reader: CredentialReader; scan: (text: string) => void } {
  const listeners = new Set<(event: ReaderEvent) => void>();
  const reader: CredentialReader = {
    readerId,
    kind: 'fake',
    start: async () => undefined,
    stop: async () => undefined,
    health: () => ({
      readerId,
      kind: 'fake',
      connection: 'connected',
      goodReads: 0,
      badReads: 0,
      badReadsByReason: {},
      problem: null,
      lastEventAt: null,
    }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const scan = (text: string) => listeners.forEach((listener) => listener({ type: 'scan', frame: { readerId, text, symbology: 'code39', format: 'barcode' } }));
  return { reader, scan };
}
