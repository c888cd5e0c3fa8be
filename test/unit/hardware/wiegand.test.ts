import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeWiegand,
  encodeWiegand,
  wiegandBitsFromString,
  wiegandBitsToString,
  wiegandFormatForLength,
  wiegandFormats,
  wiegandLengthOf,
  type WiegandBits,
  type WiegandErrorKind,
  type WiegandFormat,
} from '../../../hardware/parsers/wiegand';

const errorKinds = new Set(
  Object.keys({ invalidBitString: 1, invalidLength: 1, valueOutOfRange: 1, wrongLength: 1, parityError: 1 } satisfies Record<WiegandErrorKind, 1>),
);

function flipBit(bits: WiegandBits, position: number): WiegandBits {
  return { value: bits.value ^ (1n << BigInt(bits.length - position)), length: bits.length };
}

// Proxmark3's Pack_C1k35s (client/src/wiegand_formats.c, RfidResearchGroup/proxmark3), transcribed with
// bigints: its 32-bit masks over the low word and the three high bits, an independent formulation of the
// layout to check ours against. oddparity32 there is the bit that makes the count odd.
function ones(value: bigint): number {
  return [...value.toString(2)].filter((digit) => digit === '1').length;
}
const evenParity32 = (value: bigint): bigint => BigInt(ones(value) % 2);
const oddParity32 = (value: bigint): bigint => 1n - evenParity32(value);
function proxmarkCorporate1000(facilityCode: number, cardNumber: number): bigint {
  let bot = (BigInt(cardNumber) & 0xfffffn) << 1n;
  bot |= (BigInt(facilityCode) & 0x7ffn) << 21n;
  let mid = (BigInt(facilityCode) & 0x800n) >> 11n;
  mid |= evenParity32((mid & 0x1n) ^ (bot & 0xb6db6db6n)) << 1n;
  bot |= oddParity32((mid & 0x3n) ^ (bot & 0x6db6db6cn));
  mid |= oddParity32((mid & 0x3n) ^ (bot & 0xffffffffn)) << 2n;
  return (mid << 32n) | bot;
}
// Proxmark3's Pack_H10301, the same way.
function proxmarkH10301(facilityCode: number, cardNumber: number): bigint {
  let bot = (BigInt(cardNumber) & 0xffffn) << 1n;
  bot |= (BigInt(facilityCode) & 0xffn) << 17n;
  bot |= oddParity32((bot >> 1n) & 0xfffn);
  bot |= evenParity32((bot >> 13n) & 0xfffn) << 25n;
  return bot;
}

describe('H10301 (26-bit)', () => {
  it('FC 101, CN 4095 is 00110010100001111111111111 = 0xCA1FFF (Allegion knowledge base)', () => {
    const bits = encodeWiegand({ format: 'H10301', facilityCode: 101, cardNumber: 4095 });
    expect(bits).toEqual({ value: 0xca1fffn, length: 26 });
    expect(wiegandBitsToString(bits)).toBe('00110010100001111111111111');
    expect(decodeWiegand('00110010100001111111111111', 'H10301')).toEqual({ ok: true, value: { format: 'H10301', facilityCode: 101, cardNumber: 4095 } });
  });

  it('data bytes D4 1B 81 are FC 212, CN 7041 (Civintec CN56 manual, 6.4.2)', () => {
    // The manual's three bytes are the 24 data bits, bits 2–25: FC in the first byte, CN big-endian in the
    // other two. It adds even parity 1 in front and odd parity 0 behind: "1 11010100 00011011 10000001 0".
    const manualOutput = '1' + '11010100' + '00011011' + '10000001' + '0';
    expect(decodeWiegand(manualOutput, 'H10301')).toEqual({ ok: true, value: { format: 'H10301', facilityCode: 212, cardNumber: 7041 } });
    const bits = encodeWiegand({ format: 'H10301', facilityCode: 212, cardNumber: 7041 });
    expect(wiegandBitsToString(bits)).toBe(manualOutput);
    expect(bits.value).toBe(0x3a83702n);
    expect((bits.value >> 1n) & 0xffffffn).toBe(0xd41b81n);
  });

  it('FC 123, CN 4567 is 0x2F623AE (Proxmark3 docs: 0x2006F623AE with HID preamble)', () => {
    const bits = encodeWiegand({ format: 'H10301', facilityCode: 123, cardNumber: 4567 });
    expect(bits.value).toBe(0x2f623aen);
    // HID's 44-bit form adds a sentinel bit just above the 26 bits and a 0x20 header above bit 37.
    expect(0x2006f623aen).toBe((0x20n << 32n) | (1n << 26n) | bits.value);
    expect(decodeWiegand(bits, 'H10301')).toEqual({ ok: true, value: { format: 'H10301', facilityCode: 123, cardNumber: 4567 } });
  });

  it('FC 101, CN 1337 is 0xCA0A73 (computed; matches Proxmark3 Pack_H10301)', () => {
    expect(encodeWiegand({ format: 'H10301', facilityCode: 101, cardNumber: 1337 }).value).toBe(0xca0a73n);
    expect(proxmarkH10301(101, 1337)).toBe(0xca0a73n);
    expect(decodeWiegand({ value: 0xca0a73n, length: 26 }, 'H10301')).toMatchObject({ ok: true, value: { facilityCode: 101, cardNumber: 1337 } });
  });
});

describe('H10304 (37-bit)', () => {
  it('FC 1, CN 1 is 0x1000100002 (computed; bit 1 even over 2–19, bit 37 odd over 19–36)', () => {
    const bits = encodeWiegand({ format: 'H10304', facilityCode: 1, cardNumber: 1 });
    expect(bits).toEqual({ value: 0x1000100002n, length: 37 });
    expect(decodeWiegand(bits, 'H10304')).toEqual({ ok: true, value: { format: 'H10304', facilityCode: 1, cardNumber: 1 } });
  });

  it('counts bit 19 in both parities: flipping it breaks bit 1 first', () => {
    const bits = encodeWiegand({ format: 'H10304', facilityCode: 0xffff, cardNumber: 0x7ffff });
    expect(decodeWiegand(bits, 'H10304').ok).toBe(true);
    const result = decodeWiegand(flipBit(bits, 19), 'H10304');
    expect(result).toMatchObject({ ok: false, error: { kind: 'parityError' } });
    expect(!result.ok && result.error.message).toContain('bit 1 ');
  });
});

describe('Corporate 1000 (35-bit)', () => {
  it.each([
    [123, 4567, 0x60f6023afn],
    [1, 1, 0x600200003n],
    [4095, 1048575, 0x5fffffffen],
    [0, 0, 0x1n],
  ])('company %i, card %i is %s (computed; equal to Proxmark3 Pack_C1k35s)', (facilityCode, cardNumber, value) => {
    const bits = encodeWiegand({ format: 'Corporate1000', facilityCode, cardNumber });
    expect(bits).toEqual({ value, length: 35 });
    expect(proxmarkCorporate1000(facilityCode, cardNumber)).toBe(value);
    expect(decodeWiegand(bits, 'Corporate1000')).toEqual({ ok: true, value: { format: 'Corporate1000', facilityCode, cardNumber } });
  });

  it('agrees with Proxmark3 Pack_C1k35s for any company id and card number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 0xfffff }), (facilityCode, cardNumber) => {
        expect(encodeWiegand({ format: 'Corporate1000', facilityCode, cardNumber }).value).toBe(proxmarkCorporate1000(facilityCode, cardNumber));
      }),
    );
  });
});

describe('decodeWiegand', () => {
  it.each(wiegandFormats.map((format) => [format]))('%s: detects every single flipped bit of a frame', (format) => {
    const bits = encodeWiegand({ format, facilityCode: 77, cardNumber: 12345 });
    for (let position = 1; position <= bits.length; position += 1) {
      expect(decodeWiegand(flipBit(bits, position), format)).toMatchObject({ ok: false, error: { kind: 'parityError' } });
    }
  });

  it('takes a bit string or a frame alike', () => {
    const bits = encodeWiegand({ format: 'H10304', facilityCode: 4242, cardNumber: 424242 });
    expect(decodeWiegand(wiegandBitsToString(bits), 'H10304')).toEqual(decodeWiegand(bits, 'H10304'));
  });

  it.each<[string, WiegandBits | string, WiegandFormat, WiegandErrorKind]>([
    ['a 26-bit frame read as 37-bit', { value: 0xca1fffn, length: 26 }, 'H10304', 'wrongLength'],
    ['a 37-bit frame read as 35-bit', { value: 0x1000100002n, length: 37 }, 'Corporate1000', 'wrongLength'],
    ['a value wider than its length', { value: 1n << 26n, length: 26 }, 'H10301', 'valueOutOfRange'],
    ['the HID 44-bit form', { value: 0x2006f623aen, length: 26 }, 'H10301', 'valueOutOfRange'],
    ['a negative value', { value: -1n, length: 26 }, 'H10301', 'valueOutOfRange'],
    ['a number instead of a bigint', { value: 5 as unknown as bigint, length: 26 }, 'H10301', 'valueOutOfRange'],
    ['no bits', { value: 0n, length: 0 }, 'H10301', 'invalidLength'],
    ['a fractional length', { value: 0n, length: 25.5 }, 'H10301', 'invalidLength'],
    ['an empty bit string', '', 'H10301', 'invalidLength'],
    ['a bit string with a 2', '00110010100001111111111112', 'H10301', 'invalidBitString'],
    ['a bit string with spaces', '0 0110010100001111111111111', 'H10301', 'invalidBitString'],
    ['a parity error', '10110010100001111111111111', 'H10301', 'parityError'],
  ])('refuses %s', (_, input, format, kind) => {
    expect(decodeWiegand(input, format)).toMatchObject({ ok: false, error: { kind } });
  });

  it('never puts the card bits in an error message', () => {
    const result = decodeWiegand('10110010100001111111111111', 'H10301');
    expect(!result.ok && result.error.message).not.toMatch(/[01]{8}/);
  });
});

describe('encodeWiegand', () => {
  it.each<[WiegandFormat, number, number]>([
    ['H10301', 256, 0],
    ['H10301', 0, 65536],
    ['H10304', 65536, 0],
    ['H10304', 0, 0x80000],
    ['Corporate1000', 4096, 0],
    ['Corporate1000', 0, 0x100000],
    ['H10301', -1, 0],
    ['H10301', 1.5, 0],
    ['H10301', 0, Number.NaN],
  ])('throws a RangeError for %s FC %d CN %d', (format, facilityCode, cardNumber) => {
    expect(() => encodeWiegand({ format, facilityCode, cardNumber })).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('maps lengths to formats', () => {
    expect(wiegandFormats.map(wiegandLengthOf)).toEqual([26, 37, 35]);
    expect(wiegandFormatForLength(26)).toBe('H10301');
    expect(wiegandFormatForLength(35)).toBe('Corporate1000');
    expect(wiegandFormatForLength(37, ['H10301'])).toBeNull();
    expect(wiegandFormatForLength(34)).toBeNull();
  });

  it('keeps leading zero bits in both directions', () => {
    expect(wiegandBitsFromString('0001')).toEqual({ ok: true, value: { value: 1n, length: 4 } });
    expect(wiegandBitsToString({ value: 1n, length: 4 })).toBe('0001');
  });
});

describe('properties', () => {
  const format = fc.constantFrom(...wiegandFormats);
  const credential = format.chain((chosen) => {
    const fieldLimits = { H10301: [0xff, 0xffff], H10304: [0xffff, 0x7ffff], Corporate1000: [0xfff, 0xfffff] } as const;
    const [maxFacility, maxCard] = fieldLimits[chosen];
    return fc.record({ format: fc.constant(chosen), facilityCode: fc.integer({ min: 0, max: maxFacility }), cardNumber: fc.integer({ min: 0, max: maxCard }) });
  });

  it('decode(encode(x)) is x', () => {
    fc.assert(
      fc.property(credential, (value) => {
        expect(decodeWiegand(encodeWiegand(value), value.format)).toEqual({ ok: true, value });
      }),
    );
  });

  it('encode(decode(x)) is x for every frame that decodes; every other frame of the right length is a parity error', () => {
    fc.assert(
      fc.property(format, fc.bigInt({ min: 0n, max: (1n << 37n) - 1n }), (chosen, raw) => {
        const length = wiegandLengthOf(chosen);
        const bits = { value: raw & ((1n << BigInt(length)) - 1n), length };
        const result = decodeWiegand(bits, chosen);
        if (result.ok) expect(encodeWiegand(result.value)).toEqual(bits);
        else expect(result.error.kind).toBe('parityError');
      }),
      { numRuns: 500 },
    );
  });

  it('any single flipped bit is a parity error', () => {
    fc.assert(
      fc.property(credential, fc.nat(), (value, at) => {
        const bits = encodeWiegand(value);
        expect(decodeWiegand(flipBit(bits, 1 + (at % bits.length)), value.format)).toMatchObject({ ok: false, error: { kind: 'parityError' } });
      }),
    );
  });

  it('never throws on arbitrary input and fails only with typed errors', () => {
    const input = fc.oneof(
      fc.record({ value: fc.bigInt(), length: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double()) }),
      fc.string({ unit: fc.constantFrom('0', '1', '2', ' '), maxLength: 300 }),
      fc.string(),
    );
    fc.assert(
      fc.property(input, format, (value, chosen) => {
        const result = decodeWiegand(value, chosen);
        if (!result.ok) expect(errorKinds.has(result.error.kind)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
