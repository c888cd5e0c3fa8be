import { describe, expect, it } from 'vitest';
import { hashPin, verifyPin } from '../../../main/signin/pin-hash';

const cheap = { N: 1 << 10, r: 8, p: 1 };

describe('PIN hashes', () => {
  it('verifies the right PIN and refuses a wrong one', async () => {
    const stored = await hashPin('2468', cheap);
    expect(stored.startsWith('scrypt:1024:8:1:')).toBe(true);
    expect(stored).not.toContain('2468');
    await expect(verifyPin('2468', stored)).resolves.toBe(true);
    await expect(verifyPin('2469', stored)).resolves.toBe(false);
  });

  it('salts: the same PIN hashes differently each time', async () => {
    expect(await hashPin('1111', cheap)).not.toBe(await hashPin('1111', cheap));
  });

  it('uses a slow cost by default', async () => {
    expect((await hashPin('1234')).split(':').slice(1, 4)).toEqual(['32768', '8', '1']);
  });

  it.each(['', 'plain-text-pin', 'scrypt:0:8:1:AAAA:BBBB', 'scrypt:1024:8:1:c2FsdA==:c2hvcnQ=', 'bcrypt:1:2:3:4:5'])(
    'a damaged hash (%j) lets nobody in',
    async (stored) => {
      await expect(verifyPin('1234', stored)).resolves.toBe(false);
    },
  );
});
