// Who a card belongs to and whether their PIN is right, with the lockout kept in the store.
import type { CredentialEvent } from '../../hardware/credential-mapping';
import type { ResidentSummary } from '../contract';
import type { PinLockoutQueries } from '../store/pin-lockouts';
import type { ResidentQueries } from '../store/residents';
import { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, type PinRules } from './lockout-policy';
import { verifyPin } from './pin-hash';

export type CredentialLookup =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'staff' }
  | { readonly kind: 'lockedOut'; readonly until: number }
  | { readonly kind: 'resident'; readonly residentId: string; readonly attemptsLeft: number };

export type PinCheck =
  | { readonly kind: 'accepted'; readonly resident: ResidentSummary }
  | { readonly kind: 'wrongPin'; readonly attemptsLeft: number }
  | { readonly kind: 'lockedOut'; readonly until: number };

export interface SignInService {
  identify(credential: CredentialEvent): CredentialLookup;
  checkPin(residentId: string, pin: string): Promise<PinCheck>;
}

export interface SignInServiceDeps {
  readonly residents: ResidentQueries;
  readonly lockouts: PinLockoutQueries;
  readonly rules: PinRules;
  readonly now: () => number;
}

export function createSignInService({ residents, lockouts, rules, now }: SignInServiceDeps): SignInService {
  return {
    identify(credential) {
      switch (credential.role) {
        case 'unknown':
          return { kind: 'unknown' };
        case 'staff':
          return { kind: 'staff' };
        case 'resident': {
          const resident = credential.id === null ? null : residents.byCredential(credential.id);
          if (!resident) return { kind: 'unknown' };
          const state = lockouts.get('resident', resident.residentId);
          if (isLockedOut(state, now()) && state.lockedUntil !== null) return { kind: 'lockedOut', until: state.lockedUntil };
          return { kind: 'resident', residentId: resident.residentId, attemptsLeft: attemptsLeft(state, rules) };
        }
        default: {
          const unreachable: never = credential.role;
          return unreachable;
        }
      }
    },

    async checkPin(residentId, pin) {
      const before = lockouts.get('resident', residentId);
      // While locked out, the PIN is not even checked: a guess during a lockout must teach nothing.
      if (isLockedOut(before, now()) && before.lockedUntil !== null) return { kind: 'lockedOut', until: before.lockedUntil };
      const resident = residents.byId(residentId);
      const correct = resident !== null && (await verifyPin(pin, resident.pinHash));
      // Read again after the slow hash so two checks in flight cannot lose a count.
      const current = lockouts.get('resident', residentId);
      if (correct && resident) {
        lockouts.put('resident', residentId, afterCorrectPin());
        return { kind: 'accepted', resident: { id: resident.residentId, displayName: resident.displayName, language: resident.language } };
      }
      const next = afterWrongPin(current, rules, now());
      lockouts.put('resident', residentId, next);
      if (next.lockedUntil !== null) return { kind: 'lockedOut', until: next.lockedUntil };
      return { kind: 'wrongPin', attemptsLeft: attemptsLeft(next, rules) };
    },
  };
}
