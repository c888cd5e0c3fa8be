// The wrong-PIN rule lives in the hub's protocol (hub/protocol/pin-lockout.ts), because the hub counts staff PINs
// presented with a tablet's assignment by the same rule; the device's sign-in imports it from here.
export { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, lockoutDurationMs, type PinRules } from '../../hub/protocol/pin-lockout';
