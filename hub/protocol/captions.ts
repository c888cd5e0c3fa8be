// A family video's caption track: a WebVTT file the hub takes with the video, checks strictly, and keeps in a plain
// form of its own making. One rule for the hub (which refuses a bad file with a reason staff can act on) and the device
// (which serves only what this rule accepts). Cue text is plain words: a tag, a style block or an entity could make a
// player render something the reviewer never saw as text, so a file with any of them is refused, not cleaned.
import webvtt from 'webvtt-parser';
import { z } from 'zod';

export { captionWords } from '../../rules/caption-words';

/** The most a caption file may be. A 30-second clip's captions are about 1 KB; a ten-minute one about 15 KB. */
export const maxCaptionBytes = 64 * 1024;

/** One caption track per language, and no more tracks than the languages a device can show. */
export const maxCaptionTracks = 8;

/** Why a caption file was refused; each is worded for staff by captionProblemText. */
export const CaptionProblem = z.enum([
  // The file itself (checkCaptions):
  'empty',
  'tooBig',
  'notUtf8',
  'notWebVtt',
  'badTiming',
  'noCues',
  'markup',
  // How it was supplied: captions belong to a video, in a language tag's shape, one track per language.
  'withoutVideo',
  'badLanguage',
  'sameLanguageTwice',
  'tooManyTracks',
]);
export type CaptionProblem = z.infer<typeof CaptionProblem>;

export type CaptionCheck =
  { readonly ok: true; readonly text: string; readonly cues: number } | { readonly ok: false; readonly problem: CaptionProblem; readonly detail: string };

/** A time as WebVTT writes it, always with hours so every line has one shape. */
function timestamp(seconds: number): string {
  const totalMilliseconds = Math.round(seconds * 1000);
  const hours = Math.floor(totalMilliseconds / 3_600_000);
  const minutes = Math.floor(totalMilliseconds / 60_000) % 60;
  const wholeSeconds = Math.floor(totalMilliseconds / 1000) % 60;
  const milliseconds = totalMilliseconds % 1000;
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(wholeSeconds, 2)}.${pad(milliseconds, 3)}`;
}

/**
 * Checks a caption file and, if it is good, gives the track as the hub keeps it: the signature, then each cue's times
 * and words, nothing else (no identifiers, notes, settings or styles), so what reaches a player is only what a
 * reviewer reads.
 */
export function checkCaptions(bytes: Uint8Array): CaptionCheck {
  if (bytes.length === 0) return { ok: false, problem: 'empty', detail: 'the file is empty' };
  if (bytes.length > maxCaptionBytes) return { ok: false, problem: 'tooBig', detail: `${bytes.length} bytes` };
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'notUtf8', detail: 'not UTF-8 text' };
  }
  const parsed = new webvtt.WebVTTParser().parse(source);
  const [firstError] = parsed.errors;
  if (firstError !== undefined) {
    // A fault on a timing line (the one with the arrow) is a time staff can fix; any other means the file is not WebVTT.
    const faultyLine = source.split(/\r\n|\r|\n/)[firstError.line - 1] ?? '';
    const problem: CaptionProblem = faultyLine.includes('-->') ? 'badTiming' : 'notWebVtt';
    return { ok: false, problem, detail: `line ${firstError.line}: ${firstError.message}` };
  }
  if (parsed.styles.length > 0) return { ok: false, problem: 'markup', detail: 'a STYLE block' };
  if (parsed.cues.length === 0) return { ok: false, problem: 'noCues', detail: 'no captions in the file' };
  const lines = ['WEBVTT', ''];
  for (const cue of parsed.cues) {
    if (/[<>&]/.test(cue.text)) return { ok: false, problem: 'markup', detail: `the caption at ${timestamp(cue.startTime)}` };
    if (!(cue.endTime > cue.startTime)) return { ok: false, problem: 'badTiming', detail: `the caption at ${timestamp(cue.startTime)} ends before it starts` };
    lines.push(`${timestamp(cue.startTime)} --> ${timestamp(cue.endTime)}`, cue.text.trim(), '');
  }
  return { ok: true, text: lines.join('\n'), cues: parsed.cues.length };
}

/** The sentence staff read when a caption file is refused. */
export function captionProblemText(problem: CaptionProblem): string {
  switch (problem) {
    case 'empty':
      return 'The caption file is empty.';
    case 'tooBig':
      return `The caption file is too big: a caption file is at most ${maxCaptionBytes / 1024} KB.`;
    case 'notUtf8':
      return 'The caption file is not plain text in UTF-8. Save it again as UTF-8 and send it again.';
    case 'notWebVtt':
      return 'The caption file is not a WebVTT file (it must start with the line WEBVTT, then a blank line, then the captions).';
    case 'badTiming':
      return 'A caption in the file has a time that cannot be read (times are written 00:00:01.000 --> 00:00:04.000).';
    case 'noCues':
      return 'The caption file has no captions in it.';
    case 'markup':
      return 'The caption file has formatting in it (tags such as <b>, styles or codes such as &amp;). Captions must be plain words.';
    case 'withoutVideo':
      return 'Captions were sent without a video: a caption file goes with a video (give --video as well, one caption file per video).';
    case 'badLanguage':
      return 'The captions language is not a language code such as en, es, ht, vi, zh-Hans or ar.';
    case 'sameLanguageTwice':
      return 'A video has two caption files in the same language; send one per language.';
    case 'tooManyTracks':
      return `A video may have at most ${maxCaptionTracks} caption files, one per language.`;
    default: {
      const unknownProblem: never = problem;
      return `The caption file was refused (${String(unknownProblem)}).`;
    }
  }
}
