// A family video's caption file (hub/protocol/captions.ts): strict WebVTT, UTF-8, at most 64 KB, plain words only —
// each bad file refused with its own code and a sentence staff can act on; a good one rewritten to times and words.
import { describe, expect, it } from 'vitest';
import { CaptionTrack, captionProblemText, checkCaptions, maxCaptionBytes, CaptionProblem } from '../../../hub/protocol/index';

const utf8 = (text: string) => new TextEncoder().encode(text);
const good = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello, my son.\n\n00:00:02.500 --> 00:00:05.000\nWe miss you.\n';

describe('caption files', () => {
  it('keeps a good file as times and words only, dropping identifiers, notes and cue settings', () => {
    const messy = 'WEBVTT - from the family\n\nNOTE written at home\n\nfirst\n00:01.000 --> 00:02.000 align:start line:0\nHi there\n';
    expect(checkCaptions(utf8(messy))).toEqual({ ok: true, cues: 1, text: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi there\n' });
    expect(checkCaptions(utf8(good))).toMatchObject({ ok: true, cues: 2 });
    // Words in any script stay as written: a caption is text, not a glyph check.
    expect(checkCaptions(utf8('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nمرحبا يا بني\n'))).toMatchObject({ ok: true });
  });

  it.each<[string, Uint8Array, CaptionProblem]>([
    ['not WebVTT (an SRT file)', utf8('1\n00:00:00,000 --> 00:00:02,000\nHello\n'), 'notWebVtt'],
    ['not WebVTT (plain words)', utf8('Hello, my son.'), 'notWebVtt'],
    ['a malformed timestamp', utf8('WEBVTT\n\n00:00:0.000 --> 00:00:02.000\nHello\n'), 'badTiming'],
    ['a caption that ends before it starts', utf8('WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nHello\n'), 'badTiming'],
    ['too big', utf8(`WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n${'a'.repeat(maxCaptionBytes)}\n`), 'tooBig'],
    ['not UTF-8 (Latin-1 ñ)', Uint8Array.from([...utf8('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nEspa'), 0xf1, ...utf8('a\n')]), 'notUtf8'],
    ['empty', new Uint8Array(0), 'empty'],
    ['no captions in it', utf8('WEBVTT\n\n'), 'noCues'],
    ['a tag in a caption', utf8('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<b>Hello</b>\n'), 'markup'],
    ['an entity in a caption', utf8('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nTom &amp; Ana\n'), 'markup'],
    ['a style block', utf8('WEBVTT\n\nSTYLE\n::cue { color: red }\n\n00:00:00.000 --> 00:00:02.000\nHello\n'), 'markup'],
  ])('refuses %s with its own code and words for staff', (_name, bytes, problem) => {
    const checked = checkCaptions(bytes);
    expect(checked).toMatchObject({ ok: false, problem });
    expect(captionProblemText(problem)).toMatch(/^(The|A) /);
  });

  it('a record cannot carry a track the rule would refuse, so a device never serves one', () => {
    expect(CaptionTrack.safeParse({ language: 'es', text: good }).success).toBe(true);
    expect(CaptionTrack.safeParse({ language: 'es', text: 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<script>x</script>\n' }).success).toBe(false);
    expect(CaptionTrack.safeParse({ language: 'Spanish', text: good }).success).toBe(false);
  });
});
