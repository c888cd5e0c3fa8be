// Issue 5: a kiosk and a tablet buying stamps for the same person at the same moment, over loopback HTTP, with money
// for only one book. Exactly one purchase is applied; the other is refused (notEnoughMoney) with a reason that names
// the balance the first one left — $0.00 — which it can only have seen if the hub made the two take turns on the
// person's row. (ledgers.test.ts has many devices spending a larger sum at once, and
// test/integration/sync-hub/ledgers-concurrent.test.ts the real device engines with deposits racing in; this is the
// two-device, one-book case itself, made to collide for certain.)
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mutation, PushResponse } from '../../../hub/protocol/index';
import { appendLedgerEntries } from '../../../hub/services/ledgers';
import { lockActiveResident } from '../../../hub/services/residents';
import { assignTablet, auditLedgers, deposit } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, parsePush, Replica, seedFacility, startTestHub, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

const bookPriceCents = 250; // a book of 5 at the default site rules
const loserReason = 'A book of 5 stamps costs $2.50 and your account has $0.00.';

describe.each(hubBackends)('two devices buying for one person at once (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kiosk: TestDevice;
  let tablet: TestDevice;
  let ana: string;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    ana = facility.ana.resident_id;
    kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: ana });
  });
  afterEach(async () => testHub.close());

  async function count(sql: string, params: string[]): Promise<number> {
    const [row] = await testHub.hub.database.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM (${sql}) counted`, params);
    return row?.n ?? -1;
  }

  /** Both answers together: exactly one applied and one refused in words, whichever device won. */
  function expectOneApplied(answers: readonly PushResponse[], round: number): void {
    const results = answers.flatMap((answer) => answer.results);
    expect(
      results.filter((result) => result.status === 'applied'),
      `round ${round}`,
    ).toHaveLength(1);
    expect(
      results.filter((result) => result.status === 'refused'),
      `round ${round}`,
    ).toEqual([expect.objectContaining({ status: 'refused', code: 'notEnoughMoney', reason: loserReason })]);
  }

  async function expectLedgers(round: number): Promise<void> {
    expect(await auditLedgers(testHub.hub.database, ana), `round ${round}`).toEqual({
      stampBalance: 5 * round,
      stampEntriesSum: 5 * round,
      debitBalanceCents: 0,
      debitEntriesSum: 0,
      balanced: true,
    });
    expect(await count('SELECT 1 FROM stamp_purchases WHERE resident_id = $1', [ana]), `round ${round}`).toBe(round);
    expect(await count("SELECT 1 FROM debit_ledger WHERE resident_id = $1 AND kind = 'stampPurchase'", [ana]), `round ${round}`).toBe(round);
  }

  it('applies exactly one of two purchases pushed at the same moment, refuses the other with its reason, and keeps the ledgers balanced', async () => {
    const rounds = 8;
    const batches: [TestDevice, Mutation[]][] = [];
    for (let round = 1; round <= rounds; round++) {
      await deposit(testHub.hub, { residentId: ana, amountCents: bookPriceCents, source: 'online', reference: `round ${round}` });
      const fromKiosk: Mutation[] = [{ id: round, name: 'buyStamps', args: { residentId: ana, requestId: randomUUID(), bookSize: 5 } }];
      const fromTablet: Mutation[] = [{ id: round, name: 'buyStamps', args: { residentId: ana, requestId: randomUUID(), bookSize: 5 } }];
      const answers = (await Promise.all([kiosk.push(fromKiosk), tablet.push(fromTablet)])).map(parsePush);
      expectOneApplied(answers, round);
      await expectLedgers(round);
      batches.push([kiosk, fromKiosk], [tablet, fromTablet]);
    }

    // Retries of every batch (the answer lost on the way back) get the recorded answers and change nothing — the
    // refused ones stay refused even though the money office has deposited since.
    await deposit(testHub.hub, { residentId: ana, amountCents: 10_000, source: 'moneyOrder' });
    const before = await auditLedgers(testHub.hub.database, ana);
    const firstAnswers = await Promise.all(batches.map(([device, mutations]) => device.push(mutations).then(parsePush)));
    const retried = await Promise.all(batches.map(([device, mutations]) => device.push(mutations).then(parsePush)));
    expect(retried).toEqual(firstAnswers);
    expect(firstAnswers.flatMap((answer) => answer.results).filter((result) => result.status === 'refused')).toHaveLength(rounds);
    expect(await auditLedgers(testHub.hub.database, ana)).toEqual(before);

    // Both devices show the balance the hub holds.
    for (const device of [kiosk, tablet]) {
      const replica = new Replica();
      replica.apply((await device.pullAll(null)).changes);
      expect(replica.records.get(`balance:${ana}`)?.data).toMatchObject({ stamps: 5 * rounds, availableCents: 10_000 });
    }
  });

  it('makes the two pushes collide for certain: both wait on the person while the money office deposits, then take turns', async () => {
    const buy = (device: TestDevice): Promise<PushResponse> =>
      device.push([{ id: 1, name: 'buyStamps', args: { residentId: ana, requestId: randomUUID(), bookSize: 5 } }]).then(parsePush);
    const inFlight: Promise<PushResponse>[] = [];
    // The deposit holds Ana's row (and, on PGlite, the only connection) until both purchases are waiting behind it.
    await testHub.hub.database.transaction(async (tx) => {
      const resident = await lockActiveResident(tx, ana);
      await appendLedgerEntries(tx, resident, [{ ledger: 'debit', kind: 'deposit', amount: bookPriceCents, reference: 'online' }], testHub.clock.now());
      inFlight.push(buy(kiosk), buy(tablet));
      await waitUntil(async () => (await waiting()) === 2, `both pushes waiting behind the deposit (${backend})`);
    });
    expect(inFlight).toHaveLength(2);
    expectOneApplied(await Promise.all(inFlight), 1);
    await expectLedgers(1);
  });

  /** How many of the pushes are waiting: on PostgreSQL, sessions waiting for a lock; on PGlite, requests received. */
  async function waiting(): Promise<number> {
    if (backend === 'postgres') {
      const [row] = await testHub.hub.database.query<{ n: number }>(
        "SELECT count(*)::bigint AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return row?.n ?? 0;
    }
    // PGlite has one connection, held by the deposit: a push that has reached the hub is waiting for it.
    return testHub.logLines.filter((line) => line.includes('"incoming request"') && line.includes('/v1/push')).length;
  }
});

async function waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}
