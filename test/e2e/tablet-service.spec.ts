// A tablet in service mode, in Chromium against the real web host and a real demo hub (issue 7's main path, issue 8's
// assignment): a tablet nobody is assigned to shows only the staff prompt; staff open service mode with badge and PIN,
// test a card on the reader view, sync, assign the tablet by booking number; the resident then signs in and reads their
// mail; staff unassign it, and the store on disk holds no row of that person while the attract screen says so again.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import Database from 'better-sqlite3-multiple-ciphers';
import { residentDataTables } from '../../main/store/resident-data';
import { demoResidents, demoStaff } from '../../scripts/demo-data';
import { defaultTimings, launchKiosk, type KioskUnderTest } from '../support/kiosk-process';
import { expect, test } from './support/hub-kiosk';
import { typeDigits, confirmWithStaffPin } from './support/pads';
import { chooseLanguage } from './support/display-choices';

const marcus = demoResidents[0]!;
const screens = 'test-results/screens';

async function openServiceMode(page: Page, tablet: KioskUnderTest): Promise<void> {
  // The staff prompt of a tablet nobody has, or its person's lock screen: a staff badge works on either.
  await expect(page.locator('[data-screen="attract"], [data-screen="tabletLock"]')).toBeVisible();
  await tablet.scan(demoStaff.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'staff');
  await typeDigits(page, demoStaff.pin);
  await expect(page.locator('[data-screen="service"]')).toBeVisible();
}

/** Rows of the person in every table that can hold their data, read from the store file itself. */
function personRowsOnDisk(dataDir: string, residentId: string): Record<string, number> {
  const db = new Database(join(dataDir, 'device.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      Object.entries(residentDataTables).map(([table, sql]) => [table, db.prepare<[string], { n: number }>(sql).get(residentId)?.n ?? 0]),
    );
  } finally {
    db.close();
  }
}

function attachmentFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

test('staff badge → service mode → reader test → sync now → assign tablet → resident reads mail → unassign wipes their data', async ({ page, hub }) => {
  test.setTimeout(120_000);
  const tablet = await launchKiosk(defaultTimings, { mode: 'tablet', hub: { url: hub.running.url, enrollmentCode: await hub.tabletEnrollmentCode() } });
  try {
    const [marcusRow] = await hub.database.query<{ resident_id: string }>("SELECT resident_id FROM residents WHERE credential_id = '100001'");
    const marcusId = marcusRow!.resident_id;

    // Nobody's tablet yet: only the staff prompt, and a resident's wristband is refused in words.
    await page.goto(tablet.url);
    await expect(page.getByTestId('attract-title')).toHaveText('This tablet is not assigned');
    await tablet.scan(marcus.badge);
    await expect(page.getByTestId('attract-notice')).toContainText('This tablet is not assigned to anyone yet. Ask staff to assign it to you.');
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    await page.screenshot({ path: `${screens}/tablet-unassigned-attract-en.png` });

    // Staff arrive through sync (site-wide), so the badge works on a tablet nobody was ever seeded on.
    await openServiceMode(page, tablet);

    await page.getByTestId('service-nav-readers').click();
    await tablet.scan(marcus.badge);
    await expect(page.getByTestId('service-read').first()).toContainText('Resident card');
    await expect(page.getByTestId('service-read').first()).toContainText('unit-b-scanner · barcode');

    await page.getByTestId('service-nav-sync').click();
    await page.getByTestId('service-sync-now').click();
    await expect(page.getByTestId('service-sync-state')).toHaveText('Up to date, waiting', { timeout: 20_000 });

    await page.getByTestId('service-nav-tablet').click();
    await expect(page.getByTestId('tablet-assignee')).toHaveText('This tablet is not assigned to anyone.');
    await typeDigits(page, '999999');
    await page.getByTestId('tablet-assign').click();
    await confirmWithStaffPin(page, demoStaff.pin);
    await expect(page.getByTestId('tablet-outcome')).toContainText('No resident has that booking number.');
    await page.getByRole('button', { name: 'Clear all digits' }).click();
    // A new number clears the refusal of the last one.
    await expect(page.getByTestId('tablet-outcome')).toBeEmpty();
    await typeDigits(page, '100001');
    await expect(page.getByTestId('tablet-booking-number')).toHaveValue('100001');
    await page.screenshot({ path: `${screens}/tablet-assign-en.png`, fullPage: true });
    // A wrong staff PIN: the hub refuses it, counts it, and the screen says so with the tries left.
    await page.getByTestId('tablet-assign').click();
    await expect(page.getByTestId('tablet-staff-pin')).toHaveAttribute('type', 'password');
    await page.screenshot({ path: `${screens}/tablet-staff-pin-en.png`, fullPage: true });
    await confirmWithStaffPin(page, '0000');
    await expect(page.getByTestId('tablet-outcome')).toHaveText('That is not your staff PIN. 4 tries left before you are locked out of assigning tablets.', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('tablet-assignee')).toHaveText('This tablet is not assigned to anyone.');
    await page.getByTestId('tablet-assign').click();
    await confirmWithStaffPin(page, demoStaff.pin);
    await expect(page.getByTestId('tablet-outcome')).toHaveText('Assigned to Marcus Lee (booking number 100001). They can sign in now.', { timeout: 20_000 });
    await expect(page.getByTestId('tablet-assignee')).toHaveText('This tablet is assigned to Marcus Lee, booking number 100001.');
    await page.screenshot({ path: `${screens}/tablet-assigned-en.png`, fullPage: true });
    await page.getByTestId('service-nav-overview').click();
    await expect(page.getByTestId('service-device-facts')).toContainText('Marcus Lee (booking number 100001)');
    await page.getByTestId('service-sign-out').click();

    // Marcus signs in on his tablet and finds his mother's letter. His own tablet greets him on its lock screen (the PIN
    // alone signs him in there: tablet-session.spec.ts); his wristband on its reader still works too.
    await expect(page.getByTestId('tablet-lock-greeting')).toHaveText('Hello, Marcus');
    await tablet.scan(marcus.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    await typeDigits(page, marcus.pin);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
    await expect(page.getByTestId('tile-mail')).toContainText('1 new message');
    await page.getByTestId('tile-mail').click();
    await expect(page.locator('body')).toContainText('Denise Lee');
    await page.screenshot({ path: `${screens}/tablet-resident-mail-en.png` });
    await page.getByRole('button', { name: 'Back to home' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(personRowsOnDisk(tablet.dataDir, marcusId).messages).toBeGreaterThan(0);

    // Staff take it back: a confirmation that names what goes, then nothing of Marcus on the device.
    await openServiceMode(page, tablet);
    await page.getByTestId('service-nav-tablet').click();
    await page.getByTestId('tablet-unassign').click();
    await expect(page.getByTestId('confirm-dialog')).toContainText('Unassign this tablet from Marcus Lee?');
    await expect(page.getByTestId('confirm-dialog')).toContainText("Marcus Lee's data will be removed from this tablet");
    await page.screenshot({ path: `${screens}/tablet-unassign-confirm-en.png` });
    await page.getByRole('button', { name: 'Yes, unassign and remove' }).click();
    await confirmWithStaffPin(page, demoStaff.pin);
    await expect(page.getByTestId('tablet-outcome')).toHaveText("Unassigned. Marcus Lee's data has been removed from this tablet.", { timeout: 20_000 });
    await expect(page.getByTestId('tablet-assignee')).toHaveText('This tablet is not assigned to anyone.');

    expect(personRowsOnDisk(tablet.dataDir, marcusId)).toEqual(Object.fromEntries(Object.keys(residentDataTables).map((table) => [table, 0])));
    expect(attachmentFiles(tablet.dataDir)).toEqual([]);

    // Spanish, as staff who read Spanish see the section.
    await chooseLanguage(page, 'Español');
    await expect(page.getByTestId('tablet-assignee')).toHaveText('Esta tableta no está asignada a nadie.');
    await page.screenshot({ path: `${screens}/tablet-service-es.png`, fullPage: true });
    await page.getByTestId('service-sign-out').click();

    await expect(page.getByTestId('attract-title')).toHaveText('This tablet is not assigned');
    await tablet.scan(marcus.badge);
    await expect(page.getByTestId('attract-notice')).toContainText('not assigned to anyone yet');
    await chooseLanguage(page, 'Español');
    await expect(page.getByTestId('attract-title')).toHaveText('Esta tableta no está asignada');
    await page.screenshot({ path: `${screens}/tablet-unassigned-attract-es.png` });
  } finally {
    await tablet.stop();
  }
});
