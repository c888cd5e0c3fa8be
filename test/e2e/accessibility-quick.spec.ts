// The quick accessibility check `npm test` runs (docs/screens.md §15): the screens every person meets — attract and home
// with the Display chooser open over it, in every language whose locale file exists, and PIN entry — at every text size,
// with axe and the fit check, on one kiosk that signs in once, in about a minute. It prints one line,
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
  // Before sign-in: the attract screen in each language.
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  for (const language of languages) {
    await chooseLanguageByTag(page, language);
    found.push(...(await checkAtEverySize(page, 'attract', language)));
  }
  // Signed in once: home, and the Display chooser open over it, in each language; the PIN screen in the last one.
  await kiosk.scan(resident.badge);
  await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
  found.push(...(await checkAtEverySize(page, 'pin-entry', languages.at(-1)!)));
  await typeDigits(page, resident.pin);
  await expect(page.getByTestId('tile-mail')).toBeVisible();
  for (const language of languages) {
    await chooseLanguageByTag(page, language);
    found.push(...(await checkAtEverySize(page, 'home', language)));
    await openDisplayChoices(page);
    found.push(...(await checkAtEverySize(page, 'display-choices', language)));
    await closeDisplayChoices(page);
  }

  const findings = describeFindings(found);
  const screens = new Set(found.map((combination) => combination.screen));
  console.log(
    `ACCESSIBILITY quick screens=${screens.size} languages=${languages.length} sizes=${textSizes.length} combinations=${found.length} axe-violations=${findings.violations.length} fit-problems=${findings.fitProblems.length}`,
  );
  // Every language at every size on attract, home and the Display chooser; the PIN screen once at every size.
  expect(found).toHaveLength((3 * languages.length + 1) * textSizes.length);
  expect(findings.violations, `axe found:\n${findings.violations.join('\n')}`).toEqual([]);
  expect(findings.fitProblems, `the fit check found:\n${findings.fitProblems.join('\n')}`).toEqual([]);
});
