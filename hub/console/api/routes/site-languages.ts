// The site's languages (admin and supervisor): shown, and set — audited, reaching every device of the site at its next
// pull with the site's rules (docs/languages.md).
import { getSiteLanguages, setSiteLanguages } from '../../../services/index';
import { defineConsoleRoute, type ConsoleRoute } from '../route';
import { SiteLanguagesQuery, SiteLanguagesRequest, SiteLanguagesView } from '../schemas/site-languages';
import { workingSite } from './site-scope';

const languageRoles = ['admin', 'supervisor'] as const;

export const siteLanguageRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'site.languages',
    method: 'GET',
    path: '/site/languages',
    roles: languageRoles,
    query: SiteLanguagesQuery,
    response: SiteLanguagesView,
    handler: async ({ query }, context) => {
      const site = await workingSite(context, query.siteId);
      const languages = await getSiteLanguages(context.hub.database, site.siteId);
      return { siteId: site.siteId, set: languages !== null, offered: languages?.offered ?? [], default: languages?.default ?? null };
    },
  }),
  defineConsoleRoute({
    name: 'site.setLanguages',
    method: 'POST',
    path: '/site/languages',
    roles: languageRoles,
    body: SiteLanguagesRequest,
    response: SiteLanguagesView,
    handler: async ({ body }, context) => {
      const site = await workingSite(context, body.siteId);
      context.audit(site.siteId);
      const languages = await setSiteLanguages(context.hub, { siteId: site.siteId, offered: body.offered, default: body.default });
      return { siteId: site.siteId, set: true, offered: languages.offered, default: languages.default };
    },
  }),
];
