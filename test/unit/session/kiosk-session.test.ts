// The kiosk session machine, driven by a simulated clock: no real waiting, no wall-clock assertions.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import type { CredentialEvent } from '../../../main/signin/credential-mapping';
import {
  kioskSessionMachine,
  sessionViewOf,
  signedInResidentId,
  signedInStaffId,
  type SessionLimits,
  type SignOutReason,
} from '../../../main/session/kiosk-session';
import type { CredentialLookup, PinCheck, StaffPinCheck } from '../../../main/signin/sign-in-service';

const limits: SessionLimits = { idleMs: 60_000, idleWarningMs: 15_000, maxSessionMs: 15 * 60_000, pinEntryMs: 45_000, noticeMs: 8_000, pinLength: 4 };
const ana = { id: 'r-ana', displayName: 'Ana Díaz', language: 'es' as const };
const residentCard: CredentialEvent = { role: 'resident', id: '100001', source: 'scanner', format: 'barcode' };
const grant = { id: 'staff-grant', displayName: 'Officer Grant' };
const staffBadge: CredentialEvent = { role: 'staff', id: '42001', source: 'scanner', format: 'barcode' };
const staffLookup: CredentialLookup = { kind: 'staff', staffId: grant.id, attemptsLeft: 5 };

function startSession(options: { lookup?: CredentialLookup; lookups?: CredentialLookup[]; pinChecks?: PinCheck[]; staffPinChecks?: StaffPinCheck[] } = {}) {
  const clock = new SimulatedClock();
  const signOuts: SignOutReason[] = [];
  const staffEvents: string[] = [];
  const pinChecks = [...(options.pinChecks ?? [{ kind: 'accepted', resident: ana }])];
  const staffPinChecks = [...(options.staffPinChecks ?? [{ kind: 'accepted', staff: grant }])];
  const lookups = [...(options.lookups ?? [])];
  const residentPinsChecked: string[] = [];
  const actor = createActor(
    kioskSessionMachine.provide({
      actors: {
        identifyCredential: fromPromise(async () => lookups.shift() ?? options.lookup ?? { kind: 'resident', residentId: ana.id, attemptsLeft: 5 }),
        checkPin: fromPromise<PinCheck, { residentId: string; pin: string }>(async ({ input }) => {
          residentPinsChecked.push(input.residentId);
          return pinChecks.shift() ?? { kind: 'wrongPin', attemptsLeft: 0 };
        }),
        checkStaffPin: fromPromise(async () => staffPinChecks.shift() ?? { kind: 'wrongPin', attemptsLeft: 0 }),
      },
      actions: {
        residentSignedOut: (_, params) => void signOuts.push(params.reason),
        staffSignedIn: (_, params) => void staffEvents.push(`in:${params.staff.id}`),
        staffSignedOut: (_, params) => void staffEvents.push(`out:${params.staff.id}:${params.reason}`),
      },
    }),
    { clock, input: { limits, now: () => clock.now() } },
  );
  actor.start();
  const view = () => sessionViewOf(actor.getSnapshot());
  const settled = () => waitFor(actor, (s) => !s.matches('identifying') && !s.matches('checkingPin') && !s.matches('checkingStaffPin'));
  return { actor, clock, signOuts, staffEvents, residentPinsChecked, settled, view };
}

async function openServiceMode(session: ReturnType<typeof startSession>) {
  session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
  await session.settled();
  session.actor.send({ type: 'PIN_ENTERED', pin: '9753' });
  await session.settled();
}

async function signIn(session: ReturnType<typeof startSession>) {
  session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
  await session.settled();
  session.actor.send({ type: 'PIN_ENTERED', pin: '2468' });
  await session.settled();
}

describe('kiosk session', () => {
  it('goes attract → PIN → signed in, and signs out on request', async () => {
    const session = startSession();
    expect(session.view()).toEqual({ phase: 'attract', notice: null, noticeLanguage: null });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'pinEntry', subject: 'resident', pinLength: 4, attemptsLeft: 5, notice: null, checking: false });
    session.actor.send({ type: 'PIN_ENTERED', pin: '2468' });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'signedIn', resident: ana, sessionEndsAt: 15 * 60_000, idleWarningEndsAt: null });
    expect(signedInResidentId(session.actor.getSnapshot())).toBe(ana.id);
    session.actor.send({ type: 'SIGN_OUT' });
    expect(session.view()).toEqual({ phase: 'attract', notice: 'signedOut', noticeLanguage: 'es' });
    expect(signedInResidentId(session.actor.getSnapshot())).toBeNull();
    expect(session.actor.getSnapshot().context.resident).toBeNull();
    expect(session.signOuts).toEqual(['signedOut']);
  });

  it('an unknown card says so, and the notice clears by itself', async () => {
    const session = startSession({ lookup: { kind: 'unknown' } });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: { role: 'unknown', id: null, source: 'scanner', format: 'barcode' } });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'attract', notice: 'cardNotRecognized', noticeLanguage: null });
    session.clock.increment(limits.noticeMs);
    expect(session.view()).toEqual({ phase: 'attract', notice: null, noticeLanguage: null });
  });

  it('an unreadable swipe says the card was not recognized', () => {
    const session = startSession();
    session.actor.send({ type: 'CREDENTIAL_UNREADABLE' });
    expect(session.view()).toEqual({ phase: 'attract', notice: 'cardNotRecognized', noticeLanguage: null });
  });

  it('a staff-rule badge that no staff member holds is refused in words', async () => {
    const session = startSession({ lookup: { kind: 'staffNotKnown' } });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'attract', notice: 'staffCardNotAccepted', noticeLanguage: null });
  });

  it('a wrong PIN stays on the pad with the tries left; a lockout shows until when', async () => {
    const session = startSession({
      pinChecks: [
        { kind: 'wrongPin', attemptsLeft: 1 },
        { kind: 'lockedOut', until: 60_000 },
      ],
    });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    session.actor.send({ type: 'PIN_ENTERED', pin: '0000' });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'pinEntry', attemptsLeft: 1, notice: 'wrongPin' });
    session.actor.send({ type: 'PIN_ENTERED', pin: '0001' });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'lockedOut', until: 60_000 });
    session.clock.increment(limits.noticeMs * 2);
    expect(session.view().phase).toBe('attract');
  });

  it('a locked-out card goes straight to the lockout message', async () => {
    const session = startSession({ lookup: { kind: 'lockedOut', until: 120_000 } });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'lockedOut', until: 120_000 });
  });

  it('PIN entry times out back to attract', async () => {
    const session = startSession();
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    session.clock.increment(limits.pinEntryMs - 1);
    expect(session.view().phase).toBe('pinEntry');
    session.clock.increment(1);
    expect(session.view()).toEqual({ phase: 'attract', notice: 'pinEntryTimedOut', noticeLanguage: null });
  });

  it('idle: a countdown appears, activity cancels it, and silence signs the person out', async () => {
    const session = startSession();
    await signIn(session);
    session.clock.increment(limits.idleMs - limits.idleWarningMs - 1);
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: null });
    session.clock.increment(1);
    const warningStart = limits.idleMs - limits.idleWarningMs;
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: warningStart + limits.idleWarningMs });

    session.actor.send({ type: 'ACTIVITY' });
    expect(session.view()).toMatchObject({ phase: 'signedIn', idleWarningEndsAt: null });

    session.clock.increment(limits.idleMs - limits.idleWarningMs);
    expect(session.view()).toMatchObject({ idleWarningEndsAt: expect.any(Number) });
    session.clock.increment(limits.idleWarningMs);
    expect(session.view()).toEqual({ phase: 'attract', notice: 'signedOutIdle', noticeLanguage: 'es' });
    expect(session.signOuts).toEqual(['signedOutIdle']);
    expect(session.actor.getSnapshot().context.resident).toBeNull();
  });

  it('activity keeps a session alive only up to the site maximum', async () => {
    const session = startSession();
    await signIn(session);
    for (let minute = 0; minute < 14; minute += 1) {
      session.clock.increment(30_000);
      session.actor.send({ type: 'ACTIVITY' });
      session.clock.increment(30_000);
      session.actor.send({ type: 'ACTIVITY' });
    }
    expect(session.view().phase).toBe('signedIn');
    session.clock.increment(60_000);
    expect(session.view()).toEqual({ phase: 'attract', notice: 'sessionTimeLimit', noticeLanguage: 'es' });
    expect(session.signOuts).toEqual(['sessionTimeLimit']);
  });

  it('another card during a session does not take it over', async () => {
    const session = startSession();
    await signIn(session);
    session.actor.send({ type: 'CREDENTIAL_READ', credential: { ...residentCard, id: '100002' } });
    expect(session.view()).toMatchObject({ phase: 'signedIn', resident: ana });
  });

  it('a language choice during the session is kept on the resident', async () => {
    const session = startSession();
    await signIn(session);
    session.actor.send({ type: 'LANGUAGE_CHOSEN', language: 'en' });
    expect(session.view()).toMatchObject({ resident: { ...ana, language: 'en' } });
  });
});

describe('service mode in the kiosk session', () => {
  it('staff badge → the PIN pad worded for staff → service mode; sign-out leaves it', async () => {
    const session = startSession({ lookup: staffLookup });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'pinEntry', subject: 'staff', attemptsLeft: 5, notice: null });
    session.actor.send({ type: 'PIN_ENTERED', pin: '9753' });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'service', staff: grant, idleWarningEndsAt: null });
    expect(signedInStaffId(session.actor.getSnapshot())).toBe(grant.id);
    expect(signedInResidentId(session.actor.getSnapshot())).toBeNull();
    session.actor.send({ type: 'SIGN_OUT' });
    expect(session.view()).toEqual({ phase: 'attract', notice: 'signedOut', noticeLanguage: null });
    expect(signedInStaffId(session.actor.getSnapshot())).toBeNull();
    expect(session.actor.getSnapshot().context.staff).toBeNull();
    expect(session.staffEvents).toEqual([`in:${grant.id}`, `out:${grant.id}:signedOut`]);
    // The resident hook never ran: a staff session is not a resident's.
    expect(session.signOuts).toEqual([]);
  });

  it('a staff PIN is checked as a staff PIN, never as a resident’s', async () => {
    const session = startSession({ lookup: staffLookup, pinChecks: [{ kind: 'accepted', resident: ana }] });
    await openServiceMode(session);
    expect(session.residentPinsChecked).toEqual([]);
    expect(session.view().phase).toBe('service');
  });

  it('a resident badge and PIN never open service mode', async () => {
    const session = startSession({ staffPinChecks: [{ kind: 'accepted', staff: grant }] });
    await signIn(session);
    expect(session.view()).toMatchObject({ phase: 'signedIn', resident: ana });
    expect(signedInStaffId(session.actor.getSnapshot())).toBeNull();
    expect(session.staffEvents).toEqual([]);
  });

  it('wrong staff PINs count down and end in the lockout message', async () => {
    const session = startSession({
      lookup: staffLookup,
      staffPinChecks: [
        { kind: 'wrongPin', attemptsLeft: 1 },
        { kind: 'lockedOut', until: 600_000 },
      ],
    });
    await openServiceMode(session);
    expect(session.view()).toMatchObject({ phase: 'pinEntry', subject: 'staff', attemptsLeft: 1, notice: 'wrongPin' });
    session.actor.send({ type: 'PIN_ENTERED', pin: '0000' });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'lockedOut', until: 600_000 });
    expect(session.staffEvents).toEqual([]);
  });

  it('a locked-out staff badge goes straight to the lockout message', async () => {
    const session = startSession({ lookup: { kind: 'lockedOut', until: 300_000 } });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'lockedOut', until: 300_000 });
  });

  it('idles out like any session: countdown, activity cancels it, silence leaves service mode', async () => {
    const session = startSession({ lookup: staffLookup });
    await openServiceMode(session);
    const warningAfter = limits.idleMs - limits.idleWarningMs;
    session.clock.increment(warningAfter);
    expect(session.view()).toEqual({ phase: 'service', staff: grant, idleWarningEndsAt: warningAfter + limits.idleWarningMs });
    session.actor.send({ type: 'ACTIVITY' });
    expect(session.view()).toMatchObject({ phase: 'service', idleWarningEndsAt: null });
    session.clock.increment(warningAfter);
    session.clock.increment(limits.idleWarningMs);
    expect(session.view()).toEqual({ phase: 'attract', notice: 'signedOutIdle', noticeLanguage: null });
    expect(session.staffEvents).toEqual([`in:${grant.id}`, `out:${grant.id}:signedOutIdle`]);
  });

  it('has no session cap: a staff member who keeps working stays in service mode', async () => {
    const session = startSession({ lookup: staffLookup });
    await openServiceMode(session);
    for (let minute = 0; minute < 2 * 15; minute += 1) {
      session.clock.increment(30_000);
      session.actor.send({ type: 'ACTIVITY' });
    }
    expect(session.view().phase).toBe('service');
  });

  it('a card read in service mode signs nobody in and counts as activity', async () => {
    const session = startSession({ lookups: [staffLookup, { kind: 'resident', residentId: ana.id, attemptsLeft: 5 }] });
    await openServiceMode(session);
    session.clock.increment(limits.idleMs - limits.idleWarningMs);
    expect(session.view()).toMatchObject({ phase: 'service', idleWarningEndsAt: expect.any(Number) });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    expect(session.view()).toEqual({ phase: 'service', staff: grant, idleWarningEndsAt: null });
    session.actor.send({ type: 'CREDENTIAL_UNREADABLE' });
    expect(session.view()).toEqual({ phase: 'service', staff: grant, idleWarningEndsAt: null });
    expect(session.residentPinsChecked).toEqual([]);
  });

  it('a resident card during the staff PIN replaces the staff badge', async () => {
    const session = startSession({ lookups: [staffLookup, { kind: 'resident', residentId: ana.id, attemptsLeft: 5 }] });
    session.actor.send({ type: 'CREDENTIAL_READ', credential: staffBadge });
    await session.settled();
    session.actor.send({ type: 'CREDENTIAL_READ', credential: residentCard });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'pinEntry', subject: 'resident' });
    session.actor.send({ type: 'PIN_ENTERED', pin: '2468' });
    await session.settled();
    expect(session.view()).toMatchObject({ phase: 'signedIn', resident: ana });
    expect(session.staffEvents).toEqual([]);
  });
});
