// Whether this device is enrolled with a hub, and so whether it shows the enrollment screen instead of attract.
// Fetched at start and after every reconnect (an event sent while disconnected is lost), then kept by the event.
import { useEffect, useState } from 'react';
import type { EnrollmentStatus } from '../../../main/contract';
import type { DeviceClient } from '../api/client';

export function useEnrollmentStatus(api: DeviceClient): { status: EnrollmentStatus | null; apply(status: EnrollmentStatus): void } {
  const [status, setStatus] = useState<EnrollmentStatus | null>(null);
  useEffect(() => {
    let mounted = true;
    const load = (): void => {
      api.call('enrollment.status', {}).then(
        (next) => {
          if (mounted) setStatus(next);
        },
        // The session view's own retry shows "one moment" meanwhile; the next reconnect asks again.
        () => undefined,
      );
    };
    const unsubscribers = [
      api.on('enrollment.changed', setStatus),
      api.onConnectionChange((state) => {
        if (state === 'connected') load();
      }),
    ];
    load();
    return () => {
      mounted = false;
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }, [api]);
  return { status, apply: setStatus };
}
