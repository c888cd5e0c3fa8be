// Service mode at a real kiosk synced with a real hub: the demo staff member (known to the kiosk only through sync)
// opens it with their badge and PIN, checks the device, tests a card on the reader view, syncs, exports the logs and
// signs out. A resident's PIN never opens it.
import type { Page } from '@playwright/test';
import { demoResidents, demoStaff } from '../../scripts/demo-data';
import { expect, test } from './support/hub-kiosk';
import { chooseLanguage, chooseTextSize } from './support/display-choices';

const marcus = demoResidents[0]!;
const screens = 'test-results/screens';

async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByRole('button', { name: digit, exact: true }).click();
}

test('staff badge → PIN → service mode: device, readers with a live read, sync now, logs, sign out', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await kiosk.scan(demoStaff.badge);
  const pinPad = page.locator('[data-screen="pinEntry"]');
  await expect(pinPad).toHaveAttribute('data-pin-subject', 'staff');
  await expect(page.getByRole('heading', { name: 'Staff: enter your PIN' })).toBeVisible();
  await typePin(page, demoStaff.pin);

  const service = page.locator('[data-screen="service"]');
  await expect(service).toBeVisible();
  await expect(page.getByTestId('service-staff')).toHaveText(`Signed in as ${demoStaff.displayName} (staff)`);
  const facts = page.getByTestId('service-device-facts');
  await expect(facts).toContainText('Unit B dayroom kiosk 1');
  await expect(facts).toContainText('Riverbend County Detention Center');
  await expect(facts).toContainText('Wall kiosk');
  // The web host is plain Node: no OS keychain, so the store is not encrypted, and the overview says why in words.
  await expect(facts).toContainText('Off: this app runs without an OS keychain (the web host or development), so there is no key to seal');
  // Started without the launcher (docs/deployment.md §12): it does not update itself, and says so rather than nothing.
  await expect(facts).toContainText('App updates');
  await expect(facts).toContainText('Off: this installation does not update itself from the hub');
  await expect(page.getByTestId('service-update-refused')).toHaveCount(0);
  await page.screenshot({ path: `${screens}/service-overview-en.png` });

  // "Test your card here": a resident's wristband is shown as a read, and nobody is signed in.
  await page.getByTestId('service-nav-readers').click();
  await expect(page.getByTestId('reader-unit-b-scanner')).toContainText('Connected');
  // The badge that opened service mode is the latest read so far.
  await expect(page.getByTestId('service-read').first()).toContainText('Staff badge — works on this device');
  await kiosk.scan(marcus.badge);
  const firstRead = page.getByTestId('service-read').first();
  await expect(firstRead).toContainText('Resident card — works on this device');
  await expect(firstRead).toContainText('unit-b-scanner · barcode');
  await kiosk.scan('R999999');
  await expect(page.getByTestId('service-read').first()).toContainText('nobody with this card on this device');
  await expect(service).toBeVisible();
  // Never what was on the card.
  const readerText = await page.locator('body').innerText();
  expect(readerText).not.toMatch(/100001|999999|R1000/);
  await page.screenshot({ path: `${screens}/service-readers-en.png` });

  await page.getByTestId('service-nav-sync').click();
  await expect(page.getByTestId('service-sync-state')).toHaveText('Up to date, waiting', { timeout: 20_000 });
  await page.getByTestId('service-sync-now').click();
  await expect(page.getByTestId('service-sync-state')).toHaveText('Up to date, waiting', { timeout: 20_000 });
  await expect(page.getByTestId('service-sync-facts')).toContainText('Last error');
  await expect(page.getByTestId('service-sync-facts')).toContainText('None');

  await page.getByTestId('service-nav-logs').click();
  await expect(page.getByTestId('service-log-lines')).toContainText('service mode opened');
  await page.getByTestId('service-export-logs').click();
  await expect(page.getByTestId('service-export-result')).toContainText(/Saved dayroom-logs-Unit-B-dayroom-kiosk-1-.*\.json/);
  await page.screenshot({ path: `${screens}/service-logs-en.png` });

  // Restart asks first; cancelling leaves everything as it was.
  await page.getByTestId('service-nav-overview').click();
  await page.getByTestId('service-restart').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Restart the app?');
  await page.screenshot({ path: `${screens}/service-restart-confirm-en.png` });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('confirm-dialog')).toHaveCount(0);

  // Spanish, larger text: the reader view as staff who read Spanish see it.
  await chooseLanguage(page, 'Español');
  await chooseTextSize(page, 'larger');
  await page.getByTestId('service-nav-readers').click();
  await expect(page.getByTestId('service-read').first()).toContainText('Tarjeta de residente — nadie con esta tarjeta');
  await page.screenshot({ path: `${screens}/service-readers-es-larger.png`, fullPage: true });
  await page.getByTestId('service-nav-overview').click();
  await expect(page.getByTestId('service-device-facts')).toContainText('Quiosco de pared');
  await page.screenshot({ path: `${screens}/service-overview-es-larger.png`, fullPage: true });

  await page.getByTestId('service-sign-out').click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(demoStaff.displayName);
});

test('a resident’s PIN does not open service mode, and a resident session has no way into it', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await kiosk.scan(demoStaff.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'staff');
  await typePin(page, marcus.pin);
  await expect(page.getByTestId('pin-notice')).toContainText('Wrong PIN. 4 tries left.');
  await expect(page.locator('[data-screen="service"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'resident');
  await typePin(page, marcus.pin);
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
  // A staff badge during a resident's session takes nothing over.
  await kiosk.scan(demoStaff.badge);
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
  await expect(page.locator('[data-screen="service"]')).toHaveCount(0);
});
