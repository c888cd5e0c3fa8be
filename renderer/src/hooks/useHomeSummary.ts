// The signed-in resident's counts for the home screen, fetched when it opens and again after each sync,
// so mail approved at the facility shows up while the person is looking at the screen.
import { useEffect, useState } from 'react';
import type { HomeSummary } from '../../../main/contract';
import type { DeviceClient } from '../api/client';

export function useHomeSummary(api: DeviceClient): HomeSummary | null {
  const [summary, setSummary] = useState<HomeSummary | null>(null);
  useEffect(() => {
    let current = true;
    const refresh = () => {
      api.call('home.summary', {}).then(
        (value) => {
          if (current) setSummary(value);
        },
        // A refusal here (signed out a moment ago) changes nothing on screen; the session view takes over.
        () => undefined,
      );
    };
    refresh();
    const stop = api.on('sync.statusChanged', (status) => {
      // After a pull and push have finished (blobs may still be coming), the counts are worth asking for again.
      if (status.state !== 'pulling' && status.state !== 'pushing') refresh();
    });
    return () => {
      current = false;
      stop();
    };
  }, [api]);
  return summary;
}
