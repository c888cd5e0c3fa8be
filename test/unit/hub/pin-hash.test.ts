// The hub hashes PINs; devices check them offline with their own code. Both must agree on the format.
import { describe, expect, it } from 'vitest';
import { verifyPin as deviceVerifyPin } from '../../../main/signin/pin-hash';
import { hashPin, isValidPin, verifyPin } from '../../../hub/security/pin-hash';

const cheap = { N: 1 << 10, r: 8, p: 1 };

describe('hub PIN hashes', () => {
  it('writes scrypt:N:r:p:salt:hash that the device accepts for the right PIN only', async () => {
    const hash = await hashPin('4821', cheap);
    expect(hash).toMatch(/^scrypt:1024:8:1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(await deviceVerifyPin('4821', hash)).toBe(true);
    expect(await deviceVerifyPin('4822', hash)).toBe(false);
    expect(await verifyPin('4821', hash)).toBe(true);
    expect(await verifyPin('4821', 'scrypt:1024:8:1:AAAA:short')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPin('1234', cheap)).not.toBe(await hashPin('1234', cheap));
  });

  it('accepts PINs of 4 to 8 digits only', () => {
    expect(['1234', '12345678'].map(isValidPin)).toEqual([true, true]);
    expect(['123', '123456789', '12a4', ' 1234', ''].map(isValidPin)).toEqual([false, false, false, false, false]);
  });
});
