// The mailroom at the console: the demo's waiting letters reviewed from the keyboard (A approves, the next letter opens
// by itself), a photo served by the console's own route with its stored type and withheld with a standard reason, a
// watch-list phrase marked in a letter, a rejection with a standard reason that the family is told, a 10,000-character
// reason refused in words with nothing changed, a hostile letter shown exactly as written and run as nothing, and a
// mailroom officer of one site opening another site's letter by id: "There is nothing with that id at your site."
// Every view is checked by axe and photographed at both desk sizes (test-results/console/review-*.png).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { listFamilyNotices, sendFamilyMessage } from '../../hub/services/index';
import { hostileBodies } from '../support/hostile-text';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The letter's words as the page holds them, exactly (Playwright's text matchers fold whitespace). */
async function letterText(page: Page): Promise<string> {
  return page.getByTestId('letter-body').evaluate((element) => element.textContent ?? '');
}

const hostileLetter = hostileBodies.filter((body) => body.length < 500).join('\n');

test('the mailroom reviews the queue from the keyboard: watch words marked, a photo withheld, a standard rejection told to the family, hostile text shown as text', async ({
  page,
  consoleHub,
}) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const hub = consoleHub.hub.running.context;
  const [marcus] = consoleHub.hub.families;
  if (marcus === undefined) throw new Error('the demo has no families');
  // Written after the demo's four letters, so it is the last in the queue.
  const hostile = await sendFamilyMessage(hub, { contactId: marcus.contact.contact_id, body: hostileLetter });

  await consoleHub.signInAs(page, 'mailroom');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Review' }).click();
  await expect(page.getByTestId('queue-counts')).toHaveText('5 letters waiting, 0 flagged');

  // The watch list: a phrase, matched whatever its spacing and case.
  await page.getByRole('navigation', { name: 'Review' }).getByRole('link', { name: 'Watch list' }).click();
  await page.getByTestId('watch-term').fill('Court   DATE');
  await page.getByRole('button', { name: 'Add to the watch list' }).click();
  await expect(page.getByRole('cell', { name: 'Court DATE', exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-watch-list');
  await page.getByRole('navigation', { name: 'Review' }).getByRole('link', { name: 'Queue' }).click();
  await expect(page.getByTestId('queue-counts')).toHaveText('5 letters waiting, 1 flagged');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-queue');

  // The oldest letter first; A approves it and the next one opens by itself.
  await page.getByTestId('queue-row').first().click();
  await expect(page.getByTestId('letter-body')).toHaveText(/your cousin Dre says hello/);
  await page.keyboard.press('a');
  await expect(page.getByTestId('letter-body')).toHaveText(/te mando una foto del bebé/);
  await expect(page.getByTestId('queue-counts')).toHaveText('4 letters waiting, 1 flagged');

  // The photo comes from the console's route, with the type stored when it arrived, never guessed, never run.
  const photo = page.getByTestId('attachment').getByRole('img', { name: 'Photo 1' });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(320);
  const source = await photo.getAttribute('src');
  const served = await page.request.get(`${consoleHub.url}${source ?? ''}`);
  expect(served.status()).toBe(200);
  expect(served.headers()).toMatchObject({
    'content-type': 'image/png',
    'x-content-type-options': 'nosniff',
    'content-disposition': 'inline',
  });
  expect(served.headers()['content-security-policy']).toContain('sandbox');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-letter-photo');

  // Withhold the photo with a standard reason; the letter itself is delivered.
  await page.getByLabel('Withhold this attachment').check();
  await page.getByLabel('Reason for withholding it').selectOption({ label: "Describes the facility's security: its layout, staff or schedules." });
  await page.getByTestId('approve').click();

  // The flagged letter: the watch phrase is marked where it stands.
  await expect(page.getByTestId('letter-body')).toHaveText(/the lawyer called/);
  await expect(page.getByTestId('letter-flagged')).toHaveText('Flagged by the watch list: Court DATE');
  await expect(page.getByTestId('letter-body').locator('mark')).toHaveText(['court date']);
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-letter-flagged');

  // A reason of 10,000 characters is refused in words, and nothing changes.
  await page.getByLabel('Reason (R)').selectOption({ label: 'Write my own reason…' });
  await page.getByLabel('Your reason, as the resident and family will read it').fill('x'.repeat(10_000));
  await page.getByTestId('reject').click();
  await expect(page.getByRole('alert')).toHaveText('A reason is at most 2000 characters; this one has 10000.');
  await expect(page.getByTestId('letter')).toContainText('Waiting for review');
  await expect(page.getByTestId('queue-counts')).toHaveText('3 letters waiting, 1 flagged');

  // Rejected with a standard reason: the family is told those words.
  const standardReason = 'Plans or describes a crime, or an escape.';
  await page.getByLabel('Reason (R)').selectOption({ label: standardReason });
  await page.getByTestId('reject').click();
  await expect(page.getByTestId('letter-body')).toHaveText(/ya pagamos la renta/);
  const grace = consoleHub.hub.families[2];
  if (grace === undefined) throw new Error('the demo has no third family');
  const notices = await listFamilyNotices(hub.database, consoleHub.hub.siteId, grace.contact.contact_id);
  expect(notices).toMatchObject([{ kind: 'notDelivered', reason: standardReason, contactName: 'James Okafor' }]);

  await page.keyboard.press('a');
  // The hostile letter: every character as written, none of it markup, nothing run.
  await expect(page.getByTestId('letter-body')).toContainText('<script>');
  expect(await letterText(page)).toBe(hostile.body);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await screenshotAtDeskSizes(page, 'review-letter-hostile');
  await page.keyboard.press('a');
  await expect(page.getByTestId('queue-counts')).toHaveText('0 letters waiting, 0 flagged');
  await expect(page.getByText('No letter is waiting.')).toBeVisible();

  // Search of reviewed mail finds the rejected letter, with what the family was told.
  await page.getByRole('navigation', { name: 'Review' }).getByRole('link', { name: 'Search mail' }).click();
  await page.getByTestId('search-words').fill('lawyer');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('search-results').getByRole('row')).toHaveCount(2);
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-search');
  await page.getByTestId('search-results').getByRole('button').click();
  await expect(page.getByTestId('family-notice')).toContainText(standardReason);
  expect(dialogs).toEqual([]);
});

test("a mailroom officer of one site opening another site's letter by id is told there is nothing with that id at their site", async ({ page, consoleHub }) => {
  await consoleHub.signInAs(page, 'mailroom');
  const letterId = consoleHub.otherSite.letterId;
  await page.goto(`${consoleHub.url}/console/review/letters/${letterId}`);
  await expect(page.getByRole('alert')).toHaveText('There is nothing with that id at your site.');
  await expect(page.getByText('the annex letter only Lakeside staff may read')).toHaveCount(0);
  const refused = await page.request.get(`${consoleHub.url}/console/api/review/letters/${letterId}`);
  expect(refused.status()).toBe(404);
  expect(await refused.json()).toMatchObject({ error: { code: 'notAtYourSite', message: 'There is nothing with that id at your site.' } });
  await screenshotAtDeskSizes(page, 'review-other-site');

  // The other site's own mailroom reads it.
  await page.context().clearCookies();
  await consoleHub.signInAs(page, 'mailroom-b');
  await page.goto(`${consoleHub.url}/console/review/letters/${letterId}`);
  await expect(page.getByTestId('letter-body')).toHaveText('Paul, the annex letter only Lakeside staff may read.');
});

test("a supervisor keeps the standard reasons; the mailroom pauses a resident's messaging, new letters to them are refused, and the pause is lifted", async ({
  page,
  consoleHub,
}) => {
  const [marcus] = consoleHub.hub.families;
  if (marcus === undefined) throw new Error('the demo has no families');
  await consoleHub.signInAs(page, 'supervisor');
  await page.goto(`${consoleHub.url}/console/review/reasons`);
  await page.getByLabel('New reason').fill('Mentions a court case in progress.');
  await page.getByRole('button', { name: 'Add reason' }).click();
  await expect(page.getByText('Mentions a court case in progress.')).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-reasons');

  await page.context().clearCookies();
  await consoleHub.signInAs(page, 'mailroom');
  await page.goto(`${consoleHub.url}/console/review/pauses`);
  await page.getByRole('combobox', { name: 'Resident', exact: true }).selectOption({ value: marcus.contact.resident_id });
  await page.getByLabel('Paused until').fill(new Date(Date.now() + 10 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10));
  await page.getByLabel('Reason (the resident reads it)').fill('Threats in letters.');
  await page.getByRole('button', { name: 'Pause messaging' }).click();
  await expect(page.getByRole('cell', { name: 'Paused by Officer Jean Ruiz' })).toBeVisible();
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'review-pauses');
  await expect(sendFamilyMessage(consoleHub.hub.running.context, { contactId: marcus.contact.contact_id, body: 'Are you there?' })).rejects.toThrow(
    /cannot receive letters until/,
  );

  await page.getByRole('button', { name: 'Lift now' }).click();
  await expect(page.getByRole('cell', { name: /^Lifted by Officer Jean Ruiz/ })).toBeVisible();
  await sendFamilyMessage(consoleHub.hub.running.context, { contactId: marcus.contact.contact_id, body: 'Are you there?' });
});
