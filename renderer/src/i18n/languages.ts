/// <reference types="vite/client" />
// The languages this device has words for: one locale file each in renderer/locales/, found at build time. Each file
// names itself in its `locale` block (its own name, its direction, its Intl locale), so adding a language is adding a
// file — nothing here or in the contract lists them (docs/languages.md). Which of them a person is offered is the
// site's choice (DeviceInfo.languages); a language the site offers that has no file here is never offered.
import { baseLanguage, LanguageCode, LocaleBlock } from '../../../main/contract';

export type TranslationTree = { [key: string]: string | TranslationTree };

export interface InstalledLanguage {
  readonly tag: LanguageCode;
  /** The language's own name ("Español"), as its file gives it. */
  readonly name: string;
  readonly direction: LocaleBlock['direction'];
  /** The Intl locale its numbers, money and dates are formatted in. */
  readonly intl: string;
  readonly translation: TranslationTree;
}

const localeFiles = import.meta.glob<unknown>('../../locales/*.json', { eager: true, import: 'default' });

function isTree(value: unknown): value is TranslationTree {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((child) => typeof child === 'string' || isTree(child));
}

/** A locale file as a language, or the reason it cannot be one (the locale test names each such file). */
export function readLocaleFile(fileName: string, content: unknown): InstalledLanguage | { problem: string } {
  const tag = LanguageCode.safeParse(/([^/]+)\.json$/.exec(fileName)?.[1] ?? '');
  if (!tag.success) return { problem: `${fileName}: its name is not a language tag such as en, es or zh-Hans` };
  if (!isTree(content)) return { problem: `${fileName}: not a tree of texts` };
  const block = LocaleBlock.safeParse(content['locale']);
  if (!block.success)
    return { problem: `${fileName}: its "locale" block: ${block.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}` };
  return { tag: tag.data, ...block.data, translation: content };
}

function install(files: Record<string, unknown>): ReadonlyMap<LanguageCode, InstalledLanguage> {
  const languages = new Map<LanguageCode, InstalledLanguage>();
  for (const [fileName, content] of Object.entries(files)) {
    const language = readLocaleFile(fileName, content);
    // A broken file is left out rather than blanking every screen; the locale test fails on it before it ships.
    if ('problem' in language) console.error(`Dayroom: locale file left out — ${language.problem}`);
    else languages.set(language.tag, language);
  }
  return languages;
}

export const installedLanguages: ReadonlyMap<LanguageCode, InstalledLanguage> = install(localeFiles);

const base = installedLanguages.get(baseLanguage);
if (base === undefined) throw new Error(`renderer/locales/${baseLanguage}.json is missing or broken: every screen falls back to it`);
const baseInstalled: InstalledLanguage = base;

export function hasWordsFor(language: LanguageCode): boolean {
  return installedLanguages.has(language);
}

/** The installed language, or the base language's when this device has no file for it. */
export function installedLanguage(language: LanguageCode): InstalledLanguage {
  return installedLanguages.get(language) ?? baseInstalled;
}

/** The site's offered languages split into those this device can show and those it has no words for (in the site's order). */
export function offeredLanguages(offered: readonly LanguageCode[]): { readonly shown: LanguageCode[]; readonly withoutWords: LanguageCode[] } {
  return { shown: offered.filter(hasWordsFor), withoutWords: offered.filter((language) => !hasWordsFor(language)) };
}

/**
 * The language to show: the one wanted (the person's, or the device's) if this device has words for it, else the
 * site's default, else the base language — never a screen of raw keys.
 */
export function languageToShow(wanted: LanguageCode | null, siteDefault: LanguageCode | null): LanguageCode {
  for (const candidate of [wanted, siteDefault]) if (candidate !== null && hasWordsFor(candidate)) return candidate;
  return baseLanguage;
}
