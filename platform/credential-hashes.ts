// The two credential hashes the hub writes and every device checks offline, computed with Node's crypto: a PIN's
// (format and cost in rules/pin-hash.ts) and a staff badge's. One implementation for both sides, so a hash the hub
// made is a hash the device accepts.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { defaultPinCost, formatPinHash, parsePinHash, pinKeyBytes, pinSaltBytes, pinScryptMaxMemoryBytes, type ScryptCost } from '../rules/pin-hash';

function scryptKey(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, pinKeyBytes, { N: cost.N, r: cost.r, p: cost.p, maxmem: pinScryptMaxMemoryBytes }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string, cost: ScryptCost = defaultPinCost): Promise<string> {
  const salt = randomBytes(pinSaltBytes);
  const key = await scryptKey(pin, salt, cost);
  return formatPinHash({ cost, saltBase64: salt.toString('base64'), keyBase64: key.toString('base64') });
}

/** False for a wrong PIN and for a malformed hash alike: a damaged record must not let anyone in. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = parsePinHash(stored);
  if (parts === null) return false;
  const expected = Buffer.from(parts.keyBase64, 'base64');
  if (expected.length !== pinKeyBytes) return false;
  try {
    return timingSafeEqual(await scryptKey(pin, Buffer.from(parts.saltBase64, 'base64'), parts.cost), expected);
  } catch {
    return false;
  }
}

/**
 * A staff badge as the hub stores and syncs it, and as a device looks it up: sha256 hex of the badge id the site's
 * credential rule extracted (never the id itself).
 */
export function badgeHash(badgeId: string): string {
  return createHash('sha256').update(badgeId).digest('hex');
}
