// The resident's stamps and money on this device. Balances are the hub's, shown with when it confirmed them; the
// device never sums entries into one. Buying stamps records a buyStamps mutation in the outbox (with sync, it reaches
// the hub within seconds when online, or waits, shown as pending, when not); the hub decides, and the same request id
// is charged once however often it is sent. Domain rules only; SQL is in store/money.ts.
import type { BuyStampsResult, MoneyEntry, PurchaseReceipt, StampHistoryEntry, StampHistoryKind, StampPurchase, StampsView, MoneyView } from '../contract';
import type { DeviceDatabase } from '../store/database';
import type { LedgerEntryRow, PurchaseRequestRow } from '../store/money';
import { hubRefusalOf } from '../sync/hub-refusal';
import { recordMutation, type RecordMutation } from '../sync/outbox';
import { storeQueriesOf } from '../store/store-queries';

/** Rows of the money history per page: a screenful at the base text size. */
export const moneyPageSize = 12;

/** The purchase was never asked for on this device by this person: refused without saying whose it might be. */
export class MoneyAccessError extends Error {
  override readonly name = 'MoneyAccessError';
}

export interface MoneyService {
  stamps(residentId: string): StampsView;
  buyStamps(residentId: string, request: { requestId: string; bookSize: number }): BuyStampsResult;
  purchase(residentId: string, requestId: string): StampPurchase;
  account(residentId: string, page: number): MoneyView;
}

export interface MoneyServiceOptions {
  readonly db: DeviceDatabase;
  readonly now: () => number;
  readonly recordMutation?: RecordMutation;
}

const stampKinds: Record<string, StampHistoryKind> = {
  purchase: 'purchase',
  familyTransfer: 'familyTransfer',
  messageSent: 'messageSent',
  rejectionRefund: 'rejectionRefund',
};

/** A short, readable form of the request id for the receipt (the full id is on it too, for staff). */
export function receiptReference(requestId: string): string {
  const hex = requestId.replace(/-/g, '').toUpperCase();
  return `${hex.slice(-10, -5)}-${hex.slice(-5)}`;
}

function sourceOf(reference: string): MoneyEntry['source'] {
  const first = reference.split(' ')[0];
  return first === 'online' || first === 'lobbyKiosk' || first === 'moneyOrder' ? first : null;
}

function moneyEntryOf(row: LedgerEntryRow): MoneyEntry {
  const kind: MoneyEntry['kind'] = row.kind === 'deposit' ? 'deposit' : row.kind === 'stampPurchase' ? 'stampPurchase' : row.amount < 0 ? 'fee' : 'other';
  const source = kind === 'deposit' ? sourceOf(row.reference) : null;
  // A deposit's reference starts with its source (hub/services/ledgers.ts); the screen names the source in words.
  const reference = source === null ? row.reference : row.reference.slice(source.length).trim();
  return { id: row.entryId, at: row.createdAt, kind, source, amountCents: row.amount, reference };
}

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The reference a person can read and quote to staff: a purchase by its receipt reference, a message by the end of its
 * id (staff find it from there), a family transfer by who sent it.
 */
function readableStampReference(kind: StampHistoryKind, reference: string): string {
  switch (kind) {
    case 'purchase':
      return uuidLike.test(reference) ? receiptReference(reference) : reference;
    case 'messageSent':
    case 'rejectionRefund':
    case 'returnStampReceived':
    case 'returnStampUsed':
      return reference === '' ? '' : `…${reference.replace(/-/g, '').slice(-6).toUpperCase()}`;
    case 'familyTransfer':
    case 'other':
      return reference;
    default: {
      const unknownKind: never = kind;
      return unknownKind;
    }
  }
}

export function createMoneyService(options: MoneyServiceOptions): MoneyService {
  const { db, now } = options;
  const queries = storeQueriesOf(db).money;
  const summary = storeQueriesOf(db).homeSummary;
  const record: RecordMutation = options.recordMutation ?? ((name, args, localEffect) => recordMutation(db, name, args, localEffect, { now: now() }));

  const priceOf = (bookSize: number): number | null => queries.stampBooks().find((book) => book.stamps === bookSize)?.priceCents ?? null;

  /** Whether a purchase will still take money from the balance the hub last confirmed to this device. */
  const notYetInConfirmedBalance = (outcome: StampPurchase['outcome']): boolean => {
    switch (outcome.state) {
      case 'pending':
        return true;
      case 'completed':
        return !outcome.balanceUpdated;
      case 'refused':
        return false;
      default: {
        const unknownState: never = outcome;
        return unknownState;
      }
    }
  };

  const purchaseOf = (residentId: string, row: PurchaseRequestRow): StampPurchase => {
    const priceCents = priceOf(row.bookSize);
    const base = { requestId: row.requestId, bookSize: row.bookSize, priceCents, requestedAt: row.requestedAt };
    switch (row.status) {
      case 'pending':
        return { ...base, outcome: { state: 'pending' } };
      case 'refused':
        return { ...base, outcome: { state: 'refused', refusal: hubRefusalOf(row.refusalCode, row.refusalFigures) } };
      case 'applied': {
        const entry = queries.purchaseEntry(residentId, row.requestId);
        const receipt: PurchaseReceipt = {
          reference: receiptReference(row.requestId),
          requestId: row.requestId,
          bookSize: row.bookSize,
          priceCents,
          at: entry?.createdAt ?? row.settledAt ?? row.requestedAt,
        };
        // The hub has charged; until its entries and balance arrive, the screen says the balance is being updated.
        return { ...base, outcome: { state: 'completed', receipt, balanceUpdated: entry !== null } };
      }
      default: {
        const unknownStatus: never = row.status;
        return unknownStatus;
      }
    }
  };

  const ownPurchase = (residentId: string, requestId: string): PurchaseRequestRow => {
    const row = queries.purchaseRequest(residentId, requestId);
    if (row === null) throw new MoneyAccessError('There is no such purchase.');
    return row;
  };

  return {
    stamps: (residentId) => {
      const entries: StampHistoryEntry[] = queries.stampEntries(residentId).map((row) => {
        const kind = stampKinds[row.kind] ?? 'other';
        return { id: row.entryId, at: row.createdAt, kind, stamps: row.amount, reference: readableStampReference(kind, row.reference) };
      });
      // Return stamps are not in the ledger (they belong to one letter); the history shows them coming and going.
      for (const stamp of queries.returnStamps(residentId)) {
        entries.push({
          id: `${stamp.messageId}:received`,
          at: stamp.receivedAt,
          kind: 'returnStampReceived',
          stamps: 1,
          reference: readableStampReference('returnStampReceived', stamp.messageId),
        });
      }
      entries.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      const purchases = queries.purchaseRequests(residentId).map((row) => purchaseOf(residentId, row));
      purchases.sort((a, b) => Number(b.outcome.state === 'pending') - Number(a.outcome.state === 'pending') || b.requestedAt - a.requestedAt);
      return { balance: summary.forResident(residentId).balance, books: queries.stampBooks(), purchases, history: entries };
    },

    buyStamps: (residentId, request) => {
      const existing = queries.purchaseRequest(residentId, request.requestId);
      // The same request again (a double tap, a retry after a restart): the one already recorded, never a second.
      if (existing !== null) return { ok: true, purchase: purchaseOf(residentId, existing) };
      const priceCents = priceOf(request.bookSize);
      if (priceCents === null) return { ok: false, refusal: { reason: 'unknownBook' } };
      const balance = summary.forResident(residentId).balance;
      if (balance !== null) {
        // What the hub last confirmed, less every purchase that confirmed balance does not count yet: those still
        // waiting here, and those the hub has already charged whose entries and balance have not arrived (the screen's
        // "balance being updated"). Counting only the first kind promised the same money twice.
        const waiting = queries
          .purchaseRequests(residentId)
          .map((row) => purchaseOf(residentId, row))
          .filter((purchase) => notYetInConfirmedBalance(purchase.outcome))
          .reduce((sum, purchase) => sum + (purchase.priceCents ?? 0), 0);
        const availableCents = Math.max(0, balance.availableCents - waiting);
        if (priceCents > availableCents) return { ok: false, refusal: { reason: 'notEnoughMoney', neededCents: priceCents, availableCents } };
      }
      record('buyStamps', { residentId, requestId: request.requestId, bookSize: request.bookSize }, () => undefined);
      return { ok: true, purchase: purchaseOf(residentId, ownPurchase(residentId, request.requestId)) };
    },

    purchase: (residentId, requestId) => purchaseOf(residentId, ownPurchase(residentId, requestId)),

    account: (residentId, page) => {
      const totals = queries.debitTotals(residentId);
      const pageCount = Math.max(1, Math.ceil(totals.entries / moneyPageSize));
      const shown = Math.min(page, pageCount - 1);
      return {
        balance: summary.forResident(residentId).balance,
        entries: queries.debitEntries(residentId, moneyPageSize, shown * moneyPageSize).map(moneyEntryOf),
        page: shown,
        pageCount,
        totals: { depositsCents: totals.depositsCents, purchasesCents: totals.purchasesCents, feesCents: totals.feesCents },
      };
    },
  };
}
