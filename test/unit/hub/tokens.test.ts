import { describe, expect, it } from 'vitest';
import { EnrollRequest } from '../../../hub/protocol/index';
import {
  enrollmentCodeHash,
  looksLikeDeviceSecret,
  newDeviceSecret,
  newEnrollmentCode,
  normalizeEnrollmentCode,
  sameDigest,
  sha256Hex,
} from '../../../hub/security/tokens';

describe('device secrets and enrollment codes', () => {
  it('makes enrollment codes the protocol accepts, without look-alike characters', () => {
    const codes = Array.from({ length: 200 }, newEnrollmentCode);
    for (const code of codes) {
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
      expect(EnrollRequest.safeParse({ code, deviceName: 'kiosk', appVersion: '1' }).success).toBe(true);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('treats a code with or without its dash, in any case, as the same code', () => {
    expect(normalizeEnrollmentCode('abcd-2345')).toBe('ABCD2345');
    expect(enrollmentCodeHash('abcd2345')).toBe(enrollmentCodeHash('ABCD-2345'));
    expect(enrollmentCodeHash('ABCD-2345')).not.toBe(enrollmentCodeHash('ABCD-2346'));
  });

  it('makes 256-bit secrets that pass the bearer-token shape check', () => {
    const secret = newDeviceSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(looksLikeDeviceSecret(secret)).toBe(true);
    expect(looksLikeDeviceSecret('short')).toBe(false);
    expect(looksLikeDeviceSecret(`${secret} x`)).toBe(false);
  });

  it('compares digests by value, refusing different lengths and empty input', () => {
    const digest = sha256Hex('secret');
    expect(sameDigest(digest, sha256Hex('secret'))).toBe(true);
    expect(sameDigest(digest, sha256Hex('Secret'))).toBe(false);
    expect(sameDigest(digest, digest.slice(0, 10))).toBe(false);
    expect(sameDigest('', '')).toBe(false);
  });
});
