// The kiosk session: attract → card read → PIN → signed in → idle warning → signed out, with a cap on session length.
// A staff badge takes the same PIN pad to service mode instead, which idles out like any session; the two never mix:
// a resident's PIN never opens service mode, and in service mode a card read is only shown, never signed in.
// The machine decides; the store lookups and PIN checks are named actors whose I/O lives in the sign-in service.
// Every time in the context is from `now`, which follows the actor's clock, so tests drive it with SimulatedClock.
//
// On a tablet (input `tablet`, issue 8) the same machine serves one assigned person: the attract screen is their lock
// screen, where the PIN alone signs them in (checkTabletPin); idle dims the screen (the idle warning) and then *locks*
// instead of signing out — `locked` keeps the resident, and their PIN (counted towards the same lockout) unlocks back to
// signedIn. After the site's days without a sync the tablet locks (`syncLocked`, or `locked.syncOverdue` with the session
// held) until a sync moves the deadline; staff badges still open service mode, which ends a held session first.
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import type { CredentialEvent } from '../signin/credential-mapping';
import type { AttractNotice, PinNotice, PinSubject, ResidentSummary, SessionView, StaffSummary } from '../contract';
import type { CredentialLookup, PinCheck, StaffPinCheck, TabletPinCheck } from '../signin/sign-in-service';
import { syncOverdue, type SyncDeadline } from '../tablet/sync-lock';

export interface SessionLimits {
  readonly idleMs: number;
  readonly idleWarningMs: number;
  readonly maxSessionMs: number;
  readonly pinEntryMs: number;
  readonly noticeMs: number;
  readonly pinLength: number;
}

export type SignOutReason = 'signedOut' | 'signedOutIdle' | 'sessionTimeLimit';

/** A tablet's session rules (the site file's tablet section) and where it stands with the lock rule. */
export interface TabletSessionRules {
  /** Untouched this long, a signed-in tablet locks; it dims for the last `dimMs` of it. */
  readonly idleLockMs: number;
  readonly dimMs: number;
  readonly maxSessionMs: number;
  /**
   * The lock rule's deadline, read whenever the machine decides (the runtime sends TABLET_CHANGED when it moves); null
   * while the tablet serves nobody, which then shows the staff prompt like a kiosk's attract screen.
   */
  readonly syncDeadline: () => SyncDeadline | null;
}

export type TabletLockReason = 'idle' | 'syncOverdue';

export interface KioskSessionInput {
  readonly limits: SessionLimits;
  readonly now: () => number;
  /** Present on a tablet; a kiosk leaves it out. */
  readonly tablet?: TabletSessionRules;
}

/** What the tablet's PIN pad last said: after a wrong PIN, the tries left; after a lockout, until when. */
interface TabletPad {
  pinNotice: PinNotice | null;
  attemptsLeft: number | null;
  lockedUntil: number | null;
}

const quietPad: TabletPad = { pinNotice: null, attemptsLeft: null, lockedUntil: null };

/**
 * The longest a delayed transition may wait: setTimeout cannot count past about 24.8 days, so a later deadline is
 * looked at again after this (the site file caps the lock rule at 20 days for the same reason).
 */
const longestTimerMs = 20 * 24 * 60 * 60 * 1000;

interface KioskSessionContext {
  readonly limits: SessionLimits;
  readonly now: () => number;
  readonly tablet: TabletSessionRules | null;
  tabletPad: TabletPad;
  notice: AttractNotice | null;
  /** The language of the person a sign-out notice speaks to; null for notices to whoever comes next. */
  noticeLanguage: ResidentSummary['language'] | null;
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
  | { type: 'LANGUAGE_CHOSEN'; language: ResidentSummary['language'] }
  /** A tablet's assignee or last successful sync changed: its lock deadline may have moved. */
  | { type: 'TABLET_CHANGED' };

function overdue(context: KioskSessionContext): boolean {
  return context.tablet !== null && syncOverdue(context.tablet.syncDeadline(), context.now());
}

function sessionLengthMs(context: KioskSessionContext): number {
  return context.tablet?.maxSessionMs ?? context.limits.maxSessionMs;
}

/** The pad's words after a PIN check that did not sign anyone in. */
function padAfter(output: PinCheck | TabletPinCheck): TabletPad {
  switch (output.kind) {
    case 'wrongPin':
      return { pinNotice: 'wrongPin', attemptsLeft: output.attemptsLeft, lockedUntil: null };
    case 'lockedOut':
      return { pinNotice: null, attemptsLeft: 0, lockedUntil: output.until };
    case 'accepted':
    case 'tabletNotAssigned':
      return quietPad;
    default: {
      const unreachable: never = output;
      return unreachable;
    }
  }
}

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
      // Said in the language of the person it concerns, who is still at the screen; the next person's default follows.
      {
        type: 'setPersonalNotice',
        params: ({ context }: { context: KioskSessionContext }) => ({ notice: reason, language: context.resident?.language ?? null }),
      },
      'forgetResident',
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
    checkTabletPin: fromPromise<TabletPinCheck, { pin: string }>(async () => ({ kind: 'tabletNotAssigned' })),
  },
  actions: {
    // Called with the person who just left, so the runtime can save drafts, audit and forget them.
    residentSignedIn: (_, _params: { resident: ResidentSummary }) => {},
    residentSignedOut: (_, _params: { resident: ResidentSummary; reason: SignOutReason }) => {},
    staffSignedIn: (_, _params: { staff: StaffSummary }) => {},
    staffSignedOut: (_, _params: { staff: StaffSummary; reason: Exclude<SignOutReason, 'sessionTimeLimit'> }) => {},
    residentLocked: (_, _params: { resident: ResidentSummary; reason: TabletLockReason }) => {},
    residentUnlocked: (_, _params: { resident: ResidentSummary }) => {},
    clearPad: assign({ tabletPad: quietPad }),
    setNotice: assign((_, params: { notice: AttractNotice | null }) => ({ notice: params.notice, noticeLanguage: null })),
    setPersonalNotice: assign((_, params: { notice: AttractNotice; language: ResidentSummary['language'] | null }) => ({
      notice: params.notice,
      noticeLanguage: params.language,
    })),
    forgetCandidate: assign({ candidate: null, pinNotice: null }),
    startIdleWarning: assign({ idleWarningEndsAt: ({ context }) => context.now() + context.limits.idleWarningMs }),
    clearIdleWarning: assign({ idleWarningEndsAt: null }),
    forgetResident: assign({ resident: null, idleWarningEndsAt: null }),
    forgetStaff: assign({ staff: null, idleWarningEndsAt: null }),
  },
  guards: {
    hasNotice: ({ context }) => context.notice !== null,
    staffCandidate: ({ context }) => context.candidate?.subject === 'staff',
    isTablet: ({ context }) => context.tablet !== null,
    tabletServesSomeone: ({ context }) => context.tablet !== null && context.tablet.syncDeadline() !== null,
    syncOverdue: ({ context }) => overdue(context),
  },
  delays: {
    noticeDuration: ({ context }) => context.limits.noticeMs,
    pinEntryDuration: ({ context }) => context.limits.pinEntryMs,
    maxSession: ({ context }) => Math.max(0, context.sessionEndsAt - context.now()),
    idleBeforeWarning: ({ context }) => context.limits.idleMs - context.limits.idleWarningMs,
    idleWarningDuration: ({ context }) => context.limits.idleWarningMs,
    // A resident's idle rule: a tablet's own (dim, then lock) where there is one; service mode keeps the site's.
    residentIdleBeforeWarning: ({ context }) =>
      context.tablet ? context.tablet.idleLockMs - context.tablet.dimMs : context.limits.idleMs - context.limits.idleWarningMs,
    residentIdleWarning: ({ context }) => (context.tablet ? context.tablet.dimMs : context.limits.idleWarningMs),
    syncLockDue: ({ context }) => {
      const deadline = context.tablet?.syncDeadline() ?? null;
      return deadline === null ? longestTimerMs : Math.min(longestTimerMs, Math.max(0, deadline.lockAt - context.now()));
    },
    lockoutMessage: ({ context }) => context.limits.noticeMs * 2,
  },
}).createMachine({
  id: 'kioskSession',
  context: ({ input }) => ({
    limits: input.limits,
    now: input.now,
    tablet: input.tablet ?? null,
    tabletPad: quietPad,
    notice: null,
    noticeLanguage: null,
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
      // A tablet past its deadline shows why it is locked instead; this is looked at on entry and after every event.
      always: { guard: 'syncOverdue', target: 'syncLocked' },
      after: { noticeDuration: { guard: 'hasNotice', actions: { type: 'setNotice', params: { notice: null } } } },
      on: {
        CREDENTIAL_READ: 'identifying',
        CREDENTIAL_UNREADABLE: { target: 'attract', reenter: true, actions: { type: 'setNotice', params: { notice: 'cardNotRecognized' } } },
        // A tablet's own person needs no card: the PIN alone, checked against its assignee.
        PIN_ENTERED: { guard: 'tabletServesSomeone', target: 'checkingTabletPin' },
      },
      // The lock deadline as a timer in a child state, so a moved deadline re-arms it without touching the notice.
      initial: 'waiting',
      states: {
        waiting: {
          after: {
            syncLockDue: [
              { guard: 'syncOverdue', target: '#kioskSession.syncLocked' },
              { target: 'waiting', reenter: true },
            ],
          },
          on: { TABLET_CHANGED: { target: 'waiting', reenter: true } },
        },
      },
    },
    checkingTabletPin: {
      invoke: {
        src: 'checkTabletPin',
        input: ({ event }) => {
          if (event.type !== 'PIN_ENTERED') throw new Error(`checkingTabletPin entered by ${event.type}`);
          return { pin: event.pin };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'accepted',
            target: 'signedIn',
            actions: [
              assign(({ event, context }) => ({
                resident: event.output.kind === 'accepted' ? event.output.resident : null,
                sessionEndsAt: context.now() + sessionLengthMs(context),
                notice: null,
                tabletPad: quietPad,
              })),
              { type: 'residentSignedIn', params: ({ context }) => ({ resident: context.resident as ResidentSummary }) },
            ],
          },
          {
            // Unassigned by the hub between the screen and the PIN.
            guard: ({ event }) => event.output.kind === 'tabletNotAssigned',
            target: 'attract',
            actions: [{ type: 'setNotice', params: { notice: 'tabletNotAssigned' } }, 'clearPad'],
          },
          { target: 'attract', actions: assign(({ event }) => ({ notice: null, tabletPad: padAfter(event.output) })) },
        ],
        onError: { target: 'attract', actions: 'clearPad' },
      },
    },
    syncLocked: {
      on: {
        // Staff badges still open service mode (identifying sends a resident's card back here).
        CREDENTIAL_READ: 'identifying',
        // attract sends the tablet straight back here if the deadline has not moved past now.
        TABLET_CHANGED: 'attract',
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
            // No resident signs in on a tablet past its deadline, card or not.
            guard: ({ context, event }) => event.output.kind === 'resident' && overdue(context),
            target: 'syncLocked',
          },
          {
            guard: ({ event }) => event.output.kind === 'resident',
            target: 'pinEntry',
            actions: assign(({ event }) => ({
              notice: null,
              candidate:
                event.output.kind === 'resident'
                  ? { subject: 'resident' as const, id: event.output.residentId, attemptsLeft: event.output.attemptsLeft }
                  : null,
            })),
          },
          {
            guard: ({ event }) => event.output.kind === 'staff',
            target: 'pinEntry',
            actions: assign(({ event }) => ({
              notice: null,
              candidate:
                event.output.kind === 'staff' ? { subject: 'staff' as const, id: event.output.staffId, attemptsLeft: event.output.attemptsLeft } : null,
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
                sessionEndsAt: context.now() + sessionLengthMs(context),
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
                context.candidate && event.output.kind === 'wrongPin' ? { ...context.candidate, attemptsLeft: event.output.attemptsLeft } : context.candidate,
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
              candidate:
                context.candidate && event.output.kind === 'wrongPin' ? { ...context.candidate, attemptsLeft: event.output.attemptsLeft } : context.candidate,
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
        // Armed at sign-in and at each unlock. A sync during the session only moves the deadline later, past the end of
        // any session (at least a day away; a session is at most a day), so this timer never needs re-arming meanwhile.
        syncLockDue: {
          guard: 'syncOverdue',
          target: 'locked',
          actions: { type: 'residentLocked', params: ({ context }) => ({ resident: context.resident as ResidentSummary, reason: 'syncOverdue' as const }) },
        },
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
          after: { residentIdleBeforeWarning: 'idleWarning' },
          on: { ACTIVITY: { target: 'active', reenter: true } },
        },
        // On a kiosk a countdown to sign-out; on a tablet the screen dims, and then it locks.
        idleWarning: {
          entry: 'startIdleWarning',
          after: {
            residentIdleWarning: [
              {
                guard: 'isTablet',
                target: '#kioskSession.locked',
                actions: { type: 'residentLocked', params: ({ context }) => ({ resident: context.resident as ResidentSummary, reason: 'idle' as const }) },
              },
              signOut('signedOutIdle'),
            ],
          },
          on: { ACTIVITY: 'active' },
        },
      },
    },
    // A tablet's held session: the resident stays in the context (the runtime refuses their calls all the same, since
    // only signedIn counts as signed in), and their PIN brings them back. The session cap keeps counting.
    locked: {
      entry: [assign({ idleWarningEndsAt: null }), 'clearPad'],
      after: { maxSession: signOut('sessionTimeLimit') },
      on: {
        // A card (staff servicing the tablet) ends the held session first: service mode and a resident never mix.
        CREDENTIAL_READ: {
          target: 'identifying',
          actions: [
            { type: 'residentSignedOut', params: ({ context }) => ({ resident: context.resident as ResidentSummary, reason: 'signedOut' as const }) },
            'forgetResident',
            'clearPad',
          ],
        },
      },
      initial: 'waiting',
      states: {
        waiting: {
          always: { guard: 'syncOverdue', target: 'syncOverdue' },
          after: {
            syncLockDue: [
              { guard: 'syncOverdue', target: 'syncOverdue' },
              { target: 'waiting', reenter: true },
            ],
          },
          on: { PIN_ENTERED: 'checking', TABLET_CHANGED: { target: 'waiting', reenter: true } },
        },
        checking: {
          invoke: {
            src: 'checkPin',
            input: ({ context, event }) => {
              if (event.type !== 'PIN_ENTERED' || context.resident === null) throw new Error('locked.checking needs a PIN and a held session');
              return { residentId: context.resident.id, pin: event.pin };
            },
            onDone: [
              {
                guard: ({ event }) => event.output.kind === 'accepted',
                target: '#kioskSession.signedIn',
                actions: ['clearPad', { type: 'residentUnlocked', params: ({ context }) => ({ resident: context.resident as ResidentSummary }) }],
              },
              // Wrong PINs here count towards the same lockout as at sign-in (the sign-in service keeps the count).
              { target: 'waiting', actions: assign(({ event }) => ({ tabletPad: padAfter(event.output) })) },
            ],
            onError: 'waiting',
          },
        },
        syncOverdue: {
          on: { TABLET_CHANGED: 'waiting' },
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
  if (context.tablet !== null) {
    const tabletView = tabletViewOf(snapshot, context.tablet);
    if (tabletView !== null) return tabletView;
  }
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
  return { phase: 'attract', notice: context.notice, noticeLanguage: context.notice === null ? null : context.noticeLanguage };
}

/** A tablet's lock screens, or null when the tablet shows what a kiosk would (signed in, service, the staff prompt). */
function tabletViewOf(snapshot: KioskSessionSnapshot, tablet: TabletSessionRules): SessionView | null {
  const { context } = snapshot;
  const pad = (sessionHeld: boolean, checking: boolean): SessionView => ({
    phase: 'tabletLock',
    sessionHeld,
    pinLength: context.limits.pinLength,
    checking,
    notice: sessionHeld ? null : context.notice,
    pinNotice: context.tabletPad.pinNotice,
    attemptsLeft: context.tabletPad.attemptsLeft,
    // A lockout that has run out is not worth a word.
    lockedUntil: context.tabletPad.lockedUntil !== null && context.tabletPad.lockedUntil > context.now() ? context.tabletPad.lockedUntil : null,
  });
  if (snapshot.matches('syncLocked')) return { phase: 'syncLocked', sessionHeld: false };
  if (snapshot.matches({ locked: 'syncOverdue' })) return { phase: 'syncLocked', sessionHeld: true };
  if (snapshot.matches('locked')) return pad(true, snapshot.matches({ locked: 'checking' }));
  if (snapshot.matches('checkingTabletPin')) return pad(false, true);
  // Serving nobody, a tablet's attract screen is the staff prompt (AttractScreen), as before it had a lock screen.
  if (snapshot.matches('attract') && tablet.syncDeadline() !== null) return pad(false, false);
  return null;
}

/** Whether the machine is waiting on a lookup or a PIN check (the runtime answers a PIN call once it is not). */
export function sessionBusy(snapshot: KioskSessionSnapshot): boolean {
  return (
    snapshot.matches('identifying') ||
    snapshot.matches('checkingPin') ||
    snapshot.matches('checkingStaffPin') ||
    snapshot.matches('checkingTabletPin') ||
    snapshot.matches({ locked: 'checking' })
  );
}

/** Whether a PIN typed now would be checked: a card waiting for it, or a tablet's lock screen. */
export function acceptsPin(snapshot: KioskSessionSnapshot): boolean {
  const view = sessionViewOf(snapshot);
  return view.phase === 'pinEntry' ? !view.checking : view.phase === 'tabletLock' && !view.checking;
}

/** The id of the signed-in resident, or null: what the runtime authorizes calls against. */
export function signedInResidentId(snapshot: KioskSessionSnapshot): string | null {
  return snapshot.matches('signedIn') && snapshot.context.resident ? snapshot.context.resident.id : null;
}

/** The id of the staff member in service mode, or null: what the runtime authorizes service calls against. */
export function signedInStaffId(snapshot: KioskSessionSnapshot): string | null {
  return snapshot.matches('service') && snapshot.context.staff ? snapshot.context.staff.id : null;
}
