// Playwright fixtures for the facility console: a real hub on a real PostgreSQL server (one cluster per worker, a
// fresh database per test) seeded as the demo site, plus a second site ("Lakeside Annex") with a resident, a contact
// and a letter waiting, so tests can try one site's staff against the other's data. One console account per role at
// the demo site (username = the role, e.g. `mailroom`), an all-sites admin (`admin`) and a mailroom officer of the
// second site (`mailroom-b`), each with its own password already chosen. `signInAs(page, role)` opens the console and
// signs in as a browser would. Screenshots of console pages go to test-results/console/.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import pg from 'pg';
import pino from 'pino';
import { staffRoles, type StaffRole } from '../../../hub/console/api/schemas/common';
import { changeConsolePassword, createConsoleAccount } from '../../../hub/services/console-accounts';
import { addContact, addHousingUnit, addResident, createSite, sendFamilyMessage } from '../../../hub/services/index';
import { startDemoHub, type DemoHub } from '../../../scripts/demo-hub';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { makeTempDir } from '../../support/temp-dir';

/** Cheap scrypt for tests (production uses N = 2^15). */
const testPasswordCost = { N: 1 << 10, r: 8, p: 1 } as const;

export const consolePassword = 'console test password 1';

/** The usernames of the fixture's accounts: one per role at the demo site, and the second site's mailroom officer. */
export type ConsoleLogin = StaffRole | 'mailroom-b';

export interface ConsoleHub {
  readonly hub: DemoHub;
  /** The hub's address; the console is at `${url}/console`. */
  readonly url: string;
  readonly otherSite: {
    readonly siteId: string;
    readonly housingUnitId: string;
    readonly residentId: string;
    readonly contactId: string;
    readonly letterId: string;
  };
  /** Signs in at the console's sign-in page in `page` and waits for the navigation. */
  signInAs(page: Page, login: ConsoleLogin): Promise<void>;
}

export const test = base.extend<{ consoleHub: ConsoleHub }, { postgres: PostgresServer }>({
  postgres: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none.
    async ({}, use) => {
      const server = await startPostgresServer();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  consoleHub: async ({ postgres }, use) => {
    const databaseName = `console_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: postgres.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    await admin.end();
    const dir = makeTempDir('dayroom-e2e-console-');
    const hub = await startDemoHub({
      dataDir: join(dir.path, 'unused'),
      databaseUrl: postgres.url(databaseName),
      port: 0,
      consoleFile: join(dir.path, 'hub.json'),
      logger: pino({ level: 'silent' }),
      passwordCost: testPasswordCost,
    });
    const context = hub.running.context;
    const accounts: { username: string; role: StaffRole; siteId: string | null }[] = [
      ...staffRoles.map((role) => ({ username: role, role, siteId: role === 'admin' ? null : hub.siteId })),
    ];
    const lakeside = await createSite(context, { name: 'Lakeside Annex' });
    const unit = await addHousingUnit(context, { siteId: lakeside.siteId, name: 'North' });
    const resident = await addResident(context, {
      housingUnitId: unit.housingUnitId,
      credentialId: '900001',
      displayName: 'Paul Brandt',
      pin: '1357',
      language: 'en',
    });
    const contact = await addContact(context, { residentId: resident.resident_id, displayName: 'Ellen Brandt', relationship: 'wife', approved: true });
    const letter = await sendFamilyMessage(context, {
      contactId: contact.contact_id,
      body: 'Paul, the annex letter only Lakeside staff may read.',
      carriesReturnStamp: false,
      attachments: [],
    });
    accounts.push({ username: 'mailroom-b', role: 'mailroom', siteId: lakeside.siteId });
    for (const account of accounts) {
      const created = await createConsoleAccount(context, {
        username: account.username,
        displayName: displayNames[account.username] ?? account.username,
        role: account.role,
        siteId: account.siteId,
      });
      await changeConsolePassword(context, { accountId: created.account.accountId, current: created.temporaryPassword, next: consolePassword });
    }
    const url = hub.running.url;
    await use({
      hub,
      url,
      otherSite: {
        siteId: lakeside.siteId,
        housingUnitId: unit.housingUnitId,
        residentId: resident.resident_id,
        contactId: contact.contact_id,
        letterId: letter.message_id,
      },
      async signInAs(page, login) {
        await page.goto(`${url}/console/`);
        await page.getByLabel('Username').fill(login);
        await page.getByLabel('Password').fill(consolePassword);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(page.getByRole('navigation', { name: 'Pages' })).toBeVisible();
      },
    });
    await hub.close();
    dir.remove();
  },
});

/** Names that read like people in screenshots. */
const displayNames: Record<string, string> = {
  mailroom: 'Officer Jean Ruiz',
  money: 'Clerk Amal Haddad',
  visits: 'Officer Tom Becker',
  devices: 'Sam Whitfield (IT)',
  supervisor: 'Sgt. Maria Lopez',
  admin: 'Dana Ortiz',
  'mailroom-b': 'Officer Kim Lee',
};

/** The console's two desk sizes. */
export const consoleViewports = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** Screenshots of the page at both desk sizes into test-results/console/<name>-<width>.png. */
export async function screenshotAtDeskSizes(page: Page, name: string): Promise<void> {
  for (const viewport of consoleViewports) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join('test-results', 'console', `${name}-${viewport.width}.png`), fullPage: false });
  }
}

export { expect };
