// A tablet's own session (issue 8, items 1 and 3), in Chromium against the real web host and a real demo hub, with the
// device on a test clock (main/host/test-clock.ts) so days pass in a moment: the lock screen greets its person by first
// name and takes the PIN alone; idle dims the screen and then locks it, and the PIN unlocks back to where they were; from
// the site's warning threshold every sign-in and every signed-in screen says how many days are left; past the lock
// threshold the tablet locks with why and what to do, staff badges still open service mode, and a sync unlocks it.
import type { Page } from '@playwright/test';
import { demoResidents, demoStaff } from '../../scripts/demo-data';
import { defaultTimings, launchKiosk } from '../support/kiosk-process';
import { expect, test } from './support/hub-kiosk';
import { typeDigits, confirmWithStaffPin, openServiceMode } from './support/pads';
import { chooseLanguage, chooseTextSize } from './support/display-choices';

const marcus = demoResidents[0]!;
const screens = 'test-results/screens';
const dayMs = 24 * 60 * 60 * 1000;
const tabletRules = { idleLockSeconds: 120, dimSeconds: 15, lockAfterDaysWithoutSync: 7, warnFromDaysWithoutSync: 5 };

/** Nothing of the person but their first name on a lock screen: not their surname, not their mail. */
async function expectNothingOfMarcus(page: Page): Promise<void> {
  const text = await page.locator('body').textContent();
  expect(text).not.toContain('Lee');
  expect(text).not.toContain('Denise');
}

test('tablet: PIN alone, dim → lock → unlock where they were, sync warnings, the sync lock and a sync that lifts it', async ({ page, hub }) => {
  test.setTimeout(180_000);
  const tablet = await launchKiosk(defaultTimings, {
    mode: 'tablet',
    tablet: tabletRules,
    testClock: true,
    hub: { url: hub.running.url, enrollmentCode: await hub.tabletEnrollmentCode() },
  });
  let offsetMs = 0;
  const passes = async (ms: number): Promise<void> => {
    offsetMs += ms;
    await tablet.setClockOffset(offsetMs);
  };
  try {
    // Staff give the tablet to Marcus.
    await page.goto(tablet.url);
    await expect(page.getByTestId('attract-title')).toHaveText('This tablet is not assigned');
    await openServiceMode(page, tablet);
    await page.getByTestId('service-nav-tablet').click();
    await typeDigits(page, marcus.badge.replace(/^R/, ''));
    await page.getByTestId('tablet-assign').click();
    await confirmWithStaffPin(page, demoStaff.pin);
    await expect(page.getByTestId('tablet-outcome')).toContainText('Assigned to Marcus Lee', { timeout: 20_000 });
    await page.getByTestId('service-sign-out').click();

    // His lock screen: his first name and a PIN pad, nothing more of him; the PIN alone signs him in.
    await expect(page.locator('[data-screen="tabletLock"]')).toHaveAttribute('data-session-held', 'false');
    await expect(page.getByTestId('tablet-lock-greeting')).toHaveText('Hello, Marcus');
    await expect(page.getByTestId('tablet-lock-prompt')).toHaveText('Enter your PIN to sign in.');
    await expectNothingOfMarcus(page);
    await page.screenshot({ path: `${screens}/tablet-lock-en.png` });
    await typeDigits(page, '0000');
    await expect(page.getByTestId('tablet-lock-notice')).toHaveText('Wrong PIN. 4 tries left.');
    await typeDigits(page, marcus.pin);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
    await expect(page.getByTestId('tablet-sync-warning')).toHaveCount(0);
    await page.getByTestId('tile-mail').click();
    await expect(page.locator('[data-screen="mail"]')).toContainText('Denise Lee');

    // Untouched: the screen dims, a touch brings it back; untouched again it locks, keeping his session.
    await passes((tabletRules.idleLockSeconds - tabletRules.dimSeconds) * 1000 + 1000);
    await expect(page.getByTestId('tablet-dimmed')).toBeVisible();
    await page.screenshot({ path: `${screens}/tablet-dimmed-en.png` });
    await page.getByTestId('tablet-dimmed').click();
    await expect(page.getByTestId('tablet-dimmed')).toHaveCount(0);
    await expect(page.locator('[data-screen="mail"]')).toBeVisible();
    await passes((tabletRules.idleLockSeconds - tabletRules.dimSeconds) * 1000 + 1000);
    await expect(page.getByTestId('tablet-dimmed')).toBeVisible();
    await passes(tabletRules.dimSeconds * 1000);
    await expect(page.locator('[data-screen="tabletLock"]')).toHaveAttribute('data-session-held', 'true');
    await expect(page.getByTestId('tablet-lock-prompt')).toHaveText('Your tablet is locked. Enter your PIN to go back to where you were.');
    await expectNothingOfMarcus(page);
    await page.screenshot({ path: `${screens}/tablet-locked-en.png` });
    await typeDigits(page, marcus.pin);
    // Back where he was: his mail, without a new sign-in.
    await expect(page.locator('[data-screen="mail"]')).toContainText('Denise Lee');
    await page.getByRole('button', { name: 'Back to home' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.locator('[data-screen="tabletLock"]')).toHaveAttribute('data-session-held', 'false');

    // The hub goes away (no dock, no Wi-Fi) and five days pass: the warning, on the lock screen and at sign-in.
    await hub.stop();
    await passes(5 * dayMs + 60_000);
    await expect(page.getByTestId('tablet-sync-warning')).toHaveText('Update your tablet within 2 days to keep using it.', { timeout: 15_000 });
    await typeDigits(page, marcus.pin);
    await expect(page.getByTestId('tablet-sync-warning-dialog')).toContainText('Update your tablet within 2 days to keep using it.');
    await expect(page.getByTestId('tablet-sync-warning-dialog')).toContainText('Take it to the dock or a Wi-Fi spot in the dayroom.');
    await page.screenshot({ path: `${screens}/tablet-sync-warning-signin-en.png` });
    await page.getByRole('button', { name: 'OK' }).click();
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
    // And while he is signed in, on every screen.
    await expect(page.getByTestId('tablet-sync-warning')).toHaveText('Update your tablet within 2 days to keep using it.');
    // The countdown follows the runtime's clock (five days on), not the page's: at most the site's 240 minutes.
    const minutesLeft = Number((await page.getByTestId('session-time-left').textContent())?.match(/\d+/)?.[0] ?? NaN);
    expect(minutesLeft).toBeGreaterThan(200);
    expect(minutesLeft).toBeLessThanOrEqual(240);
    await page.screenshot({ path: `${screens}/tablet-sync-warning-home-en.png` });
    await chooseLanguage(page, 'Español');
    await expect(page.getByTestId('tablet-sync-warning')).toHaveText('Actualice su tableta en 2 días como máximo para seguir usándola.');
    await page.screenshot({ path: `${screens}/tablet-sync-warning-home-es.png` });
    await chooseTextSize(page, 'larger');
    await page.screenshot({ path: `${screens}/tablet-sync-warning-home-es-larger.png` });
    await chooseLanguage(page, 'English');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.locator('[data-screen="tabletLock"]')).toBeVisible();

    // Two more days: locked, with why and what to do.
    await passes(2 * dayMs);
    await expect(page.locator('[data-screen="syncLocked"]')).toBeVisible();
    await expect(page.getByTestId('sync-locked-why')).toContainText('It has not updated with the facility for 7 days');
    await expect(page.getByTestId('sync-locked-what')).toHaveText('Take your tablet to the dock or a Wi-Fi spot in the dayroom.');
    await expectNothingOfMarcus(page);
    await page.screenshot({ path: `${screens}/tablet-sync-locked-en.png` });
    await chooseLanguage(page, 'Español');
    await expect(page.getByTestId('sync-locked-what')).toHaveText('Lleve su tableta a la base o a un punto Wi-Fi de la sala común.');
    await page.screenshot({ path: `${screens}/tablet-sync-locked-es.png` });
    await chooseLanguage(page, 'English');
    await chooseTextSize(page, 'larger');
    await page.screenshot({ path: `${screens}/tablet-sync-locked-en-larger.png` });
    // The PIN pad is gone; staff still open service mode, and leaving it finds the tablet still locked.
    await expect(page.getByRole('button', { name: '1', exact: true })).toHaveCount(0);
    await openServiceMode(page, tablet);
    await page.getByTestId('service-sign-out').click();
    await expect(page.locator('[data-screen="syncLocked"]')).toBeVisible();

    // At the dock: the hub is reachable again, the tablet syncs by itself and its lock screen comes back.
    await hub.start();
    await expect(page.locator('[data-screen="tabletLock"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('tablet-sync-warning')).toHaveCount(0);
    await typeDigits(page, marcus.pin);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();
  } finally {
    await tablet.stop();
  }
});
