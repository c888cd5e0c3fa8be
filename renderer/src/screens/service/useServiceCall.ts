// Loads one service-mode call's answer for a section, with a way to load it again; a failure is kept as its code so
// the section can say it in words.
import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { DeviceErrorCode } from '../../../../main/contract';
import { DeviceApiError } from '../../api/client';

export interface ServiceCallState<T> {
  value: T | null;
  failure: DeviceErrorCode | null;
  reload(): void;
  /** Replaces the value (an event brought a newer one). */
  setValue: Dispatch<SetStateAction<T | null>>;
}

export function useServiceCall<T>(load: () => Promise<T>): ServiceCallState<T> {
  const [value, setValue] = useState<T | null>(null);
  const [failure, setFailure] = useState<DeviceErrorCode | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (loaded) => {
        if (!current) return;
        setValue(loaded);
        setFailure(null);
      },
      (error: unknown) => {
        if (current) setFailure(error instanceof DeviceApiError ? error.code : 'internal');
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { value, failure, reload, setValue };
}
