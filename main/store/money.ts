// Queries for a resident's stamps and money on this device: the hub's ledger entries and balance as last synced, the
// site's stamp books, and the stamp purchases asked for here (the outbox's buyStamps rows with how the hub answered).
// The device never adds entries up into a balance: the balance is the hub's. Every read takes the resident's id.
import type { DeviceDatabase } from './database';
import type { OutboxStatus } from './outbox';

export interface LedgerEntryRow {
  readonly entryId: string;
  readonly amount: number;
  readonly kind: string;
  readonly reference: string;
  readonly createdAt: number;
}

export interface StampBookRow {
  readonly stamps: number;
  readonly priceCents: number;
}

export interface PurchaseRequestRow {
  readonly requestId: string;
  readonly bookSize: number;
  readonly requestedAt: number;
  readonly status: OutboxStatus;
  readonly refusalCode: string | null;
  readonly refusalReason: string | null;
  /** The hub's figures for the refusal, as JSON (main/sync/hub-refusal.ts reads them). */
  readonly refusalFigures: string | null;
  readonly settledAt: number | null;
}

/** Return stamps families paid for, from the letters that carried them. */
export interface ReturnStampRow {
  readonly messageId: string;
  readonly receivedAt: number;
  readonly used: boolean;
}

export interface DebitTotals {
  readonly depositsCents: number;
  readonly purchasesCents: number;
  readonly feesCents: number;
  readonly entries: number;
}

export interface MoneyQueries {
  stampEntries(residentId: string): LedgerEntryRow[];
  returnStamps(residentId: string): ReturnStampRow[];
  /** Newest first, `limit` from `offset`. */
  debitEntries(residentId: string, limit: number, offset: number): LedgerEntryRow[];
  debitTotals(residentId: string): DebitTotals;
  stampBooks(): StampBookRow[];
  purchaseRequests(residentId: string): PurchaseRequestRow[];
  purchaseRequest(residentId: string, requestId: string): PurchaseRequestRow | null;
  /** The purchase entry the hub recorded for this request, once synced (its reference is the request id). */
  purchaseEntry(residentId: string, requestId: string): LedgerEntryRow | null;
}

interface EntrySqlRow {
  entry_id: string;
  amount: number;
  kind: string;
  reference: string;
  created_at: number;
}

interface PurchaseSqlRow {
  request_id: string;
  book_size: number;
  created_at: number;
  status: OutboxStatus;
  result_code: string | null;
  result_reason: string | null;
  result_figures: string | null;
  settled_at: number | null;
}

const toEntry = (row: EntrySqlRow): LedgerEntryRow => ({
  entryId: row.entry_id,
  amount: row.amount,
  kind: row.kind,
  reference: row.reference,
  createdAt: row.created_at,
});
const toPurchase = (row: PurchaseSqlRow): PurchaseRequestRow => ({
  requestId: row.request_id,
  bookSize: row.book_size,
  requestedAt: row.created_at,
  status: row.status,
  refusalCode: row.result_code,
  refusalReason: row.result_reason,
  refusalFigures: row.result_figures,
  settledAt: row.settled_at,
});

export function moneyQueries(db: DeviceDatabase): MoneyQueries {
  const selectStampEntries = db.prepare<[string], EntrySqlRow>(
    'SELECT entry_id, amount, kind, reference, created_at FROM stamp_entries WHERE resident_id = ? ORDER BY created_at DESC, entry_id DESC',
  );
  const selectReturnStamps = db.prepare<[string], { message_id: string; received_at: number; return_stamp_used: number }>(`
    SELECT message_id, received_at, return_stamp_used FROM messages
     WHERE resident_id = ? AND direction = 'inbound' AND carries_return_stamp = 1 AND status IN ('delivered', 'read')
     ORDER BY received_at DESC`);
  const selectDebitEntries = db.prepare<[string, number, number], EntrySqlRow>(
    'SELECT entry_id, amount_cents AS amount, kind, reference, created_at FROM debit_entries WHERE resident_id = ? ORDER BY created_at DESC, entry_id DESC LIMIT ? OFFSET ?',
  );
  const selectDebitTotals = db.prepare<[string], { deposits: number | null; purchases: number | null; fees: number | null; entries: number }>(`
    SELECT sum(CASE WHEN kind = 'deposit' THEN amount_cents END) AS deposits,
           sum(CASE WHEN kind = 'stampPurchase' THEN -amount_cents END) AS purchases,
           sum(CASE WHEN kind NOT IN ('deposit', 'stampPurchase') AND amount_cents < 0 THEN -amount_cents END) AS fees,
           count(*) AS entries
      FROM debit_entries WHERE resident_id = ?`);
  const selectBooks = db.prepare<[], { stamps: number; price_cents: number }>(
    'SELECT b.stamps, b.price_cents FROM site_stamp_books b JOIN site_rules r ON r.site_id = b.site_id ORDER BY b.stamps',
  );
  const purchaseSelect = `
    SELECT json_extract(args, '$.requestId') AS request_id, json_extract(args, '$.bookSize') AS book_size, created_at, status,
           result_code, result_reason, result_figures, settled_at
      FROM outbox WHERE name = 'buyStamps' AND resident_id = @residentId`;
  const selectPurchases = db.prepare<{ residentId: string }, PurchaseSqlRow>(`${purchaseSelect} ORDER BY mutation_id DESC`);
  const selectPurchase = db.prepare<{ residentId: string; requestId: string }, PurchaseSqlRow>(
    `${purchaseSelect} AND json_extract(args, '$.requestId') = @requestId`,
  );
  const selectPurchaseEntry = db.prepare<[string, string], EntrySqlRow>(
    "SELECT entry_id, amount, kind, reference, created_at FROM stamp_entries WHERE resident_id = ? AND kind = 'purchase' AND reference = ?",
  );

  return {
    stampEntries: (residentId) => selectStampEntries.all(residentId).map(toEntry),
    returnStamps: (residentId) =>
      selectReturnStamps.all(residentId).map((row) => ({ messageId: row.message_id, receivedAt: row.received_at, used: row.return_stamp_used === 1 })),
    debitEntries: (residentId, limit, offset) => selectDebitEntries.all(residentId, limit, offset).map(toEntry),
    debitTotals: (residentId) => {
      const row = selectDebitTotals.get(residentId);
      return { depositsCents: row?.deposits ?? 0, purchasesCents: row?.purchases ?? 0, feesCents: row?.fees ?? 0, entries: row?.entries ?? 0 };
    },
    stampBooks: () => selectBooks.all().map((row) => ({ stamps: row.stamps, priceCents: row.price_cents })),
    purchaseRequests: (residentId) => selectPurchases.all({ residentId }).map(toPurchase),
    purchaseRequest: (residentId, requestId) => {
      const row = selectPurchase.get({ residentId, requestId });
      return row ? toPurchase(row) : null;
    },
    purchaseEntry: (residentId, requestId) => {
      const row = selectPurchaseEntry.get(residentId, requestId);
      return row ? toEntry(row) : null;
    },
  };
}
