// The session machine on a tablet (issue 8), driven by a simulated clock: PIN alone, dim → lock (not sign-out) → PIN
// unlocks to the same resident, wrong PINs on the lock screen counting towards the lockout, and the lock rule's deadline
// exactly at and just before its thresholds.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import type { CredentialEvent } from '../../../main/signin/credential-mapping';
import {
  acceptsPin,
  kioskSessionMachine,
  sessionBusy,
  sessionViewOf,
  signedInResidentId,
  type SessionLimits,
  type SignOutReason,
  type TabletLockReason,
} from '../../../main/session/kiosk-session';
import type { CredentialLookup, PinCheck, StaffPinCheck, TabletPinCheck } from '../../../main/signin/sign-in-service';
import { dayMs, syncDeadlineOf, syncStandingOf, type SyncDeadline } from '../../../main/tablet/sync-lock';

const limits: SessionLimits = { idleMs: 60_000, idleWarningMs: 15_000, maxSessionMs: 15 * 60_000, pinEntryMs: 45_000, noticeMs: 8_000, pinLength: 4 };
const tabletRules = { idleLockMs: 120_000, dimMs: 15_000, maxSessionMs: 240 * 60_000 };
const syncRules = { warnFromDaysWithoutSync: 5, lockAfterDaysWithoutSync: 7 };
const marcus = { id: 'r-marcus', displayName: 'Marcus Lee', language: 'en' as const };
const staffBadge: CredentialEvent = { role: 'staff', id: '42001', source: 'scanner', format: 'barcode' };
const grant = { id: 'staff-grant', displayName: 'Officer Grant' };

function startTablet(options: { tabletPins?: TabletPinCheck[]; pins?: PinCheck[]; lastSyncAt?: number | null; assigned?: boolean } = {}) {
  const clock = new SimulatedClock();
  const tabletPins = [...(options.tabletPins ?? [{ kind: 'accepted', resident: marcus }])];
  const pins = [...(options.pins ?? [])];
  const unlockPinsFor: string[] = [];
  const signOuts: SignOutReason[] = [];
  const locks: TabletLockReason[] = [];
  const unlocks: string[] = [];
  const tablet = { lastSyncAt: options.lastSyncAt ?? 0, assigned: options.assigned ?? true };
  const syncDeadline = (): SyncDeadline | null => (tablet.assigned ? syncDeadlineOf(tablet.lastSyncAt, -30 * dayMs, syncRules) : null);
  const actor = createActor(
    kioskSessionMachine.provide({
      actors: {
        checkTabletPin: fromPromise(async () => tabletPins.shift() ?? { kind: 'wrongPin', attemptsLeft: 0 }),
        checkPin: fromPromise<PinCheck, { residentId: string; pin: string }>(async ({ input }) => {
          unlockPinsFor.push(input.residentId);
          return pins.shift() ?? { kind: 'wrongPin', attemptsLeft: 0 };
        }),
        checkStaffPin: fromPromise<StaffPinCheck, { staffId: string; pin: string }>(async () => ({ kind: 'accepted', staff: grant })),
        identifyCredential: fromPromise<CredentialLookup, { credential: CredentialEvent }>(async () => ({ kind: 'staff', staffId: grant.id, attemptsLeft: 5 })),
      },
      actions: {
        residentSignedOut: (_, params) => void signOuts.push(params.reason),
        residentLocked: (_, params) => void locks.push(params.reason),
        residentUnlocked: (_, params) => void unlocks.push(params.resident.id),
      },
    }),
    { clock, input: { limits, now: () => clock.now(), tablet: { ...tabletRules, syncDeadline } } },
  );
  actor.start();
  const view = () => sessionViewOf(actor.getSnapshot());
  const settled = () => waitFor(actor, (s) => !sessionBusy(s));
  const enterPin = async (pin = '2468') => {
    actor.send({ type: 'PIN_ENTERED', pin });
    await settled();
  };
  /** Untouched until the lock: the dim timer starts when the first one fires, so the clock moves in two steps. */
  const idleUntilLocked = () => {
    clock.increment(tabletRules.idleLockMs - tabletRules.dimMs);
    clock.increment(tabletRules.dimMs);
  };
  return { actor, clock, view, enterPin, settled, idleUntilLocked, tablet, signOuts, locks, unlocks, unlockPinsFor };
}

describe('tablet session', () => {
  it('shows the lock screen, and the PIN alone signs its person in for the tablet’s longer session', async () => {
    const session = startTablet();
    expect(session.view()).toEqual({
      phase: 'tabletLock',
      sessionHeld: false,
      pinLength: 4,
      checking: false,
      notice: null,
      pinNotice: null,
      attemptsLeft: null,
      lockedUntil: null,
    });
    expect(acceptsPin(session.actor.getSnapshot())).toBe(true);
    await session.enterPin();
    expect(session.view()).toEqual({ phase: 'signedIn', resident: marcus, sessionEndsAt: 240 * 60_000, idleWarningEndsAt: null });
    expect(signedInResidentId(session.actor.getSnapshot())).toBe(marcus.id);
  });

  it('a tablet serving nobody shows the staff prompt and takes no PIN', () => {
    const session = startTablet({ assigned: false });
    expect(session.view()).toEqual({ phase: 'attract', notice: null, noticeLanguage: null });
    expect(acceptsPin(session.actor.getSnapshot())).toBe(false);
  });

  it('idle: dims, then locks without signing out; the PIN unlocks to the same resident', async () => {
    const session = startTablet({ pins: [{ kind: 'accepted', resident: marcus }] });
    await session.enterPin();
    session.clock.increment(tabletRules.idleLockMs - tabletRules.dimMs - 1);
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: null });
    session.clock.increment(1);
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: tabletRules.idleLockMs });
    // A touch while dimmed brings the screen back.
    session.actor.send({ type: 'ACTIVITY' });
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: null });
    session.clock.increment(tabletRules.dimMs - 1);
    expect(session.view()).toMatchObject({ phase: 'signedIn' });
    session.clock.increment(tabletRules.idleLockMs - tabletRules.dimMs);
    session.clock.increment(tabletRules.dimMs);
    expect(session.view()).toEqual({
      phase: 'tabletLock',
      sessionHeld: true,
      pinLength: 4,
      checking: false,
      notice: null,
      pinNotice: null,
      attemptsLeft: null,
      lockedUntil: null,
    });
    expect(session.signOuts).toEqual([]);
    expect(session.locks).toEqual(['idle']);
    // Locked is not signed in: the runtime refuses the person's calls meanwhile, though the session is kept.
    expect(signedInResidentId(session.actor.getSnapshot())).toBeNull();
    expect(session.actor.getSnapshot().context.resident).toEqual(marcus);
    // Hours pass on the lock screen: no more timers to a sign-out than the session cap.
    session.clock.increment(60 * 60_000);
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: true });
    await session.enterPin();
    expect(session.unlockPinsFor).toEqual([marcus.id]);
    expect(session.unlocks).toEqual([marcus.id]);
    expect(session.view()).toEqual({ phase: 'signedIn', resident: marcus, sessionEndsAt: 240 * 60_000, idleWarningEndsAt: null });
  });

  it('wrong PINs on the lock screen are checked as the held resident’s and end in their lockout', async () => {
    const session = startTablet({
      pins: [
        { kind: 'wrongPin', attemptsLeft: 1 },
        { kind: 'lockedOut', until: 999_999_999 },
      ],
    });
    await session.enterPin();
    session.idleUntilLocked();
    await session.enterPin('0000');
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: true, pinNotice: 'wrongPin', attemptsLeft: 1, lockedUntil: null });
    await session.enterPin('1111');
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: true, pinNotice: null, attemptsLeft: 0, lockedUntil: 999_999_999 });
    expect(session.unlockPinsFor).toEqual([marcus.id, marcus.id]);
    expect(session.signOuts).toEqual([]);
  });

  it('wrong PINs at sign-in stay on the lock screen with the tries left', async () => {
    const session = startTablet({ tabletPins: [{ kind: 'wrongPin', attemptsLeft: 4 }] });
    await session.enterPin('0000');
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: false, pinNotice: 'wrongPin', attemptsLeft: 4 });
  });

  it('the session cap still ends a locked session (a sign-out, not another lock)', async () => {
    const session = startTablet();
    await session.enterPin();
    session.idleUntilLocked();
    session.clock.increment(tabletRules.maxSessionMs);
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: false, notice: 'sessionTimeLimit' });
    expect(session.signOuts).toEqual(['sessionTimeLimit']);
  });

  it('a staff badge on a locked tablet ends the held session before service mode', async () => {
    const session = startTablet();
    await session.enterPin();
    session.idleUntilLocked();
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    expect(session.signOuts).toEqual(['signedOut']);
    expect(session.view()).toMatchObject({ phase: 'pinEntry', subject: 'staff' });
    expect(session.actor.getSnapshot().context.resident).toBeNull();
  });
});

describe('the lock rule in the session', () => {
  it('locks exactly at the site’s days without sync, not a moment before; a sync unlocks', () => {
    const session = startTablet();
    session.clock.increment(7 * dayMs - 1);
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: false });
    session.clock.increment(1);
    expect(session.view()).toEqual({ phase: 'syncLocked', sessionHeld: false });
    expect(acceptsPin(session.actor.getSnapshot())).toBe(false);
    // The tablet synced: the runtime moves the deadline and says so.
    session.tablet.lastSyncAt = session.clock.now();
    session.actor.send({ type: 'TABLET_CHANGED' });
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: false });
    // And the new deadline is armed: seven days from that sync.
    session.clock.increment(7 * dayMs);
    expect(session.view()).toEqual({ phase: 'syncLocked', sessionHeld: false });
  });

  it('a signed-in person is locked, not signed out, at the deadline; after a sync their PIN brings them back', async () => {
    const session = startTablet({ lastSyncAt: -7 * dayMs + 10 * 60_000, pins: [{ kind: 'accepted', resident: marcus }] });
    await session.enterPin();
    session.actor.send({ type: 'ACTIVITY' });
    session.clock.increment(10 * 60_000);
    expect(session.view()).toEqual({ phase: 'syncLocked', sessionHeld: true });
    expect(session.locks).toEqual(['syncOverdue']);
    expect(session.signOuts).toEqual([]);
    session.tablet.lastSyncAt = session.clock.now();
    session.actor.send({ type: 'TABLET_CHANGED' });
    expect(session.view()).toMatchObject({ phase: 'tabletLock', sessionHeld: true });
    await session.enterPin();
    expect(session.view()).toMatchObject({ phase: 'signedIn', resident: marcus });
  });

  it('staff badges still open service mode on a sync-locked tablet; leaving it locks again', async () => {
    const session = startTablet({ lastSyncAt: -8 * dayMs });
    expect(session.view()).toEqual({ phase: 'syncLocked', sessionHeld: false });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    session.actor.send({ type: 'PIN_ENTERED', pin: '9753' });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'service', staff: grant });
    session.actor.send({ type: 'SIGN_OUT' });
    expect(session.view()).toEqual({ phase: 'syncLocked', sessionHeld: false });
  });
});

describe('the lock rule’s standing', () => {
  const deadline = syncDeadlineOf(0, 0, syncRules);
  it('warns from the warning threshold on, with the days left, and is locked from the lock threshold on', () => {
    expect(syncStandingOf(deadline, 5 * dayMs - 1)).toEqual({ state: 'ok', since: 0, daysWithoutSync: 4, daysLeft: 3 });
    expect(syncStandingOf(deadline, 5 * dayMs)).toEqual({ state: 'warning', since: 0, daysWithoutSync: 5, daysLeft: 2 });
    expect(syncStandingOf(deadline, 6 * dayMs + 1)).toEqual({ state: 'warning', since: 0, daysWithoutSync: 6, daysLeft: 1 });
    expect(syncStandingOf(deadline, 7 * dayMs - 1)).toEqual({ state: 'warning', since: 0, daysWithoutSync: 6, daysLeft: 1 });
    expect(syncStandingOf(deadline, 7 * dayMs)).toEqual({ state: 'locked', since: 0, daysWithoutSync: 7, daysLeft: 0 });
  });

  it('counts from the assignment when the tablet has not synced since, and from the last sync after', () => {
    expect(syncDeadlineOf(null, 1000, syncRules).since).toBe(1000);
    expect(syncDeadlineOf(500, 1000, syncRules).since).toBe(1000);
    expect(syncDeadlineOf(2000, 1000, syncRules).since).toBe(2000);
  });
});
