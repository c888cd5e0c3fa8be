// The top bar's choices as a person reaches them (docs/screens.md §16): a site offering two languages shows both as
// buttons; more sit behind the globe button's chooser. Text size, contrast, motion and scanning sit behind "Display".
import { expect, type Locator, type Page } from '@playwright/test';

/** Chooses a language by the name it is shown under (its own name: "Español", "Tiếng Việt"), in the bar or the chooser. */
export async function chooseLanguage(page: Page, name: string): Promise<void> {
  const opener = page.getByTestId('language-opener').filter({ visible: true });
  if ((await opener.count()) > 0) {
    await opener.click();
    const chooser = page.getByTestId('language-chooser');
    await chooser.getByRole('button', { name, exact: true }).click();
    await expect(chooser).toHaveCount(0);
    return;
  }
  await page.locator('.language-switch').getByRole('button', { name, exact: true }).click();
}

/** Chooses a language by its tag (`vi`, `ar`), wherever it is offered. */
export async function chooseLanguageByTag(page: Page, tag: string): Promise<void> {
  const opener = page.getByTestId('language-opener').filter({ visible: true });
  if ((await opener.count()) > 0) {
    await opener.click();
    const chooser = page.getByTestId('language-chooser');
    await chooser.locator(`button[lang="${tag}"]`).click();
    await expect(chooser).toHaveCount(0);
  } else {
    await page.locator(`.language-switch button[lang="${tag}"]`).click();
  }
  await expect(page.locator('html')).toHaveAttribute('lang', tag);
}

/** Opens the display choices and gives the open dialog. */
export async function openDisplayChoices(page: Page): Promise<Locator> {
  await page.getByTestId('display-opener').filter({ visible: true }).click();
  const dialog = page.getByTestId('display-choices');
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function closeDisplayChoices(page: Page): Promise<void> {
  await page.getByTestId('display-choices-done').click();
  await expect(page.getByTestId('display-choices')).toHaveCount(0);
}

/** Opens the display choices, does `act` in them, and closes them again with Done. */
export async function inDisplayChoices(page: Page, act: (dialog: Locator) => Promise<void>): Promise<void> {
  await act(await openDisplayChoices(page));
  await closeDisplayChoices(page);
}

export async function chooseTextSize(page: Page, size: 'normal' | 'larger' | 'largest'): Promise<void> {
  await inDisplayChoices(page, (dialog) => dialog.getByTestId(`text-size-${size}`).click());
  await expect(page.locator('html')).toHaveAttribute('data-text-size', size);
}

/** Presses one of the on/off display choices (`theme-high-contrast`, `reduced-motion`, `switch-scan-toggle`, `captions-toggle`). */
export async function toggleDisplayChoice(
  page: Page,
  choice: 'theme-high-contrast' | 'reduced-motion' | 'switch-scan-toggle' | 'captions-toggle',
): Promise<void> {
  await inDisplayChoices(page, (dialog) => dialog.getByTestId(choice).click());
}

/** Whether an on/off display choice is on, as its pressed state in the dialog says. */
export async function expectDisplayChoice(
  page: Page,
  choice: 'theme-high-contrast' | 'reduced-motion' | 'switch-scan-toggle' | 'captions-toggle',
  on: boolean,
): Promise<void> {
  await inDisplayChoices(page, (dialog) => expect(dialog.getByTestId(choice)).toHaveAttribute('aria-pressed', String(on)));
}
