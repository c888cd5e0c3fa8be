// People at the console: a supervisor finds a person, blocks a contact at their request (the block holds against a
// plain approval), adds a contact, moves the person to another unit, releases them and downloads their letters and
// statement; a mailroom officer approves contacts but cannot release; another site's person is not found by address.
import AxeBuilder from '@axe-core/playwright';
import { addHousingUnit } from '../../hub/services/sites';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: import('@playwright/test').Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('a supervisor blocks a contact, adds one, moves, releases and downloads the release packet', async ({ page, consoleHub }) => {
  await addHousingUnit(consoleHub.hub.running.context, { siteId: consoleHub.hub.siteId, name: 'C' });
  await consoleHub.signInAs(page, 'supervisor');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'People' }).click();
  await page.getByLabel('Name or booking number').fill('marcus');
  const row = page.getByRole('row').filter({ hasText: 'Marcus' });
  await expect(row).toHaveCount(1);
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'people-list');
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Marcus');

  const denise = page.getByRole('row').filter({ hasText: 'Denise Lee' });
  await expect(denise.getByRole('cell', { name: 'Approved', exact: true })).toBeVisible();
  await denise.getByRole('button', { name: 'Block…' }).click();
  await denise.getByLabel('Reason').fill('x'.repeat(10_000));
  await denise.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('a reason is at most 500 characters');
  await expect(denise.getByRole('cell', { name: 'Approved', exact: true })).toBeVisible();
  await denise.getByLabel('Reason').fill('Asked at the window on Monday');
  await denise.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(denise.getByRole('cell', { name: 'Blocked at their request: Asked at the window on Monday' })).toBeVisible();
  await expect(denise.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  await page.getByLabel('Name', { exact: true }).fill('Keisha Lee');
  await page.getByLabel('Relationship').fill('sister');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Keisha Lee' }).getByRole('cell', { name: 'Approved', exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'person');

  await page.getByLabel('Move to').selectOption({ label: 'C' });
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.locator('.facts')).toContainText('C');

  await page.getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('button', { name: 'Yes, release' }).click();
  await expect(page.locator('.facts')).toContainText('Released');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download letters and statement (PDF)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^release-.+\.pdf$/);
  const bytes = await (await file.createReadStream()).toArray();
  expect(
    Buffer.concat(bytes as Buffer[])
      .subarray(0, 5)
      .toString('latin1'),
  ).toBe('%PDF-');
});

test('the mailroom approves contacts but does not release; another site’s person is not found', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'mailroom');
  await page.goto(`${consoleHub.url}/console/people/${consoleHub.otherSite.residentId}`);
  await expect(page.getByRole('alert')).toHaveText('There is nothing with that id at your site.');
  await page.goto(`${consoleHub.url}/console/people`);
  await page.getByRole('row').filter({ hasText: 'Grace' }).getByRole('link').click();
  await expect(page.getByRole('button', { name: 'Release…' })).toHaveCount(0);
  const family = page.getByRole('row').filter({ hasText: 'James Okafor' });
  await family.getByRole('button', { name: 'Unapprove' }).click();
  await expect(family.getByRole('cell', { name: 'Not approved' })).toBeVisible();
  await family.getByRole('button', { name: 'Approve' }).click();
  await expect(family.getByRole('cell', { name: 'Approved', exact: true })).toBeVisible();
});

test('an all-sites admin transfers a person to a unit of another site; a supervisor cannot name another site’s unit', async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'admin');
  await page.goto(`${consoleHub.url}/console/people`);
  await page.getByRole('row').filter({ hasText: 'Grace' }).getByRole('link').click();
  await page.getByLabel('Move to').selectOption({ label: 'North at Lakeside Annex (a transfer)' });
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.locator('.facts')).toContainText('North');
  await expectNoAxeViolations(page);

  // A supervisor of the demo site posting the other site's unit by id: refused as not at their site, nothing moved.
  const supervisor = await page.context().browser()?.newPage();
  if (supervisor === undefined) throw new Error('no browser');
  await consoleHub.signInAs(supervisor, 'supervisor');
  const answer = await supervisor.evaluate(
    async ({ unitId }) => {
      const session = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
      const people = (await (await fetch('/console/api/people?search=marcus')).json()) as { people: { residentId: string }[] };
      const response = await fetch(`/console/api/people/${people.people[0]?.residentId ?? ''}/move`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ housingUnitId: unitId }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    },
    { unitId: consoleHub.otherSite.housingUnitId },
  );
  expect([answer.status, answer.body.error.code]).toEqual([404, 'notAtYourSite']);
});
