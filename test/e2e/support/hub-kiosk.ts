// Playwright fixtures for a kiosk that syncs with a real demo hub: `hub` (the embedded demo facility with its console
// connection file; hub.stop() and hub.start() take it down and bring it back on the same address and data) and
// `kiosk` (a real web host process enrolled with it; override `timings` with test.use() for idle tests). Plus the
// hub console, as staff use it.
import { expect, test as base, type Page } from '@playwright/test';
import { demoResidents, type DemoResident } from '../../../scripts/demo-data';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { startDemoHub, type DemoHub } from '../../../scripts/demo-hub';
import { defaultTimings, launchKiosk, type KioskUnderTest, type SessionTimings } from '../../support/kiosk-process';
import { makeTempDir } from '../../support/temp-dir';

export type DemoHubUnderTest = DemoHub & { consoleFile: string };

/** The languages a test's site offers; left out (undefined), the site file's English and Spanish. */
export type SiteLanguagesOption = { offered: readonly string[]; default: string } | undefined;

export const test = base.extend<{ timings: SessionTimings; siteLanguages: SiteLanguagesOption; hub: DemoHubUnderTest; kiosk: KioskUnderTest }>({
  timings: [defaultTimings, { option: true }],
  siteLanguages: [undefined, { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none.
  hub: async ({}, use) => {
    const dir = makeTempDir('dayroom-e2e-hub-');
    const consoleFile = join(dir.path, 'hub.json');
    const hub = await startDemoHub({ dataDir: join(dir.path, 'hub'), port: 0, consoleFile, logger: pino({ level: 'silent' }) });
    await use(Object.assign(hub, { consoleFile }));
    await hub.close();
    dir.remove();
  },
  kiosk: async ({ hub, timings, siteLanguages }, use) => {
    const kiosk = await launchKiosk(timings, {
      hub: { url: hub.running.url, enrollmentCode: await hub.kioskEnrollmentCode() },
      ...(siteLanguages === undefined ? {} : { languages: siteLanguages }),
    });
    await use(kiosk);
    await kiosk.stop();
  },
});

/** Runs a hub console command (the real `hub/cli.ts --hub`) against the running demo hub; resolves to what it printed. */
export async function hubConsole(consoleFile: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--hub', consoleFile], { encoding: 'utf8' });
  return stdout;
}

/** A resident signs in as at the kiosk: their wristband scanned on the real scanner, their PIN on the number pad. */
/**
 * A family letter to `resident` with a return stamp, sent through the real hub console and approved by the mailroom, so
 * it reaches the kiosk at its next sync; resolves to the letter's id.
 */
export async function sendApprovedLetter(hub: DemoHubUnderTest, resident: DemoResident, text: string): Promise<string> {
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge);
  if (family === undefined) throw new Error(`the demo hub has no family for ${resident.badge}`);
  const sent = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', text, '--return-stamp');
  const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  if (letterId === undefined) throw new Error(`the hub console did not name the letter it sent: ${sent}`);
  await hubConsole(hub.consoleFile, 'approve', '--message', letterId);
  return letterId;
}

export async function signIn(page: Page, kiosk: KioskUnderTest, resident: DemoResident = demoResidents[0]!): Promise<void> {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await kiosk.scan(resident.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  for (const digit of resident.pin) await page.getByRole('button', { name: digit, exact: true }).click();
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
}

export { expect };

/** Every language the renderer has a locale file for, English first: a site that offers them all. */
export function everyInstalledLanguage(): { offered: string[]; default: string } {
  const tags = readdirSync(join('renderer', 'locales'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  return { offered: tags, default: 'en' };
}
