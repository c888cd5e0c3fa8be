// --trust-proxy / HUB_TRUST_PROXY: which proxies' X-Forwarded-For the hub believes. A wrong value must stop the hub
// with a sentence, never quietly trust everyone (then any client could name any address to the throttles).
import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../../hub/server';

describe('parseTrustProxy', () => {
  it('trusts nobody when absent, empty or false', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy(' false ')).toBe(false);
  });

  it('reads a hop count, or addresses and CIDR ranges separated by commas', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.5,::1')).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
    expect(parseTrustProxy('true')).toBe(true);
  });

  it('refuses anything else with a sentence', () => {
    for (const value of ['yes', 'loadbalancer.local', '10.0.0.0/8;rm', '*'])
      expect(() => parseTrustProxy(value), value).toThrow(/trust proxy: .* is not false, true, a hop count/);
  });
});
