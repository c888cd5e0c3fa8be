// The stamp ledger and the debit ledger: append-only entries (integer stamps; integer cents). A balance is the sum of
// its entries and is never negative. Every write locks the resident's row first (lockResident), checks, then appends
// the entries and moves the running balances on the resident row in the same transaction — where CHECK constraints
// refuse any negative balance a bug might still produce. Buying stamps on a device is here too: a purchase is two
// entries, one on each ledger.
import { newRecordId, type BuyStampsArgs } from '../protocol/index';
import { checkDepositCents, maxDepositCents } from '../../rules/money';
import type { SqlExecutor, HubTransaction } from '../db/database';
import { checkedInputText, invalid, type HubContext } from './context';
import { balanceChange, ledgerEntryChange, ledgerEntryColumns, residentColumns, type LedgerEntryRow, type LedgerName, type ResidentRow } from './records';
import { applied, plural, refuse, type Outcome } from './mutation-outcome';
import { lockActiveResident, publishForResident } from './residents';

export type StampEntryKind = 'purchase' | 'messageSent' | 'rejectionRefund' | 'familyTransfer';
export type DebitEntryKind = 'deposit' | 'stampPurchase';

/** What a correction (ledgers' corrections.ts) adds to an entry: the entry it reverses and why. */
export interface EntryProvenance {
  /** The staff member who recorded it at the console; absent for what devices and the hub's own rules write. */
  readonly recordedBy?: string;
  readonly reverses?: { readonly entryId: string; readonly reason: string };
}

export type LedgerEntryInput =
  | ({ readonly ledger: 'stamps'; readonly kind: StampEntryKind | 'correction'; readonly amount: number; readonly reference: string } & EntryProvenance)
  | ({ readonly ledger: 'debit'; readonly kind: DebitEntryKind | 'correction'; readonly amount: number; readonly reference: string } & EntryProvenance);

function tableOf(ledger: LedgerName): 'stamp_ledger' | 'debit_ledger' {
  switch (ledger) {
    case 'stamps':
      return 'stamp_ledger';
    case 'debit':
      return 'debit_ledger';
    default: {
      const unknownLedger: never = ledger;
      throw new Error(`unknown ledger ${String(unknownLedger)}`);
    }
  }
}

/**
 * Appends entries for one resident, whose row the caller has locked in this transaction (lockResident), and publishes
 * the entries and the new balance. The caller checks that the balance covers a spend and refuses in words if it does
 * not; the CHECK constraints here only stop a bug.
 */
export async function appendLedgerEntries(tx: HubTransaction, resident: ResidentRow, entries: readonly LedgerEntryInput[], now: number): Promise<ResidentRow> {
  if (entries.length === 0) return resident;
  const written: { ledger: LedgerName; row: LedgerEntryRow }[] = [];
  let stampDelta = 0;
  let debitDelta = 0;
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) throw new Error(`a ledger entry needs a non-zero integer amount, not ${entry.amount}`);
    const [row] = await tx.query<LedgerEntryRow>(
      `INSERT INTO ${tableOf(entry.ledger)} (entry_id, resident_id, amount, kind, reference, created_at, recorded_by, reverses_entry_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${ledgerEntryColumns}`,
      [
        newRecordId(now),
        resident.resident_id,
        entry.amount,
        entry.kind,
        entry.reference,
        now,
        entry.recordedBy ?? null,
        entry.reverses?.entryId ?? null,
        entry.reverses?.reason ?? null,
      ],
    );
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    written.push({ ledger: entry.ledger, row });
    if (entry.ledger === 'stamps') stampDelta += entry.amount;
    else debitDelta += entry.amount;
  }
  const [updated] = await tx.query<ResidentRow>(
    `UPDATE residents
        SET stamp_balance = stamp_balance + $2, debit_balance_cents = debit_balance_cents + $3,
            balance_version = balance_version + 1, balance_changed_at = $4
      WHERE resident_id = $1
      RETURNING ${residentColumns}`,
    [resident.resident_id, stampDelta, debitDelta, now],
  );
  if (updated === undefined) throw new Error(`resident ${resident.resident_id} vanished inside its own lock`);
  await publishForResident(tx, updated, [...written.map(({ ledger, row }) => ledgerEntryChange(ledger, row)), balanceChange(updated)], now);
  return updated;
}

// ---- Stamps a resident buys on a device (applied exactly once by push.ts) ----

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** stamp_books.stamps is an integer column: no book the hub sells is larger. */
const largestBookSize = 2_147_483_647;

const sameRequest = (earlier: { resident_id: string; book_size: number }, residentId: string, bookSize: number): boolean =>
  earlier.resident_id === residentId && Number(earlier.book_size) === bookSize;

const requestIdReused = (): Outcome =>
  refuse('requestIdReused', 'This purchase request was already used for a different purchase. Nothing was charged; please try the purchase again.');

/**
 * A resident buys a book of stamps from a device: the site's price comes off their debit account and the stamps go on
 * their stamp ledger, once per request id. `resident` is locked in this transaction and in the device's scope.
 */
export async function buyStampBook(tx: HubTransaction, resident: ResidentRow, deviceId: string, args: BuyStampsArgs, now: number): Promise<Outcome> {
  // Checked under the resident's lock, so two devices sending the same request at once are charged once. The same
  // request again (a retry) is the purchase already made; the same id for a different purchase is refused in words.
  const [earlier] = await tx.query<{ resident_id: string; book_size: number }>('SELECT resident_id, book_size FROM stamp_purchases WHERE request_id = $1', [
    args.requestId,
  ]);
  if (earlier !== undefined) return sameRequest(earlier, resident.resident_id, args.bookSize) ? applied : requestIdReused();
  // The protocol's schema stops these at the HTTP door; the service refuses them too, rather than hand the database a
  // size no integer column can hold (which would throw, and fail the device's queue on every retry).
  if (!Number.isInteger(args.bookSize) || args.bookSize <= 0 || args.bookSize > largestBookSize) {
    return refuse(
      'unknownBookSize',
      `A book holds a whole number of stamps, one or more; ${String(args.bookSize)} is not one.`,
      Number.isSafeInteger(args.bookSize) ? { bookSize: args.bookSize } : undefined,
    );
  }
  const [book] = await tx.query<{ price_cents: number; version: number }>('SELECT price_cents, version FROM stamp_books WHERE site_id = $1 AND stamps = $2', [
    resident.site_id,
    args.bookSize,
  ]);
  if (book === undefined)
    return refuse('unknownBookSize', `This facility does not sell a book of ${plural(args.bookSize, 'stamp', 'stamps')}.`, { bookSize: args.bookSize });
  if (book.price_cents > resident.debit_balance_cents) {
    return refuse(
      'notEnoughMoney',
      `A book of ${plural(args.bookSize, 'stamp', 'stamps')} costs ${dollars(book.price_cents)} and your account has ${dollars(resident.debit_balance_cents)}.`,
      {
        neededCents: book.price_cents,
        availableCents: resident.debit_balance_cents,
        bookSize: args.bookSize,
      },
    );
  }
  // Two people's purchases under one request id hold different resident locks: the key decides, and the second
  // (waiting on the first's commit) inserts nothing and is refused, charged nothing.
  const [recorded] = await tx.query(
    `INSERT INTO stamp_purchases (request_id, resident_id, book_size, price_cents, device_id, created_at, price_book_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
    [args.requestId, resident.resident_id, args.bookSize, book.price_cents, deviceId, now, book.version],
  );
  if (recorded === undefined) return requestIdReused();
  await appendLedgerEntries(
    tx,
    resident,
    [
      { ledger: 'debit', kind: 'stampPurchase', amount: -book.price_cents, reference: args.requestId },
      { ledger: 'stamps', kind: 'purchase', amount: args.bookSize, reference: args.requestId },
    ],
    now,
  );
  return applied;
}

export type DepositSource = 'online' | 'lobbyKiosk' | 'moneyOrder';
export const depositSources: readonly DepositSource[] = ['online', 'lobbyKiosk', 'moneyOrder'];

export { maxDepositCents };

/** The longest receipt or transfer number a deposit may carry (with its source it fits the entry's 120 characters). */
export const maxDepositReferenceLength = 100;

/** Money in from family (the money office records it): a debit-ledger entry. */
export async function deposit(
  hub: HubContext,
  input: { residentId: string; amountCents: number; source: DepositSource; reference?: string; recordedBy?: string },
): Promise<ResidentRow> {
  const amount = checkDepositCents(input.amountCents);
  if (!amount.ok) throw invalid(amount.sentence);
  const typedReference = checkedInputText(input.reference ?? '', 'line', 'The reference').trim();
  if (typedReference.length > maxDepositReferenceLength)
    throw invalid(`A reference (the receipt or transfer number) is at most ${maxDepositReferenceLength} characters; this one has ${typedReference.length}.`);
  // The source comes first: devices read where a deposit came from off the reference's first word.
  const reference = [input.source, typedReference].filter((part) => part !== '').join(' ');
  const recordedBy = input.recordedBy === undefined ? undefined : checkedInputText(input.recordedBy, 'name', 'Who recorded it').trim() || undefined;
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    return appendLedgerEntries(
      tx,
      resident,
      [{ ledger: 'debit', kind: 'deposit', amount: amount.cents, reference, ...(recordedBy === undefined ? {} : { recordedBy }) }],
      hub.now(),
    );
  });
}

/** Stamps a family member bought for the resident (docs/sync.md §10 "Money and stamps": families can transfer stamps). */
export async function transferStamps(hub: HubContext, input: { residentId: string; stamps: number; from: string }): Promise<ResidentRow> {
  if (!Number.isSafeInteger(input.stamps) || input.stamps <= 0 || input.stamps > 1000) throw invalid('A transfer is 1 to 1,000 stamps.');
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    return appendLedgerEntries(
      tx,
      resident,
      [{ ledger: 'stamps', kind: 'familyTransfer', amount: input.stamps, reference: input.from.trim().slice(0, 120) }],
      hub.now(),
    );
  });
}

export interface LedgerAudit {
  readonly stampBalance: number;
  readonly stampEntriesSum: number;
  readonly debitBalanceCents: number;
  readonly debitEntriesSum: number;
  /** The running balances equal the sums of the entries, and neither is negative. */
  readonly balanced: boolean;
}

/** Recomputes both balances from the entries and compares them with the running balances. */
export async function auditLedgers(db: SqlExecutor, residentId: string): Promise<LedgerAudit> {
  const [row] = await db.query<{ stamp_balance: number; debit_balance_cents: number; stamp_sum: number; debit_sum: number }>(
    `SELECT r.stamp_balance, r.debit_balance_cents,
            (SELECT COALESCE(SUM(amount), 0)::bigint FROM stamp_ledger WHERE resident_id = r.resident_id) AS stamp_sum,
            (SELECT COALESCE(SUM(amount), 0)::bigint FROM debit_ledger WHERE resident_id = r.resident_id) AS debit_sum
       FROM residents r WHERE r.resident_id = $1`,
    [residentId],
  );
  if (row === undefined) throw invalid(`There is no resident ${residentId}.`);
  return {
    stampBalance: row.stamp_balance,
    stampEntriesSum: row.stamp_sum,
    debitBalanceCents: row.debit_balance_cents,
    debitEntriesSum: row.debit_sum,
    balanced: row.stamp_balance === row.stamp_sum && row.debit_balance_cents === row.debit_sum && row.stamp_balance >= 0 && row.debit_balance_cents >= 0,
  };
}

export interface LedgerEntry {
  readonly ledger: LedgerName;
  readonly amount: number;
  readonly kind: string;
  readonly reference: string;
  readonly createdAt: number;
}

/** Both ledgers of one resident, newest first (the CLI's account statement). */
export async function listLedgerEntries(db: SqlExecutor, residentId: string, limit = 50): Promise<LedgerEntry[]> {
  const rows = await db.query<LedgerEntryRow & { ledger: LedgerName }>(
    `SELECT * FROM (
       SELECT 'stamps' AS ledger, ${ledgerEntryColumns} FROM stamp_ledger WHERE resident_id = $1
       UNION ALL
       SELECT 'debit' AS ledger, ${ledgerEntryColumns} FROM debit_ledger WHERE resident_id = $1
     ) entries ORDER BY created_at DESC, entry_id LIMIT $2`,
    [residentId, limit],
  );
  return rows.map((row) => ({ ledger: row.ledger, amount: row.amount, kind: row.kind, reference: row.reference, createdAt: row.created_at }));
}
