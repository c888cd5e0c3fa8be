// A facility runs a day without the command line: an admin made with `create-admin` signs in to the console, reviews
// a waiting letter, schedules a visit, puts money on an account and sees the kiosk's health — and each of those is on
// the kiosk's screen for the resident, through the real hub, sync and web host.
import type { Page } from '@playwright/test';
import { expect, hubConsole, signIn, test } from './support/hub-kiosk';

/** The next Saturday after today, as the date input takes it (the demo hub's site time zone is the machine's). */
function nextSaturday(): string {
  const day = new Date();
  day.setDate(day.getDate() + ((6 - day.getDay() + 7) % 7 || 7));
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

async function signInToConsole(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('create-admin, sign in, review, schedule, deposit, see the kiosk: each reaches the resident', async ({ page, browser, hub, kiosk }) => {
  test.setTimeout(240_000);
  // The admin, as the README says: the command prints a temporary password once.
  const printed = await hubConsole(hub.consoleFile, 'create-admin', '--username', 'dana', '--name', 'Dana Ortiz');
  const temporary = /Temporary password: (\S+)/.exec(printed)?.[1];
  expect(temporary).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);

  const staff = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await signInToConsole(staff, hub.running.url, 'dana', temporary ?? '');
  await staff.getByLabel('The password you signed in with').fill(temporary ?? '');
  await staff.getByLabel('New password', { exact: true }).fill('riverbend mailroom 2026');
  await staff.getByLabel('New password again').fill('riverbend mailroom 2026');
  await staff.getByRole('button', { name: 'Save my password' }).click();
  await expect(staff.getByRole('heading', { name: 'Hello, Dana Ortiz' })).toBeVisible();
  const pages = staff.getByRole('navigation', { name: 'Pages' });

  // Review: Marcus's mother's waiting letter is approved.
  await pages.getByRole('link', { name: 'Review' }).click();
  await staff.getByTestId('queue-row').filter({ hasText: 'Denise Lee' }).click();
  await expect(staff.getByTestId('letter-body')).toHaveText(/your cousin Dre says hello/);
  await staff.getByRole('button', { name: /^Approve/ }).click();
  await expect(staff.getByTestId('queue-row').filter({ hasText: 'Denise Lee' })).toHaveCount(0);

  // Visits: a room with hours, and Marcus's visit with his mother next Saturday morning.
  await pages.getByRole('link', { name: 'Visits' }).click();
  const roomForm = staff.getByRole('form', { name: 'New visiting room' });
  await roomForm.getByLabel('Room name').fill('Visiting room A');
  await roomForm.getByLabel('Weekly hours').fill('mon-sun 08:00-18:00');
  await roomForm.getByRole('button', { name: 'Add the room' }).click();
  const saturday = nextSaturday();
  const find = staff.getByRole('search', { name: 'Find the person visited' });
  await find.getByLabel('Name or booking number').fill('100001');
  await find.getByRole('button', { name: 'Find' }).click();
  await staff.getByRole('button', { name: 'Marcus Lee (100001)' }).click();
  const visit = staff.getByRole('form', { name: 'Visit for Marcus Lee' });
  await visit.getByLabel('Date').fill(saturday);
  await visit.getByLabel('Start time').fill('10:00');
  await visit.getByLabel('Minutes').fill('30');
  await visit.getByRole('button', { name: 'Schedule' }).click();
  await expect(staff.getByRole('status')).toHaveText(`Scheduled ${saturday} 10:00–10:30: Marcus Lee with Denise Lee.`);

  // Money: $10.00 from the lobby kiosk.
  await pages.getByRole('link', { name: 'Money' }).click();
  await staff.getByLabel('Name or booking number').fill('100001');
  await staff.getByRole('button', { name: 'Find' }).click();
  await staff.getByRole('button', { name: 'Marcus Lee (100001)' }).click();
  await staff.getByLabel('Amount in dollars').fill('10.00');
  await staff.getByLabel('Receipt or transfer number').fill('LOBBY 1207');
  await staff.getByRole('button', { name: 'Check the deposit' }).click();
  await staff.getByRole('dialog', { name: 'Confirm this deposit' }).getByRole('button', { name: 'Deposit' }).click();
  await expect(staff.getByRole('status')).toHaveText('Deposited $10.00 for Marcus Lee. Balance: $35.00.');

  // Devices: the demo kiosk, seen by the hub, with its health.
  await pages.getByRole('link', { name: 'Devices' }).click();
  const kioskRow = staff.locator('table.fleet tbody tr[data-device="Unit B dayroom kiosk 1"]');
  await expect(kioskRow).toBeVisible();
  await expect(kioskRow).toContainText('No problems');

  // At the kiosk, Marcus sees all of it.
  await signIn(page, kiosk);
  await expect(page.getByTestId('tile-mail')).toContainText('2 new messages', { timeout: 30_000 });
  await expect(page.getByTestId('tile-money')).toContainText('$35.00', { timeout: 30_000 });
  await expect(page.getByTestId('tile-visits')).toContainText('10:00', { timeout: 30_000 });
});
