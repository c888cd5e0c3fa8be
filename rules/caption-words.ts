// The words of a caption track as the hub keeps it (hub/protocol/captions.ts: the signature, then each caption's times
// and words), without the times: what a reviewer reads, at the hub's command line and in the console alike.

/** One entry per caption line, in order. */
export function captionWords(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line !== '' && !line.includes('-->'));
}
