// The money service on a real SQLite file: balances exactly as the hub confirmed them, the stamp history with return
// stamps, purchases recorded once per request id and checked against confirmed money less what is already waiting,
// each purchase's outcome (pending, completed with a receipt, refused with the hub's words), and paged money history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMoneyService, MoneyAccessError, moneyPageSize, receiptReference, type MoneyService } from '../../../main/money/money-service';
import { outboxQueries } from '../../../main/store/outbox';
import { applyPull } from '../../../main/sync/apply-pull';
import { balance, ledgerEntry, message, pullBatch, resident, siteRules, tempStore, upsert, type TempStore } from '../sync/fixtures';

let store: TempStore;
let money: MoneyService;
let cursor = 0;
const clock = 90_000;
const request = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function apply(changes: ReturnType<typeof upsert>[]) {
  cursor += 1;
  expect(applyPull(store.db, pullBatch(changes, `c${cursor}`), { now: clock }).ok).toBe(true);
}

beforeEach(() => {
  store = tempStore();
  cursor = 0;
  money = createMoneyService({ db: store.db, now: () => clock });
  apply([
    upsert(
      'siteRules',
      siteRules('site-1', {
        stampBooks: [
          { stamps: 5, priceCents: 250 },
          { stamps: 10, priceCents: 450 },
        ],
      }),
      1,
    ),
    upsert('resident', resident('r1'), 1),
    upsert('resident', resident('r2'), 1),
    upsert('balance', balance('r1', { stamps: 3, availableCents: 700, confirmedAt: 4_000 }), 1),
    upsert('stampEntry', ledgerEntry('s1', 'r1', 5, { kind: 'purchase', reference: request(99), createdAt: 1_000 }), 1),
    upsert('stampEntry', ledgerEntry('s2', 'r1', -2, { kind: 'messageSent', reference: 'm0', createdAt: 2_000 }), 1),
    upsert('debitEntry', ledgerEntry('d1', 'r1', 2_500, { kind: 'deposit', reference: 'moneyOrder MO 1234', createdAt: 500 }), 1),
    upsert('debitEntry', ledgerEntry('d2', 'r1', -250, { kind: 'stampPurchase', reference: request(99), createdAt: 1_000 }), 1),
    upsert('debitEntry', ledgerEntry('d3', 'r1', -1_550, { kind: 'canteen', reference: 'commissary', createdAt: 1_500 }), 1),
    upsert('message', message('m1', 'r1', { carriesReturnStamp: true, receivedAt: 3_000 }), 1),
  ]);
});
afterEach(() => store.cleanup());

describe('stamps', () => {
  it('shows the confirmed balance, the books, and a history with return stamps, newest first', () => {
    const view = money.stamps('r1');
    expect(view.balance).toEqual({ stamps: 3, availableCents: 700, holdsCents: 0, confirmedAt: 4_000 });
    expect(view.books).toEqual([
      { stamps: 5, priceCents: 250 },
      { stamps: 10, priceCents: 450 },
    ]);
    expect(view.history.map((entry) => [entry.kind, entry.stamps, entry.reference])).toEqual([
      ['returnStampReceived', 1, '…M1'],
      ['messageSent', -2, '…M0'],
      ['purchase', 5, receiptReference(request(99))],
    ]);
    expect(money.stamps('r2').history).toEqual([]);
  });

  it('records a purchase once per request id, pending until the hub answers, then a receipt or the hub’s reason', () => {
    const first = money.buyStamps('r1', { requestId: request(1), bookSize: 5 });
    expect(first).toMatchObject({ ok: true, purchase: { bookSize: 5, priceCents: 250, outcome: { state: 'pending' } } });
    // A double tap or a retry: the same purchase, not a second one.
    expect(money.buyStamps('r1', { requestId: request(1), bookSize: 5 })).toEqual(first);
    expect(outboxQueries(store.db).pendingCount()).toBe(1);

    const [row] = outboxQueries(store.db).pending(10);
    outboxQueries(store.db).settle(row!.mutationId, { status: 'applied' }, 95_000);
    expect(money.purchase('r1', request(1)).outcome).toEqual({
      state: 'completed',
      receipt: { reference: receiptReference(request(1)), requestId: request(1), bookSize: 5, priceCents: 250, at: 95_000 },
      balanceUpdated: false,
    });
    apply([upsert('stampEntry', ledgerEntry('s3', 'r1', 5, { kind: 'purchase', reference: request(1), createdAt: 94_000 }), 1)]);
    expect(money.purchase('r1', request(1)).outcome).toMatchObject({ state: 'completed', balanceUpdated: true, receipt: { at: 94_000 } });

    money.buyStamps('r1', { requestId: request(2), bookSize: 5 });
    const second = outboxQueries(store.db).pending(10)[0]!;
    outboxQueries(store.db).settle(
      second.mutationId,
      {
        status: 'refused',
        code: 'notEnoughMoney',
        reason: 'A book of 5 stamps costs $2.50 and your account has $1.00.',
        figures: { neededCents: 250, availableCents: 100, bookSize: 5 },
      },
      96_000,
    );
    // A code with its figures, for the screen to word in the person's language; never the hub's English sentence.
    expect(money.purchase('r1', request(2)).outcome).toEqual({ state: 'refused', refusal: { code: 'notEnoughMoney', neededCents: 250, availableCents: 100 } });
    // A refusal recorded without its figures (an older hub) is still said, as "not accepted", never blank.
    money.buyStamps('r1', { requestId: request(7), bookSize: 5 });
    const third = outboxQueries(store.db).pending(10)[0]!;
    outboxQueries(store.db).settle(third.mutationId, { status: 'refused', code: 'notEnoughMoney', reason: 'No.', figures: null }, 97_000);
    expect(money.purchase('r1', request(7)).outcome).toEqual({ state: 'refused', refusal: { code: 'other' } });
  });

  it('refuses, in words and without recording anything, a book the site does not sell or money the person does not have', () => {
    expect(money.buyStamps('r1', { requestId: request(3), bookSize: 7 })).toEqual({ ok: false, refusal: { reason: 'unknownBook' } });
    expect(money.buyStamps('r1', { requestId: request(4), bookSize: 10 })).toMatchObject({ ok: true });
    // $7.00 confirmed, $4.50 already waiting: another $4.50 is more than is left.
    expect(money.buyStamps('r1', { requestId: request(5), bookSize: 10 })).toEqual({
      ok: false,
      refusal: { reason: 'notEnoughMoney', neededCents: 450, availableCents: 250 },
    });
    expect(outboxQueries(store.db).pendingCount()).toBe(1);
  });

  it('counts a purchase the hub has charged but whose balance has not arrived, so the same money is never promised twice', () => {
    // $7.00 confirmed; a book of 10 ($4.50) bought and charged by the hub, its entries and new balance not pulled yet.
    expect(money.buyStamps('r1', { requestId: request(7), bookSize: 10 })).toMatchObject({ ok: true });
    const [charged] = outboxQueries(store.db).pending(10);
    outboxQueries(store.db).settle(charged!.mutationId, { status: 'applied' }, 95_000);
    expect(money.buyStamps('r1', { requestId: request(8), bookSize: 10 })).toEqual({
      ok: false,
      refusal: { reason: 'notEnoughMoney', neededCents: 450, availableCents: 250 },
    });

    // The hub's entries and balance arrive: the confirmed balance now counts it, and only once.
    apply([
      upsert('stampEntry', ledgerEntry('s9', 'r1', 10, { kind: 'purchase', reference: request(7), createdAt: 94_000 }), 1),
      upsert('balance', balance('r1', { stamps: 13, availableCents: 250, confirmedAt: 94_500 }), 2),
    ]);
    expect(money.buyStamps('r1', { requestId: request(9), bookSize: 5 })).toMatchObject({ ok: true });
  });

  it('never shows one person’s purchase to another', () => {
    money.buyStamps('r1', { requestId: request(6), bookSize: 5 });
    expect(() => money.purchase('r2', request(6))).toThrow(MoneyAccessError);
    expect(money.stamps('r2').purchases).toEqual([]);
  });
});

describe('money', () => {
  it('shows the confirmed balance, deposits by source, purchases and fees, with totals, a page at a time', () => {
    const view = money.account('r1', 0);
    expect(view.balance?.availableCents).toBe(700);
    expect(view.entries.map((entry) => [entry.kind, entry.source, entry.amountCents, entry.reference])).toEqual([
      ['fee', null, -1_550, 'commissary'],
      ['stampPurchase', null, -250, request(99)],
      ['deposit', 'moneyOrder', 2_500, 'MO 1234'],
    ]);
    expect(view.totals).toEqual({ depositsCents: 2_500, purchasesCents: 250, feesCents: 1_550 });
    expect(view).toMatchObject({ page: 0, pageCount: 1 });

    apply(
      Array.from({ length: moneyPageSize * 2 }, (_, index) =>
        upsert('debitEntry', ledgerEntry(`x${index}`, 'r1', 100, { kind: 'deposit', reference: 'online', createdAt: 10_000 + index }), 1),
      ),
    );
    const last = money.account('r1', 99);
    expect(last).toMatchObject({ page: 2, pageCount: 3 });
    expect(last.entries).toHaveLength(3);
    expect(money.account('r1', 0).entries[0]).toMatchObject({ kind: 'deposit', source: 'online', reference: '', amountCents: 100 });
  });
});
