// The fit check: a screen, as it is on the page now, measured at every device size and text size. It fails when the
// page itself scrolls, when a control is outside the window and not inside a region that scrolls to it, when text runs
// out of its box, or when the field being typed in is hidden (under the keyboard or scrolled away). Every combination
// leaves a screenshot in test-results/screens/fit/, for a person to look at.
import { expect, type Page } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The windows Dayroom is laid out for and the smallest that must not break. 1280×800 is both the small wall kiosk and a
 * tablet held landscape: the layout follows the window, never the device kind, so one check covers both.
 */
export const deviceViewports = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '800x1280', width: 800, height: 1280 },
  { name: '1024x600', width: 1024, height: 600 },
] as const;

export const textSizes = ['normal', 'larger', 'largest'] as const;
export type TextSize = (typeof textSizes)[number];

const screenshotDir = join('test-results', 'screens', 'fit');

/** A language the resident screens speak, as its locale file says: its tag, its own name and its direction. */
export interface ScreenLanguage {
  code: string;
  name: string;
  direction: 'ltr' | 'rtl';
}

/**
 * Every language with a file in renderer/locales/, so a language joins the fit check by having its words. A file
 * without its `locale` block yet (the block names the language and its direction) is taken as left to right and named by
 * the retired `language.names` map.
 */
export function screenLanguages(localesDir = join('renderer', 'locales')): ScreenLanguage[] {
  return readdirSync(localesDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const code = basename(file, '.json');
      const words = JSON.parse(readFileSync(join(localesDir, file), 'utf8')) as {
        locale?: { name?: string; direction?: 'ltr' | 'rtl' };
        language?: { names?: Record<string, string> };
      };
      return { code, name: words.locale?.name ?? words.language?.names?.[code] ?? code, direction: words.locale?.direction ?? 'ltr' };
    });
}

/**
 * The languages the fit check measures: each one present, and while none reads right to left, English once more laid
 * out right to left, so the mirrored layout is measured before Arabic's words arrive.
 */
export function fitCheckLanguages(): (ScreenLanguage & { label: string })[] {
  const present = screenLanguages().map((language) => ({ ...language, label: language.code }));
  if (present.some((language) => language.direction === 'rtl')) return present;
  const english = present.find((language) => language.code === 'en');
  return english === undefined ? present : [...present, { ...english, direction: 'rtl', label: 'en-rtl' }];
}

/**
 * What is wrong with the layout as the page shows it now, each as a sentence naming the element; empty when it fits.
 * Runs in the page; kept free of closures over the test so Playwright can send it there.
 */
function layoutProblems(): string[] {
  const problems: string[] = [];
  const describe = (element: Element): string => {
    const testId = element.getAttribute('data-testid');
    const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${element.tagName.toLowerCase()}${testId === null ? '' : ` data-testid="${testId}"`}> "${text}"`;
  };
  const shown = (element: Element): boolean => {
    if (element.closest('[hidden], [aria-hidden="true"]') !== null) return false;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const rect = element.getBoundingClientRect();
    // A visually hidden label (1×1, for screen readers) is not on screen.
    return rect.width > 1 && rect.height > 1;
  };
  const scroller = document.scrollingElement;
  if (scroller !== null && (scroller.scrollHeight > scroller.clientHeight + 1 || scroller.scrollTop !== 0)) {
    problems.push(`the page scrolls (${scroller.scrollHeight}px of content in a ${scroller.clientHeight}px window)`);
  }
  const width = window.innerWidth;
  const height = window.innerHeight;
  /** The nearest ancestor that scrolls vertically and is itself in the window: a control inside it can be scrolled to. */
  const scrollRegionOf = (element: Element): Element | null => {
    for (let parent = element.parentElement; parent !== null; parent = parent.parentElement) {
      const overflowY = getComputedStyle(parent).overflowY;
      if (overflowY === 'auto' || overflowY === 'scroll') {
        const rect = parent.getBoundingClientRect();
        return rect.top >= -1 && rect.bottom <= height + 1 && rect.left >= -1 && rect.right <= width + 1 ? parent : null;
      }
    }
    return null;
  };
  // With a modal dialog open only the dialog can be reached; what is behind it is checked once it closes.
  const modal = Array.from(document.querySelectorAll('[aria-modal="true"]')).find(shown) ?? document;
  const interactive = modal.querySelectorAll('button, input, textarea, select, a[href], [tabindex]:not([tabindex="-1"]), video[controls]');
  for (const element of Array.from(interactive)) {
    if (!shown(element) || element.closest('.on-screen-keyboard') !== null) continue;
    const rect = element.getBoundingClientRect();
    const horizontallyIn = rect.left >= -1 && rect.right <= width + 1;
    const verticallyIn = rect.top >= -1 && rect.bottom <= height + 1;
    if (horizontallyIn && verticallyIn) continue;
    const region = scrollRegionOf(element);
    if (horizontallyIn && region !== null) continue;
    problems.push(
      `${describe(element)} is outside the window (${Math.round(rect.left)},${Math.round(rect.top)} ${Math.round(rect.width)}×${Math.round(rect.height)}) and no region scrolls to it`,
    );
  }
  // The docked keyboard's keys must all be in the window: it never scrolls. (The enrollment forms still show their
  // keyboard inside the content, where the region scrolls to it like any other content.)
  for (const key of Array.from(document.querySelectorAll('.frame__keyboard .hg-button'))) {
    const rect = key.getBoundingClientRect();
    if (rect.left < -1 || rect.right > width + 1 || rect.bottom > height + 1) problems.push(`keyboard key ${describe(key)} is cut off`);
  }
  const textElements = document.querySelectorAll(
    'h1, h2, h3, p, li, dt, dd, label, button, .badge, .conversation-row__name, .conversation-row__preview, .ledger__what, .ledger__amount',
  );
  for (const element of Array.from(textElements)) {
    if (!shown(element) || !(element instanceof HTMLElement)) continue;
    const style = getComputedStyle(element);
    if (style.display === 'inline' || style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
    if (element.scrollWidth > element.clientWidth + 1)
      problems.push(`text runs out of its box: ${describe(element)} (${element.scrollWidth}px in ${element.clientWidth}px)`);
    // A button's words must also fit its height: a key whose label spills over its edge is unreadable however wide it is.
    if (element instanceof HTMLButtonElement && style.overflowY !== 'auto' && element.scrollHeight > element.clientHeight + 2) {
      problems.push(`text runs out of its box: ${describe(element)} (${element.scrollHeight}px tall in ${element.clientHeight}px)`);
    }
  }
  const focused = document.activeElement;
  if (focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement) {
    const rect = focused.getBoundingClientRect();
    const keyboard = document.querySelector('.frame__keyboard');
    if (keyboard !== null && rect.top >= keyboard.getBoundingClientRect().top - 1)
      problems.push(`the focused field ${describe(focused)} is under the keyboard`);
    const region = scrollRegionOf(focused);
    const visibleTop = region === null ? 0 : region.getBoundingClientRect().top;
    const visibleBottom = region === null ? height : region.getBoundingClientRect().bottom;
    // At least two lines' worth of the field must show, so the person sees what they type.
    if (Math.min(rect.bottom, visibleBottom) - Math.max(rect.top, visibleTop) < Math.min(rect.height, 40))
      problems.push(`the focused field ${describe(focused)} is scrolled out of sight`);
  }
  return problems;
}

/** Lays the page out in `direction`, as the app does from the language's locale file. */
async function setDirection(page: Page, direction: 'ltr' | 'rtl'): Promise<void> {
  await page.evaluate((chosen) => {
    document.documentElement.dir = chosen;
  }, direction);
}

/** What is wrong with the layout of the screen on the page now, at its current window and text size; empty when it fits. */
export async function fitProblems(page: Page): Promise<string[]> {
  return page.evaluate(layoutProblems);
}

/** Sets the text size the way the top bar's switch does (the attribute on <html> the styles follow). */
async function setTextSize(page: Page, size: TextSize): Promise<void> {
  await page.evaluate((chosen) => {
    document.documentElement.dataset['textSize'] = chosen;
  }, size);
}

/** Two frames: the layout (and a virtualized list's measuring) has caught up with the new size. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/**
 * Checks the screen on the page at every viewport and text size and saves a screenshot of each. `screen` names it in
 * the report and the file names, `language` the language (its label: `en-rtl` for English laid out right to left);
 * `direction` lays the page out that way first. The page is left at the first viewport and the normal size.
 */
export async function expectScreenFits(page: Page, screen: string, language: string, direction?: 'ltr' | 'rtl'): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const failures: string[] = [];
  if (direction !== undefined) await setDirection(page, direction);
  for (const viewport of deviceViewports) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const size of textSizes) {
      await setTextSize(page, size);
      await settled(page);
      const problems = await page.evaluate(layoutProblems);
      await page.screenshot({ path: join(screenshotDir, `${screen}-${language}-${viewport.name}-${size}.png`) });
      for (const problem of problems) failures.push(`${viewport.name} ${size}: ${problem}`);
    }
  }
  const first = deviceViewports[0];
  await page.setViewportSize({ width: first.width, height: first.height });
  await setTextSize(page, 'normal');
  expect(failures, `${screen} (${language}) does not fit:\n${failures.join('\n')}`).toEqual([]);
}
