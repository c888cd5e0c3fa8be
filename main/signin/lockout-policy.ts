// The wrong-PIN rule the device applies to PINs typed on it. Defined once in rules/pin-lockout.ts
// because the hub applies the same rule to a person's wrong PINs across all their devices, and to the staff PIN that
// proves a tablet's assignment.
export {
  afterCorrectPin,
  afterWrongPin,
  attemptsLeft,
  defaultPinRules,
  isLockedOut,
  lockoutDurationMs,
  type PinLockoutState,
  type PinRules,
} from '../../rules/pin-lockout';
