// The console's door: accounts with temporary passwords changed at first sign-in, wrong passwords locking an account,
// sessions that end at sign-out (a copied cookie opens nothing) and after idle time, CSRF tokens and cross-site
// refusals, roles and sites — each refusal in words, audited on the hub's chain with the staff member's name, nothing
// changed. The role check is walked over every route of the console's table, so a new route is covered by being added.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../../hub/console/api/routes/index';
import { roleMayUse } from '../../../hub/console/api/route';
import { staffRoles, type StaffRole } from '../../../hub/console/api/schemas/common';
import { hubAuditEntries, verifyHubAuditChain } from '../../../hub/services/audit';
import { createConsoleAccount, listConsoleAccounts } from '../../../hub/services/console-accounts';
import { createSite } from '../../../hub/services/sites';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { ConsoleClient, consoleErrorCode } from '../../support/console-client';
import { startTestHub, type TestHub } from './fixture';

const ownPassword = 'correct horse battery staple';

async function consoleAuditDetails(test: TestHub): Promise<{ actor: string | null; details: Record<string, unknown> }[]> {
  const rows = await hubAuditEntries(test.hub.database, 0, 10_000);
  return rows
    .filter((row) => row.kind === 'consoleAction')
    .map((row) => ({ actor: row.actor_id, details: JSON.parse(row.details) as Record<string, unknown> }));
}

// The file's PostgreSQL cluster starts now, beside the PGlite tests, and is stopped after the file.
useHubDatabases();

describe.each(hubBackends)('the console door (%s)', (backend) => {
  let test: TestHub;
  let siteA: string;
  let siteB: string;

  beforeEach(async () => {
    test = await startTestHub(backend);
    siteA = (await createSite(test.hub, { name: 'Hill County Jail' })).siteId;
    siteB = (await createSite(test.hub, { name: 'River Unit' })).siteId;
  });
  afterEach(async () => test.close());

  async function account(username: string, role: StaffRole, siteId: string | null): Promise<ConsoleClient> {
    const created = await createConsoleAccount(test.hub, { username, displayName: `${username} Person`, role, siteId });
    const client = new ConsoleClient(test.url);
    await client.signInFirstTime(username, created.temporaryPassword, ownPassword);
    return client;
  }

  it('asks for a new password before anything else, then signs in with it', async () => {
    const created = await createConsoleAccount(test.hub, { username: 'Dana.Ortiz', displayName: 'Dana Ortiz', role: 'admin', siteId: null });
    expect(created.account.username).toBe('dana.ortiz');
    expect(created.temporaryPassword).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const browser = new ConsoleClient(test.url);
    expect((await browser.signIn('DANA.ORTIZ', created.temporaryPassword)).status).toBe(200);
    const blocked = await browser.get('/accounts');
    expect([blocked.status, consoleErrorCode(blocked)]).toEqual([403, 'passwordChangeNeeded']);
    const tooShort = await browser.post('/session/password', { current: created.temporaryPassword, next: 'short' });
    expect([tooShort.status, consoleErrorCode(tooShort)]).toEqual([400, 'invalid']);
    expect((await browser.post('/session/password', { current: created.temporaryPassword, next: ownPassword })).status).toBe(200);
    const accounts = await browser.get('/accounts');
    expect(accounts.status).toBe(200);

    const again = new ConsoleClient(test.url);
    expect((await again.signIn('dana.ortiz', created.temporaryPassword)).status).toBe(401);
    expect((await again.signIn('dana.ortiz', ownPassword)).status).toBe(200);
  });

  it('locks an account after five wrong passwords; ten are refused in words, audited, and the right one waits for the lock', async () => {
    await account('ruiz', 'mailroom', siteA);
    const attacker = new ConsoleClient(test.url);
    const answers: { status: number; code: string | null; json: unknown }[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const answer = await attacker.signIn('ruiz', `guess number ${attempt}`);
      answers.push({ status: answer.status, code: consoleErrorCode(answer), json: answer.json });
    }
    expect(answers.slice(0, 4).map((answer) => answer.code)).toEqual(['wrongPassword', 'wrongPassword', 'wrongPassword', 'wrongPassword']);
    expect(answers.slice(0, 4).map((answer) => (answer.json as { error: { attemptsLeft: number } }).error.attemptsLeft)).toEqual([4, 3, 2, 1]);
    expect(answers.slice(4).every((answer) => answer.status === 423 && answer.code === 'lockedOut')).toBe(true);
    const locked = answers[4]?.json as { error: { lockedUntil: number; message: string } };
    expect(locked.error.lockedUntil).toBe(test.clock.now() + 15 * 60 * 1000);
    expect(locked.error.message).toMatch(/locked/);

    // Ten failures from one address stop that address for ten minutes, whoever it names; after that the right
    // password is still refused while the account is locked, and after the lock it works.
    const owner = new ConsoleClient(test.url);
    expect(consoleErrorCode(await owner.signIn('ruiz', ownPassword))).toBe('rateLimited');
    test.clock.advance(10 * 60 * 1000 + 1);
    expect(consoleErrorCode(await owner.signIn('ruiz', ownPassword))).toBe('lockedOut');
    test.clock.advance(5 * 60 * 1000);
    expect((await owner.signIn('ruiz', ownPassword)).status).toBe(200);

    const refusals = (await consoleAuditDetails(test)).filter((entry) => entry.details.action === 'session.signIn' && entry.details.outcome === 'refused');
    expect(refusals.length).toBeGreaterThanOrEqual(10);
    expect(refusals[0]?.details).toMatchObject({ staffName: 'ruiz Person', subject: 'ruiz', code: 'wrongPassword' });
  });

  it('an unknown username is answered like a wrong password, and audited with what was typed', async () => {
    const answer = await new ConsoleClient(test.url).signIn('nobody', 'whatever password');
    expect([answer.status, consoleErrorCode(answer)]).toEqual([401, 'wrongPassword']);
    const [entry] = await consoleAuditDetails(test);
    expect(entry).toEqual({ actor: null, details: expect.objectContaining({ staffName: 'not signed in', subject: 'nobody', outcome: 'refused' }) as unknown });
  });

  it('a cookie copied before sign-out opens nothing after it, and the attempt is audited', async () => {
    const admin = await account('admin1', 'admin', null);
    const stolen = admin.cookie;
    expect(stolen).not.toBeNull();
    expect((await admin.post('/session/sign-out')).status).toBe(200);
    const thief = new ConsoleClient(test.url);
    thief.cookie = stolen;
    thief.csrfToken = admin.csrfToken;
    const read = await thief.get('/accounts');
    expect([read.status, consoleErrorCode(read)]).toEqual([401, 'signedOut']);
    const change = await thief.post('/accounts', { username: 'intruder', displayName: 'Intruder', role: 'admin', siteId: null });
    expect([change.status, consoleErrorCode(change)]).toEqual([401, 'signedOut']);
    expect((await listConsoleAccounts(test.hub.database, null)).map((entry) => entry.username)).toEqual(['admin1']);
    const audit = await consoleAuditDetails(test);
    expect(audit.filter((entry) => entry.details.code === 'signedOut').length).toBe(2);
  });

  it('ends a session left idle for longer than its limit', async () => {
    const admin = await account('admin1', 'admin', null);
    test.clock.advance(14 * 60 * 1000);
    expect((await admin.get('/accounts')).status).toBe(200);
    test.clock.advance(14 * 60 * 1000);
    expect((await admin.get('/accounts')).status).toBe(200);
    test.clock.advance(15 * 60 * 1000 + 1);
    const expired = await admin.get('/accounts');
    expect([expired.status, consoleErrorCode(expired)]).toEqual([401, 'signedOut']);
    expect((expired.json as { error: { message: string } }).error.message).toMatch(/15 minutes without use/);
  });

  it('refuses a change without the page token, and one from another website, before doing anything', async () => {
    const admin = await account('admin1', 'admin', null);
    const request = { username: 'newbie', displayName: 'New Person', role: 'mailroom', siteId: siteA };
    const noToken = await admin.post('/accounts', request, { withCsrf: false });
    expect([noToken.status, consoleErrorCode(noToken)]).toEqual([403, 'csrfTokenInvalid']);
    const crossOrigin = await admin.post('/accounts', request, { headers: { origin: 'https://evil.example' } });
    expect([crossOrigin.status, consoleErrorCode(crossOrigin)]).toEqual([403, 'crossSite']);
    const crossFetch = await admin.post('/accounts', request, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect([crossFetch.status, consoleErrorCode(crossFetch)]).toEqual([403, 'crossSite']);
    // A form posted by another site carries no cookie (SameSite=Strict) and is refused as cross-site all the same.
    const formPost = await new ConsoleClient(test.url).post('/accounts', request, { headers: { origin: 'https://evil.example' } });
    expect([formPost.status, consoleErrorCode(formPost)]).toEqual([403, 'crossSite']);
    expect((await listConsoleAccounts(test.hub.database, null)).map((entry) => entry.username)).toEqual(['admin1']);
    const codes = (await consoleAuditDetails(test)).map((entry) => entry.details.code);
    expect(codes.filter((code) => code === 'crossSite').length).toBe(3);
    expect(codes).toContain('csrfTokenInvalid');
    expect((await admin.post('/accounts', request)).status).toBe(200);
  });

  it('holds a site-bound admin to their site: another site’s account is not found, and the refusal is audited', async () => {
    const admin = await account('admin-a', 'admin', siteA);
    const other = await createConsoleAccount(test.hub, { username: 'clerk-b', displayName: 'Clerk B', role: 'money', siteId: siteB });
    const reset = await admin.post(`/accounts/${other.account.accountId}/reset-password`);
    expect([reset.status, consoleErrorCode(reset)]).toEqual([404, 'notAtYourSite']);
    const listed = await admin.get('/accounts');
    expect((listed.json as { accounts: { username: string }[] }).accounts.map((entry) => entry.username)).toEqual(['admin-a']);
    const refused = (await consoleAuditDetails(test)).find((entry) => entry.details.code === 'notAtYourSite');
    expect(refused?.details).toMatchObject({ staffName: 'admin-a Person', action: 'accounts.resetPassword', siteId: siteB });
  });

  it('gives every route of the table only to its roles, and nothing to a browser that is not signed in', async () => {
    const clients = new Map<StaffRole, ConsoleClient>();
    for (const role of staffRoles) clients.set(role, await account(`${role}-person`, role, role === 'admin' ? null : siteA));
    const anonymous = new ConsoleClient(test.url);
    expect(consoleRoutes.length).toBeGreaterThan(0);
    for (const route of consoleRoutes) {
      const path = route.path.replace(/:(\w+)/g, 'no-such-$1');
      for (const role of staffRoles) {
        if (roleMayUse(role, route)) continue;
        const client = clients.get(role);
        if (client === undefined) throw new Error(`no client for ${role}`);
        const answer = route.method === 'GET' ? await client.get(path) : await client.post(path, {});
        expect([route.name, role, answer.status, consoleErrorCode(answer)]).toEqual([route.name, role, 403, 'notYourRole']);
      }
      const answer = route.method === 'GET' ? await anonymous.get(path) : await anonymous.post(path, {});
      expect([route.name, answer.status, consoleErrorCode(answer)]).toEqual([route.name, 401, 'signedOut']);
    }
    expect((await verifyHubAuditChain(test.hub.database)).problem).toBeNull();
  });

  it('serves the pages with a strict policy and the session cookie httpOnly, SameSite=Strict, under /console', async () => {
    const page = await fetch(`${test.url}/console/review`);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const created = await createConsoleAccount(test.hub, { username: 'admin1', displayName: 'Admin', role: 'admin', siteId: null });
    const response = await fetch(`${test.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin1', password: created.temporaryPassword }),
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('dayroom_console=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/console/i);
    expect((await fetch(`${test.url}/console/api/nothing-here`)).status).toBe(404);
  });
});
