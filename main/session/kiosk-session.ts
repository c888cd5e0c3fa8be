// The kiosk session: attract → card read → PIN → signed in → idle warning → signed out, with a cap on session length.
// A staff badge takes the same PIN pad to service mode instead, which idles out like any session; the two never mix:
// a resident's PIN never opens service mode, and in service mode a card read is only shown, never signed in.
// The machine decides; the store lookups and PIN checks are named actors whose I/O lives in the sign-in service.
// Every time in the context is from `now`, which follows the actor's clock, so tests drive it with SimulatedClock.
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import type { CredentialEvent } from '../../hardware/credential-mapping';
import type { AttractNotice, PinNotice, PinSubject, ResidentSummary, SessionView, StaffSummary } from '../contract';
import type { CredentialLookup, PinCheck, StaffPinCheck } from '../signin/sign-in-service';

export interface SessionLimits {
  readonly idleMs: number;
  readonly idleWarningMs: number;
  readonly maxSessionMs: number;
  readonly pinEntryMs: number;
  readonly noticeMs: number;
  readonly pinLength: number;
}

export type SignOutReason = 'signedOut' | 'signedOutIdle' | 'sessionTimeLimit';

export interface KioskSessionInput {
  readonly limits: SessionLimits;
  readonly now: () => number;
}

interface KioskSessionContext extends KioskSessionInput {
  notice: AttractNotice | null;
  pinNotice: PinNotice | null;
  /** The card waiting for its PIN: whose, and which record (a resident id or a staff id). */
  candidate: { subject: PinSubject; id: string; attemptsLeft: number } | null;
  pinEntryExpiresAt: number;
  lockedUntil: number;
  resident: ResidentSummary | null;
  staff: StaffSummary | null;
  sessionEndsAt: number;
  idleWarningEndsAt: number | null;
}

export type KioskSessionEvent =
  | { type: 'CREDENTIAL_READ'; credential: CredentialEvent }
  /** The reader saw something it could not read (half a swipe, noise). */
  | { type: 'CREDENTIAL_UNREADABLE' }
  | { type: 'PIN_ENTERED'; pin: string }
  | { type: 'CANCEL' }
  | { type: 'ACTIVITY' }
  | { type: 'SIGN_OUT' }
  | { type: 'LANGUAGE_CHOSEN'; language: ResidentSummary['language'] };

/** Leaving service mode: the same shape as signOut, with the staff member's own hook. */
function leaveService(reason: Exclude<SignOutReason, 'sessionTimeLimit'>) {
  return {
    target: '#kioskSession.attract',
    actions: [
      { type: 'staffSignedOut', params: ({ context }: { context: KioskSessionContext }) => ({ staff: context.staff as StaffSummary, reason }) },
      'forgetStaff',
      { type: 'setNotice', params: { notice: reason } },
    ],
  } as const;
}

/**
 * Leaving a session for any reason: tell the runtime (drafts, audit), forget the person, say why on the attract
 * screen. One definition for sign-out, idle and the session cap, so they can never differ in what they forget.
 */
function signOut(reason: SignOutReason) {
  return {
    target: '#kioskSession.attract',
    actions: [
      { type: 'residentSignedOut', params: ({ context }: { context: KioskSessionContext }) => ({ resident: context.resident as ResidentSummary, reason }) },
      'forgetResident',
      { type: 'setNotice', params: { notice: reason } },
    ],
  } as const;
}

export const kioskSessionMachine = setup({
  types: {
    context: {} as KioskSessionContext,
    events: {} as KioskSessionEvent,
    input: {} as KioskSessionInput,
  },
  actors: {
    // Real implementations are provided by the runtime; these defaults refuse, so a machine without them is harmless.
    identifyCredential: fromPromise<CredentialLookup, { credential: CredentialEvent }>(async () => ({ kind: 'unknown' })),
    checkPin: fromPromise<PinCheck, { residentId: string; pin: string }>(async () => ({ kind: 'wrongPin', attemptsLeft: 0 })),
    checkStaffPin: fromPromise<StaffPinCheck, { staffId: string; pin: string }>(async () => ({ kind: 'wrongPin', attemptsLeft: 0 })),
  },
  actions: {
    // Called with the person who just left, so the runtime can save drafts, audit and forget them.
    residentSignedIn: (_, _params: { resident: ResidentSummary }) => {},
    residentSignedOut: (_, _params: { resident: ResidentSummary; reason: SignOutReason }) => {},
    staffSignedIn: (_, _params: { staff: StaffSummary }) => {},
    staffSignedOut: (_, _params: { staff: StaffSummary; reason: Exclude<SignOutReason, 'sessionTimeLimit'> }) => {},
    setNotice: assign((_, params: { notice: AttractNotice | null }) => ({ notice: params.notice })),
    forgetCandidate: assign({ candidate: null, pinNotice: null }),
    startIdleWarning: assign({ idleWarningEndsAt: ({ context }) => context.now() + context.limits.idleWarningMs }),
    clearIdleWarning: assign({ idleWarningEndsAt: null }),
    forgetResident: assign({ resident: null, idleWarningEndsAt: null }),
    forgetStaff: assign({ staff: null, idleWarningEndsAt: null }),
  },
  guards: {
    hasNotice: ({ context }) => context.notice !== null,
    staffCandidate: ({ context }) => context.candidate?.subject === 'staff',
  },
  delays: {
    noticeDuration: ({ context }) => context.limits.noticeMs,
    pinEntryDuration: ({ context }) => context.limits.pinEntryMs,
    maxSession: ({ context }) => Math.max(0, context.sessionEndsAt - context.now()),
    idleBeforeWarning: ({ context }) => context.limits.idleMs - context.limits.idleWarningMs,
    idleWarningDuration: ({ context }) => context.limits.idleWarningMs,
    lockoutMessage: ({ context }) => context.limits.noticeMs * 2,
  },
}).createMachine({
  id: 'kioskSession',
  context: ({ input }) => ({
    ...input,
    notice: null,
    pinNotice: null,
    candidate: null,
    pinEntryExpiresAt: 0,
    lockedUntil: 0,
    resident: null,
    staff: null,
    sessionEndsAt: 0,
    idleWarningEndsAt: null,
  }),
  initial: 'attract',
  states: {
    attract: {
      entry: 'forgetCandidate',
      after: { noticeDuration: { guard: 'hasNotice', actions: { type: 'setNotice', params: { notice: null } } } },
      on: {
        CREDENTIAL_READ: 'identifying',
        CREDENTIAL_UNREADABLE: { target: 'attract', reenter: true, actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
      },
    },
    identifying: {
      invoke: {
        src: 'identifyCredential',
        input: ({ event }) => {
          if (event.type !== 'CREDENTIAL_READ') throw new Error(`identifying entered by ${event.type}`);
          return { credential: event.credential };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'resident',
            target: 'pinEntry',
            actions: assign(({ event }) => ({
              notice: null,
              candidate: event.output.kind === 'resident' ? { subject: 'resident' as const, id: event.output.residentId, attemptsLeft: event.output.attemptsLeft } : null,
            })),
          },
          {
            guard: ({ event }) => event.output.kind === 'staff',
            target: 'pinEntry',
            actions: assign(({ event }) => ({
              notice: null,
              candidate: event.output.kind === 'staff' ? { subject: 'staff' as const, id: event.output.staffId, attemptsLeft: event.output.attemptsLeft } : null,
            })),
          },
          {
            guard: ({ event }) => event.output.kind === 'lockedOut',
            target: 'lockedOut',
            actions: assign(({ event }) => ({ lockedUntil: event.output.kind === 'lockedOut' ? event.output.until : 0 })),
          },
          {
            guard: ({ event }) => event.output.kind === 'tabletNotAssigned',
            target: 'attract',
            actions: { type: 'setNotice', params: { notice: 'tabletNotAssigned' } },
          },
          {
            // The staff rule matched, but no one on the staff list holds the badge.
            guard: ({ event }) => event.output.kind === 'staffNotKnown',
            target: 'attract',
            actions: { type: 'setNotice', params: { notice: 'staffCardNotAccepted' } },
          },
          { target: 'attract', actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
        ],
        onError: { target: 'attract', actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
      },
    },
    pinEntry: {
      entry: assign({ pinEntryExpiresAt: ({ context }) => context.now() + context.limits.pinEntryMs }),
      after: { pinEntryDuration: { target: 'attract', actions: { type: 'setNotice', params: { notice: 'pinEntryTimedOut' } } } },
      on: {
        PIN_ENTERED: [{ guard: 'staffCandidate', target: 'checkingStaffPin' }, { target: 'checkingPin' }],
        CANCEL: 'attract',
        // A different card replaces the one waiting for its PIN.
        CREDENTIAL_READ: 'identifying',
        // Typing the PIN is activity: give the person the full time again.
        ACTIVITY: { target: 'pinEntry', reenter: true },
      },
    },
    checkingPin: {
      invoke: {
        src: 'checkPin',
        input: ({ context, event }) => {
          if (event.type !== 'PIN_ENTERED' || context.candidate?.subject !== 'resident') throw new Error('checkingPin needs a PIN and a resident card');
          return { residentId: context.candidate.id, pin: event.pin };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'accepted',
            target: 'signedIn',
            actions: [
              assign(({ event, context }) => ({
                resident: event.output.kind === 'accepted' ? event.output.resident : null,
                sessionEndsAt: context.now() + context.limits.maxSessionMs,
                candidate: null,
                pinNotice: null,
              })),
              { type: 'residentSignedIn', params: ({ context }) => ({ resident: context.resident as ResidentSummary }) },
            ],
          },
          {
            guard: ({ event }) => event.output.kind === 'lockedOut',
            target: 'lockedOut',
            actions: assign(({ event }) => ({ lockedUntil: event.output.kind === 'lockedOut' ? event.output.until : 0 })),
          },
          {
            target: 'pinEntry',
            actions: assign(({ event, context }) => ({
              pinNotice: 'wrongPin' as const,
              candidate:
                context.candidate && event.output.kind === 'wrongPin'
                  ? { ...context.candidate, attemptsLeft: event.output.attemptsLeft }
                  : context.candidate,
            })),
          },
        ],
        onError: { target: 'attract', actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
      },
    },
    checkingStaffPin: {
      invoke: {
        src: 'checkStaffPin',
        input: ({ context, event }) => {
          if (event.type !== 'PIN_ENTERED' || context.candidate?.subject !== 'staff') throw new Error('checkingStaffPin needs a PIN and a staff badge');
          return { staffId: context.candidate.id, pin: event.pin };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'accepted',
            target: 'service',
            actions: [
              assign(({ event }) => ({ staff: event.output.kind === 'accepted' ? event.output.staff : null, candidate: null, pinNotice: null })),
              { type: 'staffSignedIn', params: ({ context }) => ({ staff: context.staff as StaffSummary }) },
            ],
          },
          {
            guard: ({ event }) => event.output.kind === 'lockedOut',
            target: 'lockedOut',
            actions: assign(({ event }) => ({ lockedUntil: event.output.kind === 'lockedOut' ? event.output.until : 0 })),
          },
          {
            target: 'pinEntry',
            actions: assign(({ event, context }) => ({
              pinNotice: 'wrongPin' as const,
              candidate: context.candidate && event.output.kind === 'wrongPin' ? { ...context.candidate, attemptsLeft: event.output.attemptsLeft } : context.candidate,
            })),
          },
        ],
        onError: { target: 'attract', actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
      },
    },
    lockedOut: {
      after: { lockoutMessage: 'attract' },
      on: { CANCEL: 'attract', CREDENTIAL_READ: 'identifying' },
    },
    signedIn: {
      after: {
        maxSession: signOut('sessionTimeLimit'),
      },
      on: {
        SIGN_OUT: signOut('signedOut'),
        LANGUAGE_CHOSEN: {
          actions: assign(({ context, event }) => ({ resident: context.resident ? { ...context.resident, language: event.language } : null })),
        },
      },
      initial: 'active',
      states: {
        active: {
          entry: 'clearIdleWarning',
          after: { idleBeforeWarning: 'idleWarning' },
          on: { ACTIVITY: { target: 'active', reenter: true } },
        },
        idleWarning: {
          entry: 'startIdleWarning',
          after: {
            idleWarningDuration: signOut('signedOutIdle'),
          },
          on: { ACTIVITY: 'active' },
        },
      },
    },
    // No session cap: servicing a device can take longer than a resident's turn, and the idle rule still ends a
    // service session nobody is using.
    service: {
      on: {
        SIGN_OUT: leaveService('signedOut'),
        // A card here is a staff member testing a reader (the runtime shows it in the live view): activity, not a sign-in.
        CREDENTIAL_READ: { target: '.active', reenter: true },
        CREDENTIAL_UNREADABLE: { target: '.active', reenter: true },
      },
      initial: 'active',
      states: {
        active: {
          entry: 'clearIdleWarning',
          after: { idleBeforeWarning: 'idleWarning' },
          on: { ACTIVITY: { target: 'active', reenter: true } },
        },
        idleWarning: {
          entry: 'startIdleWarning',
          after: { idleWarningDuration: leaveService('signedOutIdle') },
          on: { ACTIVITY: 'active' },
        },
      },
    },
  },
});

export type KioskSessionSnapshot = SnapshotFrom<typeof kioskSessionMachine>;

/** What the renderer should draw for a snapshot of the machine. */
export function sessionViewOf(snapshot: KioskSessionSnapshot): SessionView {
  const { context } = snapshot;
  if (snapshot.matches('signedIn') && context.resident) {
    return { phase: 'signedIn', resident: context.resident, sessionEndsAt: context.sessionEndsAt, idleWarningEndsAt: context.idleWarningEndsAt };
  }
  if (snapshot.matches('service') && context.staff) return { phase: 'service', staff: context.staff, idleWarningEndsAt: context.idleWarningEndsAt };
  if ((snapshot.matches('pinEntry') || snapshot.matches('checkingPin') || snapshot.matches('checkingStaffPin')) && context.candidate) {
    return {
      phase: 'pinEntry',
      subject: context.candidate.subject,
      pinLength: context.limits.pinLength,
      attemptsLeft: context.candidate.attemptsLeft,
      notice: context.pinNotice,
      checking: snapshot.matches('checkingPin') || snapshot.matches('checkingStaffPin'),
      expiresAt: context.pinEntryExpiresAt,
    };
  }
  if (snapshot.matches('lockedOut')) return { phase: 'lockedOut', until: context.lockedUntil };
  return { phase: 'attract', notice: context.notice };
}

/** The id of the signed-in resident, or null: what the runtime authorizes calls against. */
export function signedInResidentId(snapshot: KioskSessionSnapshot): string | null {
  return snapshot.matches('signedIn') && snapshot.context.resident ? snapshot.context.resident.id : null;
}

/** The id of the staff member in service mode, or null: what the runtime authorizes service calls against. */
export function signedInStaffId(snapshot: KioskSessionSnapshot): string | null {
  return snapshot.matches('service') && snapshot.context.staff ? snapshot.context.staff.id : null;
}
