import { useEffect, useState } from 'react';

/** The current time, redrawn every `intervalMs`, for countdowns computed from the runtime's epoch times. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
