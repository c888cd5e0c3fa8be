// Push over loopback HTTP (docs/sync.md §7 "Push and exactly-once"): every mutation is applied exactly once or refused with a recorded reason; a
// retry gets the same answers; a gap stops the batch with 409; a body naming another device gets 403; a mutation
// for a resident outside the device's scope is refused (outOfScope) and still advances lastMutationId.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPaths, type Mutation } from '../../../hub/protocol/index';
import { assignTablet, auditLedgers, deposit, sendFamilyMessage, transferStamps } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import {
  buyStampsMutation,
  call,
  enroll,
  errorCodeOf,
  markReadMutation,
  parsePush,
  seedFacility,
  sendMessageMutation,
  startTestHub,
  type Facility,
  type TestDevice,
  type TestHub,
} from './fixture';

useHubDatabases();

describe.each(hubBackends)('push (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kioskA: TestDevice;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
  });
  afterEach(async () => testHub.close());

  async function lastMutationIdOf(device: TestDevice): Promise<number> {
    const [row] = await testHub.hub.database.query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM devices WHERE device_id = $1', [
      device.deviceId,
    ]);
    return row?.last_mutation_id ?? -1;
  }

  async function countRows(sql: string, params: string[]): Promise<number> {
    const [row] = await testHub.hub.database.query<{ count: number }>(`SELECT count(*)::bigint AS count FROM (${sql}) counted`, params);
    return row?.count ?? -1;
  }

  it('applies a batch exactly once: the same batch again (even at the same moment) changes nothing and gets the same results', async () => {
    const ana = facility.ana.resident_id;
    await deposit(testHub.hub, { residentId: ana, amountCents: 1000, source: 'online' });
    const batch: Mutation[] = [buyStampsMutation(1, ana, 5), sendMessageMutation(2, { residentId: ana, contactId: facility.anaMom })];

    const first = parsePush(await kioskA.push(batch));
    expect(first).toEqual({
      lastMutationId: 2,
      results: [
        { id: 1, status: 'applied' },
        { id: 2, status: 'applied' },
      ],
    });
    const [again, concurrently] = await Promise.all([kioskA.push(batch), kioskA.push(batch)]);
    expect(parsePush(again)).toEqual(first);
    expect(parsePush(concurrently)).toEqual(first);

    expect(await countRows('SELECT 1 FROM stamp_purchases WHERE resident_id = $1', [ana])).toBe(1);
    expect(await countRows("SELECT 1 FROM messages WHERE resident_id = $1 AND direction = 'outbound'", [ana])).toBe(1);
    expect(await auditLedgers(testHub.hub.database, ana)).toMatchObject({ stampBalance: 4, debitBalanceCents: 750, balanced: true });
    expect(await lastMutationIdOf(kioskA)).toBe(2);
  });

  it('refuses a gap with 409 mutationGap; mutations before the gap in the same batch stay applied', async () => {
    const ana = facility.ana.resident_id;
    await deposit(testHub.hub, { residentId: ana, amountCents: 1000, source: 'moneyOrder' });
    const gapped = await kioskA.push([buyStampsMutation(1, ana, 5), buyStampsMutation(3, ana, 5)]);
    expect(gapped.status).toBe(409);
    expect(errorCodeOf(gapped)).toBe('mutationGap');
    expect(await lastMutationIdOf(kioskA)).toBe(1);
    expect(await countRows('SELECT 1 FROM stamp_purchases WHERE resident_id = $1', [ana])).toBe(1);

    const fromTheStart = await kioskA.push([buyStampsMutation(3, ana, 5)]);
    expect(fromTheStart.status).toBe(409);

    const resumed = parsePush(await kioskA.push([buyStampsMutation(1, ana, 5), buyStampsMutation(2, ana, 5), buyStampsMutation(3, ana, 5)]));
    expect(resumed.lastMutationId).toBe(3);
    expect(resumed.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    // Mutation 1 was not applied twice: three books in all.
    expect(await auditLedgers(testHub.hub.database, ana)).toMatchObject({ stampBalance: 15, debitBalanceCents: 250 });
  });

  it('refuses mutations naming another device with 403 deviceMismatch, applying nothing', async () => {
    const otherKiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 1000, source: 'online' });
    const answer = await call(testHub.url, hubPaths.push, {
      token: kioskA.secret,
      body: { deviceId: otherKiosk.deviceId, mutations: [buyStampsMutation(1, facility.ana.resident_id, 5)] },
    });
    expect(answer.status).toBe(403);
    expect(errorCodeOf(answer)).toBe('deviceMismatch');
    expect(await lastMutationIdOf(kioskA)).toBe(0);
    expect(await lastMutationIdOf(otherKiosk)).toBe(0);
    expect(await countRows('SELECT 1 FROM stamp_purchases', [])).toBe(0);
  });

  it('refuses a mutation for a resident outside the scope (outOfScope), advances lastMutationId, and keeps the queue moving', async () => {
    await transferStamps(testHub.hub, { residentId: facility.cruz.resident_id, stamps: 5, from: 'Min Lee' });
    await transferStamps(testHub.hub, { residentId: facility.ana.resident_id, stamps: 5, from: 'Maria Diaz' });
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });

    const fromKiosk = parsePush(
      await kioskA.push([
        sendMessageMutation(1, { residentId: facility.cruz.resident_id, contactId: facility.cruzSister }),
        sendMessageMutation(2, { residentId: 'no-such-resident', contactId: facility.anaMom }),
        sendMessageMutation(3, { residentId: facility.ana.resident_id, contactId: facility.anaMom }),
      ]),
    );
    expect(fromKiosk.lastMutationId).toBe(3);
    expect(fromKiosk.results).toEqual([
      { id: 1, status: 'refused', code: 'outOfScope', reason: expect.stringMatching(/\w+ \w+/) },
      { id: 2, status: 'refused', code: 'residentNotFound', reason: expect.stringMatching(/\w+ \w+/) },
      { id: 3, status: 'applied' },
    ]);
    expect(await auditLedgers(testHub.hub.database, facility.cruz.resident_id)).toMatchObject({ stampBalance: 5 });

    // A tablet acts only for its own resident, even one housed in the same unit.
    const fromTablet = parsePush(await tablet.push([sendMessageMutation(1, { residentId: facility.ben.resident_id, contactId: facility.benBrother })]));
    expect(fromTablet).toEqual({ lastMutationId: 1, results: [expect.objectContaining({ id: 1, status: 'refused', code: 'outOfScope' })] });
  });

  it('records every business refusal with its reason and returns the same results on retry', async () => {
    const ana = facility.ana.resident_id;
    const unreplied = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Still in review' });
    const takenId = randomUUID();
    const batch: Mutation[] = [
      sendMessageMutation(1, { residentId: ana, contactId: facility.anaFriend }),
      sendMessageMutation(2, { residentId: ana, contactId: facility.cruzSister }),
      sendMessageMutation(3, { residentId: ana, contactId: facility.anaMom }),
      buyStampsMutation(4, ana, 5),
      buyStampsMutation(5, ana, 7),
      sendMessageMutation(6, { residentId: ana, contactId: facility.anaMom, replyToMessageId: randomUUID() }),
      sendMessageMutation(7, { residentId: ana, contactId: facility.anaMom, useReturnStamp: true }),
      sendMessageMutation(8, { residentId: ana, contactId: facility.anaMom, replyToMessageId: unreplied.message_id }),
      markReadMutation(9, ana, unreplied.message_id),
      markReadMutation(10, ana, randomUUID()),
    ];
    const first = parsePush(await kioskA.push(batch));
    expect(first.lastMutationId).toBe(10);
    expect(first.results.map((result) => (result.status === 'refused' ? result.code : 'applied'))).toEqual([
      'contactNotApproved',
      'contactNotFound',
      'notEnoughStamps',
      'notEnoughMoney',
      'unknownBookSize',
      'replyTargetNotFound',
      'returnStampUnavailable',
      'replyTargetNotFound',
      'messageNotFound',
      'messageNotFound',
    ]);
    for (const result of first.results) if (result.status === 'refused') expect(result.reason).toMatch(/^[A-Z].+\.$/);
    // A refusal that has figures carries them, so the device words it in the person's language (and a retry gets them too).
    expect(first.results[2]).toMatchObject({ code: 'notEnoughStamps', figures: { neededStamps: 1, availableStamps: 0 } });
    expect(first.results[3]).toMatchObject({ code: 'notEnoughMoney', figures: { neededCents: 250, availableCents: 0, bookSize: 5 } });
    expect(first.results[4]).toMatchObject({ code: 'unknownBookSize', figures: { bookSize: 7 } });
    expect(parsePush(await kioskA.push(batch))).toEqual(first);

    // Nothing of the refused mutations reached the ledgers or the messages.
    expect(await auditLedgers(testHub.hub.database, ana)).toMatchObject({ stampBalance: 0, debitBalanceCents: 0, stampEntriesSum: 0, debitEntriesSum: 0 });
    expect(await countRows("SELECT 1 FROM messages WHERE direction = 'outbound'", [])).toBe(0);

    // A message id already taken is refused too (a different mutation reusing it).
    await transferStamps(testHub.hub, { residentId: ana, stamps: 2, from: 'Maria Diaz' });
    const sent = parsePush(
      await kioskA.push([
        sendMessageMutation(11, { residentId: ana, contactId: facility.anaMom, messageId: takenId }),
        sendMessageMutation(12, { residentId: ana, contactId: facility.anaMom, messageId: takenId }),
      ]),
    );
    expect(sent.results).toEqual([{ id: 11, status: 'applied' }, expect.objectContaining({ id: 12, status: 'refused', code: 'duplicateMessageId' })]);
  });

  it('charges the same buyStamps request once, even when two mutations carry it', async () => {
    const ana = facility.ana.resident_id;
    await deposit(testHub.hub, { residentId: ana, amountCents: 1000, source: 'lobbyKiosk' });
    const requestId = randomUUID();
    const answer = parsePush(await kioskA.push([buyStampsMutation(1, ana, 10, requestId), buyStampsMutation(2, ana, 10, requestId)]));
    expect(answer.results).toEqual([
      { id: 1, status: 'applied' },
      { id: 2, status: 'applied' },
    ]);
    expect(await auditLedgers(testHub.hub.database, ana)).toMatchObject({ stampBalance: 10, debitBalanceCents: 550, balanced: true });
  });
});
