// What a language tag is, defined once for the device, the hub's protocol and the site file. A tag is checked by its
// shape (a subset of BCP 47: a language, then optionally a script and/or a region), never against a list, so a site can
// offer a language the moment someone adds its words — no schema, protocol or migration has to change for it
// (docs/languages.md). Whether this device has words for a tag is the renderer's question, answered by its locale files.
//
// Pure zod: no Node, no DOM — the device's contract (shared with the renderer) imports it too.
import { z } from 'zod';

/**
 * `en`, `es`, `ht`, `vi`, `ar`, `zh-Hans`, `pt-BR`, `sr-Latn-RS`: two or three lowercase letters, then an optional
 * four-letter script (Title case) and an optional region (two capitals or three digits). Exactly as written in the
 * locale file's name, so a tag is one string everywhere (no `EN` beside `en`).
 */
export const languageTagPattern = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/;

export const LanguageTag = z
  .string()
  .max(16)
  .regex(languageTagPattern, 'a language tag such as en, es, zh-Hans or pt-BR (language, then optional Script and REGION)');
export type LanguageTag = z.infer<typeof LanguageTag>;

/** The language every screen falls back to, and the one every locale file is checked against. */
export const baseLanguage: LanguageTag = 'en';

/**
 * The languages a site offers and the one a device starts in: at least one, no tag twice, and the default among them.
 * The site file's `languages` and the hub's site setting both have this shape.
 */
export const SiteLanguages = z
  .object({ offered: z.array(LanguageTag).min(1).max(32), default: LanguageTag })
  .strict()
  .refine((languages) => new Set(languages.offered).size === languages.offered.length, {
    message: 'a language is offered twice',
    path: ['offered'],
  })
  .refine((languages) => languages.offered.includes(languages.default), {
    message: 'the default language must be one of the offered languages',
    path: ['default'],
  });
export type SiteLanguages = z.infer<typeof SiteLanguages>;

/** Whether Intl accepts a locale (its grammar; a locale Intl has no data for still formats, in its nearest parent). */
function intlAccepts(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

/**
 * The block at the top of every locale file, by which the file names itself: its language's own name (how the
 * language switch shows it, so anyone can find theirs), its writing direction, and the Intl locale its numbers, money
 * and dates are formatted in (`es-US`: Spanish as written in the US, dollars and US dates).
 */
export const LocaleBlock = z
  .object({
    name: z.string().trim().min(1).max(60),
    direction: z.enum(['ltr', 'rtl']),
    intl: z.string().min(2).max(35).refine(intlAccepts, 'a locale Intl accepts, such as en-US, es-US or zh-Hans'),
  })
  .strict();
export type LocaleBlock = z.infer<typeof LocaleBlock>;
