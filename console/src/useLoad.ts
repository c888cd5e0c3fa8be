// Loads what a page shows and reloads it on demand: { data, error, loading, reload }. A newer load always wins over
// an older one still in flight (a filter changed twice quickly shows the second answer); while a load runs, the last
// answer stays on screen.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConsoleError } from './api';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: ConsoleError | null;
  readonly loading: boolean;
  reload(): void;
}

interface Settled<T> {
  readonly key: string;
  readonly data: T | null;
  readonly error: ConsoleError | null;
}

/** `dependencies` are plain values (ids, filter strings): a change of any of them loads again. */
export function useLoad<T>(load: () => Promise<T>, dependencies: readonly (string | number | boolean | null | undefined)[]): Loaded<T> {
  const [round, setRound] = useState(0);
  const key = `${JSON.stringify(dependencies)}#${round}`;
  const [settled, setSettled] = useState<Settled<T>>({ key: '', data: null, error: null });
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    let current = true;
    loadRef.current().then(
      (data) => {
        if (current) setSettled({ key, data, error: null });
      },
      (failure: unknown) => {
        if (current)
          setSettled((before) => ({
            key,
            data: before.data,
            error: failure instanceof ConsoleError ? failure : new ConsoleError('internal', String(failure), 0),
          }));
      },
    );
    return () => {
      current = false;
    };
  }, [key]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { data: settled.data, error: settled.error, loading: settled.key !== key, reload };
}
