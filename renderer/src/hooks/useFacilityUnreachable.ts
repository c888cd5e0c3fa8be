// Whether this device's last attempt to reach the facility's hub failed for want of a network (not yet retried with
// success). The screens say so next to anything waiting on this device, so a person knows their letter is safe here
// and will go by itself — not lost, and not something they must do again.
import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../../main/contract';
import type { DeviceClient } from '../api/client';

/** The last failure was the network's, and nothing has succeeded since (so a retry in progress does not flicker it). */
const cannotReach = (status: SyncStatus): boolean =>
  status.lastError !== null &&
  (status.lastError.code === 'hubUnreachable' || status.lastError.code === 'hubTimeout') &&
  (status.lastSuccessAt === null || status.lastSuccessAt < status.lastError.at);

export function useFacilityUnreachable(api: DeviceClient): boolean {
  const [unreachable, setUnreachable] = useState(false);
  useEffect(() => {
    let current = true;
    api.call('sync.status', {}).then(
      (status) => current && setUnreachable(cannotReach(status)),
      () => undefined,
    );
    const stop = api.on('sync.statusChanged', (status) => setUnreachable(cannotReach(status)));
    return () => {
      current = false;
      stop();
    };
  }, [api]);
  return unreachable;
}
