// Fetches a money view and fetches it again after each sync, so a purchase's answer and the balances the hub confirms
// appear while the person is looking at the screen.
import { useCallback, useEffect, useState } from 'react';
import type { DeviceClient } from '../../api/client';

export function useMoneyData<T>(api: DeviceClient, load: () => Promise<T>): [T | null, () => void] {
  const [value, setValue] = useState<T | null>(null);
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useEffect(() => {
    let current = true;
    const fetchNow = () => {
      load().then(
        (next) => current && setValue(next),
        // Signed out a moment ago: the session view takes over.
        () => undefined,
      );
    };
    fetchNow();
    const stop = api.on('sync.statusChanged', (status) => {
      if (status.state !== 'pulling') fetchNow();
    });
    return () => {
      current = false;
      stop();
    };
  }, [api, load, generation]);
  return [value, refresh];
}
