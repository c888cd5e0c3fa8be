// The watch list's one matching rule: which words and phrases of a site's watch list a letter contains, and where.
// The hub flags a letter by it (and filters the review queue by the flag); the console highlights the same ranges, so
// what the reviewer sees marked is exactly what made the letter flagged.
//
// Matching is by Unicode compatibility equivalence (NFKC: "ｄｒｕｇｓ" and "drugs", "ﬁre" and "fire" are one word),
// case-insensitive, and ignores invisible characters (zero-width spaces and joiners, soft hyphens: "dr\u200Bugs" is
// "drugs"), so a writer cannot hide a word from the reviewer by how it is encoded. A term matches whole words only
// ("gun" is not in "begun"), and a phrase matches across any run of whitespace, line breaks included.
//
// Equivalence is decided on each code point's compatibility decomposition (NFKD) rather than on NFKC of the whole text:
// two texts are NFKC-equal exactly when they are NFKD-equal, and decomposing one code point at a time keeps, for every
// character compared, the place in the original text it came from — which the highlighted ranges need.
//
// Pure TypeScript: no Node, no DOM (the console's page imports it too).

/** The longest term a site may watch for, in characters. */
export const maxWatchTermCharacters = 100;

/** One place a term matched: UTF-16 offsets into the original text, end exclusive (text.slice(start, end)). */
export interface WatchMatch {
  readonly start: number;
  readonly end: number;
  /** The term as the site wrote it. */
  readonly term: string;
}

/** A piece of the text, marked when some term matched it; the pieces concatenate back to the text exactly. */
export interface WatchSegment {
  readonly text: string;
  readonly matched: boolean;
}

const invisible = /^\p{Default_Ignorable_Code_Point}$/u;
const wordCharacter = /[\p{L}\p{N}\p{M}_]/u;
const whitespaceRun = /\s+/u;

/** One code point as compared: decomposed, lower-cased, nothing when it is invisible. */
function foldCodePoint(codePoint: string): string {
  if (invisible.test(codePoint)) return '';
  return codePoint.normalize('NFKD').toLowerCase().normalize('NFKD');
}

interface FoldedText {
  readonly folded: string;
  /** For each UTF-16 unit of `folded`: where, in the original, the code point it came from starts and ends. */
  readonly origins: readonly { readonly start: number; readonly end: number }[];
}

function foldText(text: string): FoldedText {
  let folded = '';
  const origins: { start: number; end: number }[] = [];
  let offset = 0;
  for (const codePoint of text) {
    const piece = foldCodePoint(codePoint);
    const origin = { start: offset, end: offset + codePoint.length };
    folded += piece;
    for (let unit = 0; unit < piece.length; unit += 1) origins.push(origin);
    offset += codePoint.length;
  }
  return { folded, origins };
}

/** A term as compared: folded, its words split on whitespace. Empty when it holds no word at all. */
export function watchTermWords(term: string): string[] {
  let folded = '';
  for (const codePoint of term) folded += foldCodePoint(codePoint);
  return folded.split(whitespaceRun).filter((word) => word !== '');
}

/** The form two terms are compared in: the same key means the same term ("Drugs" and "ｄｒｕｇｓ" are one entry). */
export function watchTermKey(term: string): string {
  return watchTermWords(term).join(' ');
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function startsWithWordCharacter(word: string): boolean {
  const first = [...word][0];
  return first !== undefined && wordCharacter.test(first);
}

function endsWithWordCharacter(word: string): boolean {
  const characters = [...word];
  const last = characters[characters.length - 1];
  return last !== undefined && wordCharacter.test(last);
}

/** The pattern for one term over folded text, or null for a term with no words. */
function termPattern(term: string): RegExp | null {
  const words = watchTermWords(term);
  const first = words[0];
  const last = words[words.length - 1];
  if (first === undefined || last === undefined) return null;
  // A boundary is asked for only where the term itself starts or ends with a word character: "$$$" may touch a word.
  const before = startsWithWordCharacter(first) ? '(?<![\\p{L}\\p{N}\\p{M}_])' : '';
  const after = endsWithWordCharacter(last) ? '(?![\\p{L}\\p{N}\\p{M}_])' : '';
  return new RegExp(`${before}${words.map(escapeForPattern).join('\\s+')}${after}`, 'gu');
}

/** A watch list ready to run over many letters (each term's pattern built once). */
export interface CompiledWatchList {
  readonly terms: readonly { readonly term: string; readonly pattern: RegExp }[];
}

export function compileWatchList(terms: readonly string[]): CompiledWatchList {
  return {
    terms: terms.flatMap((term) => {
      const pattern = termPattern(term);
      return pattern === null ? [] : [{ term, pattern }];
    }),
  };
}

/** Every place any term matches the text, in order of where it starts (then the longest first). */
export function findWatchMatches(text: string, watchList: CompiledWatchList | readonly string[]): WatchMatch[] {
  const compiled = 'terms' in watchList ? watchList : compileWatchList(watchList);
  if (compiled.terms.length === 0 || text === '') return [];
  const { folded, origins } = foldText(text);
  const matches: WatchMatch[] = [];
  for (const { term, pattern } of compiled.terms) {
    const search = new RegExp(pattern.source, pattern.flags);
    for (const found of folded.matchAll(search)) {
      if (found[0] === '') continue;
      const first = origins[found.index];
      const last = origins[found.index + found[0].length - 1];
      if (first === undefined || last === undefined) continue;
      matches.push({ start: first.start, end: last.end, term });
    }
  }
  return matches.sort((left, right) => left.start - right.start || right.end - left.end);
}

/** Whether a letter is flagged: any term of the site's watch list matches it. */
export function isFlagged(text: string, watchList: CompiledWatchList | readonly string[]): boolean {
  return findWatchMatches(text, watchList).length > 0;
}

/** The text cut into marked and unmarked pieces (overlapping matches merged), for a screen to show as text nodes. */
export function watchSegments(text: string, matches: readonly WatchMatch[]): WatchSegment[] {
  const segments: WatchSegment[] = [];
  let position = 0;
  const ordered = [...matches].sort((left, right) => left.start - right.start);
  let index = 0;
  while (index < ordered.length) {
    const current = ordered[index];
    if (current === undefined) break;
    const start = Math.max(current.start, position);
    let end = current.end;
    index += 1;
    while (index < ordered.length && (ordered[index]?.start ?? Infinity) <= end) {
      end = Math.max(end, ordered[index]?.end ?? end);
      index += 1;
    }
    if (end <= start) continue;
    if (start > position) segments.push({ text: text.slice(position, start), matched: false });
    segments.push({ text: text.slice(start, end), matched: true });
    position = end;
  }
  if (position < text.length || segments.length === 0) segments.push({ text: text.slice(position), matched: false });
  return segments;
}
