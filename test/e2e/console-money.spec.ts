// The money office at the console (issue 17): find a person, take a deposit confirmed with their name and the new
// balance, see it in the statement, download the statement as CSV (parsed: the running balance adds up) and as PDF;
// amounts the money rule refuses (−5, 1e12) are refused in words and change nothing. Checked by axe and photographed
// at both desk sizes.
import AxeBuilder from '@axe-core/playwright';
import type { Download, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect, screenshotAtDeskSizes, test } from './support/console';

async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** RFC 4180: quoted cells with doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] ?? '';
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"' && cell === '') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += character;
  }
  return rows;
}

const cents = (text: string): number => (text === '' ? 0 : Math.round(Number(text) * 100));

async function downloaded(page: Page, link: string): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  const path = await download.path();
  return { download, bytes: await readFile(path) };
}

test('a deposit reaches the statement, its CSV adds up and its PDF names the person; -5 and 1e12 are refused, changing nothing', async ({
  page,
  consoleHub,
}) => {
  await consoleHub.signInAs(page, 'money');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Money' }).click();
  await expect(page.getByRole('heading', { name: 'Money', level: 1 })).toBeVisible();
  await page.getByLabel('Name or booking number').fill('100001');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('button', { name: 'Marcus Lee (100001)' }).click();
  const balances = page.getByTestId('money-balances');
  await expect(balances).toHaveText('Money: $25.00 · Stamps: 5 stamps');

  // Refused by the one money rule, in its words, before anything is sent; the balance stays.
  for (const [typed, words] of [
    ['-5', 'A deposit is money coming in, so more than $0.00; "-5" is negative. To take money back, correct the entry it undoes.'],
    ['1e12', '"1e12" is not an amount in dollars such as 25.00.'],
    ['1.005', 'An amount has at most two decimals (cents); "1.005" has 3.'],
  ] as const) {
    await page.getByLabel('Amount in dollars').fill(typed);
    await page.getByRole('button', { name: 'Check the deposit' }).click();
    await expect(page.getByRole('alert')).toHaveText(words);
  }
  // The hub applies the same rule to what reaches it directly, in the same words, and changes nothing.
  const residentId = (await page.locator('[data-resident-id]').getAttribute('data-resident-id')) ?? '';
  const direct = await page.evaluate(async (id) => {
    const session = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
    const answers: { status: number; message: string }[] = [];
    for (const amount of ['-5', '1e12', '1000000000000', '0']) {
      const response = await fetch('/console/api/money/deposits', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ residentId: id, amount, source: 'online', reference: '' }),
      });
      const body = (await response.json()) as { error?: { message: string } };
      answers.push({ status: response.status, message: body.error?.message ?? '' });
    }
    const account = (await (await fetch(`/console/api/money/people/${id}`)).json()) as { person: { balanceCents: number } };
    return { answers, balanceCents: account.person.balanceCents };
  }, residentId);
  expect(direct.answers).toEqual([
    { status: 400, message: 'A deposit is money coming in, so more than $0.00; "-5" is negative. To take money back, correct the entry it undoes.' },
    { status: 400, message: '"1e12" is not an amount in dollars such as 25.00.' },
    { status: 400, message: 'One deposit may be at most $1000.00.' },
    { status: 400, message: 'A deposit is money coming in, so more than $0.00; "0" is nothing.' },
  ]);
  expect(direct.balanceCents).toBe(2500);
  await expect(balances).toHaveText('Money: $25.00 · Stamps: 5 stamps');

  await page.getByLabel('Amount in dollars').fill('40.00');
  await page.getByLabel('Where it came from').selectOption('moneyOrder');
  await page.getByLabel('Receipt or transfer number').fill('MO 88231');
  await page.getByRole('button', { name: 'Check the deposit' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Confirm this deposit' });
  await expect(confirmation).toContainText('Deposit $40.00 to Marcus Lee (100001)? Their balance will be $65.00.');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'money-confirm');
  await confirmation.getByRole('button', { name: 'Deposit' }).click();
  await expect(page.getByRole('status')).toHaveText('Deposited $40.00 for Marcus Lee. Balance: $65.00.');
  await expect(balances).toHaveText('Money: $65.00 · Stamps: 5 stamps');

  const statement = page.getByTestId('statement');
  await expect(statement.getByTestId('statement-line').filter({ hasText: 'Deposit by money order' })).toContainText('MO 88231');
  await expect(statement.getByTestId('statement-closing')).toHaveText('$65.00');
  await expectNoAxeViolations(page);
  await screenshotAtDeskSizes(page, 'money-statement');

  const csv = await downloaded(page, 'Download CSV');
  expect(csv.download.suggestedFilename()).toMatch(/^statement-100001-money-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = parseCsv(csv.bytes.toString('utf8'));
  expect(rows[0]).toEqual(['Date', 'What', 'Reference', 'In', 'Out', 'Balance']);
  expect(rows.some((cells) => cells[1] === 'Deposit by money order' && cells[2] === 'MO 88231' && cells[3] === '40.00')).toBe(true);
  let balance = cents(rows[1]?.[5] ?? '');
  for (const cells of rows.slice(2, -2)) {
    balance += cents(cells[3] ?? '') - cents(cells[4] ?? '');
    expect(cents(cells[5] ?? '')).toBe(balance);
  }
  expect(rows.at(-1)?.[1]).toBe('Closing balance');
  expect(cents(rows.at(-1)?.[5] ?? '')).toBe(6500);
  expect(balance).toBe(6500);

  const pdf = await downloaded(page, 'Download PDF');
  expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.bytes.toString('latin1')).toContain('Marcus Lee');

  // Another site's person is not found from here, for reading or for a deposit.
  const elsewhere = await page.evaluate(async (otherResident) => {
    const session = (await (await fetch('/console/api/session')).json()) as { csrfToken: string };
    const read = await fetch(`/console/api/money/people/${otherResident}`);
    const paid = await fetch('/console/api/money/deposits', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ residentId: otherResident, amount: '5.00', source: 'online', reference: '' }),
    });
    const codes = [];
    for (const response of [read, paid]) codes.push({ status: response.status, code: ((await response.json()) as { error?: { code: string } }).error?.code });
    return codes;
  }, consoleHub.otherSite.residentId);
  expect(elsewhere).toEqual([
    { status: 404, code: 'notAtYourSite' },
    { status: 404, code: 'notAtYourSite' },
  ]);

  // The printed page is the statement alone.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Check the deposit' })).toBeHidden();
  await expect(statement.getByTestId('statement-closing')).toBeVisible();
  await page.screenshot({ path: 'test-results/console/money-statement-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
});
