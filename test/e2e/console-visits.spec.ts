// The visits office at the console (issue 17): a room added with its weekly hours, a visit scheduled in it, a clash in
// the same room refused in words naming it, and a cancellation whose reason shows on the day view. Checked by axe and
// photographed at both desk sizes.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A Monday well ahead, so the room (open Monday to Friday) is open and nothing else is booked. */
const monday = '2030-06-03';

async function scheduleFor(page: Page, booking: string, name: string, time: string): Promise<void> {
  await page.getByRole('search', { name: 'Find the person visited' }).getByLabel('Name or booking number').fill(booking);
  await page.getByRole('search', { name: 'Find the person visited' }).getByRole('button', { name: 'Find' }).click();
  await page.getByRole('button', { name: `${name} (${booking})` }).click();
  const form = page.getByRole('form', { name: `Visit for ${name}` });
  await form.getByLabel('Date').fill(monday);
  await form.getByLabel('Start time').fill(time);
  await form.getByLabel('Minutes').fill('60');
  await form.getByRole('button', { name: 'Schedule' }).click();
}

test('a room with hours, a visit scheduled in it, a clash refused in words, and a cancellation with its reason', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'visits');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Visits' }).click();
  await expect(page.getByRole('heading', { name: 'Visits', level: 1 })).toBeVisible();

  const roomForm = page.getByRole('form', { name: 'New visiting room' });
  await roomForm.getByLabel('Room name').fill('Room 1');
  await roomForm.getByLabel('Weekly hours').fill('mon-fri 09:00-12:00 13:00-17:00');
  await roomForm.getByRole('button', { name: 'Add the room' }).click();
  await page.getByLabel('Day', { exact: true }).fill(monday);
  const room = page.getByTestId('room').filter({ hasText: 'Room 1' });
  await expect(room).toContainText('Open: Monday 09:00–12:00, 13:00–17:00');

  await scheduleFor(page, '100001', 'Marcus Lee', '09:30');
  await expect(page.getByRole('status')).toHaveText(`Scheduled ${monday} 09:30–10:30: Marcus Lee with Denise Lee.`);
  await expect(room.getByTestId('console-visit')).toHaveText(/09:30–10:30 Marcus Lee \(100001\) with Denise Lee/);

  // Another resident in the same room at an overlapping time: refused, naming the clash.
  await scheduleFor(page, '100002', 'Ana Díaz', '10:00');
  await expect(page.getByRole('alert')).toHaveText(
    `Room 1 is taken then (Monday ${monday} 10:00–11:00): Marcus Lee with Denise Lee, Monday ${monday} 09:30–10:30 in Room 1.`,
  );
  await expect(room.getByTestId('console-visit')).toHaveCount(1);
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'visits-day');

  await room.getByRole('button', { name: 'Cancel' }).click();
  const cancel = page.getByRole('form', { name: /^Cancel the visit at 09:30–10:30/ });
  await cancel.getByLabel(/^Reason/).fill('The visiting room is closed for repairs this morning.');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'visits-cancel');
  await cancel.getByRole('button', { name: 'Cancel the visit' }).click();
  const cancelled = room.getByTestId('console-visit');
  await expect(cancelled).toHaveAttribute('data-status', 'cancelled');
  await expect(cancelled).toContainText('Cancelled. Reason: The visiting room is closed for repairs this morning.');

  // The room is free again: Ana's visit now fits.
  await scheduleFor(page, '100002', 'Ana Díaz', '10:00');
  await expect(page.getByRole('status')).toHaveText(`Scheduled ${monday} 10:00–11:00: Ana Díaz with Rosa Díaz.`);
  await screenshotAtDeskSizes(page, 'visits-after');

  // The site's time zone: a name the hub does not know is refused in words; a real one is kept and shown.
  const zoneForm = page.getByRole('form', { name: "The site's time zone" });
  await zoneForm.getByLabel('Time zone (such as America/Chicago)').fill('Mars/Olympus');
  await zoneForm.getByRole('button', { name: 'Save the time zone' }).click();
  await expect(zoneForm.getByRole('alert')).toHaveText('"Mars/Olympus" is not a time zone this hub knows; give one such as America/Chicago.');
  await zoneForm.getByLabel('Time zone (such as America/Chicago)').fill('America/Chicago');
  await zoneForm.getByRole('button', { name: 'Save the time zone' }).click();
  await expect(page.getByText('Times are the site’s: America/Chicago.')).toBeVisible();
});
