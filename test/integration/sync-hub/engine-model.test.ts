// The whole sync engine, push and pull together, against a model (fast-check model-based testing). The unit suite's
// model test covers apply-pull alone (test/unit/sync/apply-pull.model.test.ts); this one runs random sequences of
// what happens at a facility — the kiosk recording the residents' actions (messages, replies on a return stamp,
// purchases, marking mail read), families writing, review deciding, deposits, residents moving in and out of the
// kiosk's unit, syncs that lose the hub's answer on the way back, device restarts — against the real device (store on
// disk, real engine) and the real hub (PGlite, one site per run), and against a small model of the rules of docs/sync.md: the
// hub applies a device's mutations in id order, once, with business refusals in words. After every sync the real
// system must agree with the model: each mutation's fate at the hub and in the outbox, both ledgers' balances, the
// residents the kiosk holds and the state of their mail, and the replica equal to the hub's view of the scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { hubPaths } from '../../../hub/protocol/index';
import {
  addContact,
  addHousingUnit,
  addResident,
  auditLedgers,
  createSite,
  deposit,
  issueEnrollmentCode,
  listReviewQueue,
  moveResident,
  reviewMessage,
  sendFamilyMessage,
} from '../../../hub/services/index';
import { recordMutation } from '../../../main/sync/outbox';
import { hubMutationResults, outboxRows } from '../../support/hub-audit';
import { hubScopeDigest } from '../../support/hub-scope-digest';
import { enrollSyncedDevice, syncToQuiet, writeLocalEffect, type SyncedDevice } from '../../support/synced-device';
import { startTestHub, testEpoch, type TestHub } from '../hub/fixture';

const people = [0, 1, 2] as const;
type PersonIndex = (typeof people)[number];
const bookPriceCents = 250; // a book of 5 at the default site rules
const longBody = 'Una carta larga. '.repeat(150); // 2,550 characters: two stamps at 2,000 a stamp

interface Letter {
  readonly id: string;
  status: 'inReview' | 'delivered' | 'read' | 'rejected';
  readonly returnStamp: boolean;
  returnStampUsed: boolean;
}
interface Outbound {
  readonly id: string;
  readonly person: PersonIndex;
  readonly charged: number;
  readonly replyTo: Letter | null;
  status: 'inReview' | 'delivered' | 'rejected';
}
type Pending =
  | {
      readonly id: number;
      readonly name: 'sendMessage';
      readonly person: PersonIndex;
      readonly messageId: string;
      readonly approvedContact: boolean;
      readonly cost: number;
      readonly replyTo: Letter | null;
    }
  | { readonly id: number; readonly name: 'buyStamps'; readonly person: PersonIndex }
  | { readonly id: number; readonly name: 'markRead'; readonly person: PersonIndex; readonly letter: Letter };

/** The rules of docs/sync.md as the hub applies them, for three residents and one kiosk in unit A. */
class Model {
  readonly unit: ('A' | 'B')[] = ['A', 'A', 'B'];
  readonly stamps = [0, 0, 0];
  readonly cents = [0, 0, 0];
  readonly letters: Letter[][] = [[], [], []];
  readonly outbound: Outbound[] = [];
  readonly pending: Pending[] = [];
  /** Mutation id → "applied" or the refusal code. */
  readonly outcomes = new Map<number, string>();
  lastMutationId = 0;

  apply(mutation: Pending): string {
    const person = mutation.person;
    if (this.unit[person] !== 'A') return 'outOfScope';
    switch (mutation.name) {
      case 'sendMessage': {
        if (!mutation.approvedContact) return 'contactNotApproved';
        const target = mutation.replyTo;
        if (target !== null) {
          if (target.status !== 'delivered' && target.status !== 'read') return 'replyTargetNotFound';
          if (!target.returnStamp || target.returnStampUsed) return 'returnStampUnavailable';
        }
        if (mutation.cost > (this.stamps[person] ?? 0)) return 'notEnoughStamps';
        this.stamps[person] = (this.stamps[person] ?? 0) - mutation.cost;
        if (target !== null) target.returnStampUsed = true;
        this.outbound.push({ id: mutation.messageId, person, charged: mutation.cost, replyTo: target, status: 'inReview' });
        return 'applied';
      }
      case 'buyStamps':
        if ((this.cents[person] ?? 0) < bookPriceCents) return 'notEnoughMoney';
        this.cents[person] = (this.cents[person] ?? 0) - bookPriceCents;
        this.stamps[person] = (this.stamps[person] ?? 0) + 5;
        return 'applied';
      case 'markRead':
        if (mutation.letter.status !== 'delivered' && mutation.letter.status !== 'read') return 'messageNotFound';
        mutation.letter.status = 'read';
        return 'applied';
      default: {
        const unknownMutation: never = mutation;
        throw new Error(`unknown mutation ${JSON.stringify(unknownMutation)}`);
      }
    }
  }

  /** A sync: the hub takes every waiting mutation in id order. */
  sync(): void {
    for (const mutation of this.pending.splice(0)) this.outcomes.set(mutation.id, this.apply(mutation));
  }
}

interface Real {
  readonly testHub: TestHub;
  readonly device: SyncedDevice;
  readonly residentIds: readonly string[];
  readonly contacts: readonly { approved: string; unapproved: string }[];
  readonly siteId: string;
  readonly units: { readonly A: string; readonly B: string };
  /** The next answer of this kind is lost on its way back: the hub did the work, the device never hears. */
  readonly network: { lose: 'push' | 'pull' | null };
}

type Command = fc.AsyncCommand<Model, Real>;

function record(model: Model, pending: Pending, run: (id: number) => void): void {
  model.lastMutationId += 1;
  expect(model.lastMutationId).toBe(pending.id);
  run(pending.id);
  model.pending.push(pending);
}

class Send implements Command {
  constructor(
    readonly person: PersonIndex,
    readonly approvedContact: boolean,
    readonly long: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const messageId = randomUUID();
    const contactId = this.approvedContact ? real.contacts[this.person]?.approved : real.contacts[this.person]?.unapproved;
    const pending: Pending = {
      id: model.lastMutationId + 1,
      name: 'sendMessage',
      person: this.person,
      messageId,
      approvedContact: this.approvedContact,
      cost: this.long ? 2 : 1,
      replyTo: null,
    };
    record(model, pending, (id) => {
      const args = {
        messageId,
        residentId: real.residentIds[this.person] ?? '',
        contactId: contactId ?? '',
        body: this.long ? longBody : 'Hola',
        writtenAt: testEpoch,
        replyToMessageId: null,
        useReturnStamp: false,
      };
      expect(
        recordMutation(real.device.db, 'sendMessage', args, (db, mutationId) => writeLocalEffect(db, mutationId, 'sendMessage', `send:${messageId}`))
          .mutationId,
      ).toBe(id);
    });
  }
  toString = () => `send(${this.person}, ${this.approvedContact ? 'approved' : 'unapproved'}${this.long ? ', long' : ''})`;
}

class Reply implements Command {
  constructor(
    readonly person: PersonIndex,
    readonly which: number,
  ) {}
  check = (model: Readonly<Model>) => (model.letters[this.person]?.length ?? 0) > 0;
  async run(model: Model, real: Real): Promise<void> {
    const letters = model.letters[this.person] ?? [];
    const letter = letters[this.which % letters.length];
    if (letter === undefined) return;
    const messageId = randomUUID();
    // Paid with the letter's return stamp: the one stamp of a short reply is covered.
    const pending: Pending = {
      id: model.lastMutationId + 1,
      name: 'sendMessage',
      person: this.person,
      messageId,
      approvedContact: true,
      cost: 0,
      replyTo: letter,
    };
    record(model, pending, (id) => {
      const args = {
        messageId,
        residentId: real.residentIds[this.person] ?? '',
        contactId: real.contacts[this.person]?.approved ?? '',
        body: 'Gracias',
        writtenAt: testEpoch,
        replyToMessageId: letter.id,
        useReturnStamp: true,
      };
      expect(
        recordMutation(real.device.db, 'sendMessage', args, (db, mutationId) => writeLocalEffect(db, mutationId, 'sendMessage', `send:${messageId}`))
          .mutationId,
      ).toBe(id);
    });
  }
  toString = () => `reply(${this.person}, letter ${this.which})`;
}

class Buy implements Command {
  constructor(readonly person: PersonIndex) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const requestId = randomUUID();
    record(model, { id: model.lastMutationId + 1, name: 'buyStamps', person: this.person }, (id) => {
      const args = { residentId: real.residentIds[this.person] ?? '', requestId, bookSize: 5 };
      expect(
        recordMutation(real.device.db, 'buyStamps', args, (db, mutationId) => writeLocalEffect(db, mutationId, 'buyStamps', `buy:${requestId}`)).mutationId,
      ).toBe(id);
    });
  }
  toString = () => `buy(${this.person})`;
}

class Read implements Command {
  constructor(
    readonly person: PersonIndex,
    readonly which: number,
  ) {}
  check = (model: Readonly<Model>) => (model.letters[this.person]?.length ?? 0) > 0;
  async run(model: Model, real: Real): Promise<void> {
    const letters = model.letters[this.person] ?? [];
    const letter = letters[this.which % letters.length];
    if (letter === undefined) return;
    record(model, { id: model.lastMutationId + 1, name: 'markRead', person: this.person, letter }, (id) => {
      const args = { residentId: real.residentIds[this.person] ?? '', messageId: letter.id, readAt: testEpoch };
      expect(recordMutation(real.device.db, 'markRead', args, (db, mutationId) => writeLocalEffect(db, mutationId, 'markRead', `read:${id}`)).mutationId).toBe(
        id,
      );
    });
  }
  toString = () => `read(${this.person}, letter ${this.which})`;
}

class Deposit implements Command {
  constructor(
    readonly person: PersonIndex,
    readonly cents: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await deposit(real.testHub.hub, { residentId: real.residentIds[this.person] ?? '', amountCents: this.cents, source: 'online' });
    model.cents[this.person] = (model.cents[this.person] ?? 0) + this.cents;
  }
  toString = () => `deposit(${this.person}, ${this.cents})`;
}

class FamilyWrites implements Command {
  constructor(
    readonly person: PersonIndex,
    readonly review: 'approve' | 'reject' | 'later',
    readonly returnStamp: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const hub = real.testHub.hub;
    const message = await sendFamilyMessage(hub, {
      contactId: real.contacts[this.person]?.approved ?? '',
      body: 'Querida familia',
      carriesReturnStamp: this.returnStamp,
    });
    if (this.review === 'approve') await reviewMessage(hub, { decision: 'approve', messageId: message.message_id, reviewer: 'Officer Grant' });
    if (this.review === 'reject')
      await reviewMessage(hub, { decision: 'reject', messageId: message.message_id, reviewer: 'Officer Grant', reason: 'Not allowed.' });
    model.letters[this.person]?.push({
      id: message.message_id,
      status: this.review === 'approve' ? 'delivered' : this.review === 'reject' ? 'rejected' : 'inReview',
      returnStamp: this.returnStamp,
      returnStampUsed: false,
    });
  }
  toString = () => `family(${this.person}, ${this.review}${this.returnStamp ? ', return stamp' : ''})`;
}

/** Review decides everything waiting: family letters are approved; the residents' own messages approved or rejected. */
class ReviewAll implements Command {
  constructor(readonly rejectOutbound: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const hub = real.testHub.hub;
    for (const item of await listReviewQueue(hub.database, real.siteId)) {
      if (item.direction === 'outbound' && this.rejectOutbound)
        await reviewMessage(hub, { decision: 'reject', messageId: item.messageId, reviewer: 'Officer Grant', reason: 'Not allowed.' });
      else await reviewMessage(hub, { decision: 'approve', messageId: item.messageId, reviewer: 'Officer Grant' });
    }
    for (const letter of model.letters.flat()) if (letter.status === 'inReview') letter.status = 'delivered';
    for (const message of model.outbound) {
      if (message.status !== 'inReview') continue;
      if (!this.rejectOutbound) {
        message.status = 'delivered';
        continue;
      }
      // The site refunds on rejection: the stamps, and the return stamp that paid for a reply.
      message.status = 'rejected';
      model.stamps[message.person] = (model.stamps[message.person] ?? 0) + message.charged;
      if (message.replyTo !== null) message.replyTo.returnStampUsed = false;
    }
  }
  toString = () => `reviewAll(${this.rejectOutbound ? 'reject' : 'approve'} outbound)`;
}

class Move implements Command {
  constructor(readonly person: PersonIndex) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const to = model.unit[this.person] === 'A' ? 'B' : 'A';
    await moveResident(real.testHub.hub, { residentId: real.residentIds[this.person] ?? '', housingUnitId: real.units[to] });
    model.unit[this.person] = to;
  }
  toString = () => `move(${this.person})`;
}

/** The device restarts; an engine that starts syncs at once, so this is a sync too. */
class Restart implements Command {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.device.restart();
    await syncToQuiet(real.device);
    model.sync();
    await expectAgreement(model, real);
  }
  toString = () => 'restartDevice';
}

class Sync implements Command {
  constructor(readonly lose: 'push' | 'pull' | null) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.network.lose = this.lose;
    await syncToQuiet(real.device);
    model.sync();
    await expectAgreement(model, real);
  }
  toString = () => `sync${this.lose === null ? '' : `(losing a ${this.lose} answer)`}`;
}

async function expectAgreement(model: Model, real: Real): Promise<void> {
  const { device, testHub } = real;
  const hub = testHub.hub;
  // Each mutation's fate: at the hub (every one, recorded once) and in the outbox (those an evict has not cleared).
  const atHub = await hubMutationResults(hub.database, device.deviceId);
  expect(atHub.map((row) => [row.mutation_id, row.refusal_code ?? row.status])).toEqual([...model.outcomes].sort(([a], [b]) => a - b));
  for (const row of outboxRows(device.db)) {
    expect(row.status, `mutation ${row.mutation_id}`).not.toBe('pending');
    expect(row.result_code ?? row.status, `mutation ${row.mutation_id}`).toBe(model.outcomes.get(row.mutation_id));
    if (row.status === 'refused') expect(row.result_reason).toMatch(/\w/);
  }
  // Money and stamps at the hub, and on the kiosk for the residents it holds.
  const held = new Set(
    device.db
      .prepare<[], { resident_id: string }>('SELECT resident_id FROM residents WHERE version > 0')
      .all()
      .map((row) => row.resident_id),
  );
  for (const person of people) {
    const residentId = real.residentIds[person] ?? '';
    const audit = await auditLedgers(hub.database, residentId);
    expect(audit).toMatchObject({ balanced: true, stampBalance: model.stamps[person], debitBalanceCents: model.cents[person] });
    expect(held.has(residentId), `kiosk holds resident ${person}`).toBe(model.unit[person] === 'A');
    if (model.unit[person] !== 'A') continue;
    const balance = device.db
      .prepare<[string], { stamps: number; available_cents: number }>('SELECT stamps, available_cents FROM balances WHERE resident_id = ?')
      .get(residentId);
    expect(balance).toEqual({ stamps: model.stamps[person], available_cents: model.cents[person] });
    // The mail as the resident sees it: delivered letters (in review or rejected: not at all), and their own messages.
    const mail = device.db
      .prepare<[string], { message_id: string; status: string; return_stamp_used: number }>(
        'SELECT message_id, status, return_stamp_used FROM messages WHERE resident_id = ? ORDER BY message_id',
      )
      .all(residentId);
    const expected = [
      ...(model.letters[person] ?? [])
        .filter((letter) => letter.status !== 'inReview' && letter.status !== 'rejected')
        .map((letter) => ({ message_id: letter.id, status: letter.status, return_stamp_used: letter.returnStampUsed ? 1 : 0 })),
      ...model.outbound
        .filter((message) => message.person === person)
        .map((message) => ({ message_id: message.id, status: message.status, return_stamp_used: 0 })),
    ].sort((a, b) => (a.message_id < b.message_id ? -1 : 1));
    expect(mail).toEqual(expected);
  }
  // And the whole replica is the hub's view of the kiosk's scope.
  expect(device.digest()).toBe(await hubScopeDigest(hub.database, device.deviceId));
}

const person = fc.constantFrom<PersonIndex>(...people);
const send = fc.tuple(person, fc.boolean(), fc.boolean()).map(([who, approved, long]) => new Send(who, approved, long));
const buy = person.map((who) => new Buy(who));
const read = fc.tuple(person, fc.nat(5)).map(([who, which]) => new Read(who, which));
const sync = fc.constantFrom<'push' | 'pull' | null>(null, null, 'push', 'pull').map((lose) => new Sync(lose));
// The residents' actions and syncs come up more often than the rest.
const commands = [
  send,
  send,
  send,
  buy,
  buy,
  read,
  fc.tuple(person, fc.nat(5)).map(([who, which]) => new Reply(who, which)),
  // Often exactly the price of a book, so that a balance is as often exactly enough as not enough.
  fc.tuple(person, fc.constantFrom(250, 250, 500, 120)).map(([who, cents]) => new Deposit(who, cents)),
  fc
    .tuple(person, fc.constantFrom<'approve' | 'reject' | 'later'>('approve', 'approve', 'reject', 'later'), fc.boolean())
    .map(([who, review, stamp]) => new FamilyWrites(who, review, stamp)),
  fc.boolean().map((reject) => new ReviewAll(reject)),
  person.map((who) => new Move(who)),
  fc.constant(new Restart()),
  sync,
  sync,
];

let testHub: TestHub | null = null;
beforeAll(async () => {
  testHub = await startTestHub('pglite');
});
afterAll(async () => {
  await testHub?.close();
});

let runs = 0;
/** A fresh site with a kiosk in unit A, on the one hub (sites never see each other's records). */
async function freshReal(): Promise<Real> {
  if (testHub === null) throw new Error('no hub');
  const hub = testHub.hub;
  runs += 1;
  const site = await createSite(hub, { name: `Model site ${runs}` });
  const units = {
    A: (await addHousingUnit(hub, { siteId: site.siteId, name: 'A' })).housingUnitId,
    B: (await addHousingUnit(hub, { siteId: site.siteId, name: 'B' })).housingUnitId,
  };
  const residentIds: string[] = [];
  const contacts: { approved: string; unapproved: string }[] = [];
  for (const [index, unit] of [units.A, units.A, units.B].entries()) {
    const resident = await addResident(hub, { housingUnitId: unit, credentialId: `M${index}`, displayName: `Resident ${index}`, pin: '1234' });
    residentIds.push(resident.resident_id);
    const approved = await addContact(hub, { residentId: resident.resident_id, displayName: 'Family', relationship: 'mother', approved: true });
    const unapproved = await addContact(hub, { residentId: resident.resident_id, displayName: 'Friend', relationship: 'friend' });
    contacts.push({ approved: approved.contact_id, unapproved: unapproved.contact_id });
  }
  const issued = await issueEnrollmentCode(hub, { siteId: site.siteId, kind: 'kiosk', housingUnitId: units.A });
  const network: Real['network'] = { lose: null };
  // Forwards every request; when a loss is armed, the matching request still reaches the hub but its answer never returns.
  const losingFetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const response = await fetch(input, init);
    if ((network.lose === 'push' && url.endsWith(hubPaths.push)) || (network.lose === 'pull' && url.endsWith(hubPaths.pull))) {
      network.lose = null;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: the connection was lost after the hub answered');
    }
    return response;
  };
  const device = await enrollSyncedDevice({ name: `kiosk ${runs}`, hubUrl: testHub.url, code: issued.code, fetch: losingFetch, settings: { pullLimit: 4 } });
  await syncToQuiet(device);
  return { testHub, device, residentIds, contacts, siteId: site.siteId, units, network };
}

describe('the sync engine against a model (push and pull together, real device, real hub)', () => {
  it('after every sync the device, the hub and the model agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const real = await freshReal();
        try {
          // Every run ends with a clean sync, so each sequence is checked at least once in full.
          await fc.asyncModelRun(() => ({ model: new Model(), real }), [...cmds, new Sync(null)]);
        } finally {
          await real.device.stop();
        }
      }),
      { numRuns: 16 },
    );
  }, 120_000);
});
