// A keyboard-mode ("wedge") card reader on the web host: the page's capture listener takes a burst of keys far
// faster than typing off the keyboard and hands it to the runtime as a read, so a wristband typed as keys signs a
// resident in; and while a resident writes a letter, a card's keys never land in the letter while their own typing
// does, unchanged. Keys go through Chromium's real input pipeline as trusted events, as a USB keyboard's would.
//
// A reader's burst is sent with explicit event timestamps 3 ms apart (CDP Input.dispatchKeyEvent `timestamp`), as the
// OS stamps a real reader's keys when they arrive: on a loaded machine the test's own sending can be slower than a
// reader, and the detector must be judged on the keys' times, not on how busy the test runner was. The site gives the
// detector a long idle timeout for the same reason (it is real time, measured from the last key). A person's typing
// goes through page.keyboard with real delays: load only makes those gaps longer, which is still a person.
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

/** The reader's settings in these tests: defaults (no prefix, Enter ends a read) but the longest idle timeout. */
const wedgeSettings = { idleTimeoutMs: 1000 };

/** Types `text` ('\n' is Enter) as a keyboard-mode reader would: trusted key events stamped `gapMs` apart. */
async function typeAsReader(page: Page, text: string, gapMs = 3): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const startSeconds = Date.now() / 1000;
  let index = 0;
  for (const character of text) {
    const enter = character === '\n';
    const key = enter ? 'Enter' : character;
    const timestamp = startSeconds + (index * gapMs) / 1000;
    const keyCode = enter ? 13 : character.toUpperCase().charCodeAt(0);
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'keyDown',
      key,
      code: enter ? 'Enter' : '',
      text: enter ? '\r' : character,
      windowsVirtualKeyCode: keyCode,
      timestamp,
    });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, windowsVirtualKeyCode: keyCode, timestamp: timestamp + 0.001 });
    index += 1;
  }
  await cdp.detach();
}

/** The site's keyboard-mode reader with its defaults: no prefix, Enter at the end of a read. */
const wedgeKiosk = kioskTest.extend({
  kiosk: async ({ timings }, use) => {
    const kiosk = await launchKiosk(timings, { keyboardWedge: wedgeSettings });
    await use(kiosk);
    await kiosk.stop();
  },
});

const wedgeHubKiosk = hubKioskTest.extend({
  kiosk: async ({ hub, timings }, use) => {
    const kiosk = await launchKiosk(timings, { hub: { url: hub.running.url, enrollmentCode: await hub.kioskEnrollmentCode() }, keyboardWedge: wedgeSettings });
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

  await typeAsReader(page, `${marcus.badge}\n`);
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
  await typeAsReader(page, `${ana.badge}\n`);
  await page.waitForTimeout(300);
  await expect(body).toHaveValue('Dear Mom,');
  expect(await page.evaluate(() => (window as unknown as { __keysSeen: string[] }).__keysSeen)).toEqual([]);
  // Still Marcus: a card read while someone is signed in changes nothing.
  await expect(page.locator('[data-screen="mail"]')).toBeVisible();
  await expect(body).toBeFocused();

  // A reader set up without its Enter suffix: a burst that never ends as a read. Dropped, not typed into the letter.
  await typeAsReader(page, ana.badge);
  await page.waitForTimeout(wedgeSettings.idleTimeoutMs + 300);
  await expect(body).toHaveValue('Dear Mom,');

  // The same characters at a person's pace are typing, and appear exactly as typed.
  await page.keyboard.type(' my number is R100002', { delay: personDelayMs });
  await expect(body).toHaveValue('Dear Mom, my number is R100002');
  // The replayed keys went through React like typing: the letter's cost is worked out from the whole text.
  await expect(page.getByTestId('compose-counter')).toContainText('30 characters');
  await page.screenshot({ path: `${screenshotDir}/keyboard-wedge-compose.png` });
});
