// One JSON text per value (rules/canonical-json.ts): the audit chain and the replica digest hash it on both sides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '../../../rules/canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: 'é' } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":0}}');
  });

  it('gives one text whatever order the keys came in, and the same value back when parsed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('leaves out keys whose value is undefined, as the wire does', () => {
    expect(canonicalJson({ action: 'syncNow', residentId: undefined })).toBe('{"action":"syncNow"}');
  });

  it('refuses what JSON cannot carry exactly', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, new Date(0), undefined, new Map(), () => 1]) {
      expect(() => canonicalJson(value), String(value)).toThrow(CanonicalJsonError);
    }
  });
});
