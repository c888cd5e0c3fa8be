import { useEffect, useState } from 'react';
import { runtimeNow } from './runtimeClock';

/** The current time on the runtime's clock, redrawn every `intervalMs`, for countdowns to the runtime's epoch times. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => runtimeNow());
  useEffect(() => {
    const timer = setInterval(() => setNow(runtimeNow()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
