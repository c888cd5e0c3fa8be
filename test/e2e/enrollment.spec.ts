// First boot in Chromium against the real web host and a real hub: a kiosk with no credential shows the enrollment
// screen (and says no one can sign in yet), a wrong code is said in words, the right code enrolls it, the attract screen
// appears, the residents arrive by sync and one signs in.
import { expect, test as base } from '@playwright/test';
import pino from 'pino';
import { join } from 'node:path';
import { demoResidents } from '../../scripts/demo-data';
import { startDemoHub, type DemoHub } from '../../scripts/demo-hub';
import { defaultTimings, launchKiosk, type KioskUnderTest } from '../support/kiosk-process';
import { makeTempDir } from '../support/temp-dir';
import { expectScreenFits } from './support/fit-check';
import { chooseLanguage } from './support/display-choices';
import { expectAccessibleInEveryLanguage } from './support/accessibility-check';
import { everyInstalledLanguage } from './support/hub-kiosk';

const test = base.extend<{ hub: DemoHub; kiosk: KioskUnderTest }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none.
  hub: async ({}, use) => {
    const dir = makeTempDir('dayroom-e2e-hub-');
    const hub = await startDemoHub({ dataDir: join(dir.path, 'hub'), port: 0, consoleFile: join(dir.path, 'hub.json'), logger: pino({ level: 'silent' }) });
    await use(hub);
    await hub.close();
    dir.remove();
  },
  kiosk: async ({ hub }, use) => {
    // The site file names the hub (prefilled on the screen); no enrollment code is spent: first boot.
    // The site file offers every language the screens have words for, so the enrollment screen can be checked in each.
    const kiosk = await launchKiosk(defaultTimings, {
      hub: { url: hub.running.url, enrollmentCode: 'unused' },
      enroll: false,
      languages: everyInstalledLanguage(),
    });
    await use(kiosk);
    await kiosk.stop();
  },
});

const marcus = demoResidents[0]!;

test('a fresh kiosk asks staff to enroll it; a wrong code is said in words; the right one brings the residents', async ({ page, hub, kiosk }, testInfo) => {
  // Two fit checks (every window and text size) on top of the enrollment itself.
  test.setTimeout(300_000);
  await page.goto(kiosk.url);
  const screen = page.locator('[data-screen="enrollment"]');
  await expect(screen).toBeVisible();
  await expect(page.locator('[data-screen="attract"]')).toHaveCount(0);
  await expect(page.getByTestId('enrollment-no-residents')).toContainText('No one can sign in on this device yet');
  await expect(page.getByTestId('enrollment-hub-url')).toHaveValue(hub.running.url);

  // A scan does not start a sign-in: there is no one on this device to sign in.
  await kiosk.scan(marcus.badge);
  await expect(screen).toBeVisible();

  // A wrong code, typed with the on-screen keyboard, is refused in words.
  await page.getByTestId('enrollment-code').click();
  for (const key of 'zzzz9999') await page.locator(`[data-testid="on-screen-keyboard"] [data-skbtn="${key}"]`).click();
  await expect(page.getByTestId('enrollment-code')).toHaveValue('zzzz9999');
  await page.getByTestId('enrollment-submit').click();
  await expect(page.getByTestId('enrollment-outcome')).toContainText('The hub does not know that code.');
  await page.screenshot({ path: testInfo.outputPath('enrollment-en-wrong-code.png'), fullPage: true });
  // The enrollment screen fits every window and text size, with its refusal showing and the keyboard open on the code.
  await page.getByTestId('enrollment-code').click();
  await expectScreenFits(page, 'enrollment', 'en');
  await expectAccessibleInEveryLanguage(page, 'enrollment');

  // The same screen in Spanish, with the same refusal in Spanish.
  await chooseLanguage(page, 'Español');
  await expect(page.getByRole('heading', { name: 'Configurar este dispositivo' })).toBeVisible();
  await page.getByTestId('enrollment-submit').click();
  await expect(page.getByTestId('enrollment-outcome')).toContainText('El hub no conoce ese código.');
  await page.screenshot({ path: testInfo.outputPath('enrollment-es-wrong-code.png'), fullPage: true });
  await page.getByTestId('enrollment-code').click();
  await expectScreenFits(page, 'enrollment', 'es');

  // The right code: the attract screen takes over and the residents arrive by sync.
  await page.getByTestId('enrollment-code').fill(await hub.kioskEnrollmentCode());
  await page.getByTestId('enrollment-submit').click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: testInfo.outputPath('enrollment-es-enrolled-attract.png'), fullPage: true });

  // The kiosk speaks the site's language to the next person; Marcus signs in once his record has been pulled.
  await expect(async () => {
    await kiosk.scan(marcus.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  for (const digit of marcus.pin) await page.getByRole('button', { name: digit, exact: true }).click();
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
  await expect(page.locator('[data-screen="home"]')).toContainText(marcus.displayName.split(' ')[0]!);
});

test('after a restart the enrolled kiosk goes straight to the attract screen', async ({ page, hub, kiosk }) => {
  await page.goto(kiosk.url);
  await page.getByTestId('enrollment-code').fill(await hub.kioskEnrollmentCode());
  await page.getByTestId('enrollment-submit').click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible({ timeout: 15_000 });
  await kiosk.restart();
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.locator('[data-screen="enrollment"]')).toHaveCount(0);
});
