// The quick accessibility check `npm test` runs (docs/screens.md §15): the screens every person meets — attract, PIN
// entry, home, the language and Display choosers, the inbox — in every language whose locale file exists, at every text
// size, with axe and the fit check, on one kiosk, in about a minute. It prints one line,
// `ACCESSIBILITY quick screens=… languages=… sizes=… axe-violations=… fit-problems=…`, beside the READABILITY line.
// The full sweep (every screen and service section, with screenshots) is test/e2e/accessibility-sweep.spec.ts.
import { demoResidents } from '../../scripts/demo-data';
import { checkAtEverySize, describeFindings, installedLanguages, type Combination } from './support/accessibility-check';
import { chooseLanguageByTag, closeDisplayChoices, openDisplayChoices } from './support/display-choices';
import { textSizes } from './support/fit-check';
import { everyInstalledLanguage, expect, test } from './support/hub-kiosk';
import { typeDigits } from './support/pads';

// The site offers every language the screens have words for; no idle sign-out while the screens are checked.
test.use({ timings: { idleSeconds: 900, idleWarningSeconds: 60, maxSessionMinutes: 60 }, siteLanguages: everyInstalledLanguage() });
test.describe.configure({ timeout: 600_000 });

test('the screens every person meets pass axe and the fit check in every language at every text size', async ({ page, kiosk }) => {
  const resident = demoResidents[0]!;
  const languages = installedLanguages();
  const found: Combination[] = [];
  await page.goto(kiosk.url);
  for (const language of languages) {
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    await chooseLanguageByTag(page, language);
    found.push(...(await checkAtEverySize(page, 'attract', language)));

    await kiosk.scan(resident.badge);
    await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
    found.push(...(await checkAtEverySize(page, 'pin-entry', language)));
    await typeDigits(page, resident.pin);
    await expect(page.getByTestId('tile-mail')).toBeVisible();
    // Signed in, the screens follow the language on the person's record; choosing again keeps the one being checked.
    await chooseLanguageByTag(page, language);
    found.push(...(await checkAtEverySize(page, 'home', language)));

    await page.getByTestId('language-opener').click();
    await expect(page.getByTestId('language-chooser')).toBeVisible();
    found.push(...(await checkAtEverySize(page, 'language-chooser', language)));
    await page.keyboard.press('Escape');
    await openDisplayChoices(page);
    found.push(...(await checkAtEverySize(page, 'display-choices', language)));
    await closeDisplayChoices(page);

    await page.getByTestId('tile-mail').click();
    await expect(page.getByTestId('conversation').first()).toBeVisible({ timeout: 20_000 });
    found.push(...(await checkAtEverySize(page, 'inbox', language)));
    await page.getByTestId('mail-home').click();
    await page.getByTestId('sign-out').click();
  }

  const findings = describeFindings(found);
  const screens = new Set(found.map((combination) => combination.screen));
  console.log(
    `ACCESSIBILITY quick screens=${screens.size} languages=${languages.length} sizes=${textSizes.length} combinations=${found.length} axe-violations=${findings.violations.length} fit-problems=${findings.fitProblems.length}`,
  );
  expect(found).toHaveLength(screens.size * languages.length * textSizes.length);
  expect(findings.violations, `axe found:\n${findings.violations.join('\n')}`).toEqual([]);
  expect(findings.fitProblems, `the fit check found:\n${findings.fitProblems.join('\n')}`).toEqual([]);
});
