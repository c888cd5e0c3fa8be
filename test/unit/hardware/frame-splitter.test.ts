import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameSplitter, type FrameSplitterOptions, type FramingResult } from '../../../hardware/parsers/frame-splitter';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const frame = (text: string): FramingResult => ({ kind: 'frame', text });
const rejected = (reason: 'oversizeFrame' | 'unprintable' | 'emptyFrame'): FramingResult => ({ kind: 'rejected', reason });

/** Feeds the chunks in order and returns everything the splitter produced. */
function feed(options: FrameSplitterOptions, chunks: readonly string[]): FramingResult[] {
  const splitter = createFrameSplitter(options);
  return chunks.flatMap((chunk) => splitter.push(bytes(chunk)));
}

describe('createFrameSplitter', () => {
  const cr = { suffix: '\r', maxFrameLength: 32 };
  const crlf = { suffix: '\r\n', maxFrameLength: 32 };

  it('returns one frame per suffix', () => {
    expect(feed(cr, ['R123456\r'])).toEqual([frame('R123456')]);
  });

  it('holds a frame until its suffix arrives', () => {
    const splitter = createFrameSplitter(cr);
    expect(splitter.push(bytes('R123'))).toEqual([]);
    expect(splitter.bufferedLength()).toBe(4);
    expect(splitter.push(bytes('456\r'))).toEqual([frame('R123456')]);
    expect(splitter.bufferedLength()).toBe(0);
  });

  it('finds a suffix split across chunks', () => {
    expect(feed(crlf, ['R123456\r', '\nS12345\r', '\n'])).toEqual([frame('R123456'), frame('S12345')]);
  });

  it('finds a suffix that arrives one byte at a time', () => {
    expect(feed({ suffix: '\x1b\x1d\x1e', maxFrameLength: 16 }, ['ab', '\x1b', '\x1d', '\x1e'])).toEqual([frame('ab')]);
  });

  it('returns several frames from one chunk, in order', () => {
    expect(feed(cr, ['A1\rB2\rC3\r'])).toEqual([frame('A1'), frame('B2'), frame('C3')]);
  });

  it('accepts Uint8Array chunks as well as Buffers', () => {
    const splitter = createFrameSplitter(cr);
    expect(splitter.push(new Uint8Array([0x52, 0x31, 0x0d]))).toEqual([frame('R1')]);
  });

  it('takes a lone CR as a frame only when CR alone is the suffix', () => {
    // With CR LF configured, a CR inside the frame is an unprintable byte, not half a boundary.
    expect(feed(crlf, ['R1\rR2\r\n'])).toEqual([rejected('unprintable')]);
  });

  describe('prefix', () => {
    const escGs = { prefix: '\x1b', suffix: '\x1d', maxFrameLength: 32 };

    it('strips the prefix', () => {
      expect(feed(escGs, ['\x1bR123456\x1d'])).toEqual([frame('R123456')]);
    });

    it('strips a prefix that arrives in pieces', () => {
      expect(feed({ prefix: '~>', suffix: '\r', maxFrameLength: 32 }, ['~', '>R1', '\r'])).toEqual([frame('R1')]);
    });

    it('rejects a frame without its prefix as garbage', () => {
      expect(feed(escGs, ['R123456\x1d', '\x1bR654321\x1d'])).toEqual([rejected('unprintable'), frame('R654321')]);
    });

    it('rejects a prefix with nothing after it as empty', () => {
      expect(feed(escGs, ['\x1b\x1d'])).toEqual([rejected('emptyFrame')]);
    });

    it('keeps the prefix characters when no prefix is configured', () => {
      expect(feed(cr, ['~R1\r'])).toEqual([frame('~R1')]);
    });
  });

  describe('rejections', () => {
    it('rejects an empty frame', () => {
      expect(feed(crlf, ['\r\n', 'R1\r\n'])).toEqual([rejected('emptyFrame'), frame('R1')]);
    });

    it('rejects control and binary bytes inside a frame', () => {
      expect(feed(cr, ['R1\x002\r', 'R\xff\r', 'R\x7f\r', 'R\t1\r', 'R1\r'])).toEqual([
        rejected('unprintable'),
        rejected('unprintable'),
        rejected('unprintable'),
        rejected('unprintable'),
        frame('R1'),
      ]);
    });

    it('accepts a frame of exactly maxFrameLength bytes', () => {
      expect(feed({ suffix: '\r\n', maxFrameLength: 4 }, ['abcd\r\n'])).toEqual([frame('abcd')]);
    });

    it('rejects an oversize run once and drops it up to the next suffix', () => {
      const splitter = createFrameSplitter({ suffix: '\r', maxFrameLength: 8 });
      expect(splitter.push(bytes('x'.repeat(9)))).toEqual([rejected('oversizeFrame')]);
      expect(splitter.push(bytes('y'.repeat(10_000)))).toEqual([]);
      expect(splitter.bufferedLength()).toBeLessThanOrEqual(9);
      expect(splitter.push(bytes('tail\rR1\r'))).toEqual([frame('R1')]);
    });

    it('ends the dropped run at a suffix split across chunks', () => {
      expect(feed({ suffix: '\r\n', maxFrameLength: 4 }, ['abcdefgh\r', '\nR1\r\n'])).toEqual([rejected('oversizeFrame'), frame('R1')]);
    });

    it('rejects an oversize frame whose suffix arrives in the same chunk', () => {
      expect(feed({ suffix: '\r', maxFrameLength: 4 }, ['abcde\rR1\r'])).toEqual([rejected('oversizeFrame'), frame('R1')]);
    });
  });

  it('reset() drops a partial frame', () => {
    const splitter = createFrameSplitter(cr);
    splitter.push(bytes('R12'));
    splitter.reset();
    expect(splitter.push(bytes('R3\r'))).toEqual([frame('R3')]);
  });

  it('reset() ends dropping after an oversize run', () => {
    const splitter = createFrameSplitter({ suffix: '\r', maxFrameLength: 4 });
    splitter.push(bytes('abcdefgh'));
    splitter.reset();
    expect(splitter.push(bytes('R3\r'))).toEqual([frame('R3')]);
  });

  describe('invalid options throw a TypeError naming the option', () => {
    it.each([
      [{ suffix: '', maxFrameLength: 8 }, /"suffix"/],
      [{ suffix: 5 as unknown as string, maxFrameLength: 8 }, /"suffix"/],
      [{ prefix: null as unknown as string, suffix: '\r', maxFrameLength: 8 }, /"prefix"/],
      [{ prefix: 'a\r', suffix: '\r', maxFrameLength: 8 }, /"prefix"/],
      [{ suffix: '\r', maxFrameLength: 0 }, /"maxFrameLength"/],
      [{ suffix: '\r', maxFrameLength: 2.5 }, /"maxFrameLength"/],
      [{ suffix: '\r', maxFrameLength: Number.NaN }, /"maxFrameLength"/],
      [{ prefix: '\x1b\x1b', suffix: '\r', maxFrameLength: 2 }, /"maxFrameLength"/],
    ])('%o', (options, message) => {
      expect(() => createFrameSplitter(options)).toThrow(TypeError);
      expect(() => createFrameSplitter(options)).toThrow(message);
    });
  });

  describe('properties', () => {
    const optionsArbitrary = fc.record({
      prefix: fc.constantFrom('', '\x1b', '\x02', '~>'),
      suffix: fc.constantFrom('\r', '\r\n', '\x1d', '\x03', '\r\r\n'),
      maxFrameLength: fc.integer({ min: 3, max: 64 }),
    });
    const chunksArbitrary = fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 30 });
    const reasons = new Set(['oversizeFrame', 'unprintable', 'emptyFrame']);

    it('never throws on random bytes, and yields only printable frames or typed rejections', () => {
      fc.assert(
        fc.property(optionsArbitrary, chunksArbitrary, (options, chunks) => {
          const splitter = createFrameSplitter(options);
          for (const chunk of chunks) {
            for (const result of splitter.push(chunk)) {
              if (result.kind === 'frame') {
                expect(result.text).toMatch(/^[\x20-\x7e]+$/);
                expect(result.text.length).toBeLessThanOrEqual(options.maxFrameLength);
              } else {
                expect(reasons.has(result.reason)).toBe(true);
              }
            }
          }
        }),
      );
    });

    it('never buffers more than maxFrameLength + suffix length', () => {
      fc.assert(
        fc.property(optionsArbitrary, chunksArbitrary, (options, chunks) => {
          const splitter = createFrameSplitter(options);
          for (const chunk of chunks) {
            splitter.push(chunk);
            expect(splitter.bufferedLength()).toBeLessThanOrEqual(options.maxFrameLength + Buffer.byteLength(options.suffix));
          }
        }),
      );
    });

    it('finds the same frames however the stream is cut into chunks', () => {
      const printable = fc.stringMatching(/^[\x20-\x7e]{1,20}$/);
      fc.assert(
        fc.property(fc.array(printable, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
          const options = { prefix: '\x1b', suffix: '\r\n', maxFrameLength: 64 };
          const stream = bytes(payloads.map((payload) => `\x1b${payload}\r\n`).join(''));
          const cutPoints = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...cutPoints].map((start, index) => stream.subarray(start, cutPoints[index] ?? stream.length));
          const splitter = createFrameSplitter(options);
          expect(chunks.flatMap((chunk) => splitter.push(chunk))).toEqual(payloads.map(frame));
        }),
      );
    });
  });
});
