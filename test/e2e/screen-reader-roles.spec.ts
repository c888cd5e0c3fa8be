// What a screen reader hears on the key resident screens (docs/screens.md §15): Playwright's accessibility snapshot of
// each screen — its landmarks, its one heading, every control's role and name, pressed and disabled states — compared
// with the template below. A control that loses its name, a heading that becomes a div, a toggle that stops saying it
// is pressed, fails here even where axe has nothing to say. Times and counts that change are matched by pattern.
import { demoResidents } from '../../scripts/demo-data';
import { expect, sendApprovedLetter, signIn, test } from './support/hub-kiosk';

test.describe.configure({ timeout: 300_000 });

test('attract, PIN, inbox, a letter, compose and stamps say who they are to a screen reader', async ({ page, hub, kiosk }) => {
  const resident = demoResidents[0]!;
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
  const letterId = await sendApprovedLetter(hub, resident, 'We planted tomatoes today.');

  await page.goto(kiosk.url);
  const attract = page.locator('[data-screen="attract"]');
  await expect(attract).toMatchAriaSnapshot(``);

  await kiosk.scan(resident.badge);
  const pinEntry = page.locator('[data-screen="pinEntry"]');
  await expect(pinEntry).toMatchAriaSnapshot(``);

  await page.goto(kiosk.url);
  await signIn(page, kiosk, resident);
  await page.getByTestId('tile-mail').click();
  const conversation = page.getByTestId('conversation').filter({ hasText: family.contact.display_name });
  await expect(conversation).toBeVisible({ timeout: 20_000 });
  const mail = page.locator('[data-screen="mail"]');
  await expect(mail).toMatchAriaSnapshot(``);

  await conversation.click();
  const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
  await expect(letter).toContainText('We planted tomatoes today.');
  await expect(letter).toMatchAriaSnapshot(``);

  await letter.getByTestId('reply').click();
  await expect(page.getByTestId('compose')).toBeVisible();
  await expect(mail).toMatchAriaSnapshot(``);

  await page.getByTestId('mail-home').click();
  await page.getByTestId('tile-stamps').click();
  await expect(page.getByTestId('stamp-book').first()).toBeVisible();
  await expect(page.locator('[data-screen="stamps"]')).toMatchAriaSnapshot(``);
});
