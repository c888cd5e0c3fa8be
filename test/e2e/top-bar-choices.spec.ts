// The top bar's two choosers (docs/screens.md §16): a site offering six languages shows one globe button with the
// language in force and one "Display" button, so the bar keeps a single row even at 1024×600 and the largest text; each
// opens a modal chooser that keeps focus inside it, starts on the choice in force, closes with Escape, Done or the
// backdrop, and gives focus back to the button that opened it. A site offering two languages keeps both as buttons.
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoResidents } from '../../scripts/demo-data';
import { chooseLanguage, openDisplayChoices } from './support/display-choices';
import { everyInstalledLanguage, expect, signIn, test } from './support/hub-kiosk';

const screenshotDir = join('test-results', 'screens', 'top-bar');

/**
 * The top bar's height as a share of the window, whether it needs to scroll to show all it holds, and whether the two
 * buttons sit beside the heading (in its rows) rather than on a row of their own under it.
 */
async function topBar(page: Page): Promise<{ share: number; scrolls: boolean; besideHeading: boolean }> {
  return page.locator('.frame__top').evaluate((bar) => {
    const heading = bar.querySelector('.frame__where')!.getBoundingClientRect();
    const buttons = Array.from(bar.querySelectorAll('.display-controls > button')).map((button) => button.getBoundingClientRect());
    return {
      share: bar.getBoundingClientRect().height / window.innerHeight,
      scrolls: bar.scrollHeight > bar.clientHeight + 1,
      besideHeading: buttons.length === 2 && buttons.every((button) => button.top >= heading.top && button.bottom <= heading.bottom),
    };
  });
}

test.describe('a site that offers six languages', () => {
  test.use({ siteLanguages: everyInstalledLanguage() });

  test('the bar holds a globe and Display in one row; the choosers keep focus and give it back', async ({ page, kiosk }) => {
    mkdirSync(screenshotDir, { recursive: true });
    await page.setViewportSize({ width: 1024, height: 600 });
    await signIn(page, kiosk, demoResidents[0]!);
    await expect(page.locator('[data-screen="home"]')).toBeVisible();

    // Largest text on the smallest kiosk: both buttons sit beside the heading, the bar does not scroll, and it takes under
    // a third of the window (six language buttons and eight display buttons took half of it, scrolling, before).
    await page.evaluate(() => {
      document.documentElement.dataset['textSize'] = 'largest';
    });
    expect(await topBar(page)).toEqual({ share: expect.any(Number), scrolls: false, besideHeading: true });
    expect((await topBar(page)).share).toBeLessThan(1 / 3);
    await expect(page.locator('.frame__top .language-switch')).toHaveCount(0);
    await expect(page.getByTestId('language-opener')).toHaveAccessibleName('Language: English');
    await page.screenshot({ path: join(screenshotDir, 'home-1024x600-largest.png') });

    // The language chooser: focus on the language in force; Tab wraps inside; Escape closes and focus is back on the globe.
    const opener = page.getByTestId('language-opener');
    await opener.click();
    const chooser = page.getByTestId('language-chooser');
    await expect(chooser).toBeVisible();
    await expect(chooser.getByRole('button', { name: 'English', exact: true })).toBeFocused();
    await expect(chooser.getByRole('button')).toHaveCount(7); // six languages and Done
    await page.screenshot({ path: join(screenshotDir, 'language-chooser-1024x600-largest.png') });
    for (let press = 0; press < 7; press += 1) await page.keyboard.press('Tab');
    await expect(chooser.getByRole('button', { name: 'English', exact: true })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(page.getByTestId('language-chooser-done')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(chooser).toHaveCount(0);
    await expect(opener).toBeFocused();

    // Choosing closes the chooser at once and the whole screen follows; the globe names the new language in its own words.
    await chooseLanguage(page, 'Tiếng Việt');
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    await expect(opener).toHaveAccessibleName('Ngôn ngữ: Tiếng Việt');
    await expect(page.getByTestId('display-opener')).toHaveText(/Hiển thị/);

    // A press on the dim backdrop closes it too, and chooses nothing.
    await opener.click();
    await page.mouse.click(5, 595);
    await expect(chooser).toHaveCount(0);
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');

    // Display: a size chosen takes effect behind the open dialog, before Done; Done gives focus back to its button.
    await page.evaluate(() => {
      document.documentElement.dataset['textSize'] = 'normal';
    });
    const display = await openDisplayChoices(page);
    await expect(display.getByTestId('text-size-normal')).toBeFocused();
    await display.getByTestId('text-size-largest').click();
    await expect(page.locator('html')).toHaveAttribute('data-text-size', 'largest');
    await expect(display.getByTestId('text-size-largest')).toHaveAttribute('aria-pressed', 'true');
    await display.getByTestId('theme-high-contrast').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'highContrast');
    await page.screenshot({ path: join(screenshotDir, 'display-choices-vi-1024x600-largest.png') });
    await page.getByTestId('display-choices-done').click();
    await expect(display).toHaveCount(0);
    await expect(page.getByTestId('display-opener')).toBeFocused();
    await expect(page.locator('html')).toHaveAttribute('data-text-size', 'largest');
    expect((await topBar(page)).scrolls).toBe(false);
  });
});

test('a site that offers two languages keeps both as buttons in the bar', async ({ page, kiosk }) => {
  await page.goto(kiosk.url);
  await expect(page.locator('[data-screen="attract"]')).toBeVisible();
  await expect(page.getByTestId('language-opener')).toHaveCount(0);
  const buttons = page.locator('.frame__top .language-switch').getByRole('button');
  await expect(buttons).toHaveText(['✓ English', 'Español'].map((name) => new RegExp(name.replace('✓ ', ''))));
  await buttons.filter({ hasText: 'Español' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByTestId('display-opener')).toHaveText(/Pantalla/);
});
