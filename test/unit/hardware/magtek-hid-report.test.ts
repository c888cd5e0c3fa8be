import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrack1, parseTrack2 } from '../../../hardware/parsers/iso7813';
import {
  encodeMagtekReport,
  parseMagtekReport,
  type MagtekCardEncodeType,
  type MagtekReportErrorKind,
  type MagtekTrack,
} from '../../../hardware/parsers/magtek-hid-report';

const errorKinds = new Set(
  Object.keys({ reportTooShort: 1, unexpectedReportLength: 1, trackLengthBeyondField: 1, unprintableTrackData: 1 } satisfies Record<MagtekReportErrorKind, 1>),
);

const track1 = '%B4111111111111111^CARDUSER/JOHN^1803101000000000020000831000000?';
const track2 = ';4111111111111111=1803101000020000831?';

/**
 * A report laid out by hand, as MagTek's manual tables it (not with the encoder under test):
 * statuses, lengths, encode type, then the fields at 7 + n × fieldSize.
 */
function handmadeReport(
  fieldSize: number,
  tracks: readonly [string, string, string],
  statuses: readonly [number, number, number] = [0, 0, 0],
  encodeType = 0,
  trailing = 0,
): Buffer {
  const report = Buffer.alloc(7 + 3 * fieldSize + trailing);
  tracks.forEach((text, index) => {
    report[index] = statuses[index] ?? 0;
    report[3 + index] = text.length;
    report.write(text, 7 + index * fieldSize, 'latin1');
  });
  report[6] = encodeType;
  return report;
}

describe('parseMagtekReport', () => {
  it('reads a 337-byte swipe report: tracks 1 and 2 at bytes 7 and 117, track 3 empty', () => {
    const report = handmadeReport(110, [track1, track2, '']);
    expect(report.length).toBe(337);
    expect(String.fromCharCode(report[7] ?? 0, report[117] ?? 0)).toBe('%;');
    expect(parseMagtekReport(report)).toEqual({
      ok: true,
      value: {
        tracks: [{ status: 'read', text: track1 }, { status: 'read', text: track2 }, { status: 'empty' }],
        cardEncodeType: 'isoAba',
        cardEncodeTypeCode: 0,
        fieldSize: 110,
      },
    });
  });

  it('hands tracks to the ISO 7813 parsers unchanged', () => {
    const result = parseMagtekReport(handmadeReport(110, [track1, track2, '']));
    if (!result.ok || result.value.tracks[0].status !== 'read' || result.value.tracks[1].status !== 'read') throw new Error('expected two tracks');
    expect(parseTrack1(result.value.tracks[0].text)).toMatchObject({ ok: true, value: { name: { surname: 'CARDUSER', firstName: 'JOHN' } } });
    expect(parseTrack2(result.value.tracks[1].text)).toMatchObject({ ok: true, value: { primaryAccountNumber: '4111111111111111' } });
  });

  it('reads only as many bytes as the length byte says, ignoring the rest of the field', () => {
    const report = handmadeReport(110, [track1, track2, '']);
    report.write('GARBAGE', 7 + track1.length, 'latin1');
    report[8 + track1.length + 10] = 0xff;
    expect(parseMagtekReport(report)).toMatchObject({
      ok: true,
      value: { tracks: [{ status: 'read', text: track1 }, { status: 'read', text: track2 }, { status: 'empty' }] },
    });
  });

  it('derives other field sizes from the report length (the 112-byte fields of the MagnePrint reader)', () => {
    const report = handmadeReport(112, ['', track2, '+0123?']);
    expect(report.length).toBe(343);
    expect(parseMagtekReport(report)).toMatchObject({
      ok: true,
      value: { fieldSize: 112, tracks: [{ status: 'empty' }, { status: 'read', text: track2 }, { status: 'read', text: '+0123?' }] },
    });
  });

  it('takes the field size from the driver when the model adds bytes after track 3 (the insertion reader)', () => {
    const report = handmadeReport(110, ['', track2, ''], [0, 0, 0], 0, 1);
    expect(parseMagtekReport(report)).toMatchObject({ ok: false, error: { kind: 'unexpectedReportLength' } });
    expect(parseMagtekReport(report, { fieldSize: 110 })).toMatchObject({
      ok: true,
      value: { tracks: [{ status: 'empty' }, { status: 'read', text: track2 }, { status: 'empty' }] },
    });
  });

  it('reports a decode error per track from bit 0 of its status, ignoring the reserved bits', () => {
    const report = handmadeReport(110, ['', track2, ''], [0x01, 0xfe, 0x03]);
    expect(parseMagtekReport(report)).toMatchObject({
      ok: true,
      value: { tracks: [{ status: 'decodeError' }, { status: 'read', text: track2 }, { status: 'decodeError' }] },
    });
  });

  it.each<[number, MagtekCardEncodeType]>([
    [0, 'isoAba'],
    [1, 'aamva'],
    [2, 'cadl'],
    [3, 'blank'],
    [4, 'other'],
    [5, 'undetermined'],
    [6, 'none'],
    [7, 'unknown'],
    [255, 'unknown'],
  ])('card encode type %i is %s', (code, cardEncodeType) => {
    expect(parseMagtekReport(handmadeReport(110, ['', '', ''], [0, 0, 0], code))).toMatchObject({
      ok: true,
      value: { cardEncodeType, cardEncodeTypeCode: code },
    });
  });

  it('refuses a length byte beyond its field instead of reading the next field', () => {
    const report = handmadeReport(110, [track1, track2, '']);
    report[3] = 111;
    expect(parseMagtekReport(report)).toMatchObject({ ok: false, error: { kind: 'trackLengthBeyondField' } });
    report[3] = 0;
    report[5] = 255;
    expect(parseMagtekReport(report)).toMatchObject({ ok: false, error: { kind: 'trackLengthBeyondField' } });
  });

  it('refuses a length beyond the field even on a track marked as failed', () => {
    const report = handmadeReport(20, ['', '', ''], [1, 0, 0]);
    report[3] = 21;
    expect(parseMagtekReport(report)).toMatchObject({ ok: false, error: { kind: 'trackLengthBeyondField' } });
  });

  it('refuses control or binary bytes inside a track', () => {
    const report = handmadeReport(110, [track1, track2, '']);
    report[7 + 5] = 0x00;
    expect(parseMagtekReport(report)).toMatchObject({ ok: false, error: { kind: 'unprintableTrackData' } });
  });

  it.each([
    ['no bytes', new Uint8Array(0), {}],
    ['the header alone', new Uint8Array(7), {}],
    ['a header and two field bytes', new Uint8Array(9), {}],
    ['fewer bytes than the configured fields', new Uint8Array(300), { fieldSize: 110 }],
  ])('refuses %s as too short', (_, report, options) => {
    expect(parseMagtekReport(report, options)).toMatchObject({ ok: false, error: { kind: 'reportTooShort' } });
  });

  it('never puts track data in an error message', () => {
    const report = handmadeReport(110, [track1, track2, '']);
    report[7 + 5] = 0x00;
    const result = parseMagtekReport(report);
    expect(!result.ok && result.error.message).not.toContain('4111');
  });

  it.each([0, -1, 1.5, Number.NaN, 5000])('throws a TypeError for fieldSize %d', (fieldSize) => {
    expect(() => parseMagtekReport(new Uint8Array(337), { fieldSize })).toThrow(TypeError);
  });
});

describe('encodeMagtekReport', () => {
  it('writes the layout of the manual', () => {
    const tracks: [MagtekTrack, MagtekTrack, MagtekTrack] = [{ status: 'read', text: track1 }, { status: 'read', text: track2 }, { status: 'empty' }];
    expect(Buffer.from(encodeMagtekReport(tracks, { fieldSize: 110 }))).toEqual(handmadeReport(110, [track1, track2, '']));
  });

  it('marks a failed track in its status byte with length 0', () => {
    const report = encodeMagtekReport([{ status: 'decodeError' }, { status: 'empty' }, { status: 'empty' }], {
      fieldSize: 110,
      cardEncodeType: 'undetermined',
    });
    expect([...report.subarray(0, 7)]).toEqual([1, 0, 0, 0, 0, 0, 5]);
  });

  it.each<[string, MagtekTrack, number]>([
    ['a track longer than its field', { status: 'read', text: track1 }, 40],
    ['an empty read track', { status: 'read', text: '' }, 110],
    ['a control character', { status: 'read', text: ';1\r?' }, 110],
    ['a character beyond Latin-1', { status: 'read', text: ';1\u0101?' }, 110],
  ])('throws a RangeError for %s', (_, track, fieldSize) => {
    expect(() => encodeMagtekReport([track, { status: 'empty' }, { status: 'empty' }], { fieldSize })).toThrow(RangeError);
  });
});

describe('properties', () => {
  it('never throws on random bytes and fails only with typed errors', () => {
    // Random 337-byte reports mostly claim lengths beyond 110; this one keeps them in range to reach the track bytes.
    const plausible337 = fc
      .tuple(fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ minLength: 330, maxLength: 330, min: 0x1e, max: 0x80 }))
      .map(([header, fields]) => {
        const report = new Uint8Array(337);
        report.set(header.map((byte, index) => (index >= 3 && index <= 5 ? byte % 111 : byte)));
        report.set(fields, 7);
        return report;
      });
    const report = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ minLength: 337, maxLength: 337 }),
      fc.uint8Array({ minLength: 343, maxLength: 343 }),
      plausible337,
    );
    fc.assert(
      fc.property(report, fc.option(fc.integer({ min: 1, max: 130 }), { nil: undefined }), (bytes, fieldSize) => {
        const result = parseMagtekReport(bytes, fieldSize === undefined ? {} : { fieldSize });
        if (!result.ok) {
          expect(errorKinds.has(result.error.kind)).toBe(true);
          return;
        }
        for (const track of result.value.tracks) {
          if (track.status === 'read') expect(track.text.length).toBeLessThanOrEqual(result.value.fieldSize);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('parse(encode(tracks)) gives the tracks back, for any field size', () => {
    const setup = fc.integer({ min: 1, max: 120 }).chain((fieldSize) => {
      const track: fc.Arbitrary<MagtekTrack> = fc.oneof(
        fc.record({ status: fc.constant('read' as const), text: fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{1,${fieldSize}}$`)) }),
        fc.constant({ status: 'decodeError' as const }),
        fc.constant({ status: 'empty' as const }),
      );
      const cardEncodeType = fc.constantFrom(...(['isoAba', 'aamva', 'cadl', 'blank', 'other', 'undetermined', 'none'] as const));
      return fc.tuple(fc.constant(fieldSize), fc.tuple(track, track, track), cardEncodeType);
    });
    fc.assert(
      fc.property(setup, ([fieldSize, tracks, cardEncodeType]) => {
        const report = encodeMagtekReport(tracks, { fieldSize, cardEncodeType });
        expect(report.length).toBe(7 + 3 * fieldSize);
        expect(parseMagtekReport(report)).toMatchObject({ ok: true, value: { tracks, cardEncodeType, fieldSize } });
      }),
    );
  });
});
