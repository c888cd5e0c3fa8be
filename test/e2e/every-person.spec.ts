// The promise, person by person (docs/screens.md §15): a resident who reads only Vietnamese, one who reads only
// Arabic and one who cannot read small print each sign in, read a letter, reply and buy stamps at a 1280×800 kiosk,
// choosing their language with the globe button and their text size with Display as they would. Every button they
// press is found by its words in their language (read from the locale file, so no English is needed), and a screenshot
// of each step is in test-results/screens/every-person/ for a person to look at. (The person who uses a single switch is
// test/e2e/switch-scanning.spec.ts; keyboard alone, keyboard-only.spec.ts.)
import type { Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoResidents } from '../../scripts/demo-data';
import { chooseLanguage, chooseTextSize } from './support/display-choices';
import { everyInstalledLanguage, expect, sendApprovedLetter, signIn, test } from './support/hub-kiosk';

const screenshotDir = join('test-results', 'screens', 'every-person');

test.use({ siteLanguages: everyInstalledLanguage() });
test.describe.configure({ timeout: 300_000 });

interface Person {
  who: string;
  language: string;
  /** The language's own name, as the chooser shows it. */
  languageName: string;
  textSize: 'normal' | 'largest';
  reply: string;
}

const people: Person[] = [
  { who: 'reads-only-vietnamese', language: 'vi', languageName: 'Tiếng Việt', textSize: 'normal', reply: 'Cảm ơn mẹ. Con nhớ mẹ.' },
  { who: 'reads-only-arabic', language: 'ar', languageName: 'العربية', textSize: 'normal', reply: 'شكرا يا أمي. اشتقت إليك.' },
  { who: 'cannot-read-small-print', language: 'en', languageName: 'English', textSize: 'largest', reply: 'Thank you, Mom. I miss you.' },
];

/** A resident-screen string from the person's own locale file, by its key path ("mail.compose.send"). */
function words(language: string, key: string): string {
  const locale: unknown = JSON.parse(readFileSync(join('renderer', 'locales', `${language}.json`), 'utf8'));
  const found = key
    .split('.')
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), locale);
  if (typeof found !== 'string') throw new Error(`${language}.json has no string at ${key}`);
  return found;
}

async function photograph(page: Page, person: Person, step: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${person.who}-${step}.png`) });
}

for (const person of people) {
  test(`a resident who ${person.who.replaceAll('-', ' ')} signs in, reads a letter, replies and buys stamps`, async ({ page, hub, kiosk }) => {
    mkdirSync(screenshotDir, { recursive: true });
    const resident = demoResidents[0]!;
    const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
    const letterId = await sendApprovedLetter(hub, resident, 'We planted tomatoes today. Grandma says hello.');

    await signIn(page, kiosk, resident);
    if (person.language !== 'en') await chooseLanguage(page, person.languageName);
    await expect(page.locator('html')).toHaveAttribute('lang', person.language);
    if (person.textSize !== 'normal') await chooseTextSize(page, person.textSize);
    await expect(page.getByTestId('tile-mail')).toContainText(words(person.language, 'home.tiles.mail'));
    await photograph(page, person, '1-home');

    await page.getByTestId('tile-mail').click();
    const conversation = page.getByTestId('conversation').filter({ hasText: family.contact.display_name });
    await expect(conversation).toBeVisible({ timeout: 20_000 });
    await conversation.click();
    const letter = page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`);
    await expect(letter).toContainText('We planted tomatoes today.');
    await photograph(page, person, '2-letter');

    await letter.getByTestId('reply').click();
    await page.getByTestId('compose-body').fill(person.reply);
    const send = page.getByRole('button', { name: words(person.language, 'mail.compose.send'), exact: true });
    await expect(send).toBeInViewport();
    await photograph(page, person, '3-reply');
    await send.click();
    await expect(page.locator('[data-testid="letter"][data-direction="outbound"]').filter({ hasText: person.reply })).toBeVisible();
    await photograph(page, person, '4-sent');

    await page.getByTestId('mail-home').click();
    await page.getByTestId('tile-stamps').click();
    await page.getByTestId('stamp-book').first().click();
    const confirm = page.getByTestId('confirm-purchase');
    await expect(confirm.getByRole('button', { name: words(person.language, 'stamps.confirmYes'), exact: true })).toBeInViewport();
    await photograph(page, person, '5-buy');
    await confirm.getByTestId('confirm-buy').click();
    await expect(page.getByTestId('receipt').first()).toBeVisible({ timeout: 20_000 });
    await photograph(page, person, '6-receipt');
    await expect(page.locator('html')).toHaveAttribute('lang', person.language);
    await expect(page.locator('html')).toHaveAttribute('data-text-size', person.textSize);
  });
}
