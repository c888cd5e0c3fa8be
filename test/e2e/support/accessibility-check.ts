// One screen checked at every text size: axe (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) and the fit check, each finding said
// as found. Shared by the full sweep (test/e2e/accessibility-sweep.spec.ts, every screen in every language) and the
// quick check `npm test` runs (test/e2e/accessibility-quick.spec.ts); docs/screens.md §15.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chooseLanguageByTag } from './display-choices';
import { fitProblems, textSizes, type TextSize } from './fit-check';

/** The WCAG levels every screen is held to. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/**
 * Rules set aside, each with why: none. (The page no longer forbids pinch zoom; the Electron shell holds a device's zoom
 * at 1 so a kiosk is never left zoomed for the next person.)
 */
export const rulesSetAside: string[] = [];

export interface Violation {
  rule: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export interface Combination {
  screen: string;
  language: string;
  size: TextSize;
  violations: Violation[];
  fitProblems: string[];
}

const localesDir = join('renderer', 'locales');

/**
 * Every language the renderer has a locale file for, English first: adding a file adds it to the checks.
 * DAYROOM_SWEEP_LANGUAGES (tags, comma-separated) narrows a run to some of them while a screen is being fixed.
 */
export function installedLanguages(): string[] {
  const only = process.env['DAYROOM_SWEEP_LANGUAGES']?.split(',').map((tag) => tag.trim());
  return readdirSync(localesDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((language) => only === undefined || only.includes(language))
    .sort((left, right) => (left === 'en' ? -1 : right === 'en' ? 1 : left.localeCompare(right)));
}

/** Two frames: the layout (and a virtualized list's measuring) has caught up with the new size. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/**
 * The screen on the page at each text size: axe and the fit check, and a screenshot when `screenshotDir` is given.
 * Leaves the page at the normal size.
 */
export async function checkAtEverySize(page: Page, screen: string, language: string, screenshotDir?: string): Promise<Combination[]> {
  const found: Combination[] = [];
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
    found.push({ screen, language, size, violations, fitProblems: problems });
    // Said as found, so a long run that fails late has already told what it saw.
    for (const violation of violations)
      console.log(`axe ${screen} ${language} ${size}: ${violation.rule} (${violation.help}) at ${violation.targets.join(', ')}`);
    for (const problem of problems) console.log(`fit ${screen} ${language} ${size}: ${problem}`);
    if (screenshotDir !== undefined) await page.screenshot({ path: join(screenshotDir, `${screen}-${language}-${size}.png`) });
  }
  await page.evaluate(() => {
    document.documentElement.dataset['textSize'] = 'normal';
  });
  return found;
}

/** Every violation and fit problem of `combinations`, one line each, for a failure message. */
export function describeFindings(combinations: readonly Combination[]): { violations: string[]; fitProblems: string[] } {
  return {
    violations: combinations.flatMap((combination) =>
      combination.violations.map(
        (violation) =>
          `${combination.screen} ${combination.language} ${combination.size}: ${violation.rule} (${violation.help}) at ${violation.targets.join(', ')}`,
      ),
    ),
    fitProblems: combinations.flatMap((combination) =>
      combination.fitProblems.map((problem) => `${combination.screen} ${combination.language} ${combination.size}: ${problem}`),
    ),
  };
}

/**
 * The screen on the page passes axe and the fit check at every text size, at the window's size now: for the screens a
 * walk-through reaches that the sweep does not (the idle warning, a tablet's lock and sync screens, a full device,
 * enrollment, a messaging pause).
 */
export async function expectAccessibleAtEverySize(page: Page, screen: string, language: string): Promise<void> {
  const findings = describeFindings(await checkAtEverySize(page, screen, language));
  expect(findings.violations, `axe found on ${screen} (${language}):\n${findings.violations.join('\n')}`).toEqual([]);
  expect(findings.fitProblems, `the fit check found on ${screen} (${language}):\n${findings.fitProblems.join('\n')}`).toEqual([]);
}

/**
 * The screen on the page passes axe and the fit check at every text size in every installed language, each chosen as a
 * person chooses it, from the top bar (so the site must offer them all); leaves the page in `leaveIn`.
 */
export async function expectAccessibleInEveryLanguage(page: Page, screen: string, leaveIn = 'en'): Promise<void> {
  for (const language of installedLanguages()) {
    await chooseLanguageByTag(page, language);
    await expectAccessibleAtEverySize(page, screen, language);
  }
  await chooseLanguageByTag(page, leaveIn);
}
