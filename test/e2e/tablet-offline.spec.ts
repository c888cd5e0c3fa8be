// A tablet without its hub, in Chromium against the real web host and a real demo hub (issue 8 items 2 and 6): its
// owner signs in while the facility is there, then the hub goes down. The status header says offline; every letter can
// still be read, a reply is written and waits on the tablet, a book of stamps is asked for and shows pending, and the
// balances say when the facility last confirmed them. The hub comes back: "Update now" (or the retry that beats it) brings
// the header online with a later "last synced", the reply reaches review, and is delivered once the mailroom approves it.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { demoResidents, type DemoResident } from '../../scripts/demo-data';
import { defaultTimings, launchKiosk, type KioskUnderTest } from '../support/kiosk-process';
import { expect, hubConsole, test, type DemoHubUnderTest } from './support/hub-kiosk';
import { assignTabletInServiceMode, typeDigits } from './support/pads';
import { readDeviceLog } from '../support/device-log';
import { chooseLanguage } from './support/display-choices';

const marcus = demoResidents[0]!;
const screens = 'test-results/screens';
mkdirSync(screens, { recursive: true });

/**
 * The owner signs in on their tablet: with PIN-alone sign-in (issue 8 item 1) an assigned tablet shows its lock screen
 * and only the PIN is typed; a tablet still on the kiosk's way (wristband, then PIN) gets the scan first. This is the
 * one place to adapt when sign-in changes.
 */
async function signInOnTablet(page: Page, tablet: KioskUnderTest, resident: DemoResident): Promise<void> {
  const lockScreen = page.locator('[data-screen="tabletLock"]');
  const attract = page.locator('[data-screen="attract"]');
  await expect(lockScreen.or(attract)).toBeVisible();
  if (await attract.isVisible()) {
    await tablet.scan(resident.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  }
  await typeDigits(page, resident.pin);
  await expect(page.locator('[data-screen="home"]')).toBeVisible();
}

/** The id of the message in the hub console's review queue whose text is `body` (as in mail-resilience.spec.ts). */
function queuedMessageId(queue: string, body: string): string | undefined {
  for (const entry of queue.split(/\n(?=From )/)) {
    const text = entry
      .split('\n')
      .filter((line) => line.startsWith('  | '))
      .map((line) => line.slice('  | '.length))
      .join('\n');
    if (text === body) return /— message ([0-9a-f-]{36})/.exec(entry)?.[1];
  }
  return undefined;
}

/** The outcomes of the resident's sync requests, from the tablet's log (which names no person's words, only ids and codes). */
function residentSyncOutcomes(tablet: KioskUnderTest): string[] {
  return readDeviceLog(tablet.dataDir)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { msg?: string; outcome?: string })
    .filter((entry) => entry.msg === 'resident asked for a sync')
    .map((entry) => entry.outcome ?? '?');
}

async function lastSyncedAt(page: Page): Promise<number> {
  return Number(await page.getByTestId('status-last-synced').getAttribute('data-last-synced-at'));
}

async function sendApprovedFamilyLetter(hub: DemoHubUnderTest, text: string): Promise<void> {
  const contactId = hub.families[0]!.contact.contact_id;
  const id = /message id ([0-9a-f-]{36})/.exec(await hubConsole(hub.consoleFile, 'send-family-message', '--contact', contactId, '--text', text))?.[1];
  expect(id).toBeDefined();
  await hubConsole(hub.consoleFile, 'approve', '--message', id!);
}

test('with the hub down a tablet reads, replies and buys stamps; when it is back the header goes online and the reply advances', async ({ page, hub }) => {
  // A hub, a tablet, an outage and the hub started again, with some seventy steps between: at load 11 to 15 it ran
  // past 150 s twice, each time while the restarted hub was being reached.
  test.setTimeout(360_000);
  const tablet = await launchKiosk(defaultTimings, { mode: 'tablet', hub: { url: hub.running.url, enrollmentCode: await hub.tabletEnrollmentCode() } });
  try {
    await page.goto(tablet.url);
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    await assignTabletInServiceMode(page, tablet, '100001');
    // A second letter, so "all mail" is more than the demo's one.
    await sendApprovedFamilyLetter(hub, 'We got your drawing. Your sister put it on the fridge.');
    await signInOnTablet(page, tablet, marcus);

    const header = page.getByTestId('status-header');
    const connection = page.getByTestId('status-connection');
    await expect(header).toBeVisible();
    await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 20_000 });
    await expect(connection).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
    await expect(connection).toHaveText('Online');
    await expect(page.getByTestId('status-last-synced')).toContainText('Last updated');
    await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps');
    // Headless Chromium on a machine with no battery reports one that is full and charging: hidden, not "100%".
    await expect(page.getByTestId('status-battery')).toHaveCount(0);
    await page.screenshot({ path: `${screens}/tablet-header-online-en.png` });

    // The facility goes away. "Update now" tries at once and finds nobody there.
    await hub.stop();
    await page.getByTestId('status-sync-now').click();
    await expect(connection).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
    await expect(connection).toHaveText('Offline: the facility can’t be reached');
    expect(residentSyncOutcomes(tablet)).toContain('started');
    const syncedBeforeOutage = await lastSyncedAt(page);
    expect(syncedBeforeOutage).toBeGreaterThan(0);
    await page.screenshot({ path: `${screens}/tablet-header-offline-en.png` });

    // Every letter is on the tablet: read both offline.
    await page.getByTestId('tile-mail').click();
    await expect(page.locator('[data-screen="mail"]')).toBeVisible();
    await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
    await expect(page.getByTestId('conversation-view')).toBeVisible();
    const letter = page.getByTestId('letter').filter({ hasText: 'the kids drew you a picture' });
    await expect(letter).toBeVisible();
    await expect(page.getByTestId('letter').filter({ hasText: 'Your sister put it on the fridge.' })).toBeVisible();
    await expect(connection).toHaveAttribute('data-state', 'offline');

    // A reply, paid by the return stamp, waits on the tablet and says so.
    const replyText = 'Thank you both. Tell her it is the best fridge in the county.';
    await letter.getByTestId('reply').click();
    await page.getByTestId('compose-body').fill(replyText);
    await page.getByTestId('send').click();
    const reply = page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: replyText });
    const timeline = reply.getByTestId('sent-timeline');
    await expect(timeline).toHaveAttribute('data-state', 'waitingOnDevice');
    await expect(timeline).toContainText('Waiting on this device to reach the facility');
    await timeline.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/tablet-offline-reply-waiting-en.png` });
    await page.getByTestId('mail-home').click();

    // A book of stamps asked for offline: pending, nothing charged; the balances say when they were confirmed.
    await page.getByTestId('tile-stamps').click();
    await expect(page.getByTestId('stamp-balance')).toContainText('5 stamps');
    await expect(page.getByTestId('stamp-balance')).toContainText('Confirmed by the facility');
    await page.locator('[data-testid="stamp-book"][data-stamps="10"]').click();
    await page.getByTestId('confirm-buy').click();
    const purchase = page.getByTestId('purchase').first();
    await expect(purchase).toHaveAttribute('data-state', 'pending');
    await expect(purchase).toContainText('Waiting for the facility to confirm. Nothing is charged until it does.');
    await expect(page.getByTestId('stamp-balance')).toContainText('5 stamps');
    await page.screenshot({ path: `${screens}/tablet-offline-stamps-pending-en.png`, fullPage: true });
    await page.getByTestId('stamps-home').click();
    await page.getByTestId('tile-money').click();
    await expect(page.getByTestId('money-balance')).toContainText('$25.00 available');
    await expect(page.getByTestId('money-balance')).toContainText(/Confirmed by the facility \w{3} \d{1,2}, \d{4}/);
    await page.getByTestId('money-home').click();
    await expect(page.locator('[data-screen="home"]')).toContainText('waiting to reach the facility');

    // The same header in Spanish.
    await chooseLanguage(page, 'Español');
    await expect(connection).toHaveText('Sin conexión: no se puede contactar al centro');
    await expect(page.getByTestId('status-last-synced')).toContainText('Última actualización:');
    await expect(page.getByTestId('status-sync-now')).toHaveText('Actualizar ahora');
    await page.screenshot({ path: `${screens}/tablet-header-offline-es.png` });
    await chooseLanguage(page, 'English');
    await expect(connection).toHaveText('Offline: the facility can’t be reached');

    // The facility is back. Ask for a sync (the tablet's own retry may beat the button; either brings it online).
    await hub.start();
    await page.getByTestId('status-sync-now').click();
    await expect(connection).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
    await expect.poll(() => lastSyncedAt(page), { timeout: 20_000 }).toBeGreaterThan(syncedBeforeOutage);
    await expect(page.locator('[data-screen="home"]')).not.toContainText('waiting to reach the facility', { timeout: 20_000 });
    await page.screenshot({ path: `${screens}/tablet-header-back-online-en.png` });

    // The purchase went through at the hub.
    await page.getByTestId('tile-stamps').click();
    await expect(page.getByTestId('purchase').first()).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
    await expect(page.getByTestId('stamp-balance')).toContainText('15 stamps', { timeout: 20_000 });
    await page.getByTestId('stamps-home').click();

    // The reply reached review; the mailroom approves it and the tablet's timeline says delivered.
    await page.getByTestId('tile-mail').click();
    await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
    await expect(timeline).toHaveAttribute('data-state', 'inReview', { timeout: 20_000 });
    const replyId = queuedMessageId(await hubConsole(hub.consoleFile, 'review-queue'), replyText);
    expect(replyId).toBeDefined();
    await hubConsole(hub.consoleFile, 'approve', '--message', replyId!);
    // The tablet syncs every few seconds in this site file; the header's button would do it at once.
    await expect(timeline).toHaveAttribute('data-state', 'delivered', { timeout: 30_000 });
    await expect(connection).toHaveAttribute('data-state', 'online');
  } finally {
    await tablet.stop();
  }
});
