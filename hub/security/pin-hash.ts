// PINs at the hub: which PINs it accepts, and their hashes — made with the one implementation the devices check
// them with (platform/credential-hashes.ts, format and cost in rules/pin-hash.ts).
import { PinText } from '../protocol/wire';

export { hashPin, verifyPin } from '../../platform/credential-hashes';
export { defaultPinCost, type ScryptCost } from '../../rules/pin-hash';

/** The PINs the hub accepts: 4 to 8 digits, as residents and staff type them on a keypad. */
export function isValidPin(pin: string): boolean {
  return PinText.safeParse(pin).success;
}
