// A resident at the wall kiosk: scan, PIN, home, sign out — in English and Spanish, with the refusals in words.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { expect, test } from './support/kiosk';
import { chooseLanguage } from './support/display-choices';

const [marcus, ana] = demoResidents as [(typeof demoResidents)[0], (typeof demoResidents)[0]];
const screenshotDir = 'test-results/screens';
mkdirSync(screenshotDir, { recursive: true });

async function typePin(page: Page, pin: string) {
  for (const digit of pin) await page.getByRole('button', { name: digit, exact: true }).click();
}

test('scan → PIN → home → sign out', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.getByText('Scan your ID')).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/attract-en.png` });

  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/pin-en.png` });
  await typePin(page, marcus.pin);

  const home = page.locator('[data-screen="home"]');
  await expect(home).toBeVisible();
  await expect(home).toContainText(marcus.displayName);
  // Every service on the home screen opens.
  for (const tile of ['tile-mail', 'tile-stamps', 'tile-money']) await expect(page.getByTestId(tile)).toBeEnabled();
  await page.screenshot({ path: `${screenshotDir}/home-en.png` });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(marcus.displayName);
});

test('a Spanish speaker gets every screen in Spanish', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await chooseLanguage(page, 'Español');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  // The direction comes from the language's own file (es.json's locale block).
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.screenshot({ path: `${screenshotDir}/attract-es.png` });
  await kiosk.scan(ana.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/pin-es.png` });
  await typePin(page, ana.pin);
  const home = page.locator('[data-screen="home"]');
  await expect(home).toContainText(ana.displayName);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/home-es.png` });
});

test('an unknown card says "Card not recognized"; so does line noise, and the kiosk keeps working', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  const notice = page.getByTestId('attract-notice');
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(notice).toHaveText('');

  await kiosk.sendRaw(Buffer.from([0x00, 0xff, 0x07, 0x0d]));
  await expect(notice).toContainText('Card not recognized');

  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(notice).toHaveText('');

  await kiosk.scan('R999999');
  await expect(notice).toContainText('Card not recognized');
  await page.screenshot({ path: `${screenshotDir}/unknown-card-en.png` });
});

test('five wrong PINs lock the person out, still locked after a restart', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await typePin(page, '0000');
    await expect(page.getByText(`Wrong PIN. ${5 - attempt} ${5 - attempt === 1 ? 'try' : 'tries'} left`)).toBeVisible();
  }
  await typePin(page, '0000');
  await expect(page.locator('[data-screen="lockedOut"]')).toBeVisible();
  await expect(page.getByText('Too many wrong PINs')).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/locked-out-en.png` });

  await kiosk.restart();
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="lockedOut"]')).toBeVisible();
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveCount(0);
});

test.describe('idle', () => {
  test.use({ timings: { idleSeconds: 8, idleWarningSeconds: 5, maxSessionMinutes: 15 } });

  test('idle → countdown → signed out, with no trace of the person left in the page', async ({ page, kiosk }) => {
    await page.goto(kiosk.url);
    await kiosk.scan(ana.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    await typePin(page, ana.pin);
    await expect(page.locator('[data-screen="home"]')).toContainText(ana.displayName);

    const warning = page.getByTestId('idle-warning');
    await expect(warning).toBeVisible({ timeout: 15_000 });
    await page.screenshot({ path: `${screenshotDir}/idle-warning-es.png` });
    await expect(page.locator('[data-screen="attract"]')).toBeVisible({ timeout: 15_000 });

    const html = await page.content();
    expect(html).not.toContain(ana.displayName);
    expect(html).not.toContain('Ana');
    const storage = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }));
    expect(storage).toEqual({ local: 0, session: 0, databases: 0, caches: 0 });
    // The runtime refuses the person's calls from now on.
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  });

  test('"I\'m still here" keeps the session', async ({ page, kiosk }) => {
    await page.goto(kiosk.url);
    await kiosk.scan(marcus.badge);
    await typePin(page, marcus.pin);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
    await expect(page.getByTestId('idle-warning')).toBeVisible({ timeout: 15_000 });
    await page.getByRole('button', { name: "I'm still here" }).click();
    await expect(page.getByTestId('idle-warning')).toHaveCount(0);
    await expect(page.locator('[data-screen="home"]')).toContainText(marcus.displayName);
  });
});
