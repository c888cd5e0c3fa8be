// The language a staff member reads the console in is kept with their account: chosen through the audited route, it is
// in every later session answer, in any browser; a tag of the wrong shape is refused in words and nothing changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionView } from '../../../hub/console/api/schemas/session';
import { hubAuditEntries } from '../../../hub/services/audit';
import { createConsoleAccount } from '../../../hub/services/console-accounts';
import { createSite } from '../../../hub/services/sites';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { ConsoleClient, consoleErrorCode } from '../../support/console-client';
import { startTestHub, type TestHub } from './fixture';

const ownPassword = 'correct horse battery staple';

// The file's PostgreSQL cluster starts now, beside the PGlite tests, and is stopped after the file.
useHubDatabases();

describe.each(hubBackends)('the console language of a staff account (%s)', (backend) => {
  let test: TestHub;
  let siteId: string;

  beforeEach(async () => {
    test = await startTestHub(backend);
    siteId = (await createSite(test.hub, { name: 'Hill County Jail' })).siteId;
  });
  afterEach(async () => test.close());

  async function languageActions(): Promise<Record<string, unknown>[]> {
    const rows = await hubAuditEntries(test.hub.database, 0, 10_000);
    return rows
      .filter((row) => row.kind === 'consoleAction')
      .map((row) => JSON.parse(row.details) as Record<string, unknown>)
      .filter((details) => details.action === 'session.setLanguage');
  }

  it('is null until chosen, then carried by every later sign-in, and the choice is audited', async () => {
    const created = await createConsoleAccount(test.hub, { username: 'ruiz', displayName: 'Ana Ruiz', role: 'mailroom', siteId });
    const desk = new ConsoleClient(test.url);
    await desk.signInFirstTime('ruiz', created.temporaryPassword, ownPassword);
    expect(SessionView.parse((await desk.get('/session')).json).staff.language).toBeNull();

    const chosen = await desk.post('/session/language', { language: 'ar' });
    expect(chosen.status).toBe(200);
    expect(SessionView.parse(chosen.json).staff.language).toBe('ar');
    expect(await languageActions()).toEqual([expect.objectContaining({ staffName: 'Ana Ruiz', subject: 'ar', outcome: 'done' })]);

    expect((await desk.post('/session/sign-out')).status).toBe(200);
    const otherBrowser = new ConsoleClient(test.url);
    const signedIn = await otherBrowser.signIn('ruiz', ownPassword);
    expect(SessionView.parse(signedIn.json).staff.language).toBe('ar');

    expect(SessionView.parse((await otherBrowser.post('/session/language', { language: 'zh-Hans' })).json).staff.language).toBe('zh-Hans');
    expect(SessionView.parse((await otherBrowser.get('/session')).json).staff.language).toBe('zh-Hans');
  });

  it('may be chosen before the first password change, so that page is read in it too', async () => {
    const created = await createConsoleAccount(test.hub, { username: 'tran', displayName: 'Minh Tran', role: 'money', siteId });
    const desk = new ConsoleClient(test.url);
    expect((await desk.signIn('tran', created.temporaryPassword)).status).toBe(200);
    const chosen = await desk.post('/session/language', { language: 'vi' });
    expect([chosen.status, SessionView.parse(chosen.json).staff.language]).toEqual([200, 'vi']);
  });

  it('refuses a tag of the wrong shape in words, changes nothing, and refuses a browser that is not signed in', async () => {
    const created = await createConsoleAccount(test.hub, { username: 'ruiz', displayName: 'Ana Ruiz', role: 'mailroom', siteId });
    const desk = new ConsoleClient(test.url);
    await desk.signInFirstTime('ruiz', created.temporaryPassword, ownPassword);
    await desk.post('/session/language', { language: 'es' });
    for (const bad of ['Arabic', 'ar; DROP TABLE', '', 'x'.repeat(200)]) {
      const refused = await desk.post('/session/language', { language: bad });
      expect([refused.status, consoleErrorCode(refused)]).toEqual([400, 'badRequest']);
      expect((refused.json as { error: { message: string } }).error.message).toMatch(/language tag/);
    }
    const extra = await desk.post('/session/language', { language: 'vi', staffId: 'someone-else' });
    expect([extra.status, consoleErrorCode(extra)]).toEqual([400, 'badRequest']);
    expect(SessionView.parse((await desk.get('/session')).json).staff.language).toBe('es');
    expect((await languageActions()).map((details) => details.outcome)).toEqual(['done', 'refused', 'refused', 'refused', 'refused', 'refused']);

    const stranger = new ConsoleClient(test.url);
    const notSignedIn = await stranger.post('/session/language', { language: 'ar' });
    expect([notSignedIn.status, consoleErrorCode(notSignedIn)]).toEqual([401, 'signedOut']);
  });
});
