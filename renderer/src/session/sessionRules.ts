// Small rules about the session that the app applies to every view it receives. Pure, so they are unit-tested.
import type { DeviceInfo, LanguageCode, SessionPhase, SessionView } from '../../../main/contract';

/**
 * True when the page must be reloaded rather than redrawn: the signed-in person or staff member has left (or, defensively,
 * another person appears without a sign-out in between). Reloading drops every trace of them from React state
 * and the DOM; the runtime has already reset its side.
 */
export function mustResetPage(previous: SessionView | null, next: SessionView): boolean {
  // A tablet's lock holds the session (docs/security.md §6 "Sessions, PINs and lockouts": a lock is not a sign-out), so the page keeps where the person was;
  // what it shows meanwhile is the lock screen alone. Anything else after a held lock is the end of that session.
  if (previous?.phase === 'signedIn') return !holdsSession(next) && (next.phase !== 'signedIn' || next.resident.id !== previous.resident.id);
  if (previous !== null && holdsSession(previous)) return !holdsSession(next) && next.phase !== 'signedIn';
  // Service mode shows logs and the site file: none of it may stay in the page for whoever comes next.
  if (previous?.phase === 'service') return next.phase !== 'service' || next.staff.id !== previous.staff.id;
  return false;
}

/** A tablet's lock screen over a session that is held, not ended. */
export function holdsSession(view: SessionView): boolean {
  return (view.phase === 'tabletLock' || view.phase === 'syncLocked') && view.sessionHeld;
}

/** The language to show: the signed-in resident's own, otherwise the device's; null until either is known. */
export function screenLanguage(session: SessionView | null, device: DeviceInfo | null): LanguageCode | null {
  if (session?.phase === 'signedIn') return session.resident.language;
  // "You are signed out" is for the person who just left, in their language; the kiosk's own comes back with the notice.
  if (session?.phase === 'attract' && session.noticeLanguage !== null) return session.noticeLanguage;
  return device?.language ?? null;
}

/** Phases with a timer the runtime restarts on activity (PIN entry, a signed-in session, service mode); others have none. */
export function phaseReportsActivity(phase: SessionPhase): boolean {
  switch (phase) {
    case 'pinEntry':
    case 'signedIn':
    case 'service':
      return true;
    // A lock screen has no idle timer: it is what idle leads to.
    case 'attract':
    case 'lockedOut':
    case 'tabletLock':
    case 'syncLocked':
    case 'deviceFull':
      // deviceFull: a device that could not start (its disk is full) has no session at all.
      return false;
    default: {
      const unreachable: never = phase;
      return unreachable;
    }
  }
}

/** Lets one action through per `intervalMs`; answers whether this one may go. */
export function createThrottle(intervalMs: number, now: () => number = Date.now): () => boolean {
  let lastAllowedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - lastAllowedAt < intervalMs) return false;
    lastAllowedAt = at;
    return true;
  };
}

/**
 * Keyboard-mode card readers type a whole card number as a burst of keys about 1–20 ms apart; people
 * do not type that fast. Keys closer than this belong to a reader, and must never end up in a PIN.
 */
export const readerKeystrokeGapMs = 35;

/** Answers, for each key's timestamp, whether it came too soon after the previous key to be a person's. */
export function createReaderBurstDetector(gapMs: number = readerKeystrokeGapMs): (keyTimeMs: number) => boolean {
  let previousKeyAt = Number.NEGATIVE_INFINITY;
  return (keyTimeMs) => {
    const inBurst = keyTimeMs - previousKeyAt < gapMs;
    previousKeyAt = keyTimeMs;
    return inBurst;
  };
}
