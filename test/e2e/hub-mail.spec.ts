// Mail arriving: a family letter sent and approved through the hub's console (the real CLI against the running hub)
// shows up on a signed-in resident's home screen, after the kiosk syncs with the real hub.
import { test as base, expect } from '@playwright/test';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { demoResidents } from '../../scripts/demo-data';
import { startDemoHub, type DemoHub } from '../../scripts/demo-hub';
import { defaultTimings, launchKiosk, type KioskUnderTest } from '../support/kiosk-process';
import { makeTempDir } from '../support/temp-dir';

const test = base.extend<{ hub: DemoHub & { consoleFile: string }; kiosk: KioskUnderTest }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none.
  hub: async ({}, use) => {
    const dir = makeTempDir('dayroom-e2e-hub-');
    const consoleFile = join(dir.path, 'hub.json');
    const hub = await startDemoHub({ dataDir: join(dir.path, 'hub'), port: 0, consoleFile, logger: pino({ level: 'silent' }) });
    await use(Object.assign(hub, { consoleFile }));
    await hub.close();
    dir.remove();
  },
  kiosk: async ({ hub }, use) => {
    const kiosk = await launchKiosk(defaultTimings, { hub: { url: hub.running.url, enrollmentCode: await hub.kioskEnrollmentCode() } });
    await use(kiosk);
    await kiosk.stop();
  },
});

async function hubConsole(consoleFile: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args, '--hub', consoleFile], { encoding: 'utf8' });
  return stdout;
}

test('a family letter approved at the hub appears on the resident’s home screen', async ({ page, hub, kiosk }) => {
  const marcus = demoResidents[0]!;
  const family = hub.families[0]!;
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  // The kiosk knows Marcus only through sync: nothing was seeded on the device.
  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  for (const digit of marcus.pin) await page.getByRole('button', { name: digit, exact: true }).click();
  const mailTile = page.getByTestId('tile-mail');
  await expect(mailTile).toContainText('1 new message');
  await expect(page.getByTestId('tile-money')).toContainText('$25.00 available');
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps');

  const sent = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', 'See you Sunday', '--return-stamp');
  const messageId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  expect(messageId).toBeDefined();
  // Waiting for review, it must not reach the kiosk.
  await expect(mailTile).toContainText('1 new message');
  await hubConsole(hub.consoleFile, 'approve', '--message', messageId!);
  await expect(mailTile).toContainText('2 new messages', { timeout: 20_000 });
  await page.screenshot({ path: 'test-results/screens/home-mail-arrived-en.png' });
});
