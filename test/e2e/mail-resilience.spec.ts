// Mail when things go wrong, on a real kiosk process against a real hub: a reply written while the hub is down waits
// on the device and goes through once the hub is back; a reply rejected at review comes back with the reviewer's reason
// and its stamps, and a family letter rejected at review never reaches the device; a draft outlives an idle sign-out
// and a killed runtime.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import type { KioskUnderTest } from '../support/kiosk-process';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';
import { readDeviceLog } from '../support/device-log';

const marcus = demoResidents[0]!;
const screenshotDir = 'test-results/screens';
mkdirSync(screenshotDir, { recursive: true });

async function openConversation(page: Page, contactName: string) {
  await page.getByTestId('tile-mail').click();
  await expect(page.locator('[data-screen="mail"]')).toBeVisible();
  await page.getByTestId('conversation').filter({ hasText: contactName }).click();
  await expect(page.getByTestId('conversation-view')).toBeVisible();
}

/** The id of the message in the hub's review queue (the console's `review-queue` output) whose text is `body`. */
/** The count in the hub console's `devices` line for this kiosk. */
function mutationsReceived(devices: string): number {
  const count = /Unit B dayroom kiosk 1: kiosk in B, (\d+) mutations? received/.exec(devices)?.[1];
  if (count === undefined) throw new Error(`no mutation count for the kiosk in:\n${devices}`);
  return Number(count);
}

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

/** How many sync cycles the kiosk's log says failed because the hub could not be reached. */
function unreachableHubFailures(kiosk: KioskUnderTest): number {
  let count = 0;
  for (const line of readDeviceLog(kiosk.dataDir).split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { msg?: string; code?: string };
    if (entry.msg === 'sync failed; backing off' && entry.code === 'hubUnreachable') count += 1;
  }
  return count;
}

/** Whether any file the kiosk keeps (store, write-ahead log, attachments, logs) holds `text`, in any letter case. */
function deviceFilesContain(kiosk: KioskUnderTest, text: string): boolean {
  const needle = text.toLowerCase();
  const visit = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? visit(path) : readFileSync(path).toString('utf8').toLowerCase().includes(needle);
    });
  return visit(kiosk.dataDir);
}

test('a reply written while the hub is down waits on the kiosk, reaches review once the hub is back, and is delivered', async ({ page, hub, kiosk }) => {
  await signIn(page, kiosk);
  // The seeded letter from his mother has arrived by sync: the kiosk and the hub have met.
  await expect(page.getByTestId('tile-mail')).toContainText('1 new message', { timeout: 20_000 });
  await openConversation(page, 'Denise Lee');
  const letter = page.getByTestId('letter').filter({ hasText: 'the kids drew you a picture' });
  await expect(letter).toContainText('A return stamp came with this letter');
  // Opening the conversation marked the letter read; that reaches the hub before it goes down (with the sign-in's
  // audit entry, also a mutation), so the reply is the only thing left waiting.
  await expect
    .poll(() => hubConsole(hub.consoleFile, 'devices'), { timeout: 20_000 })
    .toMatch(/Unit B dayroom kiosk 1: kiosk in B, [2-9]\d* mutations received/);
  const receivedBefore = mutationsReceived(await hubConsole(hub.consoleFile, 'devices'));

  await hub.stop();
  const failuresBefore = unreachableHubFailures(kiosk);
  await letter.getByTestId('reply').click();
  await page.getByTestId('compose-body').fill('Tell the kids I love the picture. It is on my wall.');
  await expect(page.getByTestId('compose-cost')).toContainText('Nothing comes out of your own stamps.');
  await page.getByTestId('send').click();

  const reply = page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: 'Tell the kids I love the picture.' });
  await expect(reply).toBeVisible();
  const timeline = reply.getByTestId('sent-timeline');
  await expect(timeline).toHaveAttribute('data-state', 'waitingOnDevice');
  // Sending woke sync up, and it found nobody at the hub's address…
  await expect.poll(() => unreachableHubFailures(kiosk), { timeout: 10_000 }).toBeGreaterThan(failuresBefore);
  // …so the reply is still on this device, and the screen says so.
  await expect(timeline).toHaveAttribute('data-state', 'waitingOnDevice');
  await expect(timeline).toContainText('Waiting on this device to reach the facility');
  await expect(timeline.locator('[data-step="waitingOnDevice"]')).toHaveAttribute('data-done', 'true');
  await expect(timeline.locator('[data-step="receivedByFacility"]')).toHaveAttribute('data-done', 'false');
  // And why, with what the person need not do.
  await expect(timeline.getByTestId('facility-unreachable')).toHaveText(
    'The facility can’t be reached right now. Your message is safe on this device. It will go by itself. You don’t need to send it again.',
  );
  await timeline.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshotDir}/mail-waiting-on-device-en.png` });

  await page.getByTestId('mail-home').click();
  await expect(page.locator('[data-screen="home"]')).toContainText('1 thing you did is waiting to reach the facility.');
  await expect(page.getByTestId('facility-unreachable')).toContainText('The facility can’t be reached right now.');
  await page.screenshot({ path: `${screenshotDir}/home-waiting-on-device-en.png` });
  await openConversation(page, 'Denise Lee');

  // The hub comes back on the same address; the kiosk's next retry (backoff at most 2 s in this site file) pushes it.
  await hub.start();
  await expect(timeline).toHaveAttribute('data-state', 'inReview', { timeout: 20_000 });
  await expect(timeline.locator('[data-step="receivedByFacility"]')).toHaveAttribute('data-done', 'true');

  const queue = await hubConsole(hub.consoleFile, 'review-queue');
  const replyId = queuedMessageId(queue, 'Tell the kids I love the picture. It is on my wall.');
  expect(replyId, queue).toBeDefined();
  // Pushed exactly once, however many times sync tried: the hub has counted the reply, nothing more.
  expect(queue.split('Tell the kids I love the picture.').length - 1, queue).toBe(1);
  expect(mutationsReceived(await hubConsole(hub.consoleFile, 'devices'))).toBe(receivedBefore + 1);
  await hubConsole(hub.consoleFile, 'approve', '--message', replyId!);
  await expect(timeline).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
  await expect(timeline.locator('[data-step="delivered"]')).toHaveAttribute('data-done', 'true');
  await page.getByTestId('mail-home').click();
  await expect(page.getByTestId('tile-mail')).toContainText('No new messages');
  await expect(page.locator('[data-screen="home"]')).not.toContainText('waiting to reach the facility');
  await expect(page.getByTestId('facility-unreachable')).toHaveCount(0);
});

test('a reply rejected at review shows the reviewer’s reason and its stamp coming back; a family letter rejected at review never reaches the kiosk', async ({
  page,
  hub,
  kiosk,
}) => {
  const family = hub.families[0]!;
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps', { timeout: 20_000 });
  await openConversation(page, 'Denise Lee');

  // A new letter, not a reply: it is paid from his own stamps.
  const body = 'Mom, ask Officer Grant’s wife if she can bring my cousin the shoes.';
  await page.getByTestId('write').click();
  await page.getByTestId('compose-body').fill(body);
  await expect(page.getByTestId('compose-cost')).toContainText('1 stamp will come out of your stamps.');
  await expect(page.getByTestId('compose-refund-rule')).toContainText('If it is rejected, your stamps come back.');
  await page.getByTestId('send').click();
  const sent = page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: body });
  const timeline = sent.getByTestId('sent-timeline');
  await expect(timeline).toHaveAttribute('data-state', 'inReview', { timeout: 20_000 });
  await page.getByTestId('mail-home').click();
  await expect(page.getByTestId('tile-stamps')).toContainText('4 stamps', { timeout: 20_000 });

  const queue = await hubConsole(hub.consoleFile, 'review-queue');
  const messageId = queuedMessageId(queue, body);
  expect(messageId, queue).toBeDefined();
  expect(queue).toContain('1 stamp paid');
  const reason = 'Letters may not ask staff or their families for favors. Please write again without that part.';
  const rejected = await hubConsole(hub.consoleFile, 'reject', '--message', messageId!, '--reason', reason, '--reviewer', 'Sgt. Ortiz, mailroom');
  expect(rejected).toContain('1 stamp goes back to the resident.');

  // The site's rule returns the stamp: the balance the hub confirms is back to 5.
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps', { timeout: 20_000 });
  await openConversation(page, 'Denise Lee');
  await expect(timeline).toHaveAttribute('data-state', 'rejected');
  await expect(timeline).toContainText('Rejected by the facility');
  await expect(timeline.locator('.timeline__reason')).toHaveText(`The reviewer’s reason: ${reason}`);
  await expect(timeline).toContainText('1 stamp was returned to you.');
  // It ends at the rejection, with its time: no "Delivered — not yet" for a letter that will never be delivered.
  await expect(timeline.locator('[data-step="delivered"]')).toHaveCount(0);
  await expect(timeline.getByTestId('timeline-ended')).toContainText('Rejected by the facility');
  await timeline.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshotDir}/mail-rejected-with-reason-en.png` });

  // A family letter the mailroom rejects, then one it approves: once the second is on the kiosk, anything the hub
  // published for the first (earlier in its change log) has arrived too.
  const withheldText = 'Your cousin says the Quillfeather deal is still on, tell nobody.';
  const withheld = /message id ([0-9a-f-]{36})/.exec(
    await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', withheldText),
  )?.[1];
  expect(withheld).toBeDefined();
  await hubConsole(hub.consoleFile, 'reject', '--message', withheld!, '--reason', 'Talks about illegal activity.');
  const approved = /message id ([0-9a-f-]{36})/.exec(
    await hubConsole(
      hub.consoleFile,
      'send-family-message',
      '--contact',
      family.contact.contact_id,
      '--text',
      'Grandma says hello. We will visit on Saturday.',
    ),
  )?.[1];
  expect(approved).toBeDefined();
  await hubConsole(hub.consoleFile, 'approve', '--message', approved!);

  await expect(page.locator(`[data-testid="letter"][data-message-id="${approved}"]`)).toContainText('Grandma says hello.', { timeout: 20_000 });
  await expect(page.locator('body')).not.toContainText('Quillfeather');
  // Not even as an empty card: the letter itself never reached the kiosk.
  await expect(page.locator(`[data-message-id="${withheld}"]`)).toHaveCount(0);
  expect(deviceFilesContain(kiosk, 'Quillfeather')).toBe(false);
  expect(deviceFilesContain(kiosk, withheld!)).toBe(false);
  await page.screenshot({ path: `${screenshotDir}/mail-family-letter-rejected-en.png`, fullPage: true });
});

test.describe('with a short idle timeout', () => {
  test.use({ timings: { idleSeconds: 8, idleWarningSeconds: 5, maxSessionMinutes: 15 } });

  test('a draft outlives an idle sign-out and a killed runtime, and is sent when picked up again', async ({ page, hub, kiosk }) => {
    const draftText = 'Dear Mom, the garden here has tomatoes now and I help water them every';
    await signIn(page, kiosk);
    await expect(page.getByTestId('tile-mail')).toContainText('1 new message', { timeout: 20_000 });
    await openConversation(page, 'Denise Lee');
    await page.getByTestId('write').click();
    await page.getByTestId('compose-body').fill(draftText);
    await expect(page.getByTestId('draft-state')).toContainText('Draft saved');

    // He walks away mid-sentence: the kiosk warns, then signs him out.
    await expect(page.getByTestId('idle-warning')).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('[data-screen="attract"]')).toBeVisible({ timeout: 15_000 });
    const html = await page.content();
    for (const trace of [marcus.displayName, 'Marcus', 'Denise', 'garden', 'tomatoes']) expect(html).not.toContain(trace);
    const storage = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }));
    expect(storage).toEqual({ local: 0, session: 0, databases: 0, caches: 0 });

    // The runtime dies without any chance to tidy up, and comes back on the same store.
    await kiosk.kill();
    await signIn(page, kiosk);
    await page.getByTestId('tile-mail').click();
    await page.getByTestId('mail-drafts').click();
    const draft = page.getByTestId('draft');
    await expect(draft).toHaveCount(1);
    await expect(draft).toContainText('Denise Lee');
    await expect(draft).toContainText(draftText);
    await draft.click();
    await expect(page.getByTestId('compose-body')).toHaveValue(draftText);

    await page.getByTestId('compose-body').press('End');
    await page.getByTestId('compose-body').pressSequentially(' morning.');
    await expect(page.getByTestId('compose-body')).toHaveValue(`${draftText} morning.`);
    await page.getByTestId('send').click();
    const sent = page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: `${draftText} morning.` });
    await expect(sent).toHaveCount(1);
    await expect(sent.getByTestId('sent-timeline')).toHaveAttribute('data-state', 'inReview', { timeout: 20_000 });
    await page.getByTestId('mail-drafts').click();
    await expect(page.getByText('You have no drafts.')).toBeVisible();
    expect(queuedMessageId(await hubConsole(hub.consoleFile, 'review-queue'), `${draftText} morning.`)).toBeDefined();
  });
});
