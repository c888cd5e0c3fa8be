// How the resident screens look and read, at a real kiosk synced with a real hub (issue 18): the three text sizes grow
// what the person reads (computed font sizes, on several screens); the standard theme passes axe's WCAG 2.2 AA checks and
// the high-contrast theme axe's 7:1 rule; focus is a thick ring; less motion is a choice and follows the system's wish;
// a right-to-left page mirrors the layout and keeps an English name in an Arabic sentence in order; Arabic, Vietnamese
// and Chinese letters draw in installed fonts, and a letter in a script no font covers says so in words.
// Screenshots in test-results/screens/display/ are for a person to look at.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoResidents } from '../../scripts/demo-data';
import { chooseTextSize, expectDisplayChoice, toggleDisplayChoice } from './support/display-choices';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

const screenshotDir = join('test-results', 'screens', 'display');

// Arabic around an English name and a number, then Vietnamese and Chinese: every one drawn by an installed font.
const arabicWithEnglishName = 'مرحبا Marcus Lee، وصلت 42 صورة من الحديقة.';
const vietnamese = 'Chúc mừng sinh nhật, con yêu. Mẹ nhớ con nhiều lắm.';
const chinese = '祝你生日快乐，我们都很想你。';
// Nag Mundari (Unicode 15): no font this device installs draws it.
const undrawableScript = '𞓐𞓑𞓒𞓓 𞓔𞓕𞓖';

async function sendApprovedLetter(consoleFile: string, contactId: string, text: string): Promise<string> {
  const sent = await hubConsole(consoleFile, 'send-family-message', '--contact', contactId, '--text', text);
  const letterId = /message id ([0-9a-f-]{36})/.exec(sent)?.[1];
  expect(letterId, sent).toBeDefined();
  await hubConsole(consoleFile, 'approve', '--message', letterId!);
  return letterId!;
}

/** The size the text is drawn at, in px, of the first element matching `selector` on the screen. */
async function fontSizeOf(page: Page, selector: string): Promise<number> {
  const element = page.locator(selector).first();
  await expect(element).toBeVisible();
  return element.evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
}

/**
 * Body text, a heading and buttons at each text size on the screen shown. What the person reads grows at least 1.2× at
 * "larger" and 1.4× at "largest"; the bars (title and their buttons) grow less by design (docs/screens.md §5), but grow.
 */
async function expectTextSizesGrow(page: Page, screen: string, body: string, contentButton: string): Promise<void> {
  const parts = { body, contentButton, heading: '.frame__title', barButton: '.frame__actions .button, .frame__top .button' };
  const sizes: Record<string, Record<keyof typeof parts, number>> = {};
  for (const size of ['normal', 'larger', 'largest'] as const) {
    await chooseTextSize(page, size);
    const measured = {} as Record<keyof typeof parts, number>;
    for (const [part, selector] of Object.entries(parts) as [keyof typeof parts, string][]) measured[part] = await fontSizeOf(page, selector);
    sizes[size] = measured;
    await page.screenshot({ path: join(screenshotDir, `${screen}-${size}.png`) });
  }
  const [normal, larger, largest] = [sizes['normal']!, sizes['larger']!, sizes['largest']!];
  const report = `${screen}: ${JSON.stringify(sizes)}`;
  for (const part of ['body', 'contentButton'] as const) {
    expect(larger[part], report).toBeGreaterThanOrEqual(normal[part] * 1.2);
    expect(largest[part], report).toBeGreaterThanOrEqual(normal[part] * 1.4);
  }
  for (const part of ['heading', 'barButton'] as const) {
    expect(larger[part], report).toBeGreaterThan(normal[part]);
    expect(largest[part], report).toBeGreaterThanOrEqual(normal[part] * 1.2);
  }
  await chooseTextSize(page, 'normal');
}

function violationsOf(results: Awaited<ReturnType<AxeBuilder['analyze']>>): string[] {
  return results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => `${node.target.join(' ')} ${node.failureSummary ?? ''}`).join('; ')}`,
  );
}

/** Axe's WCAG 2.2 AA checks on the screen shown, and in the high-contrast theme its 7:1 contrast rule as well. */
async function expectAccessibleInBothThemes(page: Page, screen: string): Promise<void> {
  const standard = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(violationsOf(standard), `${screen}, standard theme`).toEqual([]);
  await toggleDisplayChoice(page, 'theme-high-contrast');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'highContrast');
  await page.screenshot({ path: join(screenshotDir, `${screen}-high-contrast.png`) });
  const highContrast = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .withRules(['color-contrast-enhanced'])
    .analyze();
  expect(violationsOf(highContrast), `${screen}, high-contrast theme`).toEqual([]);
  const enhanced = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze();
  expect(violationsOf(enhanced), `${screen}, high-contrast theme at 7:1`).toEqual([]);
  expect(
    enhanced.passes.some((rule) => rule.id === 'color-contrast-enhanced'),
    `${screen}: axe measured the 7:1 rule`,
  ).toBe(true);
  await toggleDisplayChoice(page, 'theme-high-contrast');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'standard');
}

/** The contrast of two computed colours (rgb()/rgba() strings), by WCAG's relative luminance. */
function contrastRatio(first: string, second: string): number {
  const luminance = (color: string): number => {
    const [red, green, blue] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => {
      const value = Number(channel) / 255;
      return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (red ?? 0) + 0.7152 * (green ?? 0) + 0.0722 * (blue ?? 0);
  };
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (lighter! + 0.05) / (darker! + 0.05);
}

// Six screens, each measured at three sizes and checked by axe in two themes, on a machine that may be busy.
test.describe.configure({ timeout: 600_000 });

test('text sizes, themes, focus and motion on the resident screens', async ({ page, hub, kiosk }) => {
  mkdirSync(screenshotDir, { recursive: true });
  const resident = demoResidents[0]!;
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
  await sendApprovedLetter(hub.consoleFile, family.contact.contact_id, `${vietnamese}\n\n${chinese}`);
  await signIn(page, kiosk, resident);
  await expect(page.getByTestId('tile-mail')).toContainText(/new/, { timeout: 20_000 });

  // Less motion: off by default here, a pressed button when chosen, on <html> for the styles.
  await expectDisplayChoice(page, 'reduced-motion', false);
  await toggleDisplayChoice(page, 'reduced-motion');
  await expectDisplayChoice(page, 'reduced-motion', true);
  await expect(page.locator('html')).toHaveAttribute('data-motion', 'reduced');

  // Focus: a ring at least 4 px thick, at least 3:1 against the paper it is drawn on, in both themes.
  for (const theme of ['standard', 'highContrast'] as const) {
    if (theme === 'highContrast') await toggleDisplayChoice(page, 'theme-high-contrast');
    await page.getByTestId('tile-mail').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await page.getByTestId('tile-mail').evaluate((tile) => {
      const style = getComputedStyle(tile);
      return {
        matches: tile.matches(':focus-visible'),
        width: parseFloat(style.outlineWidth),
        color: style.outlineColor,
        paper: getComputedStyle(document.body).backgroundColor,
      };
    });
    expect(ring.matches, theme).toBe(true);
    expect(ring.width, theme).toBeGreaterThanOrEqual(4);
    const paper = ring.paper === 'rgba(0, 0, 0, 0)' ? await page.locator('html').evaluate((html) => getComputedStyle(html).backgroundColor) : ring.paper;
    expect(contrastRatio(ring.color, paper), `${theme}: ring ${ring.color} on ${paper}`).toBeGreaterThanOrEqual(theme === 'highContrast' ? 7 : 3);
    await page.screenshot({ path: join(screenshotDir, `focus-${theme}.png`) });
  }
  await toggleDisplayChoice(page, 'theme-high-contrast');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'standard');

  await expectTextSizesGrow(page, 'home', '.tile__fact', '.tile');
  await expectAccessibleInBothThemes(page, 'home');

  await page.getByTestId('tile-mail').click();
  await expect(page.getByTestId('conversation').first()).toBeVisible();
  await expectTextSizesGrow(page, 'inbox', '.conversation-row__preview', '.conversation-row');
  await expectAccessibleInBothThemes(page, 'inbox');

  await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
  await expect(page.getByTestId('letter').filter({ hasText: vietnamese })).toBeVisible();
  await expectTextSizesGrow(page, 'conversation', '.message-text', '.letter button');
  await expectAccessibleInBothThemes(page, 'conversation');
  await page.getByTestId('mail-home').click();

  await page.getByTestId('tile-stamps').click();
  await expect(page.getByTestId('stamp-book').first()).toBeVisible();
  await expectAccessibleInBothThemes(page, 'stamps');
  await page.getByTestId('stamps-home').click();

  await page.getByTestId('tile-money').click();
  await expect(page.getByTestId('money-balance')).toBeVisible();
  await expectAccessibleInBothThemes(page, 'money');
  await page.getByTestId('money-home').click();

  // The choices last the session: still high contrast and less motion on the next screen; the sign-out resets them.
  await toggleDisplayChoice(page, 'theme-high-contrast');
  await page.getByTestId('tile-visits').click();
  await expect(page.locator('[data-screen="visits"]')).toBeVisible();
  await expectDisplayChoice(page, 'theme-high-contrast', true);
  await expectDisplayChoice(page, 'reduced-motion', true);
  await toggleDisplayChoice(page, 'theme-high-contrast');
  await expectAccessibleInBothThemes(page, 'visits');
});

test.describe('a system that asks for less motion', () => {
  test.use({ reducedMotion: 'reduce' });
  test('starts with less motion chosen', async ({ page, kiosk }) => {
    await page.goto(kiosk.url);
    await expect(page.locator('[data-screen="attract"]')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-motion', 'reduced');
  });
});

test('a right-to-left page mirrors, keeps mixed-direction words in order, and says when writing cannot be shown', async ({ page, hub, kiosk }) => {
  mkdirSync(screenshotDir, { recursive: true });
  const resident = demoResidents[0]!;
  const family = hub.families.find((candidate) => candidate.resident.badge === resident.badge)!;
  const mixedLetter = await sendApprovedLetter(
    hub.consoleFile,
    family.contact.contact_id,
    `${arabicWithEnglishName}\n\nSee you Sunday!\n\n${vietnamese}\n${chinese}`,
  );
  const undrawableLetter = await sendApprovedLetter(hub.consoleFile, family.contact.contact_id, `Nag Mundari: ${undrawableScript}`);
  await hubConsole(
    hub.consoleFile,
    'schedule-visit',
    '--resident',
    resident.badge.replace(/^R/, ''),
    '--visitor',
    'ليلى Layla Haddad',
    '--kind',
    'onSite',
    '--starts',
    '2030-06-08T09:30Z',
    '--minutes',
    '60',
  );
  await signIn(page, kiosk, resident);
  await expect(page.getByTestId('tile-mail')).toContainText(/new/, { timeout: 20_000 });
  // Until an Arabic locale sets it from its direction, the page is turned the way the app will turn it.
  await page.evaluate(() => {
    document.documentElement.dir = 'rtl';
  });

  // Mirrored: the title starts at the right, the tiles read from the right.
  const title = await page.locator('.frame__title').boundingBox();
  const viewport = page.viewportSize()!;
  expect(title!.x + title!.width).toBeGreaterThan(viewport.width * 0.6);
  const tile = page.getByTestId('tile-mail');
  expect(await tile.evaluate((node) => [getComputedStyle(node).direction, getComputedStyle(node).textAlign])).toEqual(['rtl', 'start']);
  await page.screenshot({ path: join(screenshotDir, 'rtl-home.png') });

  await tile.click();
  await page.getByTestId('conversation').filter({ hasText: family.contact.display_name }).click();
  const mixed = page.locator(`[data-testid="letter"][data-message-id="${mixedLetter}"] .message-text`);
  await expect(mixed).toBeVisible();
  await expect(mixed).toHaveAttribute('dir', 'auto');
  await expect(page.locator(`[data-testid="letter"][data-message-id="${mixedLetter}"] [data-testid="unshown-writing"]`)).toHaveCount(0);
  // In the Arabic sentence the English name keeps its order (Marcus left of Lee) and sits left of the Arabic word that
  // comes before it in reading order; the number 42 reads left to right.
  const positions = await mixed.evaluate(
    (paragraph, words) => {
      const text = paragraph.firstChild!;
      const content = text.textContent ?? '';
      const xOf = (word: string): number => {
        const range = document.createRange();
        const start = content.indexOf(word);
        range.setStart(text, start);
        range.setEnd(text, start + word.length);
        return range.getBoundingClientRect().left;
      };
      return Object.fromEntries(words.map((word) => [word, xOf(word)]));
    },
    ['مرحبا', 'Marcus', 'Lee', '4', '2'],
  );
  expect(positions['Marcus']!).toBeLessThan(positions['Lee']!);
  expect(positions['Lee']!).toBeLessThan(positions['مرحبا']!);
  expect(positions['4']!).toBeLessThan(positions['2']!);
  await mixed.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshotDir, 'rtl-conversation.png') });

  // A script no installed font draws: a note in words above the letter, and the letter itself still there.
  const undrawable = page.locator(`[data-testid="letter"][data-message-id="${undrawableLetter}"]`);
  await undrawable.scrollIntoViewIfNeeded();
  await expect(undrawable.getByTestId('unshown-writing')).toHaveText(
    'Some of this writing cannot be shown on this screen. Those parts look like boxes. Ask staff to help you read it.',
  );
  await expect(undrawable.locator('.message-text')).toContainText(undrawableScript);
  await page.screenshot({ path: join(screenshotDir, 'rtl-undrawable-letter.png') });
  await page.getByTestId('mail-home').click();

  // A visitor's name that mixes Arabic and English is isolated from the sentence around it.
  await page.getByTestId('tile-visits').click();
  const visitor = page.locator('.visit__visitor bdi').filter({ hasText: 'Layla' });
  await expect(visitor).toBeVisible();
  expect(await visitor.evaluate((node) => getComputedStyle(node).unicodeBidi)).toBe('isolate');
  await page.screenshot({ path: join(screenshotDir, 'rtl-visits.png') });
});
