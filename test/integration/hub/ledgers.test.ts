// The ledgers (docs/sync.md §10 "Money and stamps"): append-only entries whose sums are the balances, never negative, under
// random interleavings of deposits, purchases, messages, review refunds and retries from a kiosk and a tablet — and
// under many pushes spending for one resident at the same moment (on PostgreSQL, the resident row lock at work).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageCost, type Mutation, type MutationResult } from '../../../hub/protocol/index';
import { assignTablet, auditLedgers, deposit, getSiteRules, listReviewQueue, reviewMessage } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, parsePush, Replica, seedFacility, startTestHub, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

const bookPrices = new Map([
  [5, 250],
  [10, 450],
  [20, 800],
]);

type Operation =
  | { readonly kind: 'deposit'; readonly cents: number }
  | { readonly kind: 'push'; readonly device: 0 | 1; readonly actions: readonly Action[] }
  | { readonly kind: 'retry'; readonly device: 0 | 1 }
  | { readonly kind: 'rejectOldest' };

type Action = { readonly kind: 'buy'; readonly bookSize: number; readonly reuseRequest: boolean } | { readonly kind: 'send'; readonly characters: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('buy' as const), bookSize: fc.constantFrom(5, 10, 20, 7), reuseRequest: fc.boolean() }),
  fc.record({ kind: fc.constant('send' as const), characters: fc.integer({ min: 1, max: 5000 }) }),
);

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), cents: fc.integer({ min: 1, max: 1500 }) }),
  fc.record({ kind: fc.constant('push' as const), device: fc.constantFrom(0 as const, 1 as const), actions: fc.array(action, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('retry' as const), device: fc.constantFrom(0 as const, 1 as const) }),
  fc.constant({ kind: 'rejectOldest' as const }),
);

describe.each(hubBackends)('ledgers (%s)', (backend) => {
  let testHub: TestHub;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
  });
  afterEach(async () => testHub.close());

  it('keeps every balance equal to the sum of its entries, never negative, and equal to a simple model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 14 }), async (operations) => {
        // Each run gets its own facility in the same database, so runs cannot see each other.
        const facility = await seedFacility(testHub.hub);
        const ana = facility.ana.resident_id;
        const rules = await getSiteRules(testHub.hub.database, facility.siteId);
        const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
        const tablet = await enroll(testHub, facility.siteId, 'tablet');
        await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: ana });
        const devices: [TestDevice, TestDevice] = [kiosk, tablet];
        const nextId: [number, number] = [1, 1];
        type Batch = { mutations: Mutation[]; results: readonly MutationResult[] } | null;
        const lastBatch: [Batch, Batch] = [null, null];
        const boughtRequests: Array<{ requestId: string; bookSize: number }> = [];
        const model = { stamps: 0, cents: 0 };
        const charged = new Map<string, number>();

        for (const step of operations) {
          switch (step.kind) {
            case 'deposit':
              await deposit(testHub.hub, { residentId: ana, amountCents: step.cents, source: 'online' });
              model.cents += step.cents;
              break;
            case 'push': {
              const expected: string[] = [];
              const mutations = step.actions.map((planned): Mutation => {
                const id = nextId[step.device];
                nextId[step.device] = id + 1;
                switch (planned.kind) {
                  case 'buy': {
                    const reused = planned.reuseRequest ? boughtRequests.at(-1) : undefined;
                    const requestId = reused?.requestId ?? randomUUID();
                    const price = bookPrices.get(planned.bookSize);
                    // The request id names the purchase: the same one again is answered "applied" and not charged; the
                    // id reused for a different book is refused.
                    if (reused !== undefined) expected.push(reused.bookSize === planned.bookSize ? 'applied' : 'requestIdReused');
                    else if (price === undefined) expected.push('unknownBookSize');
                    else if (price > model.cents) expected.push('notEnoughMoney');
                    else {
                      expected.push('applied');
                      model.cents -= price;
                      model.stamps += planned.bookSize;
                      boughtRequests.push({ requestId, bookSize: planned.bookSize });
                    }
                    return { id, name: 'buyStamps', args: { residentId: ana, requestId, bookSize: planned.bookSize } };
                  }
                  case 'send': {
                    const messageId = randomUUID();
                    const body = 'm'.repeat(planned.characters);
                    const cost = messageCost(body, 0, false, rules).fromOwnStamps;
                    if (cost > model.stamps) expected.push('notEnoughStamps');
                    else {
                      expected.push('applied');
                      model.stamps -= cost;
                      charged.set(messageId, cost);
                    }
                    return {
                      id,
                      name: 'sendMessage',
                      args: { messageId, residentId: ana, contactId: facility.anaMom, body, writtenAt: 0, replyToMessageId: null, useReturnStamp: false },
                    };
                  }
                  default: {
                    const unknownAction: never = planned;
                    throw new Error(`unknown action ${JSON.stringify(unknownAction)}`);
                  }
                }
              });
              const answer = parsePush(await devices[step.device].push(mutations));
              expect(answer.results.map((result) => (result.status === 'applied' ? 'applied' : result.code))).toEqual(expected);
              lastBatch[step.device] = { mutations, results: answer.results };
              break;
            }
            case 'retry': {
              const previous = lastBatch[step.device];
              if (previous === null) break;
              // Exactly once: the same batch again changes nothing and answers the same.
              expect(parsePush(await devices[step.device].push(previous.mutations)).results).toEqual(previous.results);
              break;
            }
            case 'rejectOldest': {
              const [oldest] = (await listReviewQueue(testHub.hub.database, facility.siteId)).filter((item) => item.residentId === ana);
              if (oldest === undefined) break;
              await reviewMessage(testHub.hub, { decision: 'reject', messageId: oldest.messageId, reviewer: 'Property Test', reason: 'Randomly rejected.' });
              model.stamps += charged.get(oldest.messageId) ?? 0;
              break;
            }
            default: {
              const unknownOperation: never = step;
              throw new Error(`unknown operation ${JSON.stringify(unknownOperation)}`);
            }
          }
          const audit = await auditLedgers(testHub.hub.database, ana);
          expect(audit.balanced).toBe(true);
          expect({ stamps: audit.stampBalance, cents: audit.debitBalanceCents }).toEqual(model);
        }

        // What the devices show is the hub's balance, not one of their own.
        for (const device of devices) {
          const replica = new Replica();
          replica.apply((await device.pullAll(null)).changes);
          expect(replica.records.get(`balance:${ana}`)?.data).toMatchObject({ stamps: model.stamps, availableCents: model.cents });
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);

  it('never overdraws when many devices spend for one resident at the same moment', async () => {
    const facility = await seedFacility(testHub.hub);
    const ana = facility.ana.resident_id;
    const kiosks = await Promise.all([1, 2, 3].map(() => enroll(testHub, facility.siteId, 'kiosk', facility.unitA)));
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: ana });
    // Enough for exactly five books of 5 stamps at $2.50.
    await deposit(testHub.hub, { residentId: ana, amountCents: 1250, source: 'lobbyKiosk' });

    const devices = [...kiosks, tablet];
    const batches = devices.map((device) => ({
      device,
      mutations: [1, 2, 3].map((id): Mutation => ({ id, name: 'buyStamps', args: { residentId: ana, requestId: randomUUID(), bookSize: 5 } })),
    }));
    // Every device pushes its batch twice at once (a retry racing the original), all devices together.
    const answers = await Promise.all(batches.flatMap(({ device, mutations }) => [device.push(mutations), device.push(mutations)]));
    const results = answers.map(parsePush);
    for (let index = 0; index < results.length; index += 2) expect(results[index]).toEqual(results[index + 1]);

    const outcomes = results.filter((_, index) => index % 2 === 0).flatMap((result) => result.results);
    expect(outcomes.filter((result) => result.status === 'applied')).toHaveLength(5);
    expect(outcomes.filter((result) => result.status === 'refused' && result.code === 'notEnoughMoney')).toHaveLength(outcomes.length - 5);
    expect(await auditLedgers(testHub.hub.database, ana)).toEqual({
      stampBalance: 25,
      stampEntriesSum: 25,
      debitBalanceCents: 0,
      debitEntriesSum: 0,
      balanced: true,
    });
  });

  it('refuses, in the database itself, an entry that would change history or a balance below zero', async () => {
    const facility = await seedFacility(testHub.hub);
    await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 100, source: 'online' });
    await expect(testHub.hub.database.query('UPDATE debit_ledger SET amount = 1000000')).rejects.toThrow(/append-only/);
    await expect(testHub.hub.database.query('DELETE FROM debit_ledger')).rejects.toThrow(/append-only/);
    await expect(
      testHub.hub.database.query('UPDATE residents SET debit_balance_cents = -1 WHERE resident_id = $1', [facility.ana.resident_id]),
    ).rejects.toThrow(/check constraint/);
  });
});
