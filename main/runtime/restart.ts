// The one pending restart of the app (staff's service.restart, or a wipe), so a second request replaces the first and
// stop() can call it off.
export interface RestartScheduler {
  /** Calls `restart` after the delay, in place of any restart already pending. */
  schedule(restart: () => void): void;
  cancel(): void;
}

/** Lets the answer reach the screen before the shell takes the app down. */
export const restartDelayMs = 500;

export function restartScheduler(delayMs: number = restartDelayMs): RestartScheduler {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(restart) {
      clearTimeout(timer);
      timer = setTimeout(restart, delayMs);
    },
    cancel: () => clearTimeout(timer),
  };
}
