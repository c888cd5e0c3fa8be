import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Symbology } from '../../../hardware/reader-config';
import { aimIdentifierFor, parseAimIdentifier } from '../../../hardware/parsers/aim';

describe('parseAimIdentifier', () => {
  it.each([
    [']A0R123456', 'code39'],
    [']C0R123456', 'code128'],
    [']L0R123456', 'pdf417'],
    [']Q1R123456', 'qr'],
    [']d1R123456', 'dataMatrix'],
    [']E0R123456', 'eanUpc'],
    [']G0R123456', 'other'], // Code 93
    [']D0R123456', 'other'], // case matters: ]d is Data Matrix, ]D is not
    [']e0R123456', 'other'], // GS1 DataBar
  ] as const)('%s is %s', (frameText, symbology) => {
    expect(parseAimIdentifier(frameText)).toEqual({ ok: true, symbology, data: 'R123456' });
  });

  it('keeps data that itself starts with ]', () => {
    expect(parseAimIdentifier(']A0]A0x')).toEqual({ ok: true, symbology: 'code39', data: ']A0x' });
  });

  it('returns empty data when the scanner sent only the identifier', () => {
    expect(parseAimIdentifier(']A0')).toEqual({ ok: true, symbology: 'code39', data: '' });
  });

  it('reports a frame without an identifier', () => {
    expect(parseAimIdentifier('R123456')).toEqual({ ok: false, error: 'missingIdentifier' });
    expect(parseAimIdentifier('')).toEqual({ ok: false, error: 'missingIdentifier' });
  });

  it.each([']', ']A', ']0A', ']A ', ']A-1', '] 0', ']]0'])('reports the malformed identifier %j', (frameText) => {
    expect(parseAimIdentifier(frameText)).toEqual({ ok: false, error: 'malformedIdentifier' });
  });

  it('never throws, and a failure never carries the frame text', () => {
    fc.assert(
      fc.property(fc.string(), (frameText) => {
        const result = parseAimIdentifier(frameText);
        if (!result.ok) expect(Object.keys(result)).toEqual(['ok', 'error']);
        else expect(frameText.endsWith(result.data)).toBe(true);
      }),
    );
  });
});

describe('aimIdentifierFor', () => {
  it.each(Symbology.options)('round-trips %s through parseAimIdentifier', (symbology) => {
    expect(parseAimIdentifier(`${aimIdentifierFor(symbology)}R1`)).toEqual({ ok: true, symbology, data: 'R1' });
  });
});
