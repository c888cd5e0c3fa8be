// The accessibility sweep (docs/screens.md §15): every resident screen and every service-mode section, in every language
// whose locale file exists in renderer/locales (read when the test starts, so a new language joins by its file alone),
// at every text size, checked with axe (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) and with the fit check at a 1280×800 kiosk.
// One test per language, whose page walks the screens in order, so a language takes minutes, not a fresh kiosk per
// combination. It leaves a screenshot per combination in test-results/screens/a11y/ (for a person to look at), a summary
// in test-results/accessibility-summary-<tag>.json, and prints one ACCESSIBILITY line per language.
import type { Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoResidents, demoStaff } from '../../scripts/demo-data';
import { chooseLanguageByTag, closeDisplayChoices, openDisplayChoices } from './support/display-choices';
import { checkAtEverySize, describeFindings, installedLanguages, rulesSetAside, type Combination } from './support/accessibility-check';
import { textSizes } from './support/fit-check';
import { everyInstalledLanguage, expect, hubConsole, sendApprovedLetter, test } from './support/hub-kiosk';
import { typeDigits } from './support/pads';

// Long enough that no idle sign-out happens while every screen is checked.
// The site offers every language the screens have words for, so the sweep can choose each.
test.use({ timings: { idleSeconds: 900, idleWarningSeconds: 60, maxSessionMinutes: 60 }, siteLanguages: everyInstalledLanguage() });
// Twenty-odd screens × three sizes × every language, each an axe run, a layout check and a screenshot.
// One test per language, each with its own hub and kiosk, so the two workers sweep two languages at once and a language's
// minutes never add up to one test's timeout.
test.describe.configure({ timeout: 900_000 });

const screenshotDir = join('test-results', 'screens', 'a11y');
/** One summary per language: test-results/accessibility-summary-<tag>.json. */
const summaryFile = (language: string): string => join('test-results', `accessibility-summary-${language}.json`);
const localesDir = join('renderer', 'locales');

/** The language's own name from its locale file's `locale` block, or its tag where a file has no such block yet. */
function ownName(language: string): string {
  const parsed: unknown = JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'locale' in parsed) {
    const locale = parsed.locale;
    if (typeof locale === 'object' && locale !== null && 'name' in locale && typeof locale.name === 'string') return locale.name;
  }
  return language;
}

const combinations: Combination[] = [];

/** The screen on the page, at each text size: axe, the fit check and a screenshot. Leaves the page at the normal size. */
async function sweep(page: Page, screen: string, language: string): Promise<void> {
  combinations.push(...(await checkAtEverySize(page, screen, language, screenshotDir)));
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

      // Staff pause the person's messaging: the home and compose screens say until when and why before they write.
      await hubConsole(
        hub.consoleFile,
        'pause-messaging',
        '--resident',
        resident.badge.replace(/^R/, ''),
        '--until',
        // Thirty days from now (a pause may last at most a year).
        new Date(Date.now() + 30 * 24 * 60 * 60 * 1000).toISOString().slice(0, 16) + 'Z',
        '--reason',
        'Messaging misuse, incident 2291. Ask your unit officer.',
      );
      await kiosk.scan(resident.badge);
      await expect(page.locator('[data-screen="pinEntry"]')).toBeVisible();
      await typeDigits(page, resident.pin);
      await expect(page.locator('[data-screen="home"]')).toBeVisible();
      await expect(page.getByTestId('messaging-paused-reason')).toHaveText('Messaging misuse, incident 2291. Ask your unit officer.', { timeout: 30_000 });
      await sweep(page, 'home-messaging-paused', language);
      await page.getByTestId('tile-mail').click();
      await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
      await page.getByTestId('write').click();
      await expect(page.getByTestId('compose-body')).toBeVisible();
      // Said above the letter, in view with the keyboard docked at every text size; the letter waits as a draft.
      await expect(page.getByTestId('on-screen-keyboard')).toBeVisible();
      for (const size of ['normal', 'largest'] as const) {
        await page.evaluate((chosen) => {
          document.documentElement.dataset['textSize'] = chosen;
        }, size);
        await expect(page.getByTestId('messaging-paused')).toBeInViewport();
      }
      await expect(page.getByTestId('send')).toBeDisabled();
      await sweep(page, 'compose-messaging-paused', language);
      await page.getByTestId('mail-home').click();
      await page.getByTestId('sign-out').click();
      await expect(page.locator('[data-screen="attract"]')).toBeVisible();

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
    const findings = describeFindings(swept);
    const problems = findings.fitProblems;
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
    expect(findings.violations, `axe found:\n${findings.violations.join('\n')}`).toEqual([]);
    expect(problems, `the fit check found:\n${problems.join('\n')}`).toEqual([]);
  });
}
