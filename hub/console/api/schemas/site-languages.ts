// The site's languages in the console (admin and supervisor): which languages residents are offered and the one
// devices start in (docs/languages.md). A tag is checked by its shape (rules/language.ts), never against a list.
import { z } from 'zod';
import { LanguageTag } from '../../../../rules/language';

const Id = z.string().min(1).max(100);

export const SiteLanguagesQuery = z.strictObject({ siteId: Id.optional() });

/** What the site offers; `set` is false while the hub has not set them and each device follows its own site file. */
export const SiteLanguagesView = z.object({
  siteId: z.string(),
  set: z.boolean(),
  offered: z.array(LanguageTag),
  default: LanguageTag.nullable(),
});
export type SiteLanguagesView = z.infer<typeof SiteLanguagesView>;

/** Tags as typed; the service checks them and refuses in words (a tag of the wrong shape, twice, a default not offered). */
export const SiteLanguagesRequest = z.strictObject({
  siteId: Id.optional(),
  offered: z.array(z.string().max(35)).min(1).max(32),
  default: z.string().max(35),
});
