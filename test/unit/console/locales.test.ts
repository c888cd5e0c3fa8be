// The facility console's locale files stay in step with English: each names itself (its own name, direction and Intl
// locale), has every key in English's order with the plural forms its language's Intl.PluralRules asks for, keeps
// every {{placeholder}}, holds plain text only, and words every refusal code the hub can send.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleErrorCodes } from '../../../hub/console/api/schemas/common';

type Tree = { [key: string]: string | Tree };

const localesDir = join(process.cwd(), 'console', 'locales');
const tags = readdirSync(localesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();
const locales = new Map(tags.map((tag) => [tag, JSON.parse(readFileSync(join(localesDir, `${tag}.json`), 'utf8')) as Tree]));
const english = locales.get('en');
if (english === undefined) throw new Error('console/locales/en.json is missing');

/** Every leaf as a dotted path and its text, in file order. */
function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return typeof value === 'string' ? [[path, value]] : leaves(value, path);
  });
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** English's keys as this language must have them: each plural group with the language's own categories. */
function expectedKeys(tag: string): string[] {
  const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;
  const order = ['zero', 'one', 'two', 'few', 'many', 'other'].filter((category) => categories.includes(category as Intl.LDMLPluralRule));
  const keys: string[] = [];
  const groups = new Set<string>();
  for (const [path] of leaves(english as Tree)) {
    if (!pluralSuffix.test(path)) {
      keys.push(path);
      continue;
    }
    const base = path.replace(pluralSuffix, '');
    if (groups.has(base)) continue;
    groups.add(base);
    keys.push(...order.map((category) => `${base}_${category}`));
  }
  return keys;
}

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? ''))].sort();

describe('console locale files', () => {
  it('are the six languages of issue 18', () => {
    expect(tags).toEqual(['ar', 'en', 'es', 'ht', 'vi', 'zh-Hans']);
  });

  describe.each(tags)('%s', (tag) => {
    const locale = locales.get(tag) as Tree;
    const texts = new Map(leaves(locale));

    // Not every platform's Intl has every language's data (Node's has no Haitian Creole): the tag must be well formed,
    // and Intl falls back to its nearest data for the rest.
    it('opens with its own name, direction and a well-formed Intl locale', () => {
      expect(Object.keys(locale)[0]).toBe('locale');
      const block = locale.locale as Tree;
      expect(typeof block.name === 'string' && block.name.length > 0).toBe(true);
      expect(block.direction).toBe(tag === 'ar' ? 'rtl' : 'ltr');
      expect(Intl.getCanonicalLocales(String(block.intl))).toEqual([block.intl]);
    });

    it("has English's keys in English's order, with its language's plural forms", () => {
      expect(leaves(locale).map(([path]) => path)).toEqual(expectedKeys(tag));
    });

    it('keeps every placeholder, and holds plain text only', () => {
      const englishTexts = new Map(leaves(english as Tree));
      for (const [path, text] of texts) {
        if (path.startsWith('locale.')) continue;
        const base = path.replace(pluralSuffix, '');
        const source = englishTexts.get(path) ?? englishTexts.get(`${base}_other`) ?? '';
        // A plural form may spell its number out ("one", "two") instead of {{count}}; nothing else may go missing.
        const wanted = placeholders(source).filter((name) => !(pluralSuffix.test(path) && name === 'count'));
        const found = placeholders(text);
        expect({ path, missing: wanted.filter((name) => !found.includes(name)) }).toEqual({ path, missing: [] });
        expect({ path, extra: found.filter((name) => !placeholders(source).includes(name)) }).toEqual({ path, extra: [] });
        expect({ path, markup: /<[a-z/][^>]*>/i.test(text) }).toEqual({ path, markup: false });
      }
    });

    it('words every refusal code the hub can send, and the page could not reach it', () => {
      for (const code of [...consoleErrorCodes, 'unreachable', 'withHubWords'])
        expect(texts.get(`errors.${code}`) ?? texts.get(`errors.${code}_other`)).toBeTruthy();
    });
  });
});
