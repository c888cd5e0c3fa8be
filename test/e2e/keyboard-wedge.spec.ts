// A keyboard-mode ("wedge") card reader on the web host: the page's capture listener takes a burst of keys far
// faster than typing off the keyboard and hands it to the runtime as a read, so a wristband typed as keys signs a
// resident in; and while a resident writes a letter, a card's keys never land in the letter while their own typing
// does, unchanged. Playwright's keyboard sends real (trusted) key events through Chromium's input pipeline, as a
// USB keyboard would: a burst with no delay comes a few milliseconds apart, like a reader; 150 ms apart is a person.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { launchKiosk } from '../support/kiosk-process';
import { test as hubKioskTest, signIn } from './support/hub-kiosk';
import { expect, test as kioskTest } from './support/kiosk';

const [marcus, ana] = demoResidents as [(typeof demoResidents)[0], (typeof demoResidents)[0]];
const screenshotDir = 'test-results/screens';
mkdirSync(screenshotDir, { recursive: true });

/** A person's pace: slower than any reader (maxGapMs 25 by default), about 80 words a minute. */
const personDelayMs = 150;

/** The site's keyboard-mode reader with its defaults: no prefix, Enter at the end of a read. */
const wedgeKiosk = kioskTest.extend({
  kiosk: async ({ timings }, use) => {
    const kiosk = await launchKiosk(timings, { keyboardWedge: {} });
    await use(kiosk);
    await kiosk.stop();
  },
});

const wedgeHubKiosk = hubKioskTest.extend({
  kiosk: async ({ hub, timings }, use) => {
    const kiosk = await launchKiosk(timings, { hub: { url: hub.running.url, enrollmentCode: await hub.kioskEnrollmentCode() }, keyboardWedge: {} });
    await use(kiosk);
    await kiosk.stop();
  },
});

/** Waits until the page has its detector settings from the runtime (the listener is inert until then). */
async function waitForWedgeSettings(page: Page): Promise<void> {
  // The attract screen is drawn from session.current; device.info (which carries the settings) is asked at the same
  // time. A round trip after the screen appears is enough; two animation frames make sure of it.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

wedgeKiosk('a wristband typed by a keyboard-mode reader on the attract screen signs the resident in to PIN entry', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await waitForWedgeSettings(page);

  await page.keyboard.type(`${marcus.badge}\n`, { delay: 0 });
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();

  // The PIN typed on a real keyboard still works: each digit is held for a moment, then given back to the PIN screen.
  await page.keyboard.type(marcus.pin, { delay: personDelayMs });
  const home = page.locator('[data-screen="home"]');
  await expect(home).toBeVisible();
  await expect(home).toContainText(marcus.displayName);
});

wedgeHubKiosk('while a letter is written, a card typed by the reader never reaches the letter; a person typing does', async ({ page, kiosk }) => {
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-mail')).toContainText('1 new message', { timeout: 20_000 });
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('letter').filter({ hasText: 'the kids drew you a picture' }).getByTestId('reply').click();
  const body = page.getByTestId('compose-body');
  await expect(body).toBeVisible();
  await body.click();
  await body.pressSequentially('Dear Mom,', { delay: personDelayMs });
  await expect(body).toHaveValue('Dear Mom,');

  // Every key the page's own handlers get to see, from here on.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __keysSeen: string[] }).__keysSeen = seen;
    document.addEventListener('keydown', (event) => seen.push(event.key));
  });

  // Another resident's wristband, swiped while Marcus writes: a read, not text.
  await page.keyboard.type(`${ana.badge}\n`, { delay: 0 });
  await page.waitForTimeout(300);
  await expect(body).toHaveValue('Dear Mom,');
  expect(await page.evaluate(() => (window as unknown as { __keysSeen: string[] }).__keysSeen)).toEqual([]);
  // Still Marcus: a card read while someone is signed in changes nothing.
  await expect(page.locator('[data-screen="mail"]')).toBeVisible();
  await expect(body).toBeFocused();

  // A reader set up without its Enter suffix: a burst that never ends as a read. Dropped, not typed into the letter.
  await page.keyboard.type(ana.badge, { delay: 0 });
  await page.waitForTimeout(300);
  await expect(body).toHaveValue('Dear Mom,');

  // The same characters at a person's pace are typing, and appear exactly as typed.
  await page.keyboard.type(' my number is R100002', { delay: personDelayMs });
  await expect(body).toHaveValue('Dear Mom, my number is R100002');
  // The replayed keys went through React like typing: the letter's cost is worked out from the whole text.
  await expect(page.getByTestId('compose-counter')).toContainText('30 characters');
  await page.screenshot({ path: `${screenshotDir}/keyboard-wedge-compose.png` });
});
