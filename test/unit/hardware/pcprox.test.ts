import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPcProxLineParser, type PcProxErrorKind, type PcProxLineOptions } from '../../../hardware/parsers/pcprox';
import { encodeWiegand, wiegandFormats, type WiegandFormat } from '../../../hardware/parsers/wiegand';

const errorKinds = new Set(
  Object.keys({
    emptyLine: 1,
    lineTooLong: 1,
    missingDelimiter: 1,
    invalidDigits: 1,
    invalidBitCount: 1,
    unsupportedWiegandLength: 1,
    invalidBitString: 1,
    invalidLength: 1,
    valueOutOfRange: 1,
    wrongLength: 1,
    parityError: 1,
  } satisfies Record<PcProxErrorKind, 1>),
);

const decimalColon = createPcProxLineParser({ kind: 'cardId', base: 'decimal', facilityDelimiter: ':' });
const decimalComma = createPcProxLineParser({ kind: 'cardId', base: 'decimal', facilityDelimiter: ',' });
const hexColon = createPcProxLineParser({ kind: 'cardId', base: 'hex', facilityDelimiter: ':' });
const decimalIdOnly = createPcProxLineParser({ kind: 'cardId', base: 'decimal', facilityDelimiter: null });
const rawWithCount = createPcProxLineParser({ kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: wiegandFormats });
const rawFixed26 = createPcProxLineParser({ kind: 'rawWiegand', bitCount: { fixed: 26 }, formats: ['H10301'] });

describe('card id lines', () => {
  it.each([
    [decimalColon, '101:4095\r\n', 101n, 4095n],
    [decimalColon, '101:4095\n', 101n, 4095n],
    [decimalColon, '101:4095\r', 101n, 4095n],
    [decimalColon, '101:4095', 101n, 4095n],
    [decimalComma, '00101,04095\r\n', 101n, 4095n], // fixed-width output with leading zeros
    [hexColon, 'CA:1FFF\r\n', 0xcan, 0x1fffn],
    [hexColon, 'ca:1fff\r\n', 0xcan, 0x1fffn],
    [hexColon, '0:801DD1910B2F04\r\n', 0n, 0x801dd1910b2f04n], // a 56-bit card serial number
  ])('%#: %j', (parse, line, facilityCode, cardId) => {
    expect(parse(line)).toEqual({ ok: true, value: { kind: 'cardId', facilityCode, cardId } });
  });

  it('reads a card id sent alone', () => {
    expect(decimalIdOnly('0004095\r\n')).toEqual({ ok: true, value: { kind: 'cardId', facilityCode: null, cardId: 4095n } });
  });

  it('takes a multi-character delimiter', () => {
    const parse = createPcProxLineParser({ kind: 'cardId', base: 'decimal', facilityDelimiter: ' - ' });
    expect(parse('42 - 1234')).toEqual({ ok: true, value: { kind: 'cardId', facilityCode: 42n, cardId: 1234n } });
  });

  it.each<[string, ReturnType<typeof createPcProxLineParser>, string, PcProxErrorKind]>([
    ['an empty line', decimalColon, '\r\n', 'emptyLine'],
    ['nothing at all', decimalColon, '', 'emptyLine'],
    ['a line with no delimiter', decimalColon, '1014095\r\n', 'missingDelimiter'],
    ['the wrong delimiter', decimalColon, '101,4095\r\n', 'missingDelimiter'],
    ['a second delimiter', decimalColon, '101:40:95\r\n', 'invalidDigits'],
    ['no facility code', decimalColon, ':4095\r\n', 'invalidDigits'],
    ['no card id', decimalColon, '101:\r\n', 'invalidDigits'],
    ['hex digits in decimal mode', decimalColon, '101:4O95\r\n', 'invalidDigits'],
    ['spaces', decimalColon, ' 101:4095\r\n', 'invalidDigits'],
    ['two line endings', decimalColon, '101:4095\r\n\r\n', 'invalidDigits'],
    ['a delimiter on an id-only reader', decimalIdOnly, '101:4095', 'invalidDigits'],
    ['a flood', decimalColon, `1:${'9'.repeat(100)}`, 'lineTooLong'],
    ['line noise', hexColon, '\x00\xff:12', 'invalidDigits'],
  ])('refuses %s', (_, parse, line, kind) => {
    expect(parse(line)).toMatchObject({ ok: false, error: { kind } });
  });
});

describe('raw Wiegand lines', () => {
  it('decodes a 26-bit frame: FC 123, CN 4567 is 2F623AE', () => {
    expect(rawWithCount('26:2F623AE\r\n')).toEqual({
      ok: true,
      value: { kind: 'wiegand', credential: { format: 'H10301', facilityCode: 123, cardNumber: 4567 } },
    });
    expect(rawFixed26('2f623ae\r\n')).toEqual({ ok: true, value: { kind: 'wiegand', credential: { format: 'H10301', facilityCode: 123, cardNumber: 4567 } } });
  });

  it('picks the format by bit count', () => {
    expect(rawWithCount('37:1000100002')).toMatchObject({ ok: true, value: { credential: { format: 'H10304', facilityCode: 1, cardNumber: 1 } } });
    expect(rawWithCount('35:60F6023AF')).toMatchObject({ ok: true, value: { credential: { format: 'Corporate1000', facilityCode: 123, cardNumber: 4567 } } });
    expect(rawWithCount('26:0CA1FFF')).toMatchObject({ ok: true, value: { credential: { format: 'H10301', facilityCode: 101, cardNumber: 4095 } } });
  });

  it.each<[string, ReturnType<typeof createPcProxLineParser>, string, PcProxErrorKind]>([
    ['a parity error', rawWithCount, '26:2F623AF', 'parityError'],
    ['a 34-bit frame no format here reads', rawWithCount, '34:1', 'unsupportedWiegandLength'],
    ['a 37-bit frame on a reader set to H10301 only', rawFixed26, '1000100002', 'valueOutOfRange'],
    ['the HID 44-bit form with its preamble', rawWithCount, '26:2006F623AE', 'valueOutOfRange'],
    ['a bit count of 0', rawWithCount, '0:1', 'invalidBitCount'],
    ['a bit count beyond 256', rawWithCount, '999:1', 'invalidBitCount'],
    ['a bit count that is not a number', rawWithCount, 'x:1', 'invalidBitCount'],
    ['no bit count', rawWithCount, '2F623AE', 'missingDelimiter'],
    ['bits that are not hex', rawWithCount, '26:2F623AG', 'invalidDigits'],
    ['no bits', rawWithCount, '26:', 'invalidDigits'],
  ])('refuses %s', (_, parse, line, kind) => {
    expect(parse(line)).toMatchObject({ ok: false, error: { kind } });
  });

  it('decodes with the configured formats only', () => {
    const only37 = createPcProxLineParser({ kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: ['H10304'] });
    expect(only37('26:2F623AE')).toMatchObject({ ok: false, error: { kind: 'unsupportedWiegandLength' } });
  });
});

describe('options', () => {
  it.each<[string, PcProxLineOptions]>([
    ['an empty delimiter', { kind: 'cardId', base: 'decimal', facilityDelimiter: '' }],
    ['a digit as decimal delimiter', { kind: 'cardId', base: 'decimal', facilityDelimiter: '0' }],
    ['a hex digit as hex delimiter', { kind: 'cardId', base: 'hex', facilityDelimiter: 'A' }],
    ['a line ending as delimiter', { kind: 'cardId', base: 'decimal', facilityDelimiter: '\n' }],
    ['an unknown base', { kind: 'cardId', base: 'octal' as 'decimal', facilityDelimiter: null }],
    ['no formats', { kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: [] }],
    ['an unknown format', { kind: 'rawWiegand', bitCount: { delimiter: ':' }, formats: ['H99999' as WiegandFormat] }],
    ['a fixed count of 0', { kind: 'rawWiegand', bitCount: { fixed: 0 }, formats: ['H10301'] }],
    ['a hex digit as bit-count delimiter', { kind: 'rawWiegand', bitCount: { delimiter: 'b' }, formats: ['H10301'] }],
  ])('throws a TypeError for %s', (_, options) => {
    expect(() => createPcProxLineParser(options)).toThrow(TypeError);
  });
});

describe('properties', () => {
  const parsers = [decimalColon, decimalComma, hexColon, decimalIdOnly, rawWithCount, rawFixed26];
  const lineish = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdefxX:,; \r\n\x00'.split('')), maxLength: 90 });

  it('never throw on any line and fail only with typed errors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), lineish), fc.constantFrom(...parsers), (line, parse) => {
        const result = parse(line);
        if (!result.ok) expect(errorKinds.has(result.error.kind)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('read back any facility code and card id the reader writes, in either base', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (facilityCode, cardId, hex) => {
        const line = hex ? `${facilityCode.toString(16).toUpperCase()}:${cardId.toString(16)}\r\n` : `${facilityCode},${cardId}\r\n`;
        expect((hex ? hexColon : decimalComma)(line)).toEqual({ ok: true, value: { kind: 'cardId', facilityCode, cardId } });
      }),
    );
  });

  it('read back any encoded Wiegand credential', () => {
    const limits: Record<WiegandFormat, readonly [number, number]> = { H10301: [0xff, 0xffff], H10304: [0xffff, 0x7ffff], Corporate1000: [0xfff, 0xfffff] };
    const credential = fc.constantFrom(...wiegandFormats).chain((format) =>
      fc.record({
        format: fc.constant(format),
        facilityCode: fc.integer({ min: 0, max: limits[format][0] }),
        cardNumber: fc.integer({ min: 0, max: limits[format][1] }),
      }),
    );
    fc.assert(
      fc.property(credential, (value) => {
        const bits = encodeWiegand(value);
        expect(rawWithCount(`${bits.length}:${bits.value.toString(16)}\r\n`)).toEqual({ ok: true, value: { kind: 'wiegand', credential: value } });
      }),
    );
  });
});
