// Salted, slow PIN hashes (scrypt) in the format devices check offline: scrypt:N:r:p:salt:hash (base64 salt and key).
// A 4-digit PIN has only 10,000 values, so the cost factor is what protects a stolen database.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PinText } from '../protocol/wire';

export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The cost devices expect in production. Tests pass a cheaper one to stay fast. */
export const defaultPinCost: ScryptCost = { N: 1 << 15, r: 8, p: 1 };
const keyLength = 32;

function scryptKey(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, or Node refuses N=2^15.
    scrypt(secret, salt, keyLength, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPin(pin: string, cost: ScryptCost = defaultPinCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(pin, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join(':');
}

/** False for a wrong PIN and for a malformed hash alike: a damaged record must not let anyone in. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split(':');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(keyText, 'base64');
  if (expected.length !== keyLength) return false;
  try {
    return timingSafeEqual(await scryptKey(pin, Buffer.from(saltText, 'base64'), cost), expected);
  } catch {
    return false;
  }
}

/** The PINs the hub accepts: 4 to 8 digits, as residents and staff type them on a keypad. */
export function isValidPin(pin: string): boolean {
  return PinText.safeParse(pin).success;
}
