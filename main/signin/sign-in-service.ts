// Who a card belongs to and whether their PIN is right, with the lockout kept in the store. Each outcome a facility
// audits — a card no rule or no person matches, a locked-out person's card, a wrong PIN, a lockout — is appended to
// the audit log here, where it is decided (sign-in and sign-out are the session's, so the runtime records those).
import type { CredentialEvent } from './credential-mapping';
import type { AuditRecorder } from '../audit/audit-log';
import type { ResidentSummary, StaffSummary } from '../contract';
import type { PinLockoutQueries, PinLockoutState } from '../store/pin-lockouts';
import type { ResidentQueries } from '../store/residents';
import type { StaffQueries } from '../store/staff';
import { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, type PinRules } from './lockout-policy';
import { verifyPin } from './pin-hash';

export type CredentialLookup =
  | { readonly kind: 'unknown' }
  /** A staff badge of someone on this site's staff list: their PIN opens service mode. */
  | { readonly kind: 'staff'; readonly staffId: string; readonly attemptsLeft: number }
  /** A badge the site's staff rule accepts, but nobody on the staff list holds it. */
  | { readonly kind: 'staffNotKnown' }
  | { readonly kind: 'lockedOut'; readonly until: number }
  | { readonly kind: 'resident'; readonly residentId: string; readonly attemptsLeft: number }
  /** A resident's card on a tablet that serves nobody: only staff can do anything there until it is assigned. */
  | { readonly kind: 'tabletNotAssigned' };

export type PinCheck =
  | { readonly kind: 'accepted'; readonly resident: ResidentSummary }
  | { readonly kind: 'wrongPin'; readonly attemptsLeft: number }
  | { readonly kind: 'lockedOut'; readonly until: number };

export type StaffPinCheck =
  | { readonly kind: 'accepted'; readonly staff: StaffSummary }
  | { readonly kind: 'wrongPin'; readonly attemptsLeft: number }
  | { readonly kind: 'lockedOut'; readonly until: number };

/** A tablet's PIN alone: checked as its assignee's, or refused when the tablet serves nobody. */
export type TabletPinCheck = PinCheck | { readonly kind: 'tabletNotAssigned' };

export interface SignInService {
  identify(credential: CredentialEvent): CredentialLookup;
  checkPin(residentId: string, pin: string): Promise<PinCheck>;
  /** Service mode's PIN: the same lockout rule as residents', counted per staff member. */
  checkStaffPin(staffId: string, pin: string): Promise<StaffPinCheck>;
  /** A tablet's lock screen: the PIN alone, as its assignee's PIN, with the same lockout and audit as with a card. */
  checkTabletPin(pin: string): Promise<TabletPinCheck>;
}

export interface SignInServiceDeps {
  readonly residents: ResidentQueries;
  readonly staff: StaffQueries;
  readonly lockouts: PinLockoutQueries;
  readonly rules: PinRules;
  readonly now: () => number;
  /** Where audited outcomes go; never throws (main/audit/audit-log.ts). Left out, nothing is audited (unit tests). */
  readonly audit?: AuditRecorder;
  /** True on a tablet nobody is assigned to (main/tablet); left out, never (a kiosk). */
  readonly tabletUnassigned?: () => boolean;
  /** The resident a tablet serves, whose PIN alone signs in on it; left out, nobody (a kiosk). */
  readonly tabletAssigneeId?: () => string | null;
}

const notAudited: AuditRecorder = () => undefined;

export function createSignInService({
  residents,
  staff,
  lockouts,
  rules,
  now,
  audit = notAudited,
  tabletUnassigned = () => false,
  tabletAssigneeId = () => null,
}: SignInServiceDeps): SignInService {
  const resident = (id: string) => ({ kind: 'resident' as const, id });
  const staffMember = (id: string) => ({ kind: 'staff' as const, id });

  /**
   * Whether the person may try a PIN: this device's own count, and for a resident also the lockout the hub computed
   * from their wrong PINs on all their devices (it came with their record) — whichever ends later holds. Counting
   * stays local (an offline device still counts its own); the hub counts the same PINs from the audit entries.
   */
  function lockoutOf(who: { readonly kind: 'resident' | 'staff'; readonly id: string }): PinLockoutState {
    const own = lockouts.get(who.kind, who.id);
    if (who.kind === 'staff') return own;
    const hubLockedUntil = residents.hubLockout(who.id).lockedUntil;
    if (hubLockedUntil === null || (own.lockedUntil !== null && own.lockedUntil >= hubLockedUntil)) return own;
    return { ...own, lockedUntil: hubLockedUntil };
  }

  /**
   * The one PIN rule for residents and staff: while locked out the PIN is not even checked (a guess during a lockout
   * must teach nothing); a wrong one counts towards the lockout; every wrong PIN is audited, and a lockout once more.
   */
  async function checkPinOf<Summary>(
    who: { readonly kind: 'resident' | 'staff'; readonly id: string },
    pin: string,
    lookUp: () => { readonly pinHash: string; readonly summary: Summary } | null,
  ): Promise<
    | { readonly kind: 'accepted'; readonly summary: Summary }
    | { readonly kind: 'wrongPin'; readonly attemptsLeft: number }
    | { readonly kind: 'lockedOut'; readonly until: number }
  > {
    const before = lockoutOf(who);
    if (isLockedOut(before, now()) && before.lockedUntil !== null) {
      audit('lockedOutAttempt', who, { until: before.lockedUntil });
      return { kind: 'lockedOut', until: before.lockedUntil };
    }
    const record = lookUp();
    const correct = record !== null && (await verifyPin(pin, record.pinHash));
    // Read again after the slow hash so two checks in flight cannot lose a count.
    const current = lockouts.get(who.kind, who.id);
    if (correct && record) {
      lockouts.put(who.kind, who.id, afterCorrectPin());
      // The sign-in itself is audited by the runtime when the session starts.
      return { kind: 'accepted', summary: record.summary };
    }
    const next = afterWrongPin(current, rules, now());
    lockouts.put(who.kind, who.id, next);
    // A lockout resets the count for after it, so the attempt that caused it had none left.
    audit('pinRejected', who, { attemptsLeft: next.lockedUntil === null ? attemptsLeft(next, rules) : 0 });
    if (next.lockedUntil !== null) {
      audit('lockedOut', who, { until: next.lockedUntil });
      return { kind: 'lockedOut', until: next.lockedUntil };
    }
    return { kind: 'wrongPin', attemptsLeft: attemptsLeft(next, rules) };
  }

  async function checkResidentPin(residentId: string, pin: string): Promise<PinCheck> {
    const outcome = await checkPinOf(resident(residentId), pin, () => {
      const record = residents.byId(residentId);
      return record && { pinHash: record.pinHash, summary: { id: record.residentId, displayName: record.displayName, language: record.language } };
    });
    return outcome.kind === 'accepted' ? { kind: 'accepted', resident: outcome.summary } : outcome;
  }

  return {
    identify(credential) {
      switch (credential.role) {
        case 'unknown':
          // The reader only: what the card held stays behind in the credential mapper.
          audit('credentialUnrecognized', null, { reader: credential.source, reason: 'notAPersonCard' });
          return { kind: 'unknown' };
        case 'staff': {
          const member = credential.id === null ? null : staff.byBadge(credential.id);
          if (!member) {
            audit('credentialUnrecognized', null, { reader: credential.source, reason: 'notKnownHere' });
            return { kind: 'staffNotKnown' };
          }
          const state = lockoutOf(staffMember(member.staffId));
          if (isLockedOut(state, now()) && state.lockedUntil !== null) {
            audit('lockedOutAttempt', staffMember(member.staffId), { until: state.lockedUntil });
            return { kind: 'lockedOut', until: state.lockedUntil };
          }
          return { kind: 'staff', staffId: member.staffId, attemptsLeft: attemptsLeft(state, rules) };
        }
        case 'resident': {
          // Said in words rather than "not recognized": the card is fine, the tablet is waiting for staff.
          if (tabletUnassigned()) return { kind: 'tabletNotAssigned' };
          const known = credential.id === null ? null : residents.byCredential(credential.id);
          if (!known) {
            audit('credentialUnrecognized', null, { reader: credential.source, reason: 'notKnownHere' });
            return { kind: 'unknown' };
          }
          const state = lockoutOf(resident(known.residentId));
          if (isLockedOut(state, now()) && state.lockedUntil !== null) {
            audit('lockedOutAttempt', resident(known.residentId), { until: state.lockedUntil });
            return { kind: 'lockedOut', until: state.lockedUntil };
          }
          return { kind: 'resident', residentId: known.residentId, attemptsLeft: attemptsLeft(state, rules) };
        }
        default: {
          const unreachable: never = credential.role;
          return unreachable;
        }
      }
    },

    checkPin: checkResidentPin,

    // No card on one's own tablet: who is signing in is whom the tablet serves, read at each PIN (the hub may have
    // unassigned it since the screen was drawn). Their count, lockout and audit entries are the card path's.
    async checkTabletPin(pin) {
      const assigneeId = tabletAssigneeId();
      if (assigneeId === null) return { kind: 'tabletNotAssigned' };
      return checkResidentPin(assigneeId, pin);
    },

    // A guessed staff PIN would open service mode, so it is held to the residents' rule on the staff member's own count
    // (pin_lockouts keyed 'staff') and audited the same way.
    async checkStaffPin(staffId, pin) {
      const outcome = await checkPinOf(staffMember(staffId), pin, () => {
        const record = staff.byId(staffId);
        return record && { pinHash: record.pinHash, summary: { id: record.staffId, displayName: record.displayName } };
      });
      return outcome.kind === 'accepted' ? { kind: 'accepted', staff: outcome.summary } : outcome;
    },
  };
}
