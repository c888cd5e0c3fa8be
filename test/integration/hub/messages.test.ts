// Messages end to end: a resident's message charged by the stamp rule, family messages held until review, one
// attachment withheld while the rest are delivered, return stamps spent once (and given back by a refunding
// rejection), refunds by the site's rule, and "read" travelling both ways.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Change, MessageRecord, Mutation } from '../../../hub/protocol/index';
import {
  assignTablet,
  auditLedgers,
  getMessage,
  listReviewQueue,
  markReadByFamily,
  reviewMessage,
  sendFamilyMessage,
  transferStamps,
  updateSiteRules,
} from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import {
  enroll,
  fakeJpeg,
  markReadMutation,
  parsePush,
  seedFacility,
  sendMessageMutation,
  startTestHub,
  tinyPng,
  type Facility,
  type TestDevice,
  type TestHub,
} from './fixture';

useHubDatabases();

function messagesIn(changes: readonly Change[]): MessageRecord[] {
  return changes.flatMap((change) => (change.op === 'upsert' && change.entity === 'message' ? [change.data] : []));
}

describe.each(hubBackends)('messages and review (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kioskA: TestDevice;
  let cursor: string | null;
  let nextMutationId: number;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    cursor = (await kioskA.pullAll(null)).cursor;
    nextMutationId = 1;
  });
  afterEach(async () => testHub.close());

  async function newChanges(): Promise<Change[]> {
    const page = await kioskA.pullAll(cursor);
    cursor = page.cursor;
    return page.changes;
  }

  async function send(args: Parameters<typeof sendMessageMutation>[1]) {
    const result = parsePush(await kioskA.push([sendMessageMutation(nextMutationId++, args)])).results[0];
    if (result === undefined) throw new Error('no result');
    return result;
  }

  const ana = () => facility.ana.resident_id;

  it("charges a resident's message by the site's rule and shows it in review with the new balance", async () => {
    await transferStamps(testHub.hub, { residentId: ana(), stamps: 5, from: 'Maria Diaz' });
    await newChanges();
    // 2,500 characters at 2,000 characters a stamp: two stamps. An emoji counts once.
    const body = `${'x'.repeat(2499)}🙂`;
    expect(await send({ residentId: ana(), contactId: facility.anaMom, body })).toEqual({ id: 1, status: 'applied' });

    const changes = await newChanges();
    expect(changes.map((change) => change.entity).sort()).toEqual(['balance', 'message', 'stampEntry']);
    expect(messagesIn(changes)[0]).toMatchObject({ direction: 'outbound', status: 'inReview', stampsCharged: 2, body, receivedAt: testHub.clock.now() });
    expect(changes.find((change) => change.entity === 'stampEntry')).toMatchObject({ data: { amount: -2, kind: 'messageSent' } });
    expect(changes.find((change) => change.entity === 'balance')).toMatchObject({ data: { stamps: 3, availableCents: 0, holdsCents: 0 } });

    const [queued] = await listReviewQueue(testHub.hub.database, facility.siteId);
    expect(queued).toMatchObject({ direction: 'outbound', residentName: 'Ana Diaz', contactName: 'Maria Diaz', characters: 2500, stampsCharged: 2 });
  });

  it('holds a family message until review, then delivers it with one photo withheld and the rest delivered', async () => {
    const family = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Fotos de la casa',
      attachments: [
        { kind: 'photo', bytes: tinyPng },
        { kind: 'photo', bytes: fakeJpeg('kitchen') },
      ],
    });
    expect(await newChanges()).toEqual([]);

    const [queued] = await listReviewQueue(testHub.hub.database, facility.siteId);
    expect(queued?.attachments.map((attachment) => attachment.mimeType)).toEqual(['image/png', 'image/jpeg']);
    const withheld = queued?.attachments[1]?.attachmentId ?? '';
    testHub.clock.advance(60_000);
    await reviewMessage(testHub.hub, {
      decision: 'approve',
      messageId: family.message_id,
      reviewer: 'Reviewer Kim',
      rejectedAttachments: [{ attachmentId: withheld, reason: 'Shows the facility layout.' }],
    });

    const [delivered] = messagesIn(await newChanges());
    expect(delivered).toMatchObject({ status: 'delivered', body: 'Fotos de la casa', statusChangedAt: testHub.clock.now(), rejectionReason: null });
    expect(delivered?.attachments.map((attachment) => [attachment.status, attachment.rejectionReason])).toEqual([
      ['delivered', null],
      ['rejected', 'Shows the facility layout.'],
    ]);
    expect(await listReviewQueue(testHub.hub.database, facility.siteId)).toEqual([]);
    const decisions = await testHub.hub.database.query<{ decision: string; attachment_id: string | null }>(
      'SELECT decision, attachment_id FROM review_decisions ORDER BY decision',
    );
    expect(decisions).toEqual([
      { decision: 'approved', attachment_id: null },
      { decision: 'rejected', attachment_id: withheld },
    ]);
  });

  it('never sends a rejected family message to a device, not even as an empty letter, nor in a backfill', async () => {
    const family = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Something the facility will not deliver',
      attachments: [{ kind: 'ecard', bytes: tinyPng }],
    });
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: family.message_id, reviewer: 'Reviewer Kim', reason: 'Mentions another resident.' });
    const changes = await newChanges();
    expect(changes.filter((change) => change.id === family.message_id)).toEqual([]);
    expect(JSON.stringify(changes)).not.toContain('Something the facility will not deliver');
    // A device that takes Ana's scope afresh (a tablet assigned to her) gets her history without it.
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const { changes: backfill } = await tablet.pullAll(null);
    expect(backfill.some((change) => change.entity === 'resident' && change.id === facility.ana.resident_id)).toBe(true);
    expect(backfill.filter((change) => change.id === family.message_id)).toEqual([]);
  });

  it('lets a return stamp pay for one reply only, and a refunding rejection gives it back', async () => {
    const family = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Write back!', carriesReturnStamp: true });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: family.message_id, reviewer: 'Reviewer Kim' });
    await newChanges();

    // Ana has no stamps of her own: the return stamp pays.
    const replyId = randomUUID();
    expect(
      await send({ residentId: ana(), contactId: facility.anaMom, replyToMessageId: family.message_id, useReturnStamp: true, messageId: replyId }),
    ).toEqual({ id: 1, status: 'applied' });
    const afterReply = messagesIn(await newChanges());
    expect(afterReply.find((message) => message.messageId === replyId)).toMatchObject({ stampsCharged: 0, replyToMessageId: family.message_id });
    expect(afterReply.find((message) => message.messageId === family.message_id)).toMatchObject({ returnStampUsed: true });

    expect(await send({ residentId: ana(), contactId: facility.anaMom, replyToMessageId: family.message_id, useReturnStamp: true })).toMatchObject({
      status: 'refused',
      code: 'returnStampUnavailable',
    });

    await reviewMessage(testHub.hub, { decision: 'reject', messageId: replyId, reviewer: 'Reviewer Kim', reason: 'Contains a phone number.' });
    const afterRejection = messagesIn(await newChanges());
    expect(afterRejection.find((message) => message.messageId === family.message_id)).toMatchObject({ returnStampUsed: false });
    expect(afterRejection.find((message) => message.messageId === replyId)).toMatchObject({ status: 'rejected', rejectionReason: 'Contains a phone number.' });
    expect(await send({ residentId: ana(), contactId: facility.anaMom, replyToMessageId: family.message_id, useReturnStamp: true })).toEqual({
      id: 3,
      status: 'applied',
    });
    expect(await auditLedgers(testHub.hub.database, ana())).toMatchObject({ stampBalance: 0, balanced: true });
  });

  it("returns stamps on rejection where the site's rule says so, and keeps them where it does not", async () => {
    await transferStamps(testHub.hub, { residentId: ana(), stamps: 10, from: 'Maria Diaz' });
    const firstId = randomUUID();
    await send({ residentId: ana(), contactId: facility.anaMom, body: 'y'.repeat(2001), messageId: firstId });
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: firstId, reviewer: 'Reviewer Kim', reason: 'Threatening language.' });
    expect(await getMessage(testHub.hub.database, firstId)).toMatchObject({ stamps_charged: 2, stamps_returned: 2 });
    expect(await auditLedgers(testHub.hub.database, ana())).toMatchObject({ stampBalance: 10, balanced: true });
    const refund = await testHub.hub.database.query<{ amount: number; kind: string; reference: string }>(
      "SELECT amount, kind, reference FROM stamp_ledger WHERE kind = 'rejectionRefund'",
    );
    expect(refund).toEqual([{ amount: 2, kind: 'rejectionRefund', reference: firstId }]);

    await updateSiteRules(testHub.hub, { siteId: facility.siteId, rules: { refundStampsOnRejection: false } });
    const secondId = randomUUID();
    await send({ residentId: ana(), contactId: facility.anaMom, messageId: secondId });
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: secondId, reviewer: 'Reviewer Kim', reason: 'Threatening language.' });
    expect(await getMessage(testHub.hub.database, secondId)).toMatchObject({ stamps_charged: 1, stamps_returned: 0 });
    expect(await auditLedgers(testHub.hub.database, ana())).toMatchObject({ stampBalance: 9, balanced: true });
  });

  it('marks a delivered family message read (the family side sees it), and the family reading a reply reaches the device', async () => {
    const family = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Te quiero' });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: family.message_id, reviewer: 'Reviewer Kim' });
    const readAt = testHub.clock.now() - 5_000;
    const markRead: Mutation = { id: 1, name: 'markRead', args: { residentId: ana(), messageId: family.message_id, readAt } };
    expect(parsePush(await kioskA.push([markRead, markReadMutation(2, ana(), family.message_id)])).results).toEqual([
      { id: 1, status: 'applied' },
      { id: 2, status: 'applied' },
    ]);
    expect(await getMessage(testHub.hub.database, family.message_id)).toMatchObject({ status: 'read', read_at: readAt });
    nextMutationId = 3;

    await transferStamps(testHub.hub, { residentId: ana(), stamps: 1, from: 'Maria Diaz' });
    const replyId = randomUUID();
    await send({ residentId: ana(), contactId: facility.anaMom, replyToMessageId: family.message_id, messageId: replyId });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: replyId, reviewer: 'Reviewer Kim' });
    await newChanges();
    testHub.clock.advance(3_600_000);
    await markReadByFamily(testHub.hub, { messageId: replyId });
    expect(messagesIn(await newChanges())).toEqual([expect.objectContaining({ messageId: replyId, status: 'read', readAt: testHub.clock.now() })]);
  });
});
