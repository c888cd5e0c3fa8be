// Console passwords: hashed with scrypt, the memory-hard KDF Node ships (N = 2^15, r = 8: 32 MiB and about 0.1 s a
// hash on our build machine), in the same `scrypt:N:r:p:salt:key` format and by the same implementation as PINs.
// Argon2id would be the other choice; it needs a native module on Node 20, and scrypt's memory cost already defeats
// the GPU guessing a stolen table invites. A hash carries its own cost, so raising it later needs no migration.
import { randomInt } from 'node:crypto';
import { hashPin, verifyPin } from '../../platform/credential-hashes';
import { defaultPinCost, type ScryptCost } from '../../rules/pin-hash';

export const defaultPasswordCost: ScryptCost = defaultPinCost;

export function hashPassword(password: string, cost: ScryptCost = defaultPasswordCost): Promise<string> {
  return hashPin(password, cost);
}

/** False for a wrong password and for a damaged hash alike. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verifyPin(password, stored);
}

/** Letters and digits nobody misreads on a printout (no 0/O, 1/I/L). */
const temporaryAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A password someone else hands to a staff member (create-admin, an admin's reset): four groups of four, about 79 bits,
 * typed once and changed at first sign-in.
 */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let text = '';
    for (let index = 0; index < 4; index += 1) text += temporaryAlphabet[randomInt(temporaryAlphabet.length)];
    groups.push(text);
  }
  return groups.join('-');
}

/** What a password chosen at the console must be; the reason in words when it is not, else null. */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < 12) return 'The new password must be at least 12 characters long.';
  if (length > 200) return 'The new password must be at most 200 characters long.';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'The new password must not contain your username.';
  return null;
}
