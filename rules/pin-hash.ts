// The PIN hash both sides read: the hub writes it when a PIN is set, every device checks typed PINs against it offline.
// Salted and slow (scrypt), as text: `scrypt:N:r:p:<salt>:<key>`, salt and key in base64. A 4-digit PIN has only
// 10,000 values, so the cost is what protects a stolen database; the lockout (rules/pin-lockout.ts) protects the screen.
//
// Pure: the format, the cost and the lengths. The scrypt itself needs Node's crypto and is platform/credential-hashes.ts.

/** scrypt's cost parameters, as the hash carries them. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The cost new hashes are made with in production. Tests pass a cheaper one to stay fast; a hash carries its own. */
export const defaultPinCost: ScryptCost = { N: 1 << 15, r: 8, p: 1 };

/** Bytes of scrypt output kept as the key. */
export const pinKeyBytes = 32;

/** Bytes of random salt per hash. */
export const pinSaltBytes = 16;

/** The memory scrypt may use: it must cover 128 × N × r bytes, or Node refuses N = 2^15. */
export const pinScryptMaxMemoryBytes = 256 * 1024 * 1024;

/** A PIN hash taken apart; salt and key still base64. */
export interface PinHashParts {
  readonly cost: ScryptCost;
  readonly saltBase64: string;
  readonly keyBase64: string;
}

export function formatPinHash(parts: PinHashParts): string {
  return ['scrypt', parts.cost.N, parts.cost.r, parts.cost.p, parts.saltBase64, parts.keyBase64].join(':');
}

/** The parts of a stored hash, or null when it is not one (wrong shape, or a cost that is not a positive integer). */
export function parsePinHash(stored: string): PinHashParts | null {
  const parts = stored.split(':');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, saltBase64, keyBase64] = parts as [string, string, string, string, string, string];
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((value) => Number.isInteger(value) && value > 0)) return null;
  return { cost, saltBase64, keyBase64 };
}
