// The money office at the hub (issue 17): deposits with a source and a reference under the one money rule, a
// statement between two dates whose running balance and totals add up (and its CSV and PDF), price books changed only
// by a new version, and corrections as reversing entries — on PGlite and on PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountStatement,
  addStampPriceBookVersion,
  auditLedgers,
  deposit,
  getSiteRules,
  hubContext,
  HubInputError,
  listLedgerEntries,
  listStampPriceBooks,
  reverseLedgerEntry,
  setSiteTimeZone,
  statementCsv,
  statementPdf,
  updateSiteRules,
  type HubContext,
} from '../../../hub/services/index';
import { buyStampBook } from '../../../hub/services/ledgers';
import { lockActiveResident } from '../../../hub/services/residents';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';
import { seedFacility, TestClock, testPinCost, type Facility } from './fixture';

useHubDatabases();

const hour = 3_600_000;
const day = 24 * hour;

/** RFC 4180 as a strict reader takes it: quoted cells with doubled quotes, CRLF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let index = 0;
  let quoted = false;
  while (index < text.length) {
    const character = text[index] ?? '';
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 2;
        continue;
      }
      if (character === '"') quoted = false;
      else cell += character;
      index += 1;
      continue;
    }
    if (character === '"' && cell === '') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += character;
    index += 1;
  }
  expect(row, 'the file ends with CRLF').toEqual([]);
  return rows;
}

const cents = (text: string): number => (text === '' ? 0 : Math.round(Number(text) * 100));

async function refusal(promise: Promise<unknown>): Promise<HubInputError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubInputError);
  return error as HubInputError;
}

describe.each(hubBackends)('the money office (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  let clock: TestClock;
  let hub: HubContext;
  let facility: Facility;

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
    clock = new TestClock();
    hub = hubContext(testDatabase.database, { now: clock.now, pinCost: testPinCost });
    facility = await seedFacility(hub);
    await setSiteTimeZone(hub, { siteId: facility.siteId, timeZone: 'America/Chicago' });
  });
  afterEach(async () => testDatabase.dispose());

  it('takes a deposit with its source, reference and who recorded it; refuses bad amounts and references in words, changing nothing', async () => {
    const ana = facility.ana.resident_id;
    for (const amountCents of [-500, 0, 1e12, 0.5, Number.NaN]) {
      const error = await refusal(deposit(hub, { residentId: ana, amountCents, source: 'online', reference: 'R-1' }));
      expect(error.message).toMatch(/^(A deposit is a positive whole number of cents\.|One deposit may be at most \$1000\.00\.)$/);
    }
    expect((await refusal(deposit(hub, { residentId: ana, amountCents: 100, source: 'online', reference: 'x'.repeat(101) }))).message).toBe(
      'A reference (the receipt or transfer number) is at most 100 characters; this one has 101.',
    );
    expect((await refusal(deposit(hub, { residentId: ana, amountCents: 100, source: 'online', reference: 'MO\u0007 1' }))).problem).toBe('invalid');
    expect(await listLedgerEntries(hub.database, ana)).toEqual([]);

    const after = await deposit(hub, { residentId: ana, amountCents: 2550, source: 'moneyOrder', reference: ' MO 88231 ', recordedBy: 'Pat Money' });
    expect(after.debit_balance_cents).toBe(2550);
    const [row] = await hub.database.query<{ reference: string; recorded_by: string }>(
      'SELECT reference, recorded_by FROM debit_ledger WHERE resident_id = $1',
      [ana],
    );
    expect(row).toEqual({ reference: 'moneyOrder MO 88231', recorded_by: 'Pat Money' });
  });

  it('gives a statement between two dates of the site calendar whose running balance and totals add up, as CSV and PDF too', async () => {
    const ana = facility.ana.resident_id;
    // testEpoch is Monday 2025-03-03 14:00 UTC = 08:00 in Chicago.
    await deposit(hub, { residentId: ana, amountCents: 1000, source: 'online', reference: 'before the period' });
    clock.advance(day);
    await deposit(hub, { residentId: ana, amountCents: 4000, source: 'moneyOrder', reference: '=HYPERLINK("http://x")', recordedBy: 'Pat Money' });
    clock.advance(hour);
    await buyBook(ana, 10);
    clock.advance(hour);
    await deposit(hub, { residentId: ana, amountCents: 725, source: 'lobbyKiosk', reference: 'receipt, "lobby" 7' });
    clock.advance(5 * day);
    await deposit(hub, { residentId: ana, amountCents: 100, source: 'online', reference: 'after the period' });

    const statement = await accountStatement(hub.database, { residentId: ana, ledger: 'debit', fromDate: '2025-03-04', toDate: '2025-03-05' });
    expect(statement).toMatchObject({ residentName: 'Ana Diaz', siteName: 'Test County Jail', timeZone: 'America/Chicago', openingBalance: 1000 });
    expect(statement.lines.map((line) => [line.what, line.amount, line.balance])).toEqual([
      ['Deposit by money order', 4000, 5000],
      ['Stamps bought', -450, 4550],
      ['Deposit at the lobby kiosk', 725, 5275],
    ]);
    expect(statement.lines[0]?.recordedBy).toBe('Pat Money');
    expect(statement.openingBalance + statement.totalIn - statement.totalOut).toBe(statement.closingBalance);
    expect(statement.closingBalance).toBe(5275);

    const rows = parseCsv(statementCsv(statement));
    expect(rows[0]).toEqual(['Date', 'What', 'Reference', 'In', 'Out', 'Balance']);
    expect(rows[1]).toEqual(['2025-03-04', 'Opening balance', '', '', '', '10.00']);
    // A reference a spreadsheet would run as a formula is kept as text; quotes and commas survive the round trip.
    expect(rows.slice(2, 5).map((cells) => cells[2])).toEqual(['\'=HYPERLINK("http://x")', expect.any(String), 'receipt, "lobby" 7']);
    let balance = cents(rows[1]?.[5] ?? '');
    for (const cells of rows.slice(2, -2)) {
      balance += cents(cells[3] ?? '') - cents(cells[4] ?? '');
      expect(cents(cells[5] ?? ''), cells.join('|')).toBe(balance);
    }
    const totals = rows.at(-2) ?? [];
    const closing = rows.at(-1) ?? [];
    expect(totals[1]).toBe('Totals');
    expect(closing[1]).toBe('Closing balance');
    expect(cents(rows[1]?.[5] ?? '') + cents(totals[3] ?? '') - cents(totals[4] ?? '')).toBe(cents(closing[5] ?? ''));
    expect(cents(closing[5] ?? '')).toBe(balance);
    for (const cells of rows) for (const cell of cells) expect(cell, 'no cell a spreadsheet runs').not.toMatch(/^[=+\-@]/);

    const pdf = await statementPdf(statement);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('Ana Diaz');

    await expect(accountStatement(hub.database, { residentId: ana, ledger: 'debit', fromDate: '2025-03-05', toDate: '2025-03-04' })).rejects.toThrow(
      'The period ends (2025-03-04) before it starts (2025-03-05).',
    );
    await expect(accountStatement(hub.database, { residentId: ana, ledger: 'debit', fromDate: '2025-02-30', toDate: '2025-03-04' })).rejects.toThrow(
      '"2025-02-30" is not a date such as 2025-06-01.',
    );
  });

  it('corrects an entry only by a reversing entry with a reason, once, and never below zero', async () => {
    const ana = facility.ana.resident_id;
    await deposit(hub, { residentId: ana, amountCents: 3000, source: 'online', reference: 'T-1' });
    clock.advance(hour);
    await deposit(hub, { residentId: ana, amountCents: 500, source: 'online', reference: 'T-2' });
    clock.advance(hour);
    const [wrong, right] = await hub.database.query<{ entry_id: string }>('SELECT entry_id FROM debit_ledger WHERE resident_id = $1 ORDER BY reference', [ana]);
    if (wrong === undefined || right === undefined) throw new Error('two entries expected');

    expect((await refusal(reverseLedgerEntry(hub, { ledger: 'debit', entryId: wrong.entry_id, reason: '  ', recordedBy: 'Pat Money' }))).message).toBe(
      'A correction needs a reason, in words: what was wrong with the entry.',
    );
    const { resident, correctionAmount } = await reverseLedgerEntry(hub, {
      ledger: 'debit',
      entryId: wrong.entry_id,
      reason: 'Entered for the wrong person; belongs to Ben Okafor.',
      recordedBy: 'Pat Money',
    });
    expect(correctionAmount).toBe(-3000);
    expect(resident.debit_balance_cents).toBe(500);
    expect(await auditLedgers(hub.database, ana)).toMatchObject({ balanced: true, debitBalanceCents: 500 });
    // The original stays, untouched; the correction names it.
    const entries = await hub.database.query<{ amount: number; kind: string; reverses_entry_id: string | null; reason: string | null }>(
      'SELECT amount, kind, reverses_entry_id, reason FROM debit_ledger WHERE resident_id = $1 ORDER BY created_at, entry_id',
      [ana],
    );
    expect(entries).toEqual([
      { amount: 3000, kind: 'deposit', reverses_entry_id: null, reason: null },
      { amount: 500, kind: 'deposit', reverses_entry_id: null, reason: null },
      { amount: -3000, kind: 'correction', reverses_entry_id: wrong.entry_id, reason: 'Entered for the wrong person; belongs to Ben Okafor.' },
    ]);
    expect((await refusal(reverseLedgerEntry(hub, { ledger: 'debit', entryId: wrong.entry_id, reason: 'again', recordedBy: 'Pat Money' }))).message).toMatch(
      /^This entry was already reversed/,
    );
    await expect(hub.database.query('UPDATE debit_ledger SET amount = 1 WHERE resident_id = $1', [ana])).rejects.toThrow(/append-only/);

    // Money already spent cannot be taken back: the balance would go below zero.
    await buyBook(ana, 5);
    const spent = await refusal(reverseLedgerEntry(hub, { ledger: 'debit', entryId: right.entry_id, reason: 'typo', recordedBy: 'Pat Money' }));
    expect(spent.message).toBe('Reversing this $5.00 deposit would leave Ana Diaz with -$2.50: only $2.50 is left. Nothing was changed.');
    expect(await auditLedgers(hub.database, ana)).toMatchObject({ balanced: true, debitBalanceCents: 250 });
  });

  it('changes stamp prices only by a new price book version; the old one stays for the purchases that paid it', async () => {
    const ana = facility.ana.resident_id;
    await deposit(hub, { residentId: ana, amountCents: 5000, source: 'online' });
    await buyBook(ana, 10);
    const next = await addStampPriceBookVersion(hub, {
      siteId: facility.siteId,
      books: [
        { stamps: 10, priceCents: 500 },
        { stamps: 5, priceCents: 275 },
      ],
      createdBy: 'Pat Money',
      note: 'Postage went up.',
    });
    expect(next).toMatchObject({ version: 2, current: true, createdBy: 'Pat Money', purchases: 0 });
    expect((await getSiteRules(hub.database, facility.siteId)).stampBooks).toEqual([
      { stamps: 5, priceCents: 275 },
      { stamps: 10, priceCents: 500 },
    ]);
    await buyBook(ana, 10);
    const books = await listStampPriceBooks(hub.database, facility.siteId);
    expect(books.map((book) => [book.version, book.current, book.purchases, book.books.length])).toEqual([
      [2, true, 1, 2],
      [1, false, 1, 3],
    ]);
    expect((await auditLedgers(hub.database, ana)).debitBalanceCents).toBe(5000 - 450 - 500);
    expect((await refusal(addStampPriceBookVersion(hub, { siteId: facility.siteId, books: next.books, createdBy: 'Pat Money' }))).message).toBe(
      'These are the books and prices already in force: nothing to change.',
    );
    expect(
      (await refusal(addStampPriceBookVersion(hub, { siteId: facility.siteId, books: [{ stamps: 5, priceCents: 0 }], createdBy: 'Pat Money' }))).problem,
    ).toBe('invalid');
    await expect(hub.database.query('DELETE FROM stamp_price_book_books WHERE site_id = $1', [facility.siteId])).rejects.toThrow(/append-only/);
    // The old way of changing rules appends a version too, and only when the books change.
    await updateSiteRules(hub, { siteId: facility.siteId, rules: { charactersPerStamp: 3000 } });
    expect(await listStampPriceBooks(hub.database, facility.siteId)).toHaveLength(2);
    await updateSiteRules(hub, { siteId: facility.siteId, rules: { stampBooks: [{ stamps: 20, priceCents: 900 }] } });
    expect((await listStampPriceBooks(hub.database, facility.siteId))[0]).toMatchObject({ version: 3, books: [{ stamps: 20, priceCents: 900 }] });
  });

  /** A book bought as a device's push buys it (the device row made first: inside a transaction only `tx` may be used). */
  async function buyBook(residentId: string, bookSize: number): Promise<void> {
    const device = await firstDevice();
    const outcome = await hub.database.transaction(async (tx) =>
      buyStampBook(tx, await lockActiveResident(tx, residentId), device, { residentId, bookSize, requestId: crypto.randomUUID() }, clock.now()),
    );
    expect(outcome).toMatchObject({ status: 'applied' });
  }

  /** A device row for purchases to name (stamp_purchases.device_id). */
  async function firstDevice(): Promise<string> {
    const [existing] = await hub.database.query<{ device_id: string }>('SELECT device_id FROM devices LIMIT 1');
    if (existing !== undefined) return existing.device_id;
    const deviceId = crypto.randomUUID();
    await hub.database.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, housing_unit_id, secret_hash, enrolled_at)
       VALUES ($1, $2, 'kiosk', 'test kiosk', '0', $3, $4, 0)`,
      [deviceId, facility.siteId, facility.unitA, 'a'.repeat(64)],
    );
    return deviceId;
  }
});
