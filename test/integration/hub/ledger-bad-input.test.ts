// Issue 5, "Bad input": negative, fractional, zero or absurd book sizes and amounts, book sizes the site does not sell,
// purchases for someone outside the device's scope, and replayed requests — each refused with a reason in words (or,
// for a replay of the very same purchase, answered without a second charge), and nothing charged. Through every door money comes in or goes
// out: a device's push over HTTP (the protocol schema), the push service itself (as the hub's other callers use it),
// the deposit and transfer services, and the CLI's deposit and transfer-stamps commands.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { hubPaths, type Mutation } from '../../../hub/protocol/index';
import { applyPush, assignTablet, auditLedgers, deposit, HubInputError, maxDepositCents, releaseResident, transferStamps } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { buyStampsMutation, call, enroll, parsePush, seedFacility, startTestHub, testPinCost, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

describe.each(hubBackends)('ledger bad input (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kiosk: TestDevice;
  let ana: string;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    ana = facility.ana.resident_id;
    kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
  });
  afterEach(async () => testHub.close());

  async function scalar(sql: string, params: string[] = []): Promise<number> {
    const [row] = await testHub.hub.database.query<{ n: number }>(sql, params);
    return row?.n ?? -1;
  }
  const purchases = (): Promise<number> => scalar('SELECT count(*)::bigint AS n FROM stamp_purchases');
  const entries = (): Promise<number> => scalar('SELECT ((SELECT count(*) FROM debit_ledger) + (SELECT count(*) FROM stamp_ledger))::bigint AS n');
  const lastMutationId = (device: TestDevice): Promise<number> => scalar('SELECT last_mutation_id AS n FROM devices WHERE device_id = $1', [device.deviceId]);

  async function expectAccount(residentId: string, stamps: number, cents: number): Promise<void> {
    expect(await auditLedgers(testHub.hub.database, residentId)).toEqual({
      stampBalance: stamps,
      stampEntriesSum: stamps,
      debitBalanceCents: cents,
      debitEntriesSum: cents,
      balanced: true,
    });
  }

  it('refuses a mutation whose book size is negative, zero, fractional, absurd or not a number under its id, naming the field; the rest of the batch is applied', async () => {
    await deposit(testHub.hub, { residentId: ana, amountCents: 5000, source: 'online' });
    const badSizes = [-5, 0, 2.5, 1001, 1e9, 1e300, '5', null, true];
    let id = 0;
    for (const bookSize of badSizes) {
      // A good purchase first in the same batch: a 400 for the whole request would meet the device on every push, so
      // the bad one is refused alone, under its id.
      const mutations = [buyStampsMutation(id + 1, ana, 5), { id: id + 2, name: 'buyStamps', args: { residentId: ana, requestId: randomUUID(), bookSize } }];
      const answer = await call(testHub.url, hubPaths.push, { token: kiosk.secret, body: { deviceId: kiosk.deviceId, mutations } });
      expect({ bookSize, status: answer.status }).toEqual({ bookSize, status: 200 });
      expect(parsePush(answer)).toEqual({
        lastMutationId: id + 2,
        results: [
          { id: id + 1, status: 'applied' },
          { id: id + 2, status: 'refused', code: 'malformedMutation', reason: expect.stringMatching(/args\.bookSize: \w+/) },
        ],
      });
      id += 2;
    }
    // Nor a request id that is not a UUID (the one thing that makes a retry charge once).
    const noRequestId = parsePush(
      await call(testHub.url, hubPaths.push, {
        token: kiosk.secret,
        body: { deviceId: kiosk.deviceId, mutations: [{ id: id + 1, name: 'buyStamps', args: { residentId: ana, requestId: 'again', bookSize: 5 } }] },
      }),
    );
    expect(noRequestId.results).toEqual([{ id: id + 1, status: 'refused', code: 'malformedMutation', reason: expect.stringMatching(/args\.requestId: \w+/) }]);

    expect(await lastMutationId(kiosk)).toBe(id + 1);
    // Only the good purchases were charged: one book of 5 ($2.50) per batch.
    expect(await purchases()).toBe(badSizes.length);
    await expectAccount(ana, 5 * badSizes.length, 5000 - 250 * badSizes.length);
  });

  it('refuses book sizes the site does not sell (unknownBookSize), in words, and charges nothing', async () => {
    await deposit(testHub.hub, { residentId: ana, amountCents: 100_000, source: 'moneyOrder' });
    const answer = parsePush(
      await kiosk.push([buyStampsMutation(1, ana, 7), buyStampsMutation(2, ana, 1), buyStampsMutation(3, ana, 1000), buyStampsMutation(4, ana, 10)]),
    );
    expect(answer).toEqual({
      lastMutationId: 4,
      results: [
        { id: 1, status: 'refused', code: 'unknownBookSize', reason: 'This facility does not sell a book of 7 stamps.', figures: { bookSize: 7 } },
        { id: 2, status: 'refused', code: 'unknownBookSize', reason: 'This facility does not sell a book of 1 stamp.', figures: { bookSize: 1 } },
        { id: 3, status: 'refused', code: 'unknownBookSize', reason: 'This facility does not sell a book of 1000 stamps.', figures: { bookSize: 1000 } },
        { id: 4, status: 'applied' },
      ],
    });
    expect(await purchases()).toBe(1);
    await expectAccount(ana, 10, 100_000 - 450);
  });

  it('the push service refuses such book sizes under their ids too, when no HTTP route stood in front of it', async () => {
    // The service reads each mutation with the protocol's schema itself: it must hold without the route.
    await deposit(testHub.hub, { residentId: ana, amountCents: 100_000, source: 'moneyOrder' });
    const absurd = [-5, 0, 2.5, 1e12, Number.NaN, Number.POSITIVE_INFINITY, 1e9];
    const mutations: Mutation[] = absurd.map((bookSize, index) => buyStampsMutation(index + 1, ana, bookSize));
    const outcome = await applyPush(testHub.hub, kiosk.deviceId, mutations);
    expect(outcome).toEqual({
      kind: 'accepted',
      lastMutationId: mutations.length,
      results: absurd.map((_bookSize, index) => ({
        id: index + 1,
        status: 'refused',
        code: 'malformedMutation',
        reason: expect.stringMatching(/args\.bookSize/),
      })),
    });
    expect(await purchases()).toBe(0);
    await expectAccount(ana, 0, 100_000);
  });

  it('refuses a purchase for someone outside the device scope, unknown, or released — and charges no one', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: ana });
    for (const resident of [facility.ana, facility.ben, facility.cruz])
      await deposit(testHub.hub, { residentId: resident.resident_id, amountCents: 1000, source: 'online' });
    const ben = facility.ben.resident_id;
    const cruz = facility.cruz.resident_id;

    // The A-Pod kiosk for Cruz (B-Pod) and for nobody; the tablet for Ben (same unit as Ana, not its person).
    const fromKiosk = parsePush(await kiosk.push([buyStampsMutation(1, cruz, 5), buyStampsMutation(2, 'no-such-resident', 5)]));
    const fromTablet = parsePush(await tablet.push([buyStampsMutation(1, ben, 5)]));
    // Released: no device serves Cruz any more, not even the kiosk of the unit she was in.
    const kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    await releaseResident(testHub.hub, { residentId: cruz });
    const afterRelease = parsePush(await kioskB.push([buyStampsMutation(1, cruz, 5)]));

    const outOfScope = { status: 'refused', code: 'outOfScope', reason: 'This device does not serve this person any more, so the hub did not accept this.' };
    expect(fromKiosk.results).toEqual([
      { id: 1, ...outOfScope },
      { id: 2, status: 'refused', code: 'residentNotFound', reason: 'This person is not known at this facility.' },
    ]);
    expect(fromTablet.results).toEqual([{ id: 1, ...outOfScope }]);
    expect(afterRelease.results).toEqual([{ id: 1, ...outOfScope }]);
    expect(await purchases()).toBe(0);
    for (const resident of [ana, ben, cruz]) await expectAccount(resident, 0, 1000);
  });

  it('charges a replayed request once: the same request id under a new mutation id, from the same or another device, even at the same moment', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: ana });
    await deposit(testHub.hub, { residentId: ana, amountCents: 1000, source: 'lobbyKiosk' });

    const requestId = randomUUID();
    expect(parsePush(await kiosk.push([buyStampsMutation(1, ana, 10, requestId)])).results).toEqual([{ id: 1, status: 'applied' }]);
    // Replayed later: by the kiosk under a new mutation id, and by the tablet — answered "applied", not charged again.
    expect(parsePush(await kiosk.push([buyStampsMutation(2, ana, 10, requestId)])).results).toEqual([{ id: 2, status: 'applied' }]);
    expect(parsePush(await tablet.push([buyStampsMutation(1, ana, 10, requestId)])).results).toEqual([{ id: 1, status: 'applied' }]);
    await expectAccount(ana, 10, 550);

    // A new request sent by both devices at the same moment (a tablet's offline request replayed through the kiosk).
    const together = randomUUID();
    const answers = (await Promise.all([kiosk.push([buyStampsMutation(3, ana, 5, together)]), tablet.push([buyStampsMutation(2, ana, 5, together)])])).map(
      parsePush,
    );
    expect(answers.map((answer) => answer.results)).toEqual([[{ id: 3, status: 'applied' }], [{ id: 2, status: 'applied' }]]);
    await expectAccount(ana, 15, 300);
    expect(await scalar("SELECT count(*)::bigint AS n FROM debit_ledger WHERE reference = $1 AND kind = 'stampPurchase'", [together])).toBe(1);

    // The same request id for a different purchase (another book, another person) is refused in words, charged nothing.
    const reused = {
      status: 'refused',
      code: 'requestIdReused',
      reason: 'This purchase request was already used for a different purchase. Nothing was charged; please try the purchase again.',
    };
    expect(parsePush(await kiosk.push([buyStampsMutation(4, ana, 20, requestId)])).results).toEqual([{ id: 4, ...reused }]);
    await deposit(testHub.hub, { residentId: facility.ben.resident_id, amountCents: 1000, source: 'online' });
    expect(parsePush(await kiosk.push([buyStampsMutation(5, facility.ben.resident_id, 10, requestId)])).results).toEqual([{ id: 5, ...reused }]);
    await expectAccount(ana, 15, 300);
    await expectAccount(facility.ben.resident_id, 0, 1000);
    expect(await purchases()).toBe(2);

    // One new request id for two people at the same moment (Ana's tablet, the kiosk for Ben): each holds its own
    // person's lock, the key decides, and
    // exactly one is charged; the other is refused, not a server error.
    const contested = randomUUID();
    const raced = (
      await Promise.all([tablet.push([buyStampsMutation(3, ana, 5, contested)]), kiosk.push([buyStampsMutation(6, facility.ben.resident_id, 5, contested)])])
    ).map(parsePush);
    expect(raced.flatMap((answer) => answer.results.map((result) => result.status)).sort()).toEqual(['applied', 'refused']);
    expect(await scalar("SELECT count(*)::bigint AS n FROM debit_ledger WHERE reference = $1 AND kind = 'stampPurchase'", [contested])).toBe(1);
  });

  it('refuses deposits and transfers that are negative, zero, fractional, not a number or absurd, in words, changing nothing', async () => {
    const badDeposits = [-100, 0, 0.5, 250.25, Number.NaN, Number.POSITIVE_INFINITY, maxDepositCents + 1, 1e9, 1e300];
    for (const amountCents of badDeposits) {
      const refusal = await deposit(testHub.hub, { residentId: ana, amountCents, source: 'online' }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal, `deposit of ${amountCents}`).toBeInstanceOf(HubInputError);
      expect(refusal, `deposit of ${amountCents}`).toMatchObject({
        message: expect.stringMatching(/^(A deposit is a positive whole number of cents\.|One deposit may be at most \$1000\.00\.)$/),
      });
    }
    for (const stamps of [-1, 0, 1.5, 1001, 1e9, Number.NaN]) {
      await expect(transferStamps(testHub.hub, { residentId: ana, stamps, from: 'Maria Diaz' }), `transfer of ${stamps}`).rejects.toThrow(
        /^A transfer is 1 to 1,000 stamps\.$/,
      );
    }
    expect(await entries()).toBe(0);
    await expectAccount(ana, 0, 0);

    // The limits themselves are fine.
    await deposit(testHub.hub, { residentId: ana, amountCents: maxDepositCents, source: 'moneyOrder' });
    await transferStamps(testHub.hub, { residentId: ana, stamps: 1000, from: 'Maria Diaz' });
    await expectAccount(ana, 1000, maxDepositCents);
  });

  it('the CLI refuses bad deposit amounts and stamp counts with a message and a non-zero exit, changing nothing', async () => {
    const cli = async (...args: string[]): Promise<{ code: number; err: string }> => {
      const err: string[] = [];
      const code = await runCli(args, {
        out: () => undefined,
        err: (line) => err.push(line),
        env: {},
        database: testHub.hub.database,
        pinCost: testPinCost,
        now: testHub.clock.now,
      });
      return { code, err: err.join('\n') };
    };
    const depositOf = (amount: string): string[] => ['deposit', '--resident', 'B1001', `--amount=${amount}`, '--source', 'online'];
    const transferOf = (stamps: string): string[] => ['transfer-stamps', '--resident', 'B1001', `--stamps=${stamps}`, '--from', 'Maria Diaz'];
    const cases: [string[], number, RegExp][] = [
      // 2: the command line is wrong (nothing was looked up); 1: the hub refused.
      [['deposit', '--resident', 'B1001', '--amount', '-5', '--source', 'online'], 2, /--amount.*argument is ambiguous/],
      [depositOf('-5'), 2, /--amount must be an amount in dollars such as 25\.00, not "-5"\./],
      [depositOf('2.555'), 2, /--amount must be an amount in dollars such as 25\.00, not "2\.555"\./],
      [depositOf('1e9'), 2, /--amount must be an amount in dollars/],
      [depositOf('1000000000'), 2, /--amount must be an amount in dollars/],
      [depositOf('12,50'), 2, /--amount must be an amount in dollars/],
      [depositOf('NaN'), 2, /--amount must be an amount in dollars/],
      [depositOf(''), 2, /--amount is required: an amount in dollars such as 25\.00\./],
      [depositOf('0'), 1, /^A deposit is a positive whole number of cents\.$/],
      [depositOf('0.00'), 1, /^A deposit is a positive whole number of cents\.$/],
      [depositOf('1000.01'), 1, /^One deposit may be at most \$1000\.00\.$/],
      [depositOf('9999999.99'), 1, /^One deposit may be at most \$1000\.00\.$/],
      [['deposit', '--resident', 'B1001', '--amount', '25.00', '--source', 'cash'], 2, /--source must be one of online, lobbyKiosk, moneyOrder, not "cash"\./],
      [transferOf('-1'), 2, /--stamps must be a whole number \(how many stamps\), not "-1"\./],
      [transferOf('1.5'), 2, /--stamps must be a whole number/],
      [transferOf('0'), 2, /--stamps must be between 1 and 1000 \(how many stamps\), not 0\./],
      [transferOf('1001'), 2, /--stamps must be between 1 and 1000/],
      [transferOf('1000000000000'), 2, /--stamps must be between 1 and 1000/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.err.split('\n')[0], args.join(' ')).toMatch(message);
    }
    expect(await entries()).toBe(0);
    await expectAccount(ana, 0, 0);
    // And a good one goes through.
    expect(await cli(...depositOf('$25.50'))).toEqual({ code: 0, err: '' });
    await expectAccount(ana, 0, 2550);
  });
});
