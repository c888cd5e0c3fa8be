// The demo site's other readers, end to end: a real web host process whose swipe reader is the `--simulated-hid` MagTek
// simulator (real report bytes over a Unix socket) and whose RFID badge reader is a real pty, in Debian's Chromium.
// An ID card swipe and an RFID wristband sign a resident in; a bank card and a half swipe are refused in words; an
// unplugged and replugged swipe reader reads again.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { sendHidSimulatorCommand, type SimulatedHidCommandInput } from '../../hardware/simulators/hid-magstripe-simulator';
import { demoResidents, idCardTrack2Of, rfidBadgeOf } from '../../scripts/demo-data';
import { launchKiosk, type KioskUnderTest, type SimulatedReaders } from '../support/kiosk-process';
import { expect, test as base } from './support/kiosk';
import { readDeviceLog } from '../support/device-log';

const [marcus, ana] = demoResidents as [(typeof demoResidents)[0], (typeof demoResidents)[0]];
const screenshotDir = 'test-results/screens';
mkdirSync(screenshotDir, { recursive: true });

/** A Visa test card (docs/readers.md §13 "Test vectors and simulators"): a sound ISO track 2, just not a card of this facility. */
const bankCard = {
  track1: '%B4111111111111111^CARDUSER/JOHN^1803101000000000020000831000000?',
  track2: ';4111111111111111=1803101000020000831?',
};

type ReaderKiosk = KioskUnderTest & { readonly simulatedReaders: SimulatedReaders };

/** The shared fixture's `timings`, and a kiosk of its own with the swipe and badge readers (the plain `kiosk` is never made). */
const test = base.extend<{ readerKiosk: ReaderKiosk }>({
  readerKiosk: async ({ timings }, use) => {
    const kiosk = await launchKiosk(timings, { simulatedReaders: true });
    const { simulatedReaders } = kiosk;
    if (simulatedReaders === null) throw new Error('launchKiosk did not start the simulated readers');
    await use(Object.assign(kiosk, { simulatedReaders }));
    await kiosk.stop();
  },
});

async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByRole('button', { name: digit, exact: true }).click();
}

/**
 * Sends a command to the host's simulated reader. A swipe right after the driver (re)opened the device can come
 * before node-hid's read loop runs, and the simulator says so rather than dropping it silently: try again then.
 */
async function hid(kiosk: ReaderKiosk, command: SimulatedHidCommandInput): Promise<void> {
  await expect
    .poll(
      async () => {
        const answer = await sendHidSimulatorCommand(kiosk.simulatedReaders.magstripeSocket, command);
        return answer.ok ? 'ok' : answer.error;
      },
      { message: `the simulator took ${command.op}`, timeout: 15_000 },
    )
    .toBe('ok');
}

/** The swipe reader's connection changes as the device runtime logged them (the log is written synchronously). */
function swipeReaderStates(kiosk: ReaderKiosk): string[] {
  const lines = readDeviceLog(kiosk.dataDir)
    .split('\n')
    .filter((line) => line !== '');
  return lines.flatMap((line) => {
    const entry = JSON.parse(line) as { msg?: string; reader?: string; state?: string };
    return entry.msg === 'reader connection' && entry.reader === 'unit-b-swipe' && entry.state !== undefined ? [entry.state] : [];
  });
}

async function expectSignInThroughPin(page: Page, resident: typeof marcus): Promise<void> {
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  await typePin(page, resident.pin);
  const home = page.locator('[data-screen="home"]');
  await expect(home).toBeVisible();
  await expect(home).toContainText(resident.displayName);
}

/** The attract screen with its notice, and no sign-in started: the read was refused in words. */
async function expectRefused(page: Page): Promise<void> {
  const notice = page.getByTestId('attract-notice');
  await expect(notice).toContainText('Card not recognized');
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.locator('[data-screen="pinEntry"]')).toHaveCount(0);
  await expect(page.locator('[data-screen="home"]')).toHaveCount(0);
}

test("a swipe of a resident's ID card → PIN → home", async ({ page, readerKiosk: kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await hid(kiosk, { op: 'swipe', track2: idCardTrack2Of(marcus) });
  await expectSignInThroughPin(page, marcus);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
});

test('an RFID wristband on the badge reader → PIN → home', async ({ page, readerKiosk: kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await kiosk.simulatedReaders.badge(rfidBadgeOf(ana));
  await expectSignInThroughPin(page, ana);
  await page.screenshot({ path: `${screenshotDir}/home-after-badge-es.png` });
});

test('a bank card swipe is "Card not recognized", and no one is signed in', async ({ page, readerKiosk: kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.getByTestId('attract-notice')).toHaveText('');
  await hid(kiosk, { op: 'swipe', track1: bankCard.track1, track2: bankCard.track2 });
  await expectRefused(page);
  await page.screenshot({ path: `${screenshotDir}/bank-card-swipe-en.png` });
});

test('a half swipe is "Card not recognized"; the next good swipe signs in', async ({ page, readerKiosk: kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.getByTestId('attract-notice')).toHaveText('');
  // What the reader sends when the card left the head early: tracks 1 and 2 flagged undecodable, no text.
  await hid(kiosk, { op: 'swipe', decodeError: [1, 2] });
  await expectRefused(page);
  await page.screenshot({ path: `${screenshotDir}/half-swipe-en.png` });

  await hid(kiosk, { op: 'swipe', track2: idCardTrack2Of(marcus) });
  await expectSignInThroughPin(page, marcus);
});

test('the swipe reader unplugged and plugged back in still signs people in', async ({ page, readerKiosk: kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect.poll(() => swipeReaderStates(kiosk)).toEqual(['connecting', 'connected']);

  await hid(kiosk, { op: 'unplug' });
  // The driver learns of it as with node-hid: the pending read fails; it then keeps looking.
  await expect.poll(() => swipeReaderStates(kiosk)).toEqual(['connecting', 'connected', 'disconnected']);
  const whileUnplugged = await sendHidSimulatorCommand(kiosk.simulatedReaders.magstripeSocket, { op: 'swipe', track2: idCardTrack2Of(marcus) });
  expect(whileUnplugged).toEqual({ ok: false, error: 'the simulated magstripe reader is unplugged: replug it first' });
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  // The barcode scanner and the badge reader still work: the screen says one reader is down, not that none works.
  await expect(page.getByTestId('reader-problem')).toHaveText('One of the card readers is not working. If yours does not respond, please tell staff.');
  await page.screenshot({ path: 'test-results/screens/one-reader-unplugged-en.png' });

  await hid(kiosk, { op: 'replug' });
  await expect.poll(() => swipeReaderStates(kiosk), { timeout: 15_000 }).toEqual(['connecting', 'connected', 'disconnected', 'connected']);
  await expect(page.getByTestId('reader-problem')).toHaveCount(0);
  await hid(kiosk, { op: 'swipe', track2: idCardTrack2Of(marcus) });
  await expectSignInThroughPin(page, marcus);
});
