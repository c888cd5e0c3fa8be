// Every locale file of the resident screens (renderer/locales) and of the console (console/locales) against English:
// each key English has, with the same {{placeholders}}; each plural with exactly the forms its language's
// Intl.PluralRules gives (i18next picks the form by those rules, so a missing form shows English and an extra one is
// never read); and a `locale` block that names the language, its direction and an Intl locale. Adding a language is
// adding a file, and this test is what holds the file to the same standard as English (docs/languages.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseLanguage, LanguageTag, LocaleBlock } from '../../../rules/language';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const localeFolders = ['renderer/locales', 'console/locales'] as const;

/** i18next's plural suffixes (the CLDR categories). */
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** Every leaf as a dotted path and its text; anything that is neither text nor a tree is reported by its path. */
function leaves(tree: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) throw new Error(`${prefix || 'the file'} is not an object of texts`);
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') found.set(path, value);
    else for (const [childPath, text] of leaves(value, path)) found.set(childPath, text);
  }
  return found;
}

const placeholdersOf = (text: string): string[] => [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((match) => match[1] ?? ''))].sort();

/** The texts that are not the file's own `locale` block, grouped: a plain key is itself, a plural is its base with its forms. */
function entries(texts: Map<string, string>): Map<string, Map<string, string>> {
  const grouped = new Map<string, Map<string, string>>();
  for (const [path, text] of texts) {
    if (path.startsWith('locale.')) continue;
    const category = pluralSuffix.exec(path)?.[1];
    const base = category === undefined ? path : path.slice(0, -category.length - 1);
    const forms = grouped.get(base) ?? new Map<string, string>();
    forms.set(category ?? '', text);
    grouped.set(base, forms);
  }
  return grouped;
}

function pluralCategories(tag: string): string[] {
  return [...new Intl.PluralRules(tag).resolvedOptions().pluralCategories].sort();
}

interface LocaleFile {
  readonly folder: string;
  readonly tag: string;
  readonly content: unknown;
}

const files: LocaleFile[] = localeFolders.flatMap((folder) =>
  readdirSync(join(repoRoot, folder))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ folder, tag: name.slice(0, -'.json'.length), content: JSON.parse(readFileSync(join(repoRoot, folder, name), 'utf8')) as unknown })),
);

function englishOf(folder: string): Map<string, Map<string, string>> {
  const english = files.find((file) => file.folder === folder && file.tag === baseLanguage);
  if (english === undefined) throw new Error(`${folder}/${baseLanguage}.json is missing: every other file is checked against it`);
  return entries(leaves(english.content));
}

describe.each(files.map((file) => [`${file.folder}/${file.tag}.json`, file] as const))('%s', (_name, file) => {
  const texts = leaves(file.content);
  const ownEntries = entries(texts);
  const english = englishOf(file.folder);
  const categories = LanguageTag.safeParse(file.tag).success ? pluralCategories(file.tag) : [];

  it('is named by a language tag and names itself in a valid locale block that Intl accepts', () => {
    expect(LanguageTag.safeParse(file.tag).success, `"${file.tag}" is not a language tag such as en, es, zh-Hans`).toBe(true);
    const block = LocaleBlock.safeParse(typeof file.content === 'object' && file.content !== null ? Reflect.get(file.content, 'locale') : undefined);
    expect(block.error?.issues ?? []).toEqual([]);
    if (block.success) {
      expect(() => new Intl.NumberFormat(block.data.intl)).not.toThrow();
      expect(() => new Intl.DateTimeFormat(block.data.intl)).not.toThrow();
      // The Intl locale is of this language (es-US for es), so numbers and dates read as the words do.
      expect(new Intl.Locale(block.data.intl).language).toBe(new Intl.Locale(file.tag).language);
    }
  });

  it('has every key English has, and none English lacks', () => {
    expect([...english.keys()].filter((key) => !ownEntries.has(key))).toEqual([]);
    expect([...ownEntries.keys()].filter((key) => !english.has(key))).toEqual([]);
  });

  it('gives each plural exactly the forms Intl.PluralRules gives its language, and each plain key no plural form', () => {
    const wrong: string[] = [];
    for (const [key, forms] of ownEntries) {
      const englishIsPlural = [...(english.get(key)?.keys() ?? [])].some((form) => form !== '');
      const own = [...forms.keys()].sort();
      const expected = englishIsPlural ? categories : [''];
      if (own.join() !== expected.join())
        wrong.push(`${key}: has ${own.map((form) => form || '(plain)').join(', ')}; needs ${expected.map((form) => form || '(plain)').join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it("uses English's {{placeholders}} in every value (a plural form may leave out the count it names in words)", () => {
    const wrong: string[] = [];
    for (const [key, forms] of ownEntries) {
      const englishForms = english.get(key);
      if (englishForms === undefined) continue;
      const englishPlaceholders = [...new Set([...englishForms.values()].flatMap(placeholdersOf))].sort();
      const isPlural = ![...englishForms.keys()].includes('');
      for (const [form, text] of forms) {
        const own = placeholdersOf(text);
        const expected = isPlural ? englishPlaceholders.filter((name) => name !== 'count' || own.includes('count')) : englishPlaceholders;
        if (own.join() !== expected.join())
          wrong.push(`${form ? `${key}_${form}` : key}: {{${own.join('}}, {{')}}} where English has {{${expected.join('}}, {{')}}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('holds plain text only: no HTML', () => {
    expect([...texts].filter(([, text]) => /<\/?[a-z][\s\S]*?>/i.test(text)).map(([path]) => path)).toEqual([]);
  });

  it('counts its keys', () => {
    // One line per file, so a run shows at a glance how far each language has come.
    console.log(`${file.folder}/${file.tag}.json: ${texts.size} keys`);
    expect(texts.size).toBeGreaterThan(0);
  });
});
