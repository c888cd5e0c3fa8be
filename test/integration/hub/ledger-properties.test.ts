// Ledger invariants (issue 5) under random interleavings — extending ledgers.test.ts, whose property follows one
// resident through one device at a time, to what it leaves out: three residents in two units served by three devices
// (an A-Pod kiosk for Ana and Ben, a B-Pod kiosk for Cruz, Ana's tablet), stamp transfers, replays of a request id from
// another device or under another mutation id, pushes that race each other, and crashes.
//
// A run is a random sequence of steps, each checked against a simple model of the ledgers:
// - deposits and family stamp transfers (the services the CLI calls);
// - pushes of buyStamps mutations over loopback HTTP — fresh requests, replays of an earlier request (same arguments,
//   new mutation id, from any device), unknown book sizes, people outside the device's scope;
// - retries: a device pushes its last batch again, or twice at the same moment — the same answers, nothing changes;
// - crashes: a push whose transaction fails right after one of its statements (after the debit entry, after the
//   balances moved, after everything but the recorded result...) — by throwing, or on PostgreSQL by the server
//   dropping the connection (pg_terminate_backend) — answers 500 and leaves no trace; the device sends the mutation
//   again with its next push. Deposits and transfers crash the same way;
// - races: two or three of the above (pushes from different devices, deposits, transfers) issued at once
//   (Promise.all). Each push is one transaction per mutation, so the answers must be those of some interleaving of
//   those transactions: every interleaving is replayed on the model and one must give exactly the answers seen.
// After every step, for every resident: each balance equals the sum of its entries and is not negative (auditLedgers),
// both equal the model, and every request id is charged at most once — the applied ones exactly once, the refused
// ones never. At the end of a run the balances replayed in commit order (change-log order) never went below zero.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDatabase, HubTransaction, SqlValue } from '../../../hub/db/database';
import type { Mutation, MutationResult } from '../../../hub/protocol/index';
import { startHub } from '../../../hub/server';
import { assignTablet, auditLedgers, deposit, transferStamps } from '../../../hub/services/index';
import { runningBalances } from '../../support/hub-audit';
import { freshHubDatabase, hubBackends, useHubDatabases, type HubBackend, type TestHubDatabase } from '../../support/hub-databases';
import { enroll, parsePush, seedFacility, TestClock, testPinCost, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

// ---- crashes: a database whose next matching statement fails its transaction ----

type CrashMode = 'throw' | 'drop';

interface Fault {
  /** The statement after which the transaction fails (it has run, its writes are in the transaction). */
  readonly after: RegExp;
  readonly mode: CrashMode;
}

interface FaultyDatabase {
  readonly database: HubDatabase;
  arm(fault: Fault): void;
  /** Disarms; true when the armed fault fired since it was armed. */
  disarm(): boolean;
}

class InjectedCrash extends Error {
  constructor(statement: string) {
    super(`injected crash after: ${statement.trim().slice(0, 60)}`);
    this.name = 'InjectedCrash';
  }
}

function faultyDatabase(inner: HubDatabase): FaultyDatabase {
  let armed: Fault | null = null;
  let fired = false;
  const wrap = (tx: HubTransaction): HubTransaction => ({
    exec: (script) => tx.exec(script),
    announceLog: (site, keys, seq) => tx.announceLog(site, keys, seq),
    announceDevice: (deviceId) => tx.announceDevice(deviceId),
    async query<Row extends object>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
      const rows = await tx.query<Row>(sql, params);
      const fault = armed;
      if (fault === null || !fault.after.test(sql)) return rows;
      armed = null;
      fired = true;
      if (fault.mode === 'drop') {
        // The server ends this connection in the middle of the transaction: what a crashed hub or a cut cable leaves.
        await tx.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
      }
      throw new InjectedCrash(sql);
    },
  });
  return {
    database: {
      backend: inner.backend,
      query: (sql, params) => inner.query(sql, params),
      transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
      watchCommits: (watcher) => inner.watchCommits(watcher),
      close: () => inner.close(),
    },
    arm(fault) {
      armed = fault;
      fired = false;
    },
    disarm() {
      armed = null;
      return fired;
    },
  };
}

// ---- the model ----

const bookPrices = new Map([
  [5, 250],
  [10, 450],
  [20, 800],
]);
const residentNames = ['ana', 'ben', 'cruz'] as const;
type ResidentName = (typeof residentNames)[number];
const deviceNames = ['kioskA', 'kioskB', 'tablet'] as const;
type DeviceName = (typeof deviceNames)[number];
/** Who each device may act for: the A-Pod kiosk for Ana and Ben, the B-Pod kiosk for Cruz, the tablet for Ana. */
const scopes: Record<DeviceName, readonly ResidentName[]> = { kioskA: ['ana', 'ben'], kioskB: ['cruz'], tablet: ['ana'] };

type Answer = 'applied' | 'outOfScope' | 'unknownBookSize' | 'notEnoughMoney';

interface Purchase {
  readonly resident: ResidentName;
  readonly bookSize: number;
  readonly requestId: string;
}

interface ModelState {
  readonly balances: Record<ResidentName, { stamps: number; cents: number }>;
  /** Request ids the hub bought (charged once), with what they bought. */
  readonly bought: Map<string, Purchase>;
}

function cloneState(state: ModelState): ModelState {
  return {
    balances: { ana: { ...state.balances.ana }, ben: { ...state.balances.ben }, cruz: { ...state.balances.cruz } },
    bought: new Map(state.bought),
  };
}

/** One transaction's worth of work, as the model sees it. */
type Unit =
  | { readonly kind: 'deposit'; readonly resident: ResidentName; readonly cents: number }
  | { readonly kind: 'transfer'; readonly resident: ResidentName; readonly stamps: number }
  | { readonly kind: 'buy'; readonly device: DeviceName; readonly purchase: Purchase };

/** Applies one unit to the state (in place); a buy answers what the hub must answer in that state. */
function applyUnit(state: ModelState, unit: Unit): Answer | null {
  switch (unit.kind) {
    case 'deposit':
      state.balances[unit.resident].cents += unit.cents;
      return null;
    case 'transfer':
      state.balances[unit.resident].stamps += unit.stamps;
      return null;
    case 'buy': {
      const { resident, bookSize, requestId } = unit.purchase;
      // The order of the hub's checks: scope first, then the request id, then the book, then the money.
      if (!scopes[unit.device].includes(resident)) return 'outOfScope';
      if (state.bought.has(requestId)) return 'applied';
      const price = bookPrices.get(bookSize);
      if (price === undefined) return 'unknownBookSize';
      const balance = state.balances[resident];
      if (price > balance.cents) return 'notEnoughMoney';
      balance.cents -= price;
      balance.stamps += bookSize;
      state.bought.set(requestId, unit.purchase);
      return 'applied';
    }
    default: {
      const unknownUnit: never = unit;
      throw new Error(`unknown unit ${JSON.stringify(unknownUnit)}`);
    }
  }
}

/** Every way to interleave the sequences, keeping each one's own order. */
function* interleavings<T>(sequences: readonly (readonly T[])[]): Generator<T[]> {
  const live = sequences.filter((sequence) => sequence.length > 0);
  if (live.length === 0) {
    yield [];
    return;
  }
  for (const [index, sequence] of live.entries()) {
    const [head, ...rest] = sequence as [T, ...T[]];
    const remaining = live.map((other, position) => (position === index ? rest : other));
    for (const tail of interleavings(remaining)) yield [head, ...tail];
  }
}

// ---- the steps ----

/** A new purchase — mostly for someone the device serves, sometimes not — or a replay of an earlier one. */
type BuyPlan = { readonly inScope: boolean; readonly pick: number; readonly bookSize: number } | { readonly replay: number };

type Step =
  | { readonly kind: 'deposit'; readonly resident: ResidentName; readonly cents: number }
  | { readonly kind: 'transfer'; readonly resident: ResidentName; readonly stamps: number }
  | { readonly kind: 'push'; readonly device: DeviceName; readonly buys: readonly BuyPlan[] }
  | { readonly kind: 'retry'; readonly device: DeviceName; readonly twiceAtOnce: boolean }
  | { readonly kind: 'crashPush'; readonly device: DeviceName; readonly buy: BuyPlan; readonly point: number; readonly mode: CrashMode }
  | {
      readonly kind: 'crashService';
      readonly service: 'deposit' | 'transfer';
      readonly resident: ResidentName;
      readonly point: number;
      readonly mode: CrashMode;
    }
  | { readonly kind: 'race'; readonly steps: readonly RaceStep[] };

type RaceStep = Extract<Step, { kind: 'deposit' | 'transfer' | 'push' }>;

/** Where a push's transaction can fail, in the order its statements run (hub/services/push.ts, ledgers.ts). */
const pushCrashPoints: readonly RegExp[] = [
  /^\s*INSERT INTO stamp_purchases/, // the purchase recorded, no entry yet
  /^\s*INSERT INTO debit_ledger/, // the money taken, the stamps not given
  /^\s*UPDATE residents/, // both entries written and the running balances moved
  /^\s*INSERT INTO device_mutations/, // every effect written, the result recorded
  /^\s*UPDATE devices SET last_mutation_id/, // the last statement before COMMIT
];
const serviceCrashPoints: readonly RegExp[] = [/^\s*INSERT INTO (debit|stamp)_ledger/, /^\s*UPDATE residents/, /^\s*INSERT INTO change_log/];

const residentArb = fc.constantFrom(...residentNames);
const deviceArb = fc.constantFrom(...deviceNames);
const buyArb: fc.Arbitrary<BuyPlan> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ inScope: fc.constantFrom(true, true, true, true, false), pick: fc.nat({ max: 5 }), bookSize: fc.constantFrom(5, 5, 10, 20, 7) }),
  },
  { weight: 1, arbitrary: fc.record({ replay: fc.nat({ max: 1000 }) }) },
);
const depositArb = fc.record({ kind: fc.constant('deposit' as const), resident: residentArb, cents: fc.integer({ min: 1, max: 2500 }) });
/** Money some people start a run with, so that purchases race for money that is there. */
const openingDepositArb = fc.record({ kind: fc.constant('deposit' as const), resident: residentArb, cents: fc.integer({ min: 500, max: 4000 }) });
const transferArb = fc.record({ kind: fc.constant('transfer' as const), resident: residentArb, stamps: fc.integer({ min: 1, max: 30 }) });
const pushArb = fc.record({ kind: fc.constant('push' as const), device: deviceArb, buys: fc.array(buyArb, { minLength: 1, maxLength: 3 }) });

function stepArb(backend: HubBackend): fc.Arbitrary<Step> {
  // Only a server has a connection to drop; PGlite runs in this process.
  const mode: fc.Arbitrary<CrashMode> = backend === 'postgres' ? fc.constantFrom('throw' as const, 'drop' as const) : fc.constant('throw' as const);
  const race: fc.Arbitrary<Step> = fc
    .tuple(
      fc.uniqueArray(pushArb, { minLength: 1, maxLength: 2, selector: (push) => push.device }),
      fc.array(fc.oneof(depositArb, transferArb), { maxLength: 1 }),
    )
    .filter(([pushes, others]) => pushes.length + others.length >= 2)
    .map(([pushes, others]) => ({ kind: 'race' as const, steps: [...pushes, ...others] }));
  // The sharpest race: Ana's kiosk and her tablet each buy the same book for her at the same moment.
  const contest: fc.Arbitrary<Step> = fc.constantFrom(5, 10, 20).map((bookSize) => ({
    kind: 'race' as const,
    steps: (['kioskA', 'tablet'] as const).map((device) => ({ kind: 'push' as const, device, buys: [{ inScope: true, pick: 0, bookSize }] })),
  }));
  return fc.oneof(
    { weight: 3, arbitrary: depositArb },
    { weight: 1, arbitrary: transferArb },
    { weight: 4, arbitrary: pushArb },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), device: deviceArb, twiceAtOnce: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('crashPush' as const),
        device: deviceArb,
        buy: buyArb,
        point: fc.nat({ max: pushCrashPoints.length - 1 }),
        mode,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('crashService' as const),
        service: fc.constantFrom('deposit' as const, 'transfer' as const),
        resident: residentArb,
        point: fc.nat({ max: serviceCrashPoints.length - 1 }),
        mode,
      }),
    },
    { weight: 3, arbitrary: race },
    { weight: 2, arbitrary: contest },
  );
}

// ---- the hub under test ----

interface PushAnswer {
  readonly status: number;
  readonly results: readonly MutationResult[];
}

interface DeviceState {
  readonly device: TestDevice;
  nextId: number;
  /** Sent, but the hub crashed before it was recorded: it goes first in the device's next push. */
  pending: { mutation: Mutation; purchase: Purchase }[];
  lastBatch: { mutations: Mutation[]; results: readonly MutationResult[] } | null;
}

describe.each(hubBackends)('ledger properties (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  let faulty: FaultyDatabase;
  let testHub: TestHub;

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
    faulty = faultyDatabase(testDatabase.database);
    const clock = new TestClock();
    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // Warnings and errors only: the injected crashes are logged as failed requests.
    const logger = pino({ level: 'warn' }, destination);
    const running = await startHub({ database: faulty.database, logger, now: clock.now, pinCost: testPinCost });
    testHub = {
      backend,
      url: running.url,
      hub: running.context,
      clock,
      running,
      logLines,
      async close() {
        await running.close();
        await testDatabase.dispose();
      },
    };
  });
  afterEach(async () => testHub.close());

  it('balances equal the sums of their entries, never go negative, and charge each request at most once, whatever the interleaving', async () => {
    // What the runs did, to show the property is not vacuous: every kind of answer, crash and race happened.
    const seen = {
      applied: 0,
      notEnoughMoney: 0,
      outOfScope: 0,
      unknownBookSize: 0,
      replays: 0,
      retries: 0,
      pushCrashes: 0,
      serviceCrashes: 0,
      races: 0,
      racesWithTwoApplied: 0,
    };
    await fc.assert(
      fc.asyncProperty(fc.array(openingDepositArb, { maxLength: 3 }), fc.array(stepArb(backend), { minLength: 4, maxLength: 24 }), async (opening, rest) => {
        const steps: Step[] = [...opening, ...rest];
        // Each run gets its own facility in the same database, so runs cannot see each other.
        const facility = await seedFacility(testHub.hub);
        const ids: Record<ResidentName, string> = { ana: facility.ana.resident_id, ben: facility.ben.resident_id, cruz: facility.cruz.resident_id };
        const tabletDevice = await enroll(testHub, facility.siteId, 'tablet');
        await assignTablet(testHub.hub, { deviceId: tabletDevice.deviceId, residentId: ids.ana });
        const deviceOf = (device: TestDevice): DeviceState => ({ device, nextId: 1, pending: [], lastBatch: null });
        const devices: Record<DeviceName, DeviceState> = {
          kioskA: deviceOf(await enroll(testHub, facility.siteId, 'kiosk', facility.unitA)),
          kioskB: deviceOf(await enroll(testHub, facility.siteId, 'kiosk', facility.unitB)),
          tablet: deviceOf(tabletDevice),
        };
        let state: ModelState = { balances: { ana: { stamps: 0, cents: 0 }, ben: { stamps: 0, cents: 0 }, cruz: { stamps: 0, cents: 0 } }, bought: new Map() };
        /** Every purchase ever asked for, so a replay can send one again with the same arguments. */
        const asked: Purchase[] = [];

        const purchaseFor = (device: DeviceName, plan: BuyPlan): Purchase => {
          if ('replay' in plan && asked.length > 0) {
            seen.replays += 1;
            return asked[plan.replay % asked.length]!;
          }
          const choices = 'replay' in plan || plan.inScope ? scopes[device] : residentNames.filter((name) => !scopes[device].includes(name));
          const resident = choices['replay' in plan ? 0 : plan.pick % choices.length]!;
          const purchase = { resident, bookSize: 'replay' in plan ? 5 : plan.bookSize, requestId: randomUUID() };
          asked.push(purchase);
          return purchase;
        };
        const mutationFor = (device: DeviceState, purchase: Purchase): Mutation => {
          const id = device.nextId;
          device.nextId += 1;
          return { id, name: 'buyStamps', args: { residentId: ids[purchase.resident], requestId: purchase.requestId, bookSize: purchase.bookSize } };
        };
        /** The device's next batch: what a crash left unsent first, then the new purchases. */
        const batchFor = (name: DeviceName, plans: readonly BuyPlan[]): { mutation: Mutation; purchase: Purchase }[] => {
          const device = devices[name];
          const fresh = plans.map((plan) => {
            const purchase = purchaseFor(name, plan);
            return { mutation: mutationFor(device, purchase), purchase };
          });
          return [...device.pending, ...fresh];
        };
        const send = async (name: DeviceName, batch: readonly { mutation: Mutation }[]): Promise<PushAnswer> => {
          const answer = await devices[name].device.push(batch.map((item) => item.mutation));
          return { status: answer.status, results: answer.status === 200 ? parsePush(answer).results : [] };
        };
        const answersOf = (results: readonly MutationResult[]): Answer[] =>
          results.map((result) => (result.status === 'applied' ? 'applied' : (result.code as Answer)));
        const settled = (name: DeviceName, batch: { mutation: Mutation; purchase: Purchase }[], results: readonly MutationResult[]): void => {
          devices[name].pending = [];
          devices[name].lastBatch = { mutations: batch.map((item) => item.mutation), results };
          for (const answer of answersOf(results)) if (answer in seen) seen[answer as keyof typeof seen] += 1;
          for (const result of results) if (result.status === 'refused') expect(result.reason, `a refusal in words: ${result.code}`).toMatch(/^[A-Z].{10,}\.$/);
        };
        const call = async (step: RaceStep): Promise<PushAnswer | null> => {
          switch (step.kind) {
            case 'deposit':
              await deposit(testHub.hub, { residentId: ids[step.resident], amountCents: step.cents, source: 'online' });
              return null;
            case 'transfer':
              await transferStamps(testHub.hub, { residentId: ids[step.resident], stamps: step.stamps, from: 'Family' });
              return null;
            case 'push':
              throw new Error('pushes are sent with their batch');
            default: {
              const unknownStep: never = step;
              throw new Error(`unknown step ${JSON.stringify(unknownStep)}`);
            }
          }
        };

        for (const [index, step] of steps.entries()) {
          const where = `step ${index + 1} (${step.kind})`;
          switch (step.kind) {
            case 'deposit':
            case 'transfer':
              await call(step);
              applyUnit(state, step);
              break;
            case 'push': {
              const batch = batchFor(step.device, step.buys);
              const expected = batch.map(({ purchase }) => applyUnit(state, { kind: 'buy', device: step.device, purchase }));
              const answer = await send(step.device, batch);
              expect(answer.status, where).toBe(200);
              expect(answersOf(answer.results), where).toEqual(expected);
              settled(step.device, batch, answer.results);
              break;
            }
            case 'retry': {
              const last = devices[step.device].lastBatch;
              if (last === null) break;
              seen.retries += 1;
              // Exactly once: the same batch again (or twice at the same moment) answers the same and changes nothing.
              const again = await Promise.all(Array.from({ length: step.twiceAtOnce ? 2 : 1 }, () => devices[step.device].device.push(last.mutations)));
              for (const answer of again) {
                expect(parsePush(answer).results, where).toEqual(last.results);
              }
              break;
            }
            case 'crashPush': {
              const batch = batchFor(step.device, [step.buy]);
              faulty.arm({ after: pushCrashPoints[step.point]!, mode: step.mode });
              const answer = await send(step.device, batch);
              const fired = faulty.disarm();
              if (fired) {
                seen.pushCrashes += 1;
                // The crashed transaction left no trace and its batch answers 500. The mutations before it in the batch
                // committed, each in its own transaction (like a gap's prefix); the device sends the rest again first
                // thing in its next push.
                expect(answer.status, where).toBe(500);
                const [row] = await testHub.hub.database.query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM devices WHERE device_id = $1', [
                  devices[step.device].device.deviceId,
                ]);
                const committedUpTo = row?.last_mutation_id ?? 0;
                for (const item of batch)
                  if (item.mutation.id <= committedUpTo) applyUnit(state, { kind: 'buy', device: step.device, purchase: item.purchase });
                devices[step.device].pending = batch.filter((item) => item.mutation.id > committedUpTo);
                expect(devices[step.device].pending.length, where).toBeGreaterThan(0);
              } else {
                // The statement never ran (a refusal writes no entry): the push went through untouched.
                expect(answer.status, where).toBe(200);
                const expected = batch.map(({ purchase }) => applyUnit(state, { kind: 'buy', device: step.device, purchase }));
                expect(answersOf(answer.results), where).toEqual(expected);
                settled(step.device, batch, answer.results);
              }
              break;
            }
            case 'crashService': {
              faulty.arm({ after: serviceCrashPoints[step.point]!, mode: step.mode });
              const attempt =
                step.service === 'deposit'
                  ? call({ kind: 'deposit', resident: step.resident, cents: 500 })
                  : call({ kind: 'transfer', resident: step.resident, stamps: 5 });
              await expect(attempt, where).rejects.toThrow(/injected crash/);
              expect(faulty.disarm(), where).toBe(true);
              seen.serviceCrashes += 1;
              break;
            }
            case 'race': {
              // Every push of the race is prepared before any is sent, so they all leave at the same moment.
              const prepared = step.steps.map((raced) => (raced.kind === 'push' ? { raced, batch: batchFor(raced.device, raced.buys) } : { raced, batch: [] }));
              const answers = await Promise.all(prepared.map(({ raced, batch }) => (raced.kind === 'push' ? send(raced.device, batch) : call(raced))));
              const observed: Answer[][] = [];
              const sequences: Unit[][] = prepared.map(({ raced, batch }) =>
                raced.kind === 'push' ? batch.map(({ purchase }) => ({ kind: 'buy' as const, device: raced.device, purchase })) : [raced],
              );
              for (const [position, { raced, batch }] of prepared.entries()) {
                if (raced.kind !== 'push') continue;
                const answer = answers[position];
                expect(answer?.status, where).toBe(200);
                observed[position] = answersOf(answer?.results ?? []);
                settled(raced.device, batch, answer?.results ?? []);
              }
              // Some order of the transactions must explain every answer.
              let explained: ModelState | null = null;
              const tagged = sequences.map((sequence, position) => sequence.map((unit, offset) => ({ unit, position, offset })));
              for (const order of interleavings(tagged)) {
                const candidate = cloneState(state);
                const answered: Answer[][] = prepared.map(() => []);
                for (const { unit, position } of order) {
                  const answer = applyUnit(candidate, unit);
                  if (answer !== null) answered[position]!.push(answer);
                }
                if (
                  prepared.every(({ raced }, position) => raced.kind !== 'push' || JSON.stringify(answered[position]) === JSON.stringify(observed[position]))
                ) {
                  explained = candidate;
                  break;
                }
              }
              expect(explained, `${where}: no serial order of the raced transactions gives the answers ${JSON.stringify(observed)}`).not.toBeNull();
              if (explained !== null) state = explained;
              seen.races += 1;
              if (observed.filter((answers) => answers.includes('applied')).length >= 2) seen.racesWithTwoApplied += 1;
              break;
            }
            default: {
              const unknownStep: never = step;
              throw new Error(`unknown step ${JSON.stringify(unknownStep)}`);
            }
          }

          // The invariants, after every step, for every resident.
          for (const name of residentNames) {
            const audit = await auditLedgers(testHub.hub.database, ids[name]);
            expect(audit.balanced, `${where}: ${name}'s ledgers`).toBe(true);
            expect(audit.stampBalance, `${where}: ${name}'s stamps`).toBeGreaterThanOrEqual(0);
            expect(audit.debitBalanceCents, `${where}: ${name}'s money`).toBeGreaterThanOrEqual(0);
            expect({ stamps: audit.stampBalance, cents: audit.debitBalanceCents }, `${where}: ${name} against the model`).toEqual(state.balances[name]);
          }
          await expectChargedOnce(testHub.hub.database, Object.values(ids), state, ids, where);
        }

        // In commit order, no balance ever went below zero (the CHECKs make it so; this reads it back from the log).
        for (const name of residentNames) {
          const running = await runningBalances(testHub.hub.database, ids[name]);
          expect(Math.min(0, ...running.stamps, ...running.cents), `${name}'s running balances`).toBe(0);
        }
      }),
      { numRuns: backend === 'postgres' ? 60 : 40, endOnFailure: true },
    );
    for (const [what, times] of Object.entries(seen)) expect(times, what).toBeGreaterThan(0);
  }, 120_000);

  it('a crashed deposit or transfer rolls back whole — no entry, no balance change, nothing in the change log — and a dropped connection does not take the hub down', async () => {
    const facility = await seedFacility(testHub.hub);
    const ana = facility.ana.resident_id;
    await deposit(testHub.hub, { residentId: ana, amountCents: 300, source: 'online' });
    const [before] = await testHub.hub.database.query<{ seq: number; version: number }>(
      'SELECT (SELECT max(seq) FROM change_log)::bigint AS seq, balance_version AS version FROM residents WHERE resident_id = $1',
      [ana],
    );
    const modes: CrashMode[] = backend === 'postgres' ? ['throw', 'drop'] : ['throw'];
    for (const mode of modes) {
      for (const after of serviceCrashPoints) {
        faulty.arm({ after, mode });
        await expect(deposit(testHub.hub, { residentId: ana, amountCents: 1000, source: 'moneyOrder' })).rejects.toThrow(/injected crash/);
        expect(faulty.disarm()).toBe(true);
        faulty.arm({ after, mode });
        await expect(transferStamps(testHub.hub, { residentId: ana, stamps: 10, from: 'Maria Diaz' })).rejects.toThrow(/injected crash/);
        expect(faulty.disarm()).toBe(true);
      }
    }
    expect(await auditLedgers(testHub.hub.database, ana)).toEqual({
      stampBalance: 0,
      stampEntriesSum: 0,
      debitBalanceCents: 300,
      debitEntriesSum: 300,
      balanced: true,
    });
    const [after] = await testHub.hub.database.query<{ seq: number; version: number }>(
      'SELECT (SELECT max(seq) FROM change_log)::bigint AS seq, balance_version AS version FROM residents WHERE resident_id = $1',
      [ana],
    );
    expect(after).toEqual(before);
    // And the hub goes on working afterwards (on PostgreSQL: the pool replaced the dropped connections).
    expect((await deposit(testHub.hub, { residentId: ana, amountCents: 200, source: 'online' })).debit_balance_cents).toBe(500);
  });
});

/** Every request id is charged at most once; the ones the model says were bought exactly once, at the book's price. */
async function expectChargedOnce(
  db: HubDatabase,
  residentIds: readonly string[],
  state: ModelState,
  ids: Record<ResidentName, string>,
  where: string,
): Promise<void> {
  const placeholders = residentIds.map((_, index) => `$${index + 1}`).join(', ');
  const debits = await db.query<{ reference: string; resident_id: string; entries: number; amount: number }>(
    `SELECT reference, resident_id, count(*)::bigint AS entries, sum(amount)::bigint AS amount FROM debit_ledger
      WHERE resident_id IN (${placeholders}) AND kind = 'stampPurchase' GROUP BY reference, resident_id`,
    residentIds,
  );
  const stamps = await db.query<{ reference: string; resident_id: string; entries: number; amount: number }>(
    `SELECT reference, resident_id, count(*)::bigint AS entries, sum(amount)::bigint AS amount FROM stamp_ledger
      WHERE resident_id IN (${placeholders}) AND kind = 'purchase' GROUP BY reference, resident_id`,
    residentIds,
  );
  const purchases = await db.query<{ request_id: string }>(`SELECT request_id FROM stamp_purchases WHERE resident_id IN (${placeholders})`, residentIds);
  const expectedDebits = [...state.bought.values()].map((purchase) => ({
    reference: purchase.requestId,
    resident_id: ids[purchase.resident],
    entries: 1,
    amount: -(bookPrices.get(purchase.bookSize) ?? Number.NaN),
  }));
  const expectedStamps = [...state.bought.values()].map((purchase) => ({
    reference: purchase.requestId,
    resident_id: ids[purchase.resident],
    entries: 1,
    amount: purchase.bookSize,
  }));
  const byReference = (left: { reference: string }, right: { reference: string }): number => left.reference.localeCompare(right.reference);
  expect(debits.sort(byReference), `${where}: money taken per request`).toEqual(expectedDebits.sort(byReference));
  expect(stamps.sort(byReference), `${where}: stamps given per request`).toEqual(expectedStamps.sort(byReference));
  expect(purchases.map((row) => row.request_id).sort(), `${where}: purchases recorded`).toEqual([...state.bought.keys()].sort());
}
