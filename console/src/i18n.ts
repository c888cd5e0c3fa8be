// The console's words, by key, through i18next like the resident screens. A language is a locale file: every
// console/locales/<tag>.json found at build time is offered, named by its own `locale` block (its name in itself, its
// direction, its Intl locale). A key a language lacks falls back to English, never to the raw key.
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { z } from 'zod';

export const defaultLanguage = 'en';

/** The `locale` block every console locale file opens with. */
const LocaleBlock = z.object({
  name: z.string().min(1),
  direction: z.enum(['ltr', 'rtl']),
  intl: z.string().min(2),
});
const LocaleFile = z.looseObject({ locale: LocaleBlock });

export interface ConsoleLanguage {
  /** The language tag (`zh-Hans`), as the hub keeps it with the staff account. */
  readonly tag: string;
  /** The language's name in itself (Español, العربية), so each reader finds their own. */
  readonly name: string;
  readonly direction: 'ltr' | 'rtl';
  /** The locale Intl formats dates, numbers and money in (es-US: Spanish words, US dollars). */
  readonly intl: string;
}

const localeFiles = import.meta.glob<Record<string, unknown>>('../locales/*.json', { eager: true, import: 'default' });

const resources: Record<string, { translation: Record<string, unknown> }> = {};
const languages: ConsoleLanguage[] = [];
for (const [path, contents] of Object.entries(localeFiles)) {
  const tag = /([^/]+)\.json$/.exec(path)?.[1];
  const file = LocaleFile.safeParse(contents);
  // A file without its locale block is left out rather than offered nameless; the locale tests name it.
  if (tag === undefined || !file.success) continue;
  resources[tag] = { translation: file.data };
  languages.push({ tag, ...file.data.locale });
}

/** Every language the console has a locale file for, English first, then by tag. */
export const consoleLanguages: readonly ConsoleLanguage[] = languages.sort((a, b) =>
  a.tag === defaultLanguage ? -1 : b.tag === defaultLanguage ? 1 : a.tag.localeCompare(b.tag),
);

/** The console language with this tag, or undefined when the console has no locale file for it. */
export function consoleLanguage(tag: string | null | undefined): ConsoleLanguage | undefined {
  return consoleLanguages.find((language) => language.tag === tag);
}

const rememberedKey = 'dayroom.console.language';

/**
 * The language to open in before anyone signs in: the one last chosen in this browser, else the first the browser
 * asks for that the console has (by tag, then by its base language: `es-MX` → `es`), else English.
 */
export function initialLanguage(): string {
  let remembered: string | null = null;
  try {
    remembered = window.localStorage.getItem(rememberedKey);
  } catch {
    // Storage refused (a locked-down browser profile): the browser's own languages still choose.
  }
  if (consoleLanguage(remembered) !== undefined && remembered !== null) return remembered;
  for (const asked of navigator.languages) {
    const exact = consoleLanguages.find((language) => language.tag.toLowerCase() === asked.toLowerCase());
    if (exact !== undefined) return exact.tag;
    const base = asked.split('-')[0]?.toLowerCase();
    const sameBase = consoleLanguages.find((language) => language.tag.split('-')[0]?.toLowerCase() === base && base !== 'zh');
    if (sameBase !== undefined) return sameBase.tag;
    if (base === 'zh' && consoleLanguage('zh-Hans') !== undefined && !/-(Hant|TW|HK|MO)\b/i.test(asked)) return 'zh-Hans';
  }
  return defaultLanguage;
}

/**
 * Shows the console in a language it has: the words, and the page's `lang` and `dir` (Arabic reads right to left).
 * Remembered in this browser for the next sign-in page; the hub keeps the staff member's own choice.
 */
export async function showLanguage(instance: i18n, tag: string): Promise<ConsoleLanguage> {
  const language = consoleLanguage(tag) ?? consoleLanguage(defaultLanguage);
  if (language === undefined) throw new Error('the console has no English locale file');
  document.documentElement.lang = language.tag;
  document.documentElement.dir = language.direction;
  try {
    window.localStorage.setItem(rememberedKey, language.tag);
  } catch {
    // Not remembered in this browser; the hub still keeps a signed-in staff member's choice.
  }
  if (instance.language !== language.tag) await instance.changeLanguage(language.tag);
  return language;
}

export function createConsoleI18n(language: string): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: defaultLanguage,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const shown = consoleLanguage(language) ?? consoleLanguage(defaultLanguage);
  if (shown !== undefined) {
    document.documentElement.lang = shown.tag;
    document.documentElement.dir = shown.direction;
  }
  return instance;
}
