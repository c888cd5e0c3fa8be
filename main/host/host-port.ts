// The web host's port, kept in the data folder beside its token (host-token.ts) so that a host started without
// `--port` and restarted by its supervisor (service mode's "Restart the app" exits 75, a crash, a power cut) listens
// where it listened before: the open kiosk page reconnects to the same address by itself. Before this, a host without
// `--port` took a new free port on every start, and the page it had served reconnected to nothing, for good.
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../../platform/atomic-write';
import { isStorageFull } from '../store/storage-full';

export const hostPortFileName = 'web-host.port';

/** The port the last start listened on, or null: none kept yet, or a file that does not hold a port. */
export function readKeptHostPort(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(`${dataDir}/${hostPortFileName}`, 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** Keeps the port for the next start; on a full disk it is this launch's only, which the caller says. */
export function keepHostPort(dataDir: string, port: number): 'kept' | 'unsaved' {
  try {
    writeFileAtomically(dataDir, hostPortFileName, String(port));
    return 'kept';
  } catch (error) {
    if (isStorageFull(error)) return 'unsaved';
    throw error;
  }
}

/** Node's "address in use" from listen(): the kept port was taken by something else meanwhile. */
export function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}
