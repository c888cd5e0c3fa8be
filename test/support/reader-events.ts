// What the serial reader tests share: waiting for a reader on a real pty without asserting on time, and reading its
// events back as scans and rejections.
import type { ReaderEvent, ReadRejectionReason, ScanFrame } from '../../hardware/reader';

/**
 * Long enough for a loaded CI machine; a test that waits this long has failed, it never measures time. Beside four busy
 * loops (load 9 to 12) a reader twice took over 15 s to see its pty vanish, so the deadline is 30 s; a quiet machine
 * passes at once.
 */
export const readerWaitTimeoutMs = 30_000;

/** A test on real ptys waits several times; each file that drives one sets this as its tests' timeout (vi.setConfig). */
export const readerTestTimeoutMs = 120_000;

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds; fails with `what` after a generous timeout (never asserts on time). */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = readerWaitTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

export const scans = (events: readonly ReaderEvent[]): ScanFrame[] => events.flatMap((event) => (event.type === 'scan' ? [event.frame] : []));

export const rejections = (events: readonly ReaderEvent[]): ReadRejectionReason[] =>
  events.flatMap((event) => (event.type === 'rejected' ? [event.reason] : []));
