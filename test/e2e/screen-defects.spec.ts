// What a walk-through at a 1280×800 kiosk found, each checked as the person meets it: a letter opens at its start, a
// photo viewer gives the place back, search answers above the keyboard, the stamp history adds up, "Write to" finds the
// draft, a paste too long says what was cut, read-aloud only where a voice exists, and a restarted host comes back by
// itself on the open page.
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoResidents } from '../../scripts/demo-data';
import { patternPng } from '../support/test-images';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

const marcus = demoResidents[0]!;

function longLetter(): string {
  return Array.from(
    { length: 12 },
    (_, index) => `${index + 1}. We went to the lake on Sunday and the dog chased every duck on the shore until it was too tired to walk home.`,
  ).join('\n\n');
}

/** Sends Marcus a long letter with a photo through the hub console and approves it; resolves to its id. */
async function longLetterWithPhoto(consoleFile: string, contactId: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'dayroom-defects-'));
  const photo = join(folder, 'lake.png');
  writeFileSync(
    photo,
    patternPng(900, 300, [
      [60, 120, 200],
      [240, 230, 200],
    ]),
  );
  const sent = await hubConsole(consoleFile, 'send-family-message', '--contact', contactId, '--text', longLetter(), '--photo', photo);
  rmSync(folder, { recursive: true, force: true });
  const id = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  if (id === undefined) throw new Error(sent);
  await hubConsole(consoleFile, 'approve', '--message', id);
  return id;
}

/** The letter's top edge relative to the top of the region it scrolls in (0: its first line is the first thing seen). */
async function letterTopInScroller(page: Page, messageId: string): Promise<number> {
  return page.evaluate((id) => {
    const letter = document.querySelector(`[data-testid="letter"][data-message-id="${id}"]`);
    const scroller = document.querySelector('[data-testid="conversation-scroller"]');
    if (letter === null || scroller === null) return Number.NaN;
    return letter.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  }, messageId);
}

test('a conversation opens at the start of the newest letter, and closing the photo viewer gives the place back', async ({ page, hub, kiosk }) => {
  const letterId = await longLetterWithPhoto(hub.consoleFile, hub.families[0]!.contact.contact_id);
  await signIn(page, kiosk, marcus);
  await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 20_000 });
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  // Its first line at the top of the reading region, though the letter is far taller than the screen.
  await expect.poll(() => letterTopInScroller(page, letterId)).toBeGreaterThanOrEqual(0);
  await expect.poll(() => letterTopInScroller(page, letterId)).toBeLessThan(40);
  await expect(page.locator(`[data-message-id="${letterId}"]`)).toContainText('1. We went to the lake');
  // "Write to …" is whole and in view.
  await expect(page.getByTestId('write')).toBeInViewport({ ratio: 1 });

  // Read down to the photo, open it, close it: the same place.
  const scroller = page.getByTestId('conversation-scroller');
  const picture = page.locator(`[data-message-id="${letterId}"]`).getByTestId('open-picture');
  await picture.scrollIntoViewIfNeeded();
  const before = await scroller.evaluate((element) => element.scrollTop);
  expect(before).toBeGreaterThan(0);
  await picture.click();
  await expect(page.getByTestId('picture-viewer')).toBeVisible();
  await page.getByTestId('viewer-close').click();
  await expect(page.getByTestId('picture-viewer')).toHaveCount(0);
  await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBe(before);
  // The photo is shown whole (not cropped) and said to be a photo.
  await expect(picture.locator('img')).toHaveCSS('object-fit', 'contain');
  await expect(page.locator(`[data-message-id="${letterId}"]`).getByTestId('attachment-label')).toHaveText('Photo');
});

test('search answers above the open keyboard, with a count, and opens the conversation at the letter found', async ({ page, hub, kiosk }) => {
  const letterId = await longLetterWithPhoto(hub.consoleFile, hub.families[0]!.contact.contact_id);
  await signIn(page, kiosk, marcus);
  await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 20_000 });
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('mail-search').click();
  const keyboard = page.getByTestId('on-screen-keyboard');
  await expect(keyboard).toBeVisible();
  for (const key of ['d', 'u', 'c', 'k']) await keyboard.locator(`[data-skbtn="${key}"]`).click();
  await page.getByTestId('search-submit').click();
  await expect(page.getByTestId('search-count')).toHaveText('1 letter found');
  const hit = page.getByTestId('search-hit');
  await expect(hit).toBeInViewport({ ratio: 1 });
  const keyboardTop = (await keyboard.boundingBox())?.y ?? 0;
  const hitBottom = await hit.evaluate((element) => element.getBoundingClientRect().bottom);
  expect(hitBottom).toBeLessThanOrEqual(keyboardTop);
  await hit.click();
  await expect.poll(() => letterTopInScroller(page, letterId)).toBeLessThan(40);
});

test('the stamp history adds up to the balance, line by line', async ({ page, kiosk }) => {
  await signIn(page, kiosk, marcus);
  await expect(page.getByTestId('tile-stamps')).toContainText('5 stamps', { timeout: 20_000 });
  await page.getByTestId('tile-stamps').click();
  await page.locator('[data-testid="stamp-book"][data-stamps="5"]').click();
  await expect(page.getByTestId('confirm-purchase')).toBeInViewport({ ratio: 1 });
  await page.getByTestId('confirm-buy').click();
  await expect(page.getByTestId('stamp-balance')).toContainText('10 stamps', { timeout: 20_000 });
  const lines = page.getByTestId('stamp-entry');
  await expect(lines.first()).toContainText('10 stamps after');
  // Each line's "after" is the next older line's "after" plus what this line moved.
  const rows = await lines.evaluateAll((elements) =>
    elements.map((element) => ({
      kind: element.getAttribute('data-kind') ?? '',
      moved: Number(element.querySelector('.ledger__amount')?.textContent?.replace('+', '') ?? 'NaN'),
      after: Number(/(\d+)/.exec(element.querySelector('[data-testid="stamp-running-balance"]')?.textContent ?? '')?.[1] ?? 'NaN'),
    })),
  );
  const own = rows.filter((row) => row.kind !== 'returnStampReceived' && row.kind !== 'returnStampUsed');
  expect(own.length).toBeGreaterThanOrEqual(2);
  for (let index = 0; index + 1 < own.length; index += 1) expect(own[index]!.after).toBe(own[index + 1]!.after + own[index]!.moved);
  // The oldest line starts from nothing.
  expect(own.at(-1)!.after).toBe(own.at(-1)!.moved);
});

test('"Write to" picks up the draft already started, and a paste too long says what was left out', async ({ page, kiosk }) => {
  await signIn(page, kiosk, marcus);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('write').click();
  await page.getByTestId('compose-body').fill('Started on Monday');
  await expect(page.getByTestId('draft-state')).toContainText('Draft saved');
  await page.getByTestId('mail-inbox').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await page.getByTestId('write').click();
  await expect(page.getByTestId('compose-body')).toHaveValue('Started on Monday');
  // Send stays in view above the keyboard.
  await expect(page.getByTestId('send')).toBeInViewport({ ratio: 1 });

  await page.getByTestId('compose-body').fill('');
  await page.getByTestId('compose-body').evaluate((field) => {
    const text = 'x'.repeat(30_250);
    const area = field as HTMLTextAreaElement;
    // As a paste does: the field's value changes and React hears an input event.
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
    setter?.call(area, text);
    area.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(page.getByTestId('compose-cut')).toHaveText('A letter holds only 30000 characters. The last 250 characters you pasted were left out.');
  await expect(page.getByTestId('compose-body')).toHaveValue('x'.repeat(30_000));
});

test('read aloud is offered only where the platform has a voice', async ({ page, kiosk }) => {
  await page.addInitScript(() => {
    window.speechSynthesis.getVoices = () => [];
  });
  await signIn(page, kiosk, marcus);
  await page.getByTestId('tile-mail').click();
  await page.getByTestId('conversation').filter({ hasText: 'Denise Lee' }).click();
  await expect(page.getByTestId('letter').first()).toBeVisible();
  await expect(page.getByTestId('read-aloud')).toHaveCount(0);
});

test('after the host restarts, the open page comes back by itself', async ({ page, kiosk }) => {
  await signIn(page, kiosk, marcus);
  await kiosk.restart();
  // No reload, no new address: the page reconnects to the restarted host and shows the welcome screen.
  await expect(page.locator('[data-screen="attract"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Reconnecting…')).toHaveCount(0);
  await kiosk.scan(marcus.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
});
