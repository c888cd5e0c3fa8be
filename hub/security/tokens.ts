// Device secrets, enrollment codes and the hashes the hub keeps instead of them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/** A device's bearer secret: 256 random bits, base64url (43 characters). */
export function newDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What a bearer token must look like before the hub spends a database lookup on it. */
export function looksLikeDeviceSecret(token: string): boolean {
  return /^[A-Za-z0-9_-]{32,128}$/.test(token);
}

/** Equal-length hex digests compared without an early exit. */
export function sameDigest(leftHex: string, rightHex: string): boolean {
  const left = Buffer.from(leftHex, 'hex');
  const right = Buffer.from(rightHex, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** No 0/O or 1/I: staff read the code off one screen and type it on another. 32 symbols = 5 bits each. */
const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time enrollment code such as `ABCD-2345` (40 random bits). */
export function newEnrollmentCode(): string {
  const symbols = [...randomBytes(8)].map((byte) => codeAlphabet[byte & 31]).join('');
  return `${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/** Codes are compared without the dash and case-insensitively, so `abcd2345` and `ABCD-2345` are the same code. */
export function normalizeEnrollmentCode(code: string): string {
  return code.replace(/-/g, '').toUpperCase();
}

export function enrollmentCodeHash(code: string): string {
  return sha256Hex(`enrollment:${normalizeEnrollmentCode(code)}`);
}
