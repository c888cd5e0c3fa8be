// A clock that tests can move forward by days while the web host runs (issue 8: the tablet's lock rule counts days).
// Development and tests only: the host CLI takes `--test-clock-file` only when DAYROOM_TEST_CLOCK=1 is set, and logs
// that it runs on it. The runtime reads both its wall-clock time (`now`) and its machines' timers (`clock`) from here, so
// moving it fires every timer that has come due, in order, exactly as if the time had passed.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { z } from 'zod';

/** What the clock file holds: how far ahead of the real time the device believes it is. */
export const TestClockFile = z.object({ offsetMs: z.number().int().min(0) }).strict();

export const testClockEnv = 'DAYROOM_TEST_CLOCK';

interface PendingTimer {
  readonly fn: () => void;
  readonly dueAt: number;
  handle: ReturnType<typeof setTimeout>;
}

/** setTimeout cannot wait longer than this; a timer due later is looked at again then. */
const longestWaitMs = 2 ** 31 - 1;

export interface OffsetClock {
  now(): number;
  /** The xstate Clock interface: timers in this clock's time. */
  setTimeout(fn: () => void, timeoutMs: number): number;
  clearTimeout(id: number): void;
  /** Moves the clock to `offsetMs` ahead of the real time; timers now due fire at once, in the order they fall due. */
  setOffset(offsetMs: number): void;
}

export function createOffsetClock(realNow: () => number = Date.now): OffsetClock {
  let offsetMs = 0;
  let nextId = 1;
  const timers = new Map<number, PendingTimer>();
  const now = (): number => realNow() + offsetMs;

  const arm = (id: number, timer: Pick<PendingTimer, 'fn' | 'dueAt'>): ReturnType<typeof setTimeout> =>
    setTimeout(
      () => {
        if (now() < timer.dueAt) {
          // Due past what setTimeout can wait: wait again.
          const pending = timers.get(id);
          if (pending) pending.handle = arm(id, timer);
          return;
        }
        timers.delete(id);
        timer.fn();
      },
      Math.min(longestWaitMs, Math.max(0, timer.dueAt - now())),
    );

  return {
    now,
    setTimeout(fn, timeoutMs) {
      const id = nextId++;
      const timer = { fn, dueAt: now() + timeoutMs };
      timers.set(id, { ...timer, handle: arm(id, timer) });
      return id;
    },
    clearTimeout(id) {
      const timer = timers.get(id);
      if (!timer) return;
      clearTimeout(timer.handle);
      timers.delete(id);
    },
    setOffset(next) {
      offsetMs = next;
      // Re-armed in the order they fall due: Node runs timers with the same wait in the order they were set.
      const pending = [...timers.entries()].sort(([, a], [, b]) => a.dueAt - b.dueAt);
      for (const [id, timer] of pending) {
        clearTimeout(timer.handle);
        timer.handle = arm(id, timer);
      }
    },
  };
}

/** Follows the clock file: the test writes a new offset, the clock moves. Returns a function that stops following. */
export function followClockFile(file: string, clock: OffsetClock, onError: (problem: string) => void): () => void {
  const read = (): void => {
    try {
      const parsed = TestClockFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) clock.setOffset(parsed.data.offsetMs);
      else onError(parsed.error.message);
    } catch (error) {
      // Missing or half-written: the next write is read again.
      onError(error instanceof Error ? error.message : String(error));
    }
  };
  read();
  watchFile(file, { interval: 50 }, read);
  return () => unwatchFile(file, read);
}
