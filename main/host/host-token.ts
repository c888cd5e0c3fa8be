// The web host's page token, kept in the data folder so that a supervised restart (service mode's "Restart the app",
// systemd's Restart=on-failure) serves the same address: the open kiosk page reconnects by itself instead of sitting on
// "Reconnecting…" with a token the new host no longer knows. The file is the app user's alone, like the credential
// beside it; a token that cannot be read is replaced, and the page then needs the new address (printed, and logged).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../../platform/atomic-write';
import { isStorageFull } from '../store/storage-full';

export const hostTokenFileName = 'web-host.token';

/** The shape randomBytes(24).toString('base64url') has: anything else in the file is not ours. */
const tokenShape = /^[A-Za-z0-9_-]{32}$/;

/** `unsaved`: the disk was full, so the token lives only in this process; the page needs the new address after a restart. */
export type HostTokenSource = 'kept' | 'new' | 'unsaved';

export function loadOrCreateHostToken(dataDir: string): { token: string; source: HostTokenSource } {
  try {
    const kept = readFileSync(`${dataDir}/${hostTokenFileName}`, 'utf8').trim();
    if (tokenShape.test(kept)) return { token: kept, source: 'kept' };
  } catch {
    // No file yet (a first start) or unreadable: a new token below.
  }
  const token = randomBytes(24).toString('base64url');
  try {
    writeFileAtomically(dataDir, hostTokenFileName, token);
  } catch (error) {
    // A start on a full disk must still serve its screen: the token is then this launch's only.
    if (isStorageFull(error)) return { token, source: 'unsaved' };
    throw error;
  }
  return { token, source: 'new' };
}
