// Plain words (docs/screens.md §8 "Plain words"): how hard the English a resident reads is, and which words about how
// the software works must never reach them.
//
// Many people in custody read English poorly, so resident-facing English must read at US grade 6 or below by the
// Flesch–Kincaid grade level (the `flesch-kincaid` package, syllables by `syllable`). This module picks the
// resident-facing strings out of renderer/locales/en.json, measures them as one text and per section, and finds jargon.
// Run directly (`npx tsx scripts/plain-words.ts`, a step of `npm test`) it prints the figure and the hardest strings, and
// exits 1 when the grade is above the goal or a resident string holds jargon. test/unit/renderer/plain-words.test.ts
// checks the same and the measure's own parts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { z } from 'zod';

/** The highest Flesch–Kincaid grade resident-facing English may read at. */
export const gradeGoal = 6;

/**
 * Keys (a dotted path, or a section whose every key is left out) that only staff see, or that are not English prose.
 * Everything else in renderer/locales/en.json is resident-facing: a key a new screen adds is measured until it is listed
 * here with its reason. Keys residents see on staff-facing screens stay in: the unassigned tablet's and the sync-locked
 * screen's "Staff: …" hints, and the enrollment screen's title and lead, which whoever walks up to the device reads.
 */
export const notForResidents: readonly { key: string; reason: string; mayBeAbsent?: true }[] = [
  { key: 'service', reason: 'service mode: only after a staff badge and a staff PIN (renderer/src/screens/service/)' },
  { key: 'enrollment.staffHint', reason: 'the enrollment form is filled in by staff setting the device up (EnrollmentScreen)' },
  { key: 'enrollment.credentialUnreadable', reason: 'tells the staff member enrolling why the device must be enrolled again' },
  { key: 'enrollment.credentialRevoked', reason: 'tells the staff member enrolling why the device must be enrolled again' },
  { key: 'enrollment.hubUrlLabel', reason: 'a field of the staff enrollment form (EnrollmentForm)' },
  { key: 'enrollment.addressKeys', reason: 'keys of the staff enrollment form (EnrollmentForm)' },
  { key: 'enrollment.codeLabel', reason: 'a field of the staff enrollment form (EnrollmentForm)' },
  { key: 'enrollment.codeHint', reason: 'a hint of the staff enrollment form (EnrollmentForm)' },
  { key: 'enrollment.submit', reason: 'the staff enrollment form’s button (EnrollmentScreen)' },
  { key: 'enrollment.enrolling', reason: 'answers the staff member who pressed the enrollment button (EnrollmentForm)' },
  { key: 'enrollment.enrolled', reason: 'answers the staff member who pressed the enrollment button (EnrollmentForm)' },
  { key: 'enrollment.error', reason: 'answers the staff member who filled in the enrollment form (enrollmentWords.ts)' },
  { key: 'pinEntry.titleStaff', reason: 'the PIN screen after a staff badge (PinEntryScreen, subject staff)' },
  { key: 'pinEntry.checkingStaff', reason: 'the PIN screen after a staff badge (PinEntryScreen, subject staff)' },
  { key: 'pinEntry.forgotPinStaff', reason: 'the PIN screen after a staff badge (PinEntryScreen, subject staff)' },
  { key: 'attract.notice.staffCardNotAccepted', reason: 'said only after a staff badge is scanned (attractNotice.ts)' },
  { key: 'language.names', reason: 'each language’s own name, not English words (retired by issue 18)', mayBeAbsent: true },
  { key: 'locale', reason: 'the file’s own language name, direction and Intl locale: data, not English words', mayBeAbsent: true },
];

/**
 * Words residents must never read: they name how the software works, not what the person does. Each is a pattern
 * matched on whole words, case-insensitive. Say "the facility" for the hub or server, "reach the facility" or "update"
 * for sync, "took too long" for a timeout, "tell staff" for an error code.
 */
export const jargon: readonly { term: string; pattern: RegExp }[] = [
  { term: 'sync', pattern: /\bsync(s|ed|ing|hroni[sz]\w*)?\b/i },
  { term: 'mutation', pattern: /\bmutations?\b/i },
  { term: 'hub', pattern: /\bhubs?\b/i },
  { term: 'server', pattern: /\bservers?\b/i },
  { term: 'database', pattern: /\bdatabases?\b/i },
  { term: 'cache', pattern: /\bcach(e|es|ed|ing)\b/i },
  { term: 'offline mode', pattern: /\boffline mode\b/i },
  { term: 'credential', pattern: /\bcredentials?\b/i },
  { term: 'authenticate', pattern: /\bauthenticat\w*/i },
  { term: 'error code', pattern: /\berror codes?\b/i },
  { term: 'request', pattern: /\brequests?\b/i },
  { term: 'timeout', pattern: /\btime-?outs?\b|\btimed out\b/i },
  { term: 'enroll', pattern: /\benrol(l|ls|led|ling|ment)\b/i },
  { term: 'API', pattern: /\bAPIs?\b/ },
  { term: 'blob', pattern: /\bblobs?\b/i },
  { term: 'queue', pattern: /\bqueue[sd]?\b/i },
  { term: 'batch', pattern: /\bbatch(es)?\b/i },
  { term: 'payload', pattern: /\bpayloads?\b/i },
  { term: 'token', pattern: /\btokens?\b/i },
  { term: 'config', pattern: /\bconfig(uration|ured)?\b/i },
  { term: 'protocol', pattern: /\bprotocols?\b/i },
  { term: 'storage', pattern: /\bstorage\b/i },
  { term: 'control character', pattern: /\bcontrol characters?\b/i },
  { term: 'IT', pattern: /\bIT\b/ },
  { term: 'invalid', pattern: /\binvalid\b/i },
  { term: 'session', pattern: /\bsessions?\b/i },
];

type LocaleTree = { [key: string]: string | LocaleTree };
const LocaleTree: z.ZodType<LocaleTree> = z.lazy(() => z.record(z.string(), z.union([z.string(), LocaleTree])));

/** One string of screen text: its dotted key and its English. */
export interface ScreenString {
  key: string;
  text: string;
}

/** Every string of a locale file, as dotted keys (plural forms keep their `_one`/`_other` suffix: each is shown). */
export function stringsOf(tree: unknown): ScreenString[] {
  const found: ScreenString[] = [];
  const walk = (node: LocaleTree, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      if (typeof value === 'string') found.push({ key, text: value });
      else walk(value, key);
    }
  };
  walk(LocaleTree.parse(tree), '');
  return found;
}

/** Whether a key is the excluded key itself or inside an excluded section. */
const isUnder = (key: string, excluded: string): boolean => key === excluded || key.startsWith(`${excluded}.`);

/** The strings a resident can read: every string not under an entry of notForResidents. */
export function residentStrings(tree: unknown): ScreenString[] {
  return stringsOf(tree).filter(({ key }) => !notForResidents.some((exclusion) => isUnder(key, exclusion.key)));
}

/**
 * A placeholder stands for a name, a number or a date the screen fills in. The measure reads it as one plain word of
 * one syllable, so a string is neither helped nor hurt by what the screen puts there.
 */
export const placeholderWord = 'ten';

/** The text with every `{{placeholder}}` read as placeholderWord. */
export const withPlaceholdersAsWords = (text: string): string => text.replace(/\{\{[^}]*\}\}/g, placeholderWord);

/** The counts Flesch–Kincaid takes. */
export interface TextCounts {
  sentences: number;
  words: number;
  syllables: number;
}

/**
 * Counts one string. A sentence ends at . ! ? or … (or the end of the string: a label is one sentence); a colon or a dash
 * does not end one, so a long sentence joined by them reads as long. A word is a run of letters (and digits, apostrophes,
 * hyphens) holding at least one letter: a bare number or a symbol such as ⌫ is not read as a word.
 */
export function countsOf(text: string): TextCounts {
  const plain = withPlaceholdersAsWords(text);
  const sentences = plain
    .split(/[.!?…]+(?=\s|$)/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /\p{L}/u.test(sentence));
  const words = (plain.match(/[\p{L}\p{N}’'-]+/gu) ?? []).filter((word) => /\p{L}/u.test(word));
  return {
    sentences: sentences.length,
    words: words.length,
    syllables: words.reduce((sum, word) => sum + Math.max(1, syllable(word)), 0),
  };
}

/** The counts of many strings read as one text. */
export function countsOfAll(strings: readonly ScreenString[]): TextCounts {
  return strings.reduce<TextCounts>(
    (sum, { text }) => {
      const counts = countsOf(text);
      return { sentences: sum.sentences + counts.sentences, words: sum.words + counts.words, syllables: sum.syllables + counts.syllables };
    },
    { sentences: 0, words: 0, syllables: 0 },
  );
}

/** The Flesch–Kincaid grade of counts (NaN when there are no words). */
export const gradeOf = (counts: TextCounts): number => fleschKincaid({ sentence: counts.sentences, word: counts.words, syllable: counts.syllables });

/**
 * A string's grade is worth ranking only when it has a sentence's worth of words: the grade of a label of a few words
 * swings on one long word ("Received by the facility" reads at grade 9.6), while a long sentence is what a reader stumbles on.
 */
const fewestWordsToRank = 8;

/** The strings of at least fewestWordsToRank words, hardest first, each with its grade. */
export function hardestStrings(strings: readonly ScreenString[], howMany: number): (ScreenString & { grade: number })[] {
  return strings
    .filter(({ text }) => countsOf(text).words >= fewestWordsToRank)
    .map((string) => ({ ...string, grade: gradeOf(countsOf(string.text)) }))
    .sort((left, right) => right.grade - left.grade)
    .slice(0, howMany);
}

/** Each top-level section's grade over its resident strings, hardest first. */
export function gradeBySection(strings: readonly ScreenString[]): { section: string; grade: number; words: number }[] {
  const sections = new Map<string, ScreenString[]>();
  for (const string of strings) {
    const section = string.key.split('.')[0] ?? string.key;
    sections.set(section, [...(sections.get(section) ?? []), string]);
  }
  return [...sections]
    .map(([section, members]) => ({ section, grade: gradeOf(countsOfAll(members)), words: countsOfAll(members).words }))
    .sort((left, right) => right.grade - left.grade);
}

/** The jargon terms a text holds, in the order of the jargon list. */
export const jargonIn = (text: string): string[] => jargon.filter(({ pattern }) => pattern.test(text)).map(({ term }) => term);

/** Prints the figure, the hardest strings, each section and any jargon; returns the exit code. */
function report(): number {
  const localeFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'renderer', 'locales', 'en.json');
  const strings = residentStrings(JSON.parse(readFileSync(localeFile, 'utf8')));
  const counts = countsOfAll(strings);
  const grade = gradeOf(counts);
  console.log(
    `READABILITY resident-english grade=${grade.toFixed(1)} sentences=${counts.sentences} words=${counts.words} strings=${strings.length} (goal ≤ ${gradeGoal})`,
  );
  const sentences = strings.filter(({ text }) => /[.!?…]$/u.test(text.trim()));
  const sentencesCounts = countsOfAll(sentences);
  console.log(`  the strings that are whole sentences (no labels) read at grade ${gradeOf(sentencesCounts).toFixed(1)} (${sentences.length} strings)`);
  console.log(`the five hardest strings of ${fewestWordsToRank} words or more:`);
  for (const hard of hardestStrings(strings, 5)) console.log(`  ${hard.grade.toFixed(1)}  ${hard.key}: ${hard.text}`);
  console.log(
    `by section: ${gradeBySection(strings)
      .map(({ section, grade: sectionGrade }) => `${section} ${sectionGrade.toFixed(1)}`)
      .join(', ')}`,
  );
  const withJargon = strings.map((string) => ({ ...string, terms: jargonIn(string.text) })).filter(({ terms }) => terms.length > 0);
  for (const { key, text, terms } of withJargon) console.error(`JARGON ${key} (${terms.join(', ')}): ${text}`);
  if (!(grade <= gradeGoal))
    console.error(`Resident English reads at grade ${grade.toFixed(1)}, above the goal of ${gradeGoal}: make the hardest strings plainer.`);
  return grade <= gradeGoal && withJargon.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = report();
