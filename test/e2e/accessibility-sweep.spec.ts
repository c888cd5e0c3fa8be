// The accessibility sweep (docs/screens.md §15): every resident screen and every service-mode section, in every language
// whose locale file exists in renderer/locales (read when the test starts, so a new language joins by its file alone),
// at every text size, checked with axe (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) and with the fit check at a 1280×800 kiosk.
// One test per language, whose page walks the screens in order, so a language takes minutes, not a fresh kiosk per
// combination. It leaves a screenshot per combination in test-results/screens/a11y/ (for a person to look at), a summary
// in test-results/accessibility-summary-<tag>.json, and prints one ACCESSIBILITY line per language.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoResidents, demoStaff } from '../../scripts/demo-data';
import { chooseLanguageByTag, openDisplayChoices, closeDisplayChoices } from './support/display-choices';
import { fitProblems, textSizes, type TextSize } from './support/fit-check';
import { everyInstalledLanguage, expect, hubConsole, sendApprovedLetter, test } from './support/hub-kiosk';
import { typeDigits } from './support/pads';

// Long enough that no idle sign-out happens while every screen is checked.
// The site offers every language the screens have words for, so the sweep can choose each.
test.use({ timings: { idleSeconds: 900, idleWarningSeconds: 60, maxSessionMinutes: 60 }, siteLanguages: everyInstalledLanguage() });
// Twenty-odd screens × three sizes × every language, each an axe run, a layout check and a screenshot.
// One test per language, each with its own hub and kiosk, so the two workers sweep two languages at once and a language's
// minutes never add up to one test's timeout.
test.describe.configure({ timeout: 900_000 });

/** The WCAG levels the sweep holds every screen to. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/**
 * Rules set aside, each with why: none. (The page no longer forbids pinch zoom; the Electron shell holds a device's zoom
 * at 1 so a kiosk is never left zoomed for the next person.)
 */
const rulesSetAside: string[] = [];
const screenshotDir = join('test-results', 'screens', 'a11y');
/** One summary per language: test-results/accessibility-summary-<tag>.json. */
const summaryFile = (language: string): string => join('test-results', `accessibility-summary-${language}.json`);
const localesDir = join('renderer', 'locales');

/**
 * Every language the renderer has a locale file for: adding a file adds it to the sweep. DAYROOM_SWEEP_LANGUAGES (tags,
 * comma-separated) narrows a run to some of them while a screen is being fixed; the full sweep is the proof.
 */
function installedLanguages(): string[] {
  const only = process.env['DAYROOM_SWEEP_LANGUAGES']?.split(',').map((tag) => tag.trim());
  return readdirSync(localesDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((language) => only === undefined || only.includes(language))
    .sort((left, right) => (left === 'en' ? -1 : right === 'en' ? 1 : left.localeCompare(right)));
}

/** The language's own name from its locale file's `locale` block, or its tag where a file has no such block yet. */
function ownName(language: string): string {
  const parsed: unknown = JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'locale' in parsed) {
    const locale = parsed.locale;
    if (typeof locale === 'object' && locale !== null && 'name' in locale && typeof locale.name === 'string') return locale.name;
  }
  return language;
}

interface Violation {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface Combination {
  screen: string;
  language: string;
  size: TextSize;
  violations: Violation[];
  fitProblems: string[];
}

const combinations: Combination[] = [];

/** Two frames: the layout (and a virtualized list's measuring) has caught up with the new size. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The screen on the page, at each text size: axe, the fit check and a screenshot. Leaves the page at the normal size. */
async function sweep(page: Page, screen: string, language: string): Promise<void> {
  for (const size of textSizes) {
    await page.evaluate((chosen) => {
      document.documentElement.dataset['textSize'] = chosen;
    }, size);
    await settled(page);
    const axe = await new AxeBuilder({ page }).withTags(wcagTags).disableRules(rulesSetAside).analyze();
    const violations = axe.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
    const problems = await fitProblems(page);
    combinations.push({ screen, language, size, violations, fitProblems: problems });
    // Said as found, so a long sweep that fails late has already told what it saw.
    for (const violation of violations)
      console.log(`axe ${screen} ${language} ${size}: ${violation.rule} (${violation.help}) at ${violation.targets.join(', ')}`);
    for (const problem of problems) console.log(`fit ${screen} ${language} ${size}: ${problem}`);
    await page.screenshot({ path: join(screenshotDir, `${screen}-${language}-${size}.png`) });
  }
  await page.evaluate(() => {
    document.documentElement.dataset['textSize'] = 'normal';
  });
}

for (const sweptLanguage of installedLanguages()) {
  test(`every resident screen and service section passes axe and the fit check in ${sweptLanguage} at every text size`, async ({ context, hub, kiosk }) => {
    mkdirSync(screenshotDir, { recursive: true });
    const languages = [sweptLanguage];
    const resident = demoResidents[0]!;
    const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;

    // A letter with a reply stamp, approved so it reaches the kiosk; a stopped letter (its notice in the inbox); a visit.
    const letterId = await sendApprovedLetter(hub, resident, 'The garden is coming along: the tomatoes are red and Grandma asks about you every Sunday.');
    const stopped = await hubConsole(hub.consoleFile, 'send-family-message', '--contact', family.contact.contact_id, '--text', 'A letter review will stop');
    const stoppedId = /message id ([0-9a-f-]{36})/.exec(stopped)?.[1];
    expect(stoppedId, stopped).toBeDefined();
    await hubConsole(hub.consoleFile, 'reject', '--message', stoppedId!, '--reason', 'Letters may not describe another resident.');
    await hubConsole(
      hub.consoleFile,
      'schedule-visit',
      '--resident',
      resident.badge.replace(/^R/, ''),
      '--visitor',
      family.contact.display_name,
      '--kind',
      'remote',
      '--starts',
      '2030-06-01T14:00Z',
      '--minutes',
      '30',
    );

    let languageOnRecord: string = resident.language;
    for (const language of languages) {
      const page = await context.newPage();
      await page.goto(kiosk.url);
      await expect(page.locator('[data-screen="attract"]')).toBeVisible();
      await chooseLanguageByTag(page, language);
      await sweep(page, 'attract', language);

      await kiosk.scan(resident.badge);
      await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
      await sweep(page, 'pin-entry', language);
      await typeDigits(page, resident.pin);
      await expect(page.locator('[data-screen="home"]')).toBeVisible();
      // The screens follow the language on the person's record once signed in; then their own choice is kept there.
      await expect(page.locator('html')).toHaveAttribute('lang', languageOnRecord);
      await chooseLanguageByTag(page, language);
      languageOnRecord = language;
      await expect(page.getByTestId('tile-mail')).toBeVisible();
      await sweep(page, 'home', language);

      // The top bar's two choosers, open over the home screen.
      await page.getByTestId('language-opener').click();
      await expect(page.getByTestId('language-chooser')).toBeVisible();
      await sweep(page, 'language-chooser', language);
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('language-chooser')).toHaveCount(0);
      await openDisplayChoices(page);
      await sweep(page, 'display-choices', language);
      await closeDisplayChoices(page);

      await page.getByTestId('tile-mail').click();
      await expect(page.getByTestId('conversation').first()).toBeVisible();
      await sweep(page, 'inbox', language);

      await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
      await expect(page.locator(`[data-testid="letter"][data-message-id="${letterId}"]`)).toBeVisible();
      await sweep(page, 'conversation', language);

      await page.getByTestId('write').click();
      await page.getByTestId('compose-body').click();
      await page.keyboard.type('Thank you for the letter.');
      await expect(page.getByTestId('on-screen-keyboard')).toBeVisible();
      await expect(page.getByTestId('draft-state')).not.toBeEmpty();
      await sweep(page, 'compose', language);

      await page.getByTestId('mail-drafts').click();
      await expect(page.getByTestId('draft').first()).toBeVisible();
      await sweep(page, 'drafts', language);

      await page.getByTestId('mail-search').click();
      await page.getByTestId('search-query').click();
      await page.keyboard.type('garden');
      await page.getByTestId('search-submit').click();
      await expect(page.getByTestId('search-hit').first()).toBeVisible();
      await sweep(page, 'search', language);

      await page.getByTestId('mail-home').click();
      await page.getByTestId('tile-stamps').click();
      await expect(page.getByTestId('stamp-book').first()).toBeVisible();
      await sweep(page, 'stamps', language);
      await page.getByTestId('stamp-book').first().click();
      await expect(page.getByTestId('confirm-purchase')).toBeVisible();
      await sweep(page, 'stamps-confirm', language);
      await page.getByTestId('confirm-buy').click();
      await expect(page.getByTestId('receipt').first()).toBeVisible({ timeout: 20_000 });
      await sweep(page, 'stamps-receipt', language);
      await page.getByTestId('stamps-home').click();

      await page.getByTestId('tile-money').click();
      await expect(page.getByTestId('money-balance')).toBeVisible();
      await sweep(page, 'money', language);
      await page.getByTestId('money-home').click();

      await page.getByTestId('tile-visits').click();
      await expect(page.getByTestId('visits-upcoming')).toContainText(family.contact.display_name);
      await sweep(page, 'visits', language);
      await page.getByTestId('visits-home').click();

      await page.getByTestId('sign-out').click();
      await expect(page.getByTestId('attract-notice')).not.toBeEmpty();
      await sweep(page, 'signed-out', language);

      // Staff: every service-mode section.
      await kiosk.scan(demoStaff.badge);
      await expect(page.locator('[data-screen="pinEntry"]')).toHaveAttribute('data-pin-subject', 'staff');
      await typeDigits(page, demoStaff.pin);
      await expect(page.locator('[data-screen="service"]')).toBeVisible();
      // Service mode opens in the staff member's language; they choose the one being checked like anyone else.
      if ((await page.locator('html').getAttribute('lang')) !== language) await chooseLanguageByTag(page, language);
      for (const section of ['overview', 'readers', 'sync', 'tablet', 'logs', 'siteConfig', 'deviceActions']) {
        await page.getByTestId(`service-nav-${section}`).click();
        await expect(page.locator('[data-screen="service"]')).toHaveAttribute('data-section', section);
        await sweep(page, `service-${section}`, language);
      }
      await page.getByTestId('service-sign-out').click();
      await expect(page.locator('[data-screen="attract"]')).toBeVisible();

      // Wrong PINs until the lockout screen (the first language locks the person out; later ones meet the lockout at once).
      const lockedOut = demoResidents[3]!;
      await kiosk.scan(lockedOut.badge);
      const lockedScreen = page.locator('[data-screen="lockedOut"]');
      for (let attempt = 0; attempt < 5 && !(await lockedScreen.isVisible()); attempt += 1) {
        await expect(page.locator('[data-screen="pinEntry"], [data-screen="lockedOut"]')).toBeVisible();
        if (await lockedScreen.isVisible()) break;
        await typeDigits(page, lockedOut.pin === '0000' ? '1111' : '0000');
        await expect(page.getByTestId('pin-notice').or(lockedScreen)).toBeVisible();
      }
      await expect(lockedScreen).toBeVisible();
      await sweep(page, 'locked-out', language);
      await page.close();
    }

    // A worker that sweeps a second language keeps the first one's results in `combinations`; this test reports its own.
    const swept = combinations.filter((combination) => combination.language === sweptLanguage);
    const screens = new Set(swept.map((combination) => combination.screen));
    const violations = swept.flatMap((combination) => combination.violations.map((violation) => ({ ...combination, ...violation })));
    const problems = swept.flatMap((combination) =>
      combination.fitProblems.map((problem) => `${combination.screen} ${combination.language} ${combination.size}: ${problem}`),
    );
    writeFileSync(
      summaryFile(sweptLanguage),
      `${JSON.stringify(
        {
          screens: [...screens],
          languages: languages.map((code) => ({ code, name: ownName(code) })),
          sizes: textSizes,
          viewport: '1280x800',
          rulesSetAside,
          combinations: swept.length,
          axeViolations: violations.length,
          fitProblems: problems.length,
          results: swept,
        },
        null,
        2,
      )}\n`,
    );
    console.log(
      `ACCESSIBILITY screens=${screens.size} languages=${languages.length} sizes=${textSizes.length} axe-violations=${violations.length} fit-problems=${problems.length}`,
    );
    const described = violations.map(
      (violation) => `${violation.screen} ${violation.language} ${violation.size}: ${violation.rule} (${violation.help}) at ${violation.targets.join(', ')}`,
    );
    expect(described, `axe found:\n${described.join('\n')}`).toEqual([]);
    expect(problems, `the fit check found:\n${problems.join('\n')}`).toEqual([]);
  });
}
