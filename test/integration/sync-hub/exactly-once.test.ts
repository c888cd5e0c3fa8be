// docs/sync.md §15 "What the tests prove", item 1: every mutation the device accepted is applied at the hub exactly once, or
// refused with a reason that the person sees.
//
// A kiosk with a real store on disk runs the real sync engine against the real hub through a fault proxy that drops,
// resets, delays and answers 500 — and, most of all, forwards a request to the hub and then drops the answer
// (dropAfterHub), so the device must send again what the hub has already done. While the network misbehaves the
// kiosk accepts a seeded mix of actions: messages (each with its local effect, in the outbox's transaction), marking
// family mail read, buying stamps, and actions the hub must refuse (an unapproved contact, too few stamps, too little
// money, a return stamp already spent). After healing and syncing to quiet, the hub's tables are counted against the
// outbox: each message by id, each ledger entry by reference, each purchase by request id, each recorded result, and
// the device's lastMutationId at the hub.
import { afterEach, describe, expect, it } from 'vitest';
import { hubPaths } from '../../../hub/protocol/index';
import { auditLedgers, deposit } from '../../../hub/services/index';
import { seededRandom } from '../../support/seeded-random';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { checkExactlyOnce, hubLastMutationId } from '../../support/hub-audit';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { seededUuid, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged, familyMessage, photo } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
let proxy: FaultProxy | null = null;
let kiosk: SyncedDevice | null = null;
afterEach(async () => {
  await kiosk?.stop();
  await proxy?.close();
  await testHub?.close();
  kiosk = null;
  proxy = null;
  testHub = null;
});

interface PushWatch {
  /** How often each mutation id went out in a push: more than once means the device sent it again. */
  readonly sent: Map<number, number>;
  /** Pushes whose answer never reached the device although the hub had done every mutation in them. */
  lostAfterApplied: number;
  /** Asks the hub how far it has got with this device (set once the device is enrolled). */
  hubLastMutationId: () => Promise<number>;
}

function watchingFetch(watch: PushWatch): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.endsWith(hubPaths.push) || typeof init?.body !== 'string') return fetch(input, init);
    const ids = (JSON.parse(init.body) as { mutations: { id: number }[] }).mutations.map((mutation) => mutation.id);
    for (const id of ids) watch.sent.set(id, (watch.sent.get(id) ?? 0) + 1);
    try {
      return await fetch(input, init);
    } catch (error) {
      // The connection died. If the hub already holds the whole batch, it was the answer that got lost (dropAfterHub).
      if ((await watch.hubLastMutationId()) >= Math.max(...ids)) watch.lostAfterApplied += 1;
      throw error;
    }
  };
}

describe.each(hubBackends)('exactly once, device ↔ hub through a faulty network (%s)', (backend) => {
  it('every accepted mutation is applied once or refused with a reason the outbox keeps, however the network fails', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const ana = facility.ana.resident_id;
    const ben = facility.ben.resident_id;
    // Ana can afford four books of 5; Ben has nothing. Ana's mail: some of it to read, one letter with a return stamp.
    await deposit(hub, { residentId: ana, amountCents: 1_000, source: 'online' });
    const anaMail: string[] = [];
    for (let index = 0; index < 4; index++) anaMail.push(await familyMessage(hub, facility.anaMom, `Carta ${index}`, index === 0 ? { photos: [photo()] } : {}));
    const withReturnStamp = await familyMessage(hub, facility.anaMom, 'Write back, the stamp is paid', { returnStamp: true });

    const seed = backend === 'pglite' ? 20250303 : 20250304;
    proxy = await startFaultProxy({
      target: testHub.url,
      seed,
      maxDelayMs: 80,
      weights: { pass: 4, delay: 2, http500: 1, dropBeforeHub: 1, reset: 1, dropAfterHub: 4 },
    });
    const watch: PushWatch = { sent: new Map(), lostAfterApplied: 0, hubLastMutationId: async () => 0 };
    kiosk = await enrollOn(testHub, {
      name: 'A-Pod kiosk',
      siteId: facility.siteId,
      kind: 'kiosk',
      housingUnitId: facility.unitA,
      via: proxy.url,
      fetch: watchingFetch(watch),
    });
    const device = kiosk;
    watch.hubLastMutationId = () => hubLastMutationId(hub.database, device.deviceId);

    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const send = (residentId: string, contactId: string, body: string, reply: { to: string; returnStamp: boolean } | null = null) =>
      device.act('sendMessage', {
        messageId: seededUuid(random),
        residentId,
        contactId,
        body,
        writtenAt: testEpoch,
        replyToMessageId: reply?.to ?? null,
        useReturnStamp: reply?.returnStamp ?? false,
      });
    const actions: (() => number)[] = [
      () => send(ana, facility.anaMom, 'Hola mamá, todo bien por aquí.'),
      () => send(ana, facility.anaMom, 'Una carta larga. '.repeat(150)), // two stamps
      () => send(ana, facility.anaFriend, 'Hi Sam'), // contactNotApproved
      () => send(ben, facility.benBrother, 'Hey bro'), // notEnoughStamps: Ben never has any
      () => send(ana, facility.anaMom, 'Gracias por el sello', { to: withReturnStamp, returnStamp: true }), // once, then returnStampUnavailable
      () => device.act('buyStamps', { residentId: ana, requestId: seededUuid(random), bookSize: 5 }), // until the money runs out
      () => device.act('buyStamps', { residentId: ben, requestId: seededUuid(random), bookSize: 10 }), // notEnoughMoney
      () => device.act('markRead', { residentId: ana, messageId: pick(anaMail), readAt: testEpoch }),
    ];

    const accepted: number[] = [];
    const total = 72;
    while (accepted.length < total) {
      const burst = 1 + Math.floor(random() * 4);
      for (let index = 0; index < burst && accepted.length < total; index++) accepted.push(pick(actions)());
      // Sometimes act again while a cycle is under way; mostly run a few cycles ("sync now") through the faults.
      if (random() < 0.25) {
        device.engine.send({ type: 'SYNC_NOW' });
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 10)));
        continue;
      }
      const cycles = 1 + Math.floor(random() * 3);
      for (let cycle = 0; cycle < cycles; cycle++) {
        device.engine.send({ type: 'SYNC_NOW' });
        await device.engine.whenResting();
      }
    }
    // Still through the faults, until the outbox is empty; then heal and settle.
    for (let cycle = 0; cycle < 200 && device.engine.status().pendingMutations > 0; cycle++) {
      device.engine.send({ type: 'SYNC_NOW' });
      await device.engine.whenResting();
    }
    proxy.heal();
    await syncToQuiet(device);

    // The network really did fail in every way; the device really did send mutations again, some of them after the
    // hub had done them and the answer was lost on its way back.
    expect(proxy.counts.dropAfterHub).toBeGreaterThan(5);
    for (const fault of ['http500', 'dropBeforeHub', 'reset', 'delay'] as const) expect(proxy.counts[fault], fault).toBeGreaterThan(0);
    expect([...watch.sent.values()].filter((times) => times > 1).length).toBeGreaterThan(0);
    expect(watch.lostAfterApplied).toBeGreaterThan(0);

    expect(accepted).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    const report = await checkExactlyOnce(hub.database, device, { complete: true });
    expect(report.problems).toEqual([]);
    expect(report.mutations).toBe(total);
    expect(report.applied).toBeGreaterThan(0);
    // Every kind of refusal the plan provokes happened, and each reached the outbox with its words.
    expect(Object.keys(report.refusedByCode).sort()).toEqual(['contactNotApproved', 'notEnoughMoney', 'notEnoughStamps', 'returnStampUnavailable']);

    for (const residentId of [ana, ben]) expect((await auditLedgers(hub.database, residentId)).balanced).toBe(true);
    await expectConverged(hub, [device]);
  }, 120_000);
});
