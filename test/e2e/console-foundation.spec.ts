// The facility console's frame as staff meet it: sign-in (a wrong password answered in words), the first page, the
// navigation holding only the pages of one's role, staff accounts (an admin creates one and hands over a temporary
// password), sign-out; every page checked by axe and photographed at both desk sizes.
import AxeBuilder from '@axe-core/playwright';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: import('@playwright/test').Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('a wrong password is answered in words, then the admin signs in, creates an account and signs out', async ({ page, consoleHub }) => {
  await page.goto(`${consoleHub.url}/console/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'sign-in');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('That username and password do not match. 4 tries left before the account is locked.');

  await consoleHub.signInAs(page, 'admin');
  await expect(page.getByRole('heading', { name: 'Hello, Dana Ortiz' })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'home-admin');

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Staff accounts' }).click();
  await expect(page).toHaveURL(/\/console\/accounts$/);
  await expect(page.getByRole('cell', { name: 'Officer Jean Ruiz' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Officer Lee Park');
  await page.getByLabel('Username').fill('lpark');
  await page.getByLabel('Role').selectOption('visits');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status')).toContainText('Give lpark this temporary password in person');
  await expect(page.getByLabel('Temporary password')).toHaveText(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
  await expect(page.getByRole('cell', { name: 'Officer Lee Park' })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'accounts');

  // A reload keeps the page (the address names it) and the session.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto(`${consoleHub.url}/console/accounts`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('the mailroom sees only its own pages; an admin page by address says it is not their work', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'mailroom');
  const navigation = page.getByRole('navigation', { name: 'Pages' });
  await expect(navigation.getByRole('link', { name: 'Today' })).toBeVisible();
  await expect(navigation.getByRole('link', { name: 'Staff accounts' })).toHaveCount(0);
  await page.goto(`${consoleHub.url}/console/accounts`);
  await expect(page.getByRole('heading', { name: 'Not part of your work' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText("This is not part of your role's work. Ask a supervisor.");
});
