// The wrong-PIN rule the device applies to PINs typed on it. Defined once in the protocol (hub/protocol/pin-lockout.ts)
// because the hub applies the same rule to a person's wrong PINs across all their devices.
export {
  afterCorrectPin,
  afterWrongPin,
  attemptsLeft,
  defaultPinRules,
  isLockedOut,
  lockoutDurationMs,
  type PinLockoutState,
  type PinRules,
} from '../../hub/protocol/pin-lockout';
