// The resident screens' Haitian Creole, Vietnamese, Simplified Chinese and Arabic text follows English key by key: every
// key in English's order, exactly the plural forms each language needs, and the same placeholders, so no screen ever
// shows a raw key or loses a name, a number or a date in one of these languages.
import { describe, expect, it } from 'vitest';
import ar from '../../../renderer/locales/ar.json';
import en from '../../../renderer/locales/en.json';
import ht from '../../../renderer/locales/ht.json';
import vi from '../../../renderer/locales/vi.json';
import zhHans from '../../../renderer/locales/zh-Hans.json';

type Tree = { [key: string]: string | Tree };
type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

interface Translation {
  tree: Tree;
  direction: 'ltr' | 'rtl';
  intl: string;
  /** The suffixes i18next looks for in this language (the categories of Intl.PluralRules, fixed for the issue). */
  pluralCategories: readonly PluralCategory[];
}

const translations: Record<string, Translation> = {
  ht: { tree: ht, direction: 'ltr', intl: 'ht', pluralCategories: ['one', 'other'] },
  vi: { tree: vi, direction: 'ltr', intl: 'vi', pluralCategories: ['other'] },
  'zh-Hans': { tree: zhHans, direction: 'ltr', intl: 'zh-Hans', pluralCategories: ['other'] },
  ar: { tree: ar, direction: 'rtl', intl: 'ar', pluralCategories: ['zero', 'one', 'two', 'few', 'many', 'other'] },
};

/** The locale block describes the file itself, and the language names map is retired: neither is a screen text key. */
const notScreenText = /^(locale\.|language\.names\.)/;
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** Every leaf as a dotted path and its text, in file order. */
function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'string' ? [[path, value]] : leaves(value, path);
  });
}

/** Screen text grouped by key, plural forms together under their base key, in file order. */
function textByKey(tree: Tree): Map<string, Map<string, string>> {
  const grouped = new Map<string, Map<string, string>>();
  for (const [path, text] of leaves(tree)) {
    if (notScreenText.test(path)) continue;
    const base = path.replace(pluralSuffix, '');
    const forms = grouped.get(base) ?? new Map<string, string>();
    forms.set(pluralSuffix.exec(path)?.[1] ?? '', text);
    grouped.set(base, forms);
  }
  return grouped;
}

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]));

const english = textByKey(en);

describe.each(Object.entries(translations))('resident screen text in %s', (tag, translation) => {
  const translated = textByKey(translation.tree);

  it('names itself and says its direction and Intl locale', () => {
    expect(translation.tree.locale).toEqual({ name: expect.any(String), direction: translation.direction, intl: translation.intl });
  });

  it("has every English key, in English's order, and no other", () => {
    expect([...translated.keys()]).toEqual([...english.keys()]);
  });

  it('has exactly the plural forms the language uses, and no empty text', () => {
    for (const [key, englishForms] of english) {
      const forms = translated.get(key) ?? new Map<string, string>();
      const expected = englishForms.has('') ? [''] : [...translation.pluralCategories];
      expect([...forms.keys()].sort(), key).toEqual(expected.sort());
      for (const [form, text] of forms) expect(text.trim(), `${key} ${form}`).not.toBe('');
    }
  });

  it('keeps every placeholder, and invents none', () => {
    for (const [key, englishForms] of english) {
      const englishPlaceholders = new Set([...englishForms.values()].flatMap((text) => [...placeholders(text)]));
      for (const [form, text] of translated.get(key) ?? []) {
        const used = placeholders(text);
        expect(
          [...used].filter((name) => !englishPlaceholders.has(name)),
          `${key} ${form} invents`,
        ).toEqual([]);
        // A word can carry the number itself (Arabic's "one stamp", "two stamps"; English's "in the last day"), so only
        // the forms that count with digits must show {{count}}; every other placeholder shows in every form.
        const wordCarriesNumber = form === 'zero' || form === 'one' || form === 'two';
        const required = [...englishPlaceholders].filter((name) => !(name === 'count' && wordCarriesNumber && englishForms.has('other')));
        expect(
          required.filter((name) => !used.has(name)),
          `${key} ${form} loses`,
        ).toEqual([]);
      }
    }
  });

  it('is plain text, with no markup', () => {
    for (const [path, text] of leaves(translation.tree)) expect(text, path).not.toMatch(/<\/?[a-z][^>]*>/i);
  });
});
