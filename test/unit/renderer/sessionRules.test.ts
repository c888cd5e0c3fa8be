import { describe, expect, it } from 'vitest';
import type { DeviceInfo, SessionView } from '../../../main/contract';
import { formatMoney, minutesUntil, secondsUntil } from '../../../renderer/src/i18n/format';
import { createReaderBurstDetector, createThrottle, mustResetPage, phaseReportsActivity, screenLanguage } from '../../../renderer/src/session/sessionRules';

const attract: SessionView = { phase: 'attract', notice: 'signedOut', noticeLanguage: null };
const signedIn = (id: string, language: 'en' | 'es' = 'en'): SessionView => ({
  phase: 'signedIn',
  resident: { id, displayName: 'A. Resident', language },
  sessionEndsAt: 1_000_000,
  idleWarningEndsAt: null,
});
const device: DeviceInfo = {
  deviceName: 'Unit B kiosk 1',
  siteName: 'North Facility',
  mode: 'kiosk',
  appVersion: '0.1.0',
  languages: ['en', 'es'],
  defaultLanguage: 'en',
  language: 'es',
  keyboardWedge: null,
  tablet: null,
  timeZone: 'America/Chicago',
  clockAt: 0,
};

describe('mustResetPage', () => {
  it('reloads when a signed-in person leaves, for whatever reason', () => {
    expect(mustResetPage(signedIn('r1'), attract)).toBe(true);
    expect(mustResetPage(signedIn('r1'), { phase: 'lockedOut', until: 0 })).toBe(true);
  });

  it('reloads when service mode ends, so nothing staff saw (logs, the site file) stays in the page', () => {
    const service = (id: string, idleWarningEndsAt: number | null = null): SessionView => ({
      phase: 'service',
      staff: { id, displayName: 'Officer Grant' },
      idleWarningEndsAt,
    });
    expect(mustResetPage(service('s1'), attract)).toBe(true);
    expect(mustResetPage(service('s1'), signedIn('r1'))).toBe(true);
    expect(mustResetPage(service('s1'), service('s2'))).toBe(true);
    expect(mustResetPage(service('s1'), service('s1', 5))).toBe(false);
    expect(phaseReportsActivity('service')).toBe(true);
  });

  it('a tablet’s lock holds the session: no reload into it or out of it by the PIN; any other way out reloads', () => {
    const lock = (sessionHeld: boolean): SessionView => ({
      phase: 'tabletLock',
      sessionHeld,
      pinLength: 4,
      checking: false,
      notice: null,
      pinNotice: null,
      attemptsLeft: null,
      lockedUntil: null,
    });
    const syncLocked = (sessionHeld: boolean): SessionView => ({ phase: 'syncLocked', sessionHeld });
    expect(mustResetPage(signedIn('r1'), lock(true))).toBe(false);
    expect(mustResetPage(signedIn('r1'), syncLocked(true))).toBe(false);
    expect(mustResetPage(lock(true), syncLocked(true))).toBe(false);
    expect(mustResetPage(lock(true), signedIn('r1'))).toBe(false);
    // Signed out (the session cap, a staff badge) while locked, or signed out outright.
    expect(mustResetPage(lock(true), lock(false))).toBe(true);
    expect(
      mustResetPage(syncLocked(true), { phase: 'pinEntry', subject: 'staff', pinLength: 4, attemptsLeft: 5, notice: null, checking: false, expiresAt: 0 }),
    ).toBe(true);
    expect(mustResetPage(signedIn('r1'), lock(false))).toBe(true);
    expect(mustResetPage(lock(false), signedIn('r1'))).toBe(false);
    expect(phaseReportsActivity('tabletLock')).toBe(false);
  });

  it('reloads if another person appears without a sign-out in between', () => {
    expect(mustResetPage(signedIn('r1'), signedIn('r2'))).toBe(true);
  });

  it('does not reload for changes within a session or before one', () => {
    expect(mustResetPage(signedIn('r1'), { ...signedIn('r1'), idleWarningEndsAt: 5 } as SessionView)).toBe(false);
    expect(mustResetPage(null, signedIn('r1'))).toBe(false);
    expect(mustResetPage(attract, signedIn('r1'))).toBe(false);
    expect(mustResetPage(attract, attract)).toBe(false);
  });
});

describe('screenLanguage', () => {
  it("follows the signed-in resident's language, else the device's", () => {
    expect(screenLanguage(signedIn('r1', 'en'), device)).toBe('en');
    expect(screenLanguage(attract, device)).toBe('es');
    // "You are signed out" speaks to the person leaving, in their language, not the kiosk's.
    expect(screenLanguage({ phase: 'attract', notice: 'signedOutIdle', noticeLanguage: 'en' }, device)).toBe('en');
    expect(screenLanguage(null, null)).toBeNull();
  });
});

describe('phaseReportsActivity', () => {
  it('reports activity only where a timer can be restarted', () => {
    expect(['attract', 'pinEntry', 'lockedOut', 'signedIn'].filter((phase) => phaseReportsActivity(phase as SessionView['phase']))).toEqual([
      'pinEntry',
      'signedIn',
    ]);
  });
});

describe('createThrottle', () => {
  it('lets one through per interval', () => {
    let now = 0;
    const mayGo = createThrottle(2000, () => now);
    const outcomes: boolean[] = [];
    for (const at of [0, 500, 1999, 2000, 2001, 4100]) {
      now = at;
      outcomes.push(mayGo());
    }
    expect(outcomes).toEqual([true, false, false, true, false, true]);
  });
});

describe('createReaderBurstDetector', () => {
  it('flags keys that follow the previous one faster than a person types', () => {
    const tooSoon = createReaderBurstDetector(35);
    expect([1000, 1200, 1205, 1210, 1300].map(tooSoon)).toEqual([false, false, true, true, false]);
  });
});

describe('formatting', () => {
  it('shows integer cents as dollars in the screen language', () => {
    expect(formatMoney(123_456, 'en')).toBe('$1,234.56');
    expect(formatMoney(5, 'es')).toMatch(/0[.,]05/);
  });

  it('rounds countdowns up and never below zero', () => {
    expect(secondsUntil(10_001, 0)).toBe(11);
    expect(secondsUntil(10_000, 0)).toBe(10);
    expect(secondsUntil(0, 5)).toBe(0);
    expect(minutesUntil(60_001, 0)).toBe(2);
    expect(minutesUntil(60_000, 0)).toBe(1);
    expect(minutesUntil(0, 1)).toBe(0);
  });
});
