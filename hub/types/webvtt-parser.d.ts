// webvtt-parser ships no types. Only what hub/protocol/captions.ts uses: the W3C parser, which collects every problem
// it meets instead of throwing, and the cues it could read.
declare module 'webvtt-parser' {
  export interface WebVTTParseError {
    readonly message: string;
    readonly line: number;
    readonly col?: number;
  }
  export interface WebVTTCue {
    readonly id: string;
    readonly startTime: number;
    readonly endTime: number;
    readonly text: string;
  }
  export interface WebVTTParseResult {
    readonly cues: readonly WebVTTCue[];
    readonly errors: readonly WebVTTParseError[];
    readonly styles: readonly unknown[];
  }
  export interface WebVTTParser {
    parse(input: string, mode?: 'metadata' | 'chapters'): WebVTTParseResult;
  }
  // A CommonJS module that fills in `exports` at run time, so Node's ESM loader sees only its default export.
  const webvtt: { readonly WebVTTParser: new () => WebVTTParser };
  export default webvtt;
}
