// docs/sync.md §15 "What the tests prove", item 4: a proxy that drops, resets, delays and answers 500 between device and hub
// changes nothing in the end state. Issue 15 added the faults a real network path adds: answers cut part-way under a
// Content-Length that promises the whole body, connections reset mid-answer, a load balancer's HTML 502 page after the
// hub did the work, an HTML page with status 200 instead of the hub, and requests held for seconds — longer than the
// device's request timeout here, so that it gives up while the hub, later, still does the work.
//
// One seeded scenario — eighty rounds of facility life (family mail with photos reviewed every way, deposits, visits,
// a resident moving in and out of the kiosk's unit, the residents' own messages reviewed as they arrive) and of
// actions at the A-Pod kiosk (messages, purchases, reading mail, a reply on a return stamp, and actions the hub
// refuses) — is run twice on a fresh hub and a fresh device: once through the fault proxy with every fault mixed in,
// healed at the end, and once on a clean network. Afterwards each device equals its hub's view of its scope, and the
// two end states are the same: the devices' replicas have the same digest once the ids each hub drew at random (and
// the salted PIN hashes) are replaced by the names the scenario gave them, and every action came out the same way.
//
// The faulty run is made a second time with two hubs on one PostgreSQL database behind the proxy, which sends each
// request to the next hub in turn (docs/deployment-hub.md "Past one server"): a push the network cut on one hub is
// retried on the other, a held request lands on one hub while its retry has already been applied by the other, and the
// cursor pages across both. It must end where the same clean run ends. The two hubs are two startHub instances in this
// process, each with its own connection pool and its own connection listening for commit notes: separate processes
// would run on the real clock, and the end states compare equal only because every run reads the same test clock
// (hub-kill.test.ts and live-bad-input.test.ts run hub processes).
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../../hub/db/index';
import { startHub, type RunningHub } from '../../../hub/server';
import {
  addResident,
  deposit,
  listReviewQueue,
  listStaff,
  moveResident,
  reviewMessage,
  scheduleVisit,
  cancelVisit,
  transferStamps,
} from '../../../hub/services/index';
import type { LedgerEntryRecord, MessageRecord } from '../../../hub/protocol/index';
import { digestOfRecords, type ReplicaRecord } from '../../../main/sync/replica-digest';
import { seededRandom } from '../../support/seeded-random';
import { startFaultProxy, type Fault, type FaultProxy } from '../../support/fault-proxy';
import { checkExactlyOnce, outboxRows } from '../../support/hub-audit';
import { seededUuid, silentLogger, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, testPinCost, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged, familyMessage, photo } from './harness';

type Person = 'ana' | 'ben' | 'cruz';
type Decision = 'approve' | 'withhold' | 'reject' | 'later';

type HubOp =
  | {
      readonly kind: 'family';
      readonly label: string;
      readonly to: Person;
      readonly photos: readonly Buffer[];
      readonly review: Decision;
      readonly returnStamp: boolean;
    }
  | { readonly kind: 'deposit'; readonly label: string; readonly cents: number }
  | { readonly kind: 'visit'; readonly label: string }
  | { readonly kind: 'cancelVisit'; readonly label: string }
  | { readonly kind: 'moveCruz' }
  | { readonly kind: 'reviewArrived' }
  | { readonly kind: 'reviewLater' };

type DeviceAction =
  | {
      readonly kind: 'send';
      readonly key: string;
      readonly who: 'ana' | 'anaToFriend' | 'ben';
      readonly long: boolean;
      readonly decision: 'approve' | 'reject';
    }
  | { readonly kind: 'buy'; readonly key: string; readonly who: 'ana' | 'ben' }
  | { readonly kind: 'read'; readonly target: string }
  | { readonly kind: 'reply'; readonly key: string; readonly target: string; readonly decision: 'approve' | 'reject' };

interface Round {
  readonly hub: readonly HubOp[];
  readonly device: readonly DeviceAction[];
  readonly cycles: number;
}

/** The scenario, drawn once from a seed; both runs play exactly this. */
function scenario(seed: number, roundCount: number): Round[] {
  const random = seededRandom(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const readable: string[] = [];
  const withReturnStamp: string[] = [];
  const visits: string[] = [];
  let family = 0;
  let deposits = 0;
  let visitCount = 0;
  let anaBuys = 0;
  let anaSends = 0;
  const rounds: Round[] = [];
  for (let round = 0; round < roundCount; round++) {
    const hub: HubOp[] = [];
    const device: DeviceAction[] = [];
    for (let count = Math.floor(random() * 3); count > 0; count--) {
      const roll = random();
      if (roll < 0.45) {
        const label = `family-${++family}`;
        const to = pick<Person>(['ana', 'ana', 'ben', 'cruz']);
        const review = pick<Decision>(['approve', 'approve', 'withhold', 'reject', 'later']);
        const photos = Array.from({ length: Math.floor(random() * 3) }, () =>
          photo(0, Buffer.from(Array.from({ length: 3_000 }, () => Math.floor(random() * 256)))),
        );
        const returnStamp = to === 'ana' && review === 'approve' && chance(0.4);
        hub.push({ kind: 'family', label, to, photos, review: review === 'withhold' && photos.length === 0 ? 'approve' : review, returnStamp });
        if (to === 'ana' && review !== 'reject') readable.push(label);
        if (returnStamp) withReturnStamp.push(label);
      } else if (roll < 0.6) hub.push({ kind: 'deposit', label: `deposit-${++deposits}`, cents: 100 + Math.floor(random() * 900) });
      else if (roll < 0.7) {
        const label = `visit-${++visitCount}`;
        visits.push(label);
        hub.push({ kind: 'visit', label });
      } else if (roll < 0.75 && visits.length > 0) hub.push({ kind: 'cancelVisit', label: visits.splice(Math.floor(random() * visits.length), 1)[0] ?? '' });
      else if (roll < 0.85) hub.push({ kind: 'moveCruz' });
      else if (roll < 0.95) hub.push({ kind: 'reviewArrived' });
      else hub.push({ kind: 'reviewLater' });
    }
    for (let count = Math.floor(random() * 4); count > 0; count--) {
      const roll = random();
      if (roll < 0.4 && anaSends < 25) {
        anaSends += 1;
        device.push({ kind: 'send', key: seededUuid(random), who: 'ana', long: chance(0.3), decision: chance(0.7) ? 'approve' : 'reject' });
      } else if (roll < 0.47) device.push({ kind: 'send', key: seededUuid(random), who: 'anaToFriend', long: false, decision: 'approve' });
      else if (roll < 0.54) device.push({ kind: 'send', key: seededUuid(random), who: 'ben', long: false, decision: 'approve' });
      else if (roll < 0.64 && anaBuys < 8) {
        anaBuys += 1;
        device.push({ kind: 'buy', key: seededUuid(random), who: 'ana' });
      } else if (roll < 0.7) device.push({ kind: 'buy', key: seededUuid(random), who: 'ben' });
      else if (roll < 0.9 && readable.length > 0) device.push({ kind: 'read', target: pick(readable) });
      else if (withReturnStamp.length > 0)
        device.push({ kind: 'reply', key: seededUuid(random), target: withReturnStamp.shift() ?? '', decision: chance(0.5) ? 'approve' : 'reject' });
    }
    rounds.push({ hub, device, cycles: 1 + Math.floor(random() * 2) });
  }
  return rounds;
}

interface RunResult {
  /** The device's replica with every id the hub drew replaced by the scenario's name for it. */
  readonly records: ReplicaRecord[];
  /** Each action's fate, by the scenario's name for it. */
  readonly outcomes: Record<string, string>;
  readonly faults: Record<Fault, number> | null;
  /** How many times each sync problem was seen on the device, by code (the engine's running count). */
  readonly problems: Partial<Record<string, number>>;
  /** Requests the proxy forwarded to each hub. */
  readonly forwarded: number[] | null;
}

/** Where the faulty run's device syncs: one hub on PGlite, or two hubs on one PostgreSQL database taking turns. */
type Hubs = 'one' | 'two';

let testHub: TestHub | null = null;
let proxy: FaultProxy | null = null;
let kiosk: SyncedDevice | null = null;
/** The second hub of a two-hub run and how to close it with its own pool. */
let secondHub: { running: RunningHub; close(): Promise<void> } | null = null;
async function cleanUp(): Promise<void> {
  await kiosk?.stop();
  await proxy?.close();
  await secondHub?.close();
  await testHub?.close();
  kiosk = null;
  proxy = null;
  secondHub = null;
  testHub = null;
}
afterEach(cleanUp);

async function play(rounds: readonly Round[], network: 'faulty' | 'clean', seed: number, hubs: Hubs = 'one'): Promise<RunResult> {
  testHub = await startTestHub(hubs === 'one' ? 'pglite' : 'postgres');
  const hub = testHub.hub;
  if (hubs === 'two') {
    if (testHub.databaseUrl === null || testHub.databaseUrl === undefined) throw new Error('two hubs need a PostgreSQL database');
    // A pool of its own on the same database, the same clock: a second hub the first knows only through the database.
    const database = openPostgresDatabase({ databaseUrl: testHub.databaseUrl });
    const running = await startHub({ database, port: 0, host: '127.0.0.1', logger: silentLogger(), now: testHub.clock.now, pinCost: testPinCost });
    secondHub = {
      running,
      async close() {
        await running.close();
        await database.close();
      },
    };
  }
  const f = await seedFacility(hub);
  const people: Record<Person, string> = { ana: f.ana.resident_id, ben: f.ben.resident_id, cruz: f.cruz.resident_id };
  const contacts: Record<Person, string> = { ana: f.anaMom, ben: f.benBrother, cruz: f.cruzSister };
  const labels = new Map<string, string>([
    [f.siteId, 'site'],
    [f.unitA, 'unit-A'],
    [f.unitB, 'unit-B'],
    [people.ana, 'ana'],
    [people.ben, 'ben'],
    [people.cruz, 'cruz'],
    [f.anaMom, 'ana-mom'],
    [f.anaFriend, 'ana-friend'],
    [f.benBrother, 'ben-brother'],
    [f.cruzSister, 'cruz-sister'],
  ]);
  for (const staff of await listStaff(hub.database, f.siteId)) labels.set(staff.staff_id, `staff-${staff.display_name}`);
  await deposit(hub, { residentId: people.ana, amountCents: 5_000, source: 'online', reference: 'opening' });
  await transferStamps(hub, { residentId: people.ana, stamps: 60, from: 'opening' });
  // Someone who never leaves B, so that moving Cruz around always leaves both units occupied.
  await addResident(hub, { housingUnitId: f.unitB, credentialId: 'B2002', displayName: 'Eli Stone', pin: '7777' });

  if (network === 'faulty') {
    proxy = await startFaultProxy({
      target: secondHub === null ? testHub.url : [testHub.url, secondHub.running.url],
      seed,
      maxDelayMs: 60,
      // Rare, so that the run stays bounded: each costs up to 3.5 s of waiting.
      slowDelayMs: { min: 1_500, max: 3_500 },
      weights: { pass: 6, delay: 2, http500: 1, dropBeforeHub: 1, reset: 1, dropAfterHub: 2, truncated: 1, resetMidAnswer: 1, http502: 1, html: 1, slow: 0.8 },
    });
  }
  // A request timeout of 2.5 s, so that a good share of the slow requests outlast it; the same on the clean run.
  kiosk = await enrollOn(testHub, {
    name: `A-Pod kiosk (${network})`,
    siteId: f.siteId,
    kind: 'kiosk',
    housingUnitId: f.unitA,
    settings: { requestTimeoutMs: 2_500 },
    ...(proxy === null ? {} : { via: proxy.url }),
  });
  const device = kiosk;

  const byLabel = new Map<string, string>();
  const decisions = new Map<string, 'approve' | 'reject'>();
  const laterReviews: string[] = [];
  const visitIds = new Map<string, string>();
  let cruzIn: 'A' | 'B' = 'B';
  const outcomesByMutation = new Map<number, string>();
  const deferred: Extract<DeviceAction, { kind: 'read' | 'reply' }>[] = [];

  const reviewArrivedOutbound = async () => {
    for (const item of await listReviewQueue(hub.database, f.siteId)) {
      const decision = decisions.get(item.messageId);
      if (item.direction !== 'outbound' || decision === undefined) continue;
      if (decision === 'approve') await reviewMessage(hub, { decision: 'approve', messageId: item.messageId, reviewer: 'Officer Grant' });
      else await reviewMessage(hub, { decision: 'reject', messageId: item.messageId, reviewer: 'Officer Grant', reason: 'Not allowed.' });
    }
  };
  const reviewLater = async () => {
    for (const messageId of laterReviews.splice(0)) await reviewMessage(hub, { decision: 'approve', messageId, reviewer: 'Officer Grant' });
  };
  const deliveredHere = (label: string): boolean => {
    const id = byLabel.get(label);
    return id !== undefined && device.db.prepare("SELECT 1 FROM messages WHERE message_id = ? AND status IN ('delivered', 'read')").get(id) !== undefined;
  };
  const flushDeferred = () => {
    for (let index = 0; index < deferred.length;) {
      const action = deferred[index];
      if (action === undefined || !deliveredHere(action.target)) {
        index += 1;
        continue;
      }
      deferred.splice(index, 1);
      const target = byLabel.get(action.target) ?? '';
      if (action.kind === 'read')
        outcomesByMutation.set(device.act('markRead', { residentId: people.ana, messageId: target, readAt: testEpoch }), `read ${action.target}`);
      else {
        decisions.set(action.key, action.decision);
        const id = device.act('sendMessage', {
          messageId: action.key,
          residentId: people.ana,
          contactId: f.anaMom,
          body: 'Gracias por el sello',
          writtenAt: testEpoch,
          replyToMessageId: target,
          useReturnStamp: true,
        });
        outcomesByMutation.set(id, `reply ${action.target}`);
      }
    }
  };

  for (const round of rounds) {
    for (const op of round.hub) {
      switch (op.kind) {
        case 'family': {
          const id = await familyMessage(hub, contacts[op.to], `Letter ${op.label}`, {
            photos: op.photos,
            returnStamp: op.returnStamp,
            review:
              op.review === 'later'
                ? 'none'
                : op.review === 'reject'
                  ? { decision: 'reject', reason: 'Not allowed.' }
                  : { decision: 'approve', ...(op.review === 'withhold' ? { withhold: [0] } : {}) },
          });
          byLabel.set(op.label, id);
          labels.set(id, op.label);
          if (op.review === 'later') laterReviews.push(id);
          break;
        }
        case 'deposit':
          await deposit(hub, { residentId: people.ana, amountCents: op.cents, source: 'online', reference: op.label });
          break;
        case 'visit': {
          const visit = await scheduleVisit(hub, {
            residentId: people.ana,
            visitorName: 'Maria Diaz',
            kind: 'remote',
            startsAt: testEpoch + visitIds.size * 3_600_000,
            durationMinutes: 30,
          });
          visitIds.set(op.label, visit.visit_id);
          labels.set(visit.visit_id, op.label);
          break;
        }
        case 'cancelVisit':
          await cancelVisit(hub, { visitId: visitIds.get(op.label) ?? '' });
          break;
        case 'moveCruz':
          cruzIn = cruzIn === 'A' ? 'B' : 'A';
          await moveResident(hub, { residentId: people.cruz, housingUnitId: cruzIn === 'A' ? f.unitA : f.unitB });
          break;
        case 'reviewArrived':
          await reviewArrivedOutbound();
          break;
        case 'reviewLater':
          await reviewLater();
          break;
        default: {
          const unknownOp: never = op;
          throw new Error(`unknown op ${JSON.stringify(unknownOp)}`);
        }
      }
    }
    for (const action of round.device) {
      switch (action.kind) {
        case 'send': {
          const [residentId, contactId] =
            action.who === 'ana' ? [people.ana, f.anaMom] : action.who === 'anaToFriend' ? [people.ana, f.anaFriend] : [people.ben, f.benBrother];
          decisions.set(action.key, action.decision);
          const id = device.act('sendMessage', {
            messageId: action.key,
            residentId,
            contactId,
            body: action.long ? 'Una carta larga. '.repeat(150) : 'Hola',
            writtenAt: testEpoch,
            replyToMessageId: null,
            useReturnStamp: false,
          });
          outcomesByMutation.set(id, `send ${action.key}`);
          break;
        }
        case 'buy':
          outcomesByMutation.set(
            device.act('buyStamps', { residentId: action.who === 'ana' ? people.ana : people.ben, requestId: action.key, bookSize: 5 }),
            `buy ${action.key}`,
          );
          break;
        case 'read':
        case 'reply':
          deferred.push(action);
          break;
        default: {
          const unknownAction: never = action;
          throw new Error(`unknown action ${JSON.stringify(unknownAction)}`);
        }
      }
    }
    flushDeferred();
    for (let cycle = 0; cycle < round.cycles; cycle++) {
      device.engine.send({ type: 'SYNC_NOW' });
      await device.engine.whenResting();
    }
  }

  // Heal, let everything arrive, then finish what waited on it: the letters still in review, the reads and replies
  // waiting for their letter, and last the review of every message the kiosk sent.
  proxy?.heal();
  await reviewLater();
  await syncToQuiet(device);
  flushDeferred();
  expect(deferred, 'actions still waiting for their letter').toEqual([]);
  await syncToQuiet(device);
  await reviewArrivedOutbound();
  await expectConverged(hub, [device]);
  const report = await checkExactlyOnce(hub.database, device, { complete: true });
  expect(report.problems).toEqual([]);

  const outcomes: Record<string, string> = {};
  for (const row of outboxRows(device.db)) {
    const name = outcomesByMutation.get(row.mutation_id) ?? `unknown ${row.mutation_id}`;
    outcomes[`${name} #${Object.keys(outcomes).filter((key) => key.startsWith(`${name} #`)).length + 1}`] =
      row.status === 'refused' ? `refused ${row.result_code ?? ''}: ${row.result_reason ?? ''}` : row.status;
  }
  const { errorCounts } = await device.engine.whenResting();
  const result = {
    records: relabel(device.records(), labels),
    outcomes,
    faults: proxy === null ? null : { ...proxy.counts },
    problems: { ...errorCounts },
    forwarded: proxy === null ? null : [...proxy.forwarded],
  };
  await cleanUp();
  return result;
}

/** Replaces the ids each hub drew at random by the scenario's names (ledger entries by what they are), and PIN hashes (salted) by a placeholder. */
function relabel(records: readonly ReplicaRecord[], known: ReadonlyMap<string, string>): ReplicaRecord[] {
  const labels = new Map(known);
  for (const record of records) {
    if (record.entity === 'stampEntry' || record.entity === 'debitEntry') {
      const entry = record.data as LedgerEntryRecord;
      const label = `${record.entity}:${entry.kind}:${labels.get(entry.reference) ?? entry.reference}:${entry.amount}`;
      expect([...labels.values()], `two ledger entries named ${label}`).not.toContain(label);
      labels.set(record.id, label);
    }
  }
  // A stopped-letter notice is named by what it says (its id derives from the letter's, drawn at random); notices that
  // say the same are numbered, since nothing else tells them apart.
  const sameNotice = new Map<string, number>();
  const notices = records.filter((record) => record.entity === 'letterStopped');
  const noticeKey = (record: ReplicaRecord): string => {
    const { noticeId: _noticeId, ...rest } = record.data as Record<string, unknown>;
    return JSON.stringify(
      Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, typeof value === 'string' ? (labels.get(value) ?? value) : value])),
    );
  };
  for (const record of [...notices].sort((a, b) => (noticeKey(a) < noticeKey(b) ? -1 : noticeKey(a) > noticeKey(b) ? 1 : 0))) {
    const key = noticeKey(record);
    const n = (sameNotice.get(key) ?? 0) + 1;
    sameNotice.set(key, n);
    labels.set(record.id, `letterStopped:${key}:${n}`);
  }
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return labels.get(value) ?? value;
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, replace(field)]));
    return value;
  };
  return records
    .map((record) => {
      const data = replace(record.data) as Record<string, unknown>;
      if (record.entity === 'message')
        data.attachments = (data.attachments as MessageRecord['attachments']).map((attachment, position) => ({
          ...attachment,
          attachmentId: `attachment-${position}`,
        }));
      if (record.entity === 'resident' || record.entity === 'staff') data.pinHash = '(salted hash)';
      return { entity: record.entity, id: labels.get(record.id) ?? record.id, version: record.version, data };
    })
    .sort((a, b) => (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('a faulty network between device and hub', () => {
  const seed = 8_675_309;
  const rounds = scenario(seed, 80);
  // The clean run both faulty runs are compared with, played once (by whichever test comes first).
  let cleanResult: RunResult | null = null;
  const cleanRun = async (): Promise<RunResult> => (cleanResult ??= await play(rounds, 'clean', seed));

  /** The faulty run met every fault, the device saw each for what it is, and it ended where the clean run ends. */
  function expectSameEnd(faulty: RunResult, clean: RunResult): void {
    for (const fault of ['delay', 'http500', 'dropBeforeHub', 'reset', 'dropAfterHub', 'truncated', 'resetMidAnswer', 'http502', 'html', 'slow'] as const)
      expect(faulty.faults?.[fault] ?? 0, fault).toBeGreaterThan(2);
    // The device saw each kind of trouble for what it is: no answer in time (a slow request outlasting its timeout), an
    // HTML page where the hub's JSON should be, the network; and never took a portal's page for a damaged attachment.
    expect(faulty.problems.hubTimeout ?? 0, 'slow requests that outlasted the request timeout').toBeGreaterThan(0);
    expect(faulty.problems.invalidResponse ?? 0).toBeGreaterThan(0);
    expect(faulty.problems.hubUnreachable ?? 0).toBeGreaterThan(0);
    expect(faulty.problems.blobHashMismatch ?? 0).toBe(0);
    expect(Object.keys(faulty.outcomes).length).toBeGreaterThan(40);
    expect(faulty.outcomes).toEqual(clean.outcomes);
    expect(faulty.records).toEqual(clean.records);
    expect(digestOfRecords(faulty.records)).toBe(digestOfRecords(clean.records));
  }

  it('changes nothing in the end state: a long seeded run with every fault, healed, ends where a clean run ends', async () => {
    const faulty = await play(rounds, 'faulty', seed);
    const clean = await cleanRun();

    console.info(`fault run: requests by fault ${JSON.stringify(faulty.faults)}; problems the device saw ${JSON.stringify(faulty.problems)}`);
    expectSameEnd(faulty, clean);
    // The scenario reached everything it meant to: mail with photos, purchases, refusals, moves.
    const entities = new Set(clean.records.map((record) => record.entity));
    expect([...entities].sort()).toEqual([
      'balance',
      'contact',
      'debitEntry',
      'letterStopped',
      'message',
      'resident',
      'siteRules',
      'staff',
      'stampEntry',
      'visit',
    ]);
    expect(Object.values(clean.outcomes).some((outcome) => outcome.startsWith('refused notEnoughMoney'))).toBe(true);
    expect(Object.values(clean.outcomes).some((outcome) => outcome.startsWith('refused contactNotApproved'))).toBe(true);
  }, 400_000);

  it('changes nothing with two hubs on one PostgreSQL database behind it, taking requests in turn: the same run ends where the clean run ends', async () => {
    const faulty = await play(rounds, 'faulty', seed, 'two');
    const clean = await cleanRun();
    console.info(
      `fault run, two hubs: requests forwarded ${faulty.forwarded?.join(' / ') ?? ''}, by fault ${JSON.stringify(faulty.faults)}; problems the device saw ${JSON.stringify(faulty.problems)}`,
    );
    // Both hubs did a fair share of the work.
    for (const forwarded of faulty.forwarded ?? []) expect(forwarded).toBeGreaterThan(50);
    expectSameEnd(faulty, clean);
  }, 400_000);
});
