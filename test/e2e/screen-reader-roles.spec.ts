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
  await expect(attract).toMatchAriaSnapshot(`
    - main:
      - heading "Riverbend County Detention Center · Unit B dayroom kiosk 1" [level=1]
      - group "Language":
        - button "English" [pressed]
        - button "Español"
      - button "Display"
      - heading "Scan your ID to begin" [level=2]
      - paragraph: Hold your ID card or wristband to the reader.
      - status
  `);

  await kiosk.scan(resident.badge);
  const pinEntry = page.locator('[data-screen="pinEntry"]');
  await expect(pinEntry).toMatchAriaSnapshot(`
    - main:
      - heading "Enter your PIN" [level=1]
      - group "Language":
        - button "English" [pressed]
        - button "Español"
      - button "Display"
      - img "0 of 4 digits entered"
      - status
      - paragraph: If you forgot your PIN, please ask staff.
      - group "Number pad":
        - button "1"
        - button "2"
        - button "3"
        - button "4"
        - button "5"
        - button "6"
        - button "7"
        - button "8"
        - button "9"
        - button "Clear all digits"
        - button "0"
        - button "Delete the last digit"
      - button "Cancel"
  `);

  await pinEntry.getByRole('button', { name: 'Cancel' }).click();
  await signIn(page, kiosk, resident);
  await page.getByTestId('tile-mail').click();
  const conversation = page.getByTestId('conversation').filter({ hasText: family.contact.display_name });
  await expect(conversation).toBeVisible({ timeout: 20_000 });
  const mail = page.locator('[data-screen="mail"]');
  await expect(mail).toMatchAriaSnapshot(`
    - main:
      - heading "Mail" [level=1]
      - navigation:
        - button "Back to home"
        - button "Drafts"
        - button "Search"
      - group "Language":
        - button "English" [pressed]
        - button "Español"
      - button "Display"
      - list:
        - listitem:
          - button /Denise Lee 2 new We planted tomatoes today\\. Last message .+/
  `);

  await conversation.click();
  const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
  await expect(letter).toContainText('We planted tomatoes today.');
  await expect(letter).toMatchAriaSnapshot(`
    - article:
      - paragraph: /From Denise Lee .+/
      - paragraph: We planted tomatoes today.
      - paragraph: "A return stamp came with this letter: your reply is paid for."
      - button "Reply"
  `);

  await letter.getByTestId('reply').click();
  await expect(page.getByTestId('compose')).toBeVisible();
  await expect(mail).toMatchAriaSnapshot(`
    - main:
      - heading "Reply to Denise Lee" [level=1]
      - navigation:
        - button "Back to home"
        - button "Back to mail"
        - button "Drafts"
        - button "Search"
      - text: Your message
      - textbox "Your message"
      - paragraph: /0 characters · \\d+ more characters before the next stamp starts/
      - paragraph: This message costs 1 stamp. The return stamp that came with the letter pays for one stamp. Nothing comes out of your own stamps. You have 5 stamps.
      - paragraph: Every message is reviewed by the facility. If it is rejected, your stamps come back.
      - paragraph
      - button "Back"
      - button "Hide keyboard"
      - button "Send" [disabled]
      - text: 1 2 3 4 5 6 7 8 9 0 ⌫ delete q w e r t y u i o p a s d f g h j k l ' ⇧ shift z x c v b n m , . ? ↵ new line space ! -
  `);

  await page.getByTestId('mail-home').click();
  await page.getByTestId('tile-stamps').click();
  await expect(page.getByTestId('stamp-book').first()).toBeVisible();
  await expect(page.locator('[data-screen="stamps"]')).toMatchAriaSnapshot(`
    - main:
      - heading "Stamps" [level=1]
      - group "Language":
        - button "English" [pressed]
        - button "Español"
      - button "Display"
      - paragraph: 5 stamps
      - paragraph: /\\$\\d+\\.\\d+ available · Confirmed by the facility .+/
      - region "Buy stamps":
        - heading "Buy stamps" [level=2]
        - list:
          - listitem:
            - button /Book of 5 stamps · \\$\\d+\\.\\d+/
          - listitem:
            - button /Book of \\d+ stamps · \\$\\d+\\.\\d+/
          - listitem:
            - button /Book of \\d+ stamps · \\$\\d+\\.\\d+/
      - region "Stamp history":
        - heading "Stamp history" [level=2]
        - list:
          - listitem: /.+ Return stamp with a letter \\(pays one reply to it\\) · …[0-9A-F]+ \\+1/
          - listitem: /.+ Return stamp with a letter \\(pays one reply to it\\) · …[0-9A-F]+ \\+1/
          - listitem: /.+ From family · Denise Lee \\+5 5 stamps after/
      - button "Back to home"
  `);
});
