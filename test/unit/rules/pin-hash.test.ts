// The PIN-hash format (rules/pin-hash.ts) the hub writes and every device reads, and its one implementation
// (platform/credential-hashes.ts) — with the badge hash, the other credential hash both sides compute.
import { describe, expect, it } from 'vitest';
import { badgeHash, hashPin, verifyPin } from '../../../platform/credential-hashes';
import { defaultPinCost, formatPinHash, parsePinHash, pinKeyBytes } from '../../../rules/pin-hash';

const cheap = { N: 1 << 10, r: 8, p: 1 };

describe('the PIN-hash format', () => {
  it('reads back what it writes', () => {
    const parts = { cost: { N: 1024, r: 8, p: 1 }, saltBase64: 'c2FsdA==', keyBase64: 'a2V5' };
    expect(formatPinHash(parts)).toBe('scrypt:1024:8:1:c2FsdA==:a2V5');
    expect(parsePinHash(formatPinHash(parts))).toEqual(parts);
  });

  it.each(['', 'plain-text-pin', 'scrypt:0:8:1:AAAA:BBBB', 'scrypt:1.5:8:1:AAAA:BBBB', 'scrypt:1024:8:1:AAAA', 'bcrypt:1:2:3:4:5'])(
    'is not a hash: %j',
    (stored) => {
      expect(parsePinHash(stored)).toBeNull();
    },
  );

  it('is slow by default', () => {
    expect(defaultPinCost).toEqual({ N: 32768, r: 8, p: 1 });
  });
});

describe('hashing and checking a PIN', () => {
  it("a hash made here verifies the right PIN, refuses a wrong one, and keeps a key of the format's length", async () => {
    const stored = await hashPin('2468', cheap);
    const parts = parsePinHash(stored);
    expect(parts?.cost).toEqual(cheap);
    expect(Buffer.from(parts?.keyBase64 ?? '', 'base64')).toHaveLength(pinKeyBytes);
    await expect(verifyPin('2468', stored)).resolves.toBe(true);
    await expect(verifyPin('2469', stored)).resolves.toBe(false);
  });

  it('a damaged hash lets nobody in', async () => {
    await expect(verifyPin('1234', 'scrypt:1024:8:1:c2FsdA==:c2hvcnQ=')).resolves.toBe(false);
  });
});

describe('badgeHash', () => {
  it('is the sha256 hex of the badge id as extracted, untrimmed', () => {
    expect(badgeHash('42001')).toBe('8b02c39ba5aef25f9566113c18eb057a49395f28dc1f0260232f13cd8f0283fd');
    expect(badgeHash(' 42001')).not.toBe(badgeHash('42001'));
  });
});
