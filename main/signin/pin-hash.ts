// Salted, slow PIN hashes (scrypt). A 4-digit PIN has only 10,000 values, so the cost factor is what protects a
// stolen store; the lockout protects the kiosk itself.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const defaultCost = { N: 1 << 15, r: 8, p: 1 } as const;
const keyLength = 32;

function scryptAsync(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, or Node refuses N=2^15.
    scrypt(secret, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPin(pin: string, cost: { N: number; r: number; p: number } = defaultCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(pin, salt, cost);
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
    const actual = await scryptAsync(pin, Buffer.from(saltText, 'base64'), cost);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
