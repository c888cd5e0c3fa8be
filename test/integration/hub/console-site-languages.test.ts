// The console's control of a site's languages (docs/languages.md): a supervisor sees that the site has not set them,
// sets them (audited, and published with the site's rules for its devices' next pull), and bad input is refused in
// words and changes nothing. Who may not use the routes at all is the console door's test (console-auth.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiteLanguagesView } from '../../../hub/console/api/schemas/site-languages';
import { hubAuditEntries } from '../../../hub/services/audit';
import { createConsoleAccount } from '../../../hub/services/console-accounts';
import { getSiteLanguages, getSiteRules } from '../../../hub/services/index';
import { ConsoleClient, consoleErrorCode } from '../../support/console-client';
import { seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

const ownPassword = 'correct horse battery staple';

let test: TestHub;
let facility: Facility;

beforeEach(async () => {
  test = await startTestHub('pglite');
  facility = await seedFacility(test.hub);
}, 60_000);
afterEach(async () => test.close());

describe('the console’s site languages', () => {
  it('shows them unset, sets them for the site’s devices, audited, and refuses bad input in words', async () => {
    const created = await createConsoleAccount(test.hub, { username: 'sup', displayName: 'Sgt. Ruiz', role: 'supervisor', siteId: facility.siteId });
    const client = new ConsoleClient(test.url);
    await client.signInFirstTime('sup', created.temporaryPassword, ownPassword);

    const before = await client.get('/site/languages');
    expect(before.status).toBe(200);
    expect(SiteLanguagesView.parse(before.json)).toEqual({ siteId: facility.siteId, set: false, offered: [], default: null });

    const set = await client.post('/site/languages', { offered: ['es', 'en', 'ar'], default: 'es' });
    expect(set.status).toBe(200);
    expect(SiteLanguagesView.parse(set.json)).toEqual({ siteId: facility.siteId, set: true, offered: ['es', 'en', 'ar'], default: 'es' });
    expect(await getSiteLanguages(test.hub.database, facility.siteId)).toEqual({ offered: ['es', 'en', 'ar'], default: 'es' });
    // Published with the site's rules, which is what the devices pull.
    expect((await getSiteRules(test.hub.database, facility.siteId)).languages).toEqual({ offered: ['es', 'en', 'ar'], default: 'es' });

    for (const [bad, words] of [
      [{ offered: ['en', 'Arabic'], default: 'en' }, 'a language tag such as en'],
      [{ offered: ['en', 'es'], default: 'vi' }, 'the default language must be one of the offered languages'],
      [{ offered: ['en', 'en'], default: 'en' }, 'a language is offered twice'],
    ] as const) {
      const refused = await client.post('/site/languages', bad);
      expect(refused.status).toBe(400);
      expect(consoleErrorCode(refused)).not.toBeNull();
      expect(JSON.stringify(refused.json)).toContain(words);
    }
    expect(await getSiteLanguages(test.hub.database, facility.siteId)).toEqual({ offered: ['es', 'en', 'ar'], default: 'es' });

    const audited = (await hubAuditEntries(test.hub.database, 0, 1000))
      .filter((row) => row.kind === 'consoleAction')
      .map((row) => JSON.parse(row.details) as { action: string; outcome: string; subject: string | null });
    expect(audited.filter((entry) => entry.action === 'site.setLanguages').map((entry) => [entry.outcome, entry.subject])).toEqual([
      ['done', facility.siteId],
      ...Array.from({ length: 3 }, () => [expect.any(String) as string, facility.siteId] as const),
    ]);
  });
});
