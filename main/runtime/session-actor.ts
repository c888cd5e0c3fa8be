// The session machine as this device runs it: the site's limits, and what the machine's named actors and actions do
// here (sign-ins against the store, audit entries, waking sync for the person who signed in).
import { createActor, fromPromise, type Actor, type ActorOptions } from 'xstate';
import type { CredentialEvent } from '../signin/credential-mapping';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { AuditRecorder } from '../audit/audit-log';
import type { Logger } from '../logging';
import { kioskSessionMachine, type SessionLimits, type TabletSessionRules } from '../session/kiosk-session';
import type { CredentialLookup, PinCheck, SignInService, StaffPinCheck, TabletPinCheck } from '../signin/sign-in-service';
import type { DeviceState } from './device-state';
import type { SiteLanguageSource } from './site-languages';
import type { ReserveGuard } from './storage-guard';

export type SessionActor = Actor<typeof kioskSessionMachine>;
/** What the calls and the readers use of the session: its state and its events, never its start or stop. */
export type SessionHandle = Pick<SessionActor, 'getSnapshot' | 'send'>;

export function sessionLimitsOf(config: KioskConfig): SessionLimits {
  return {
    idleMs: config.session.idleSeconds * 1000,
    idleWarningMs: config.session.idleWarningSeconds * 1000,
    maxSessionMs: config.session.maxSessionMinutes * 60_000,
    pinEntryMs: config.session.pinEntrySeconds * 1000,
    noticeMs: config.session.noticeSeconds * 1000,
    pinLength: config.pin.length,
  };
}

export interface SessionActorDeps {
  readonly config: KioskConfig;
  readonly signIn: SignInService;
  readonly reserve: Pick<ReserveGuard, 'withReserveAsync'>;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Read for the engine at each sign-in; the attract language is set back to the site's default at each sign-out. */
  readonly state: Pick<DeviceState, 'sync' | 'attractLanguage'>;
  readonly now: () => number;
  readonly tabletRules: TabletSessionRules | null;
  readonly clock: ActorOptions<typeof kioskSessionMachine>['clock'] | undefined;
  /** The site's languages: the hub's once it has said, else the site file's. */
  readonly siteLanguages: SiteLanguageSource;
}

/** The session actor, created and not started: the runtime subscribes to it first. */
export function createSessionActor({ config, signIn, reserve, audit, logger, state, now, tabletRules, clock, siteLanguages }: SessionActorDeps): SessionActor {
  const machine = kioskSessionMachine.provide({
    actors: {
      identifyCredential: fromPromise<CredentialLookup, { credential: CredentialEvent }>(async ({ input }) => signIn.identify(input.credential)),
      // A PIN check writes the person's count: on a full disk it uses the reserve rather than fail the sign-in (a
      // write that failed was rolled back whole, so the check runs again from the start and counts once).
      checkPin: fromPromise<PinCheck, { residentId: string; pin: string }>(async ({ input }) =>
        reserve.withReserveAsync('PIN check', () => signIn.checkPin(input.residentId, input.pin)),
      ),
      checkStaffPin: fromPromise<StaffPinCheck, { staffId: string; pin: string }>(async ({ input }) =>
        reserve.withReserveAsync('staff PIN check', () => signIn.checkStaffPin(input.staffId, input.pin)),
      ),
      checkTabletPin: fromPromise<TabletPinCheck, { pin: string }>(async ({ input }) =>
        reserve.withReserveAsync('PIN check', () => signIn.checkTabletPin(input.pin)),
      ),
    },
    actions: {
      residentSignedIn: (_, { resident }) => {
        logger.info({ residentId: resident.id }, 'resident signed in');
        audit('signIn', { kind: 'resident', id: resident.id }, {});
        // Their mail and balance may have changed since the last sync: fetch them first.
        state.sync?.send({ type: 'RESIDENT_SIGNED_IN', residentId: resident.id });
      },
      residentSignedOut: (_, { resident, reason }) => {
        logger.info({ residentId: resident.id, reason }, 'resident signed out');
        audit('signOut', { kind: 'resident', id: resident.id }, { reason });
        // The next person starts in the site's language, not the last person's.
        state.attractLanguage = siteLanguages().default;
      },
      // A lock is not a sign-out: the person's session is held for their PIN, so it is logged, not audited as one.
      residentLocked: (_, { resident, reason }) => {
        logger.info({ residentId: resident.id, reason }, 'tablet locked');
      },
      residentUnlocked: (_, { resident }) => {
        logger.info({ residentId: resident.id }, 'tablet unlocked');
        state.sync?.send({ type: 'RESIDENT_SIGNED_IN', residentId: resident.id });
      },
      staffSignedIn: (_, { staff: member }) => {
        logger.info({ staffId: member.id }, 'service mode opened');
        audit('staffAction', { kind: 'staff', id: member.id }, { action: 'enterServiceMode' });
      },
      staffSignedOut: (_, { staff: member, reason }) => {
        logger.info({ staffId: member.id, reason }, 'service mode closed');
        audit('staffAction', { kind: 'staff', id: member.id }, { action: 'leaveServiceMode' });
        state.attractLanguage = siteLanguages().default;
      },
    },
  });
  return createActor(machine, {
    input: { limits: sessionLimitsOf(config), now, ...(tabletRules === null ? {} : { tablet: tabletRules }) },
    ...(clock ? { clock } : {}),
  });
}
