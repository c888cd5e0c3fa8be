// Keyboard only (docs/screens.md §15): a resident signs in, reads a letter, replies and buys stamps with nothing but key
// presses — Tab and Shift+Tab to move, Enter to act, digits for the PIN, letters for the reply. At every Tab the focused
// control shows a visible focus indicator and is in the window; every target is reached within a bounded number of
// presses (focus is never trapped); and each new screen puts focus on its heading.
import type { Locator, Page } from '@playwright/test';
import { demoResidents } from '../../scripts/demo-data';
import { expect, sendApprovedLetter, test } from './support/hub-kiosk';

// A hub and an enrolled kiosk to start on a machine shared with other work, then a whole walk-through.
test.describe.configure({ timeout: 360_000 });

const pageItself = 'the page itself';

/** Where focus is, and whether a person can see it: runs in the page. */
function focusNow(): { described: string; indicator: boolean; inWindow: boolean } {
  const focused = document.activeElement;
  if (focused === null || focused === document.body) return { described: 'the page itself', indicator: false, inWindow: true };
  const style = getComputedStyle(focused);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== 'none';
  const rect = focused.getBoundingClientRect();
  const testId = focused.getAttribute('data-testid');
  return {
    described: `<${focused.tagName.toLowerCase()}${testId === null ? '' : ` data-testid="${testId}"`}> "${(focused.textContent ?? '').trim().slice(0, 40)}"`,
    indicator: focused.matches(':focus-visible') && (outlined || shadowed),
    inWindow: rect.bottom > 0 && rect.top < window.innerHeight && rect.right > 0 && rect.left < window.innerWidth,
  };
}

/** Tab (or Shift+Tab) until `target` has focus, checking the focus indicator at every stop; fails if never reached. */
async function tabTo(page: Page, target: Locator, direction: 'forward' | 'backward' = 'forward'): Promise<void> {
  const maxPresses = 60;
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(direction === 'forward' ? 'Tab' : 'Shift+Tab');
    const focus = await page.evaluate(focusNow);
    // Past the last control (or before the first) the browser itself takes focus for one press, then Tab wraps round.
    if (focus.described === pageItself) continue;
    expect(focus.indicator, `${focus.described} has focus but no visible focus indicator`).toBe(true);
    expect(focus.inWindow, `${focus.described} has focus outside the window`).toBe(true);
  }
  throw new Error(`${String(target)} was not reached in ${maxPresses} presses of ${direction === 'forward' ? 'Tab' : 'Shift+Tab'}`);
}

/** The new screen's heading has focus: a screen reader says where the person is, and Tab starts from the top. */
async function expectHeadingFocused(page: Page, screen: string): Promise<void> {
  await expect(page.locator(`[data-screen="${screen}"] h1`)).toBeFocused();
}

test('a resident signs in, reads a letter, replies and buys stamps with the keyboard alone', async ({ page, hub, kiosk }) => {
  const resident = demoResidents[0]!;
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
  const letterId = await sendApprovedLetter(hub, resident, 'We planted tomatoes today.');

  await page.goto(kiosk.url);
  await expectHeadingFocused(page, 'attract');
  await kiosk.scan(resident.badge);
  await expectHeadingFocused(page, 'pinEntry');
  // At a person's pace: keys closer together than a card reader's gap (sessionRules readerKeystrokeGapMs, 35 ms) are a
  // reader typing, and the PIN screen drops them, so keys pressed back to back pass only when the machine is slow.
  await page.keyboard.type(resident.pin, { delay: 150 });
  await expectHeadingFocused(page, 'home');

  // Forward to Stamps, back to Mail: Shift+Tab works as well as Tab.
  await tabTo(page, page.getByTestId('tile-stamps'));
  await tabTo(page, page.getByTestId('tile-mail'), 'backward');
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'mail');

  const conversation = page.getByTestId('conversation').filter({ hasText: family.contact.display_name });
  await expect(conversation).toBeVisible({ timeout: 20_000 });
  await tabTo(page, conversation);
  await page.keyboard.press('Enter');
  await expect(page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`)).toContainText('We planted tomatoes today.');
  await expectHeadingFocused(page, 'mail');

  await tabTo(page, page.getByTestId('write'));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByTestId('compose-body'));
  for (const key of 'Thank you') await page.keyboard.press(key === ' ' ? 'Space' : key);
  await expect(page.getByTestId('compose-body')).toHaveValue('Thank you');
  await tabTo(page, page.getByTestId('send'));
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: 'Thank you' })).toBeVisible();

  await tabTo(page, page.getByTestId('mail-home'));
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'home');
  await tabTo(page, page.getByTestId('tile-stamps'));
  await page.keyboard.press('Enter');
  await expectHeadingFocused(page, 'stamps');
  const book = page.getByTestId('stamp-book').first();
  await expect(book).toBeVisible();
  await tabTo(page, book);
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('confirm-purchase');
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByTestId('confirm-buy'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt').first()).toBeVisible({ timeout: 20_000 });
});
