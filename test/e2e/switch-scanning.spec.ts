// Single-switch scanning (docs/screens.md §15): a resident who uses one switch — which sends Space — turns scanning on by
// holding it, signs in, reads a letter, replies and buys stamps pressing nothing else. The scan's timer is the page's
// clock, advanced by the test (page.clock) instead of waited for.
import type { Locator, Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { expect, sendApprovedLetter, test } from './support/hub-kiosk';

// A hub and an enrolled kiosk to start on a machine shared with other work, then a whole walk-through.
test.describe.configure({ timeout: 360_000 });

// Kept in step with renderer/src/switchAccess/useSwitchScanning.ts.
const scanIntervalMs = 1500;
const switchHoldMs = 2000;

/** One press of the switch. */
async function pressSwitch(page: Page): Promise<void> {
  await page.keyboard.press('Space');
}

/**
 * Lets the scan move until `target` is highlighted, entering each highlighted row that holds it, then presses on it.
 * Only the switch is pressed; between presses the page's clock moves one scan interval at a time.
 */
async function scanTo(page: Page, target: Locator): Promise<void> {
  const maxSteps = 120;
  for (let steps = 0; steps < maxSteps; steps += 1) {
    const where = await target.evaluate((element) => {
      if (element.getAttribute('data-switch-highlight') === 'control') return 'on';
      const highlighted = Array.from(document.querySelectorAll('[data-switch-highlight]'));
      return highlighted.some((marked) => marked.getAttribute('data-switch-highlight') === 'group' && marked.contains(element)) ? 'within' : 'elsewhere';
    });
    if (where === 'on') {
      await pressSwitch(page);
      return;
    }
    if (where === 'within') await pressSwitch(page);
    else await page.clock.runFor(scanIntervalMs);
  }
  throw new Error(`the scan never reached ${String(target)} in ${maxSteps} steps`);
}

test('a resident with one switch signs in, reads a letter, replies and buys stamps', async ({ page, hub, kiosk }) => {
  const resident = demoResidents[0]!;
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
  const letterId = await sendApprovedLetter(hub, resident, 'We planted tomatoes today.');

  await page.clock.install();
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  // From here the page's timers move only when the test moves them.
  await page.clock.pauseAt(Date.now() + 1_000);

  // Holding the switch turns scanning on; the first stop is highlighted at once.
  await page.keyboard.down('Space');
  await page.clock.runFor(switchHoldMs);
  await page.keyboard.up('Space');
  await expect(page.locator('[data-switch-highlight]').first()).toBeVisible();

  await kiosk.scan(resident.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  for (const digit of resident.pin) await scanTo(page, page.getByRole('button', { name: digit, exact: true }));
  await expect(page.locator('[data-screen="home"]')).toBeVisible();

  await scanTo(page, page.getByTestId('tile-mail'));
  const conversation = page.getByTestId('conversation').filter({ hasText: family.contact.display_name });
  await expect(conversation).toBeVisible({ timeout: 20_000 });
  await scanTo(page, conversation);
  await expect(page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`)).toContainText('We planted tomatoes today.');

  await scanTo(page, page.getByTestId('write'));
  await scanTo(page, page.getByTestId('compose-body'));
  const keyboard = page.getByTestId('on-screen-keyboard');
  await expect(keyboard).toBeVisible();
  for (const letter of ['h', 'i']) await scanTo(page, keyboard.locator(`.hg-button[data-skbtn="${letter}"]`));
  await expect(page.getByTestId('compose-body')).toHaveValue(/^hi$/i);
  await scanTo(page, page.getByTestId('send'));
  await expect(page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: /hi/i })).toBeVisible();

  await scanTo(page, page.getByTestId('mail-home'));
  await scanTo(page, page.getByTestId('tile-stamps'));
  const book = page.getByTestId('stamp-book').first();
  await expect(book).toBeVisible();
  await scanTo(page, book);
  await expect(page.getByTestId('confirm-purchase')).toBeVisible();
  await scanTo(page, page.getByTestId('confirm-buy'));
  await expect(page.getByTestId('receipt').first()).toBeVisible({ timeout: 20_000 });
});
