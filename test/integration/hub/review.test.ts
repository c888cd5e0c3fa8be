// Review as the console does it (hub/services/review.ts, watch-list.ts, suspensions.ts), on both backends: the queue
// of both directions, oldest first, filtered and paged by keyset; the watch list flagging letters as they arrive and
// again when it changes; one letter with its matches; decisions with standard or written reasons (a 10,000-character
// reason refused, nothing changed); attachments served with their stored type; the search of reviewed mail; standard
// reasons seeded for every site; and a messaging pause refusing replies (nothing charged) and family letters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addContact, addHousingUnit, addResident, assignTablet, createSite, sendFamilyMessage, transferStamps } from '../../../hub/services/index';
import {
  addReviewReason,
  attachmentForReview,
  decideLetter,
  editReviewReason,
  letterForReview,
  listReviewReasons,
  removeReviewReason,
  reviewPageSize,
  reviewQueuePage,
  searchReviewedMail,
} from '../../../hub/services/review';
import { liftSuspension, listSuspensions, suspendMessaging } from '../../../hub/services/suspensions';
import { addWatchTerm, listWatchTerms, removeWatchTerm } from '../../../hub/services/watch-list';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, fakeJpeg, parsePush, seedFacility, sendMessageMutation, startTestHub, tinyPng, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

const day = 24 * 60 * 60 * 1000;

describe.each(hubBackends)('review (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kioskA: TestDevice;
  let nextMutationId: number;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    nextMutationId = 1;
  });
  afterEach(async () => testHub.close());

  async function reply(residentId: string, contactId: string, body: string) {
    const result = parsePush(await kioskA.push([sendMessageMutation(nextMutationId++, { residentId, contactId, body })])).results[0];
    if (result === undefined) throw new Error('no result');
    return result;
  }

  async function familyLetter(contactId: string, body: string, attachments: Parameters<typeof sendFamilyMessage>[1]['attachments'] = []) {
    const letter = await sendFamilyMessage(testHub.hub, { contactId, body, attachments });
    testHub.clock.advance(1000);
    return letter.message_id;
  }

  it('lists both directions oldest first, with filters, counts and keyset pages', async () => {
    await transferStamps(testHub.hub, { residentId: facility.ana.resident_id, stamps: 5, from: 'Maria Diaz' });
    const first = await familyLetter(facility.anaMom, 'Hola mija', [{ kind: 'photo', bytes: tinyPng }]);
    expect(await reply(facility.ana.resident_id, facility.anaMom, 'Gracias mamá')).toMatchObject({ status: 'applied' });
    testHub.clock.advance(1000);
    await familyLetter(facility.benBrother, 'Hey brother');
    await familyLetter(facility.cruzSister, 'From your sister');

    const page = await reviewQueuePage(testHub.hub.database, { siteId: facility.siteId });
    expect(page.letters.map((letter) => [letter.direction, letter.residentName, letter.contactName, letter.preview])).toEqual([
      ['inbound', 'Ana Diaz', 'Maria Diaz', 'Hola mija'],
      ['outbound', 'Ana Diaz', 'Maria Diaz', 'Gracias mamá'],
      ['inbound', 'Ben Okafor', 'Tunde Okafor', 'Hey brother'],
      ['inbound', 'Cruz Lee', 'Min Lee', 'From your sister'],
    ]);
    expect(page).toMatchObject({ total: 4, flaggedTotal: 0, nextCursor: null });
    expect(page.letters[0]).toMatchObject({ messageId: first, attachmentCount: 1, housingUnitName: 'A-Pod' });

    const db = testHub.hub.database;
    expect((await reviewQueuePage(db, { siteId: facility.siteId, housingUnitId: facility.unitB })).letters.map((letter) => letter.residentName)).toEqual([
      'Cruz Lee',
    ]);
    expect((await reviewQueuePage(db, { siteId: facility.siteId, residentId: facility.ana.resident_id })).total).toBe(2);
    expect((await reviewQueuePage(db, { siteId: facility.siteId, contactId: facility.benBrother })).total).toBe(1);
    expect((await reviewQueuePage(db, { siteId: facility.siteId, hasAttachments: true })).letters.map((letter) => letter.messageId)).toEqual([first]);
    expect((await reviewQueuePage(db, { siteId: facility.siteId, hasAttachments: false })).total).toBe(3);
    expect((await reviewQueuePage(db, { siteId: facility.siteId, direction: 'outbound' })).total).toBe(1);

    // Another site's letters are not in this site's queue; an administrator's (null) sees both.
    const other = await createSite(testHub.hub, { name: 'Other County' });
    const otherUnit = await addHousingUnit(testHub.hub, { siteId: other.siteId, name: 'North' });
    const otherResident = await addResident(testHub.hub, { housingUnitId: otherUnit.housingUnitId, credentialId: 'X1', displayName: 'Dee Park', pin: '1111' });
    const otherContact = await addContact(testHub.hub, { residentId: otherResident.resident_id, displayName: 'Jo Park', relationship: 'son', approved: true });
    await familyLetter(otherContact.contact_id, 'Elsewhere');
    expect((await reviewQueuePage(db, { siteId: facility.siteId })).total).toBe(4);
    expect((await reviewQueuePage(db, { siteId: other.siteId })).letters.map((letter) => letter.preview)).toEqual(['Elsewhere']);
    expect((await reviewQueuePage(db, { siteId: null })).total).toBe(5);
  });

  it('pages by keyset: every waiting letter once, in order, 50 a page, and refuses a cursor it did not give out', async () => {
    const sent: string[] = [];
    for (let index = 0; index < reviewPageSize + 7; index += 1) sent.push(await familyLetter(facility.benBrother, `Letter ${index}`));
    const firstPage = await reviewQueuePage(testHub.hub.database, { siteId: facility.siteId });
    expect(firstPage.letters).toHaveLength(reviewPageSize);
    expect(firstPage.total).toBe(reviewPageSize + 7);
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await reviewQueuePage(testHub.hub.database, { siteId: facility.siteId }, firstPage.nextCursor);
    expect(secondPage.nextCursor).toBeNull();
    expect([...firstPage.letters, ...secondPage.letters].map((letter) => letter.messageId)).toEqual(sent);
    await expect(reviewQueuePage(testHub.hub.database, { siteId: facility.siteId }, 'not-a-cursor')).rejects.toThrow(/page position/);
  });

  it('flags letters by the watch list as they arrive and again when the list changes, and shows where each term matched', async () => {
    const hub = testHub.hub;
    await addWatchTerm(hub, { siteId: facility.siteId, term: 'back gate', addedBy: 'Officer Grant' });
    await expect(addWatchTerm(hub, { siteId: facility.siteId, term: '  BACK   gate ', addedBy: 'Officer Grant' })).rejects.toThrow(/already on the watch list/);
    const flagged = await familyLetter(facility.anaMom, 'Meet at the back\ngate at nine');
    const clean = await familyLetter(facility.benBrother, 'Bring the package');
    const db = hub.database;
    expect((await reviewQueuePage(db, { siteId: facility.siteId, flagged: true })).letters.map((letter) => letter.messageId)).toEqual([flagged]);

    const letter = await letterForReview(db, flagged, hub.now());
    expect(letter.matches.map((match) => letter.body.slice(match.start, match.end))).toEqual(['back\ngate']);

    const packageTerm = await addWatchTerm(hub, { siteId: facility.siteId, term: 'package', addedBy: 'Officer Grant' });
    expect((await reviewQueuePage(db, { siteId: facility.siteId, flagged: true })).letters.map((letter) => letter.messageId)).toEqual([flagged, clean]);
    expect((await listWatchTerms(db, facility.siteId)).map((term) => term.term)).toEqual(['back gate', 'package']);
    await removeWatchTerm(hub, { siteId: facility.siteId, termId: packageTerm.termId });
    expect((await reviewQueuePage(db, { siteId: facility.siteId, flagged: true })).flaggedTotal).toBe(1);
    await expect(removeWatchTerm(hub, { siteId: facility.siteId, termId: packageTerm.termId })).rejects.toThrow(/not on this site/);
    await expect(addWatchTerm(hub, { siteId: facility.siteId, term: 'x'.repeat(101), addedBy: 'Officer Grant' })).rejects.toThrow(/at most 100/);
  });

  it('seeds standard reasons for every site, lets them be edited, and rejects with one: the family is told those words', async () => {
    const hub = testHub.hub;
    const reasons = await listReviewReasons(hub.database, facility.siteId);
    expect(reasons.length).toBeGreaterThanOrEqual(5);
    const added = await addReviewReason(hub, { siteId: facility.siteId, text: 'Mentions a court case in progress.' });
    expect(added.position).toBe(reasons.length + 1);
    await expect(addReviewReason(hub, { siteId: facility.siteId, text: 'Mentions a court case in progress.' })).rejects.toThrow(/already on the list/);
    const edited = await editReviewReason(hub, { siteId: facility.siteId, reasonId: added.reasonId, text: 'Discusses an open court case.' });
    expect(edited.text).toBe('Discusses an open court case.');

    const letterId = await familyLetter(facility.anaMom, 'About the trial');
    await decideLetter(hub, { decision: 'reject', messageId: letterId, reviewer: 'Officer Grant', reason: { reasonId: added.reasonId } });
    const letter = await letterForReview(hub.database, letterId, hub.now());
    expect(letter).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Discusses an open court case.',
      familyNotice: { kind: 'notDelivered', reason: 'Discusses an open court case.' },
    });
    expect(letter.decisions).toMatchObject([{ decision: 'rejected', reviewer: 'Officer Grant' }]);

    // A reason of another site's list is not this site's.
    const other = await createSite(hub, { name: 'Other County' });
    const [otherReason] = await listReviewReasons(hub.database, other.siteId);
    const second = await familyLetter(facility.anaMom, 'Second');
    await expect(
      decideLetter(hub, { decision: 'reject', messageId: second, reviewer: 'Officer Grant', reason: { reasonId: otherReason?.reasonId ?? '' } }),
    ).rejects.toThrow(/not on this site/);
    await removeReviewReason(hub, { siteId: facility.siteId, reasonId: added.reasonId });
    expect((await listReviewReasons(hub.database, facility.siteId)).map((reason) => reason.reasonId)).not.toContain(added.reasonId);
  });

  it('refuses a 10,000-character reason in words and changes nothing', async () => {
    const letterId = await familyLetter(facility.anaMom, 'Still waiting');
    await expect(
      decideLetter(testHub.hub, { decision: 'reject', messageId: letterId, reviewer: 'Officer Grant', reason: { text: 'r'.repeat(10_000) } }),
    ).rejects.toThrow('A reason is at most 2000 characters; this one has 10000.');
    const letter = await letterForReview(testHub.hub.database, letterId, testHub.hub.now());
    expect(letter).toMatchObject({ status: 'inReview', decisions: [], familyNotice: null });
    expect((await reviewQueuePage(testHub.hub.database, { siteId: facility.siteId })).total).toBe(1);
  });

  it('withholds one attachment and delivers the rest, and serves each with its stored type', async () => {
    const letterId = await familyLetter(facility.anaMom, 'Two photos', [
      { kind: 'photo', bytes: tinyPng },
      { kind: 'ecard', bytes: fakeJpeg('card') },
    ]);
    const before = await letterForReview(testHub.hub.database, letterId, testHub.hub.now());
    const [photo, card] = before.attachments;
    if (photo === undefined || card === undefined) throw new Error('two attachments expected');
    const served = await attachmentForReview(testHub.hub.database, card.attachmentId);
    expect(served).toMatchObject({ messageId: letterId, siteId: facility.siteId, kind: 'ecard', mimeType: 'image/jpeg' });
    expect(served.bytes.equals(fakeJpeg('card'))).toBe(true);
    await expect(attachmentForReview(testHub.hub.database, 'no-such-attachment')).rejects.toThrow('There is no such attachment.');

    await decideLetter(testHub.hub, {
      decision: 'approve',
      messageId: letterId,
      reviewer: 'Officer Grant',
      withheld: [{ attachmentId: card.attachmentId, reason: { text: 'Shows a gang sign.' } }],
    });
    const after = await letterForReview(testHub.hub.database, letterId, testHub.hub.now());
    expect(after.status).toBe('delivered');
    expect(after.attachments.map((attachment) => [attachment.status, attachment.rejectionReason])).toEqual([
      ['delivered', null],
      ['rejected', 'Shows a gang sign.'],
    ]);
  });

  it('searches reviewed mail of both directions by resident, contact, words and dates, newest first', async () => {
    const hub = testHub.hub;
    await transferStamps(hub, { residentId: facility.ana.resident_id, stamps: 5, from: 'Maria Diaz' });
    const early = await familyLetter(facility.anaMom, 'The 100% cotton blanket arrived');
    testHub.clock.advance(2 * day);
    const late = await familyLetter(facility.anaMom, 'Another blanket, wool this time');
    await reply(facility.ana.resident_id, facility.anaMom, 'Thank you for the BLANKET');
    const waiting = await familyLetter(facility.benBrother, 'blanket still in review');
    const queue = await reviewQueuePage(hub.database, { siteId: facility.siteId });
    for (const letter of queue.letters) {
      if (letter.messageId !== waiting) await decideLetter(hub, { decision: 'approve', messageId: letter.messageId, reviewer: 'Officer Grant' });
    }

    const db = hub.database;
    const all = await searchReviewedMail(db, { siteId: facility.siteId, words: 'blanket' });
    expect(all.letters.map((letter) => letter.direction)).toEqual(['outbound', 'inbound', 'inbound']);
    expect(all.letters.map((letter) => letter.messageId).slice(1)).toEqual([late, early]);
    expect((await searchReviewedMail(db, { siteId: facility.siteId, words: '100% cotton' })).letters.map((letter) => letter.messageId)).toEqual([early]);
    expect((await searchReviewedMail(db, { siteId: facility.siteId, words: 'blanket', to: testEpochPlus(day) })).letters.map((l) => l.messageId)).toEqual([
      early,
    ]);
    expect((await searchReviewedMail(db, { siteId: facility.siteId, words: 'blanket', from: testEpochPlus(day), direction: 'inbound' })).letters).toHaveLength(
      1,
    );
    expect((await searchReviewedMail(db, { siteId: facility.siteId, contactId: facility.benBrother })).letters).toEqual([]);
    expect((await searchReviewedMail(db, { siteId: facility.siteId, residentId: facility.ben.resident_id })).letters).toEqual([]);
    await expect(searchReviewedMail(db, { siteId: facility.siteId, words: 'a\u0000b' })).rejects.toThrow(/search/i);
  });

  it('pauses messaging: replies refused with the end date and nothing charged, family letters refused in words; lifted early, both work again', async () => {
    const hub = testHub.hub;
    const ana = facility.ana.resident_id;
    await transferStamps(hub, { residentId: ana, stamps: 3, from: 'Maria Diaz' });
    const endsAt = hub.now() + 10 * day;
    const pause = await suspendMessaging(hub, { residentId: ana, endsAt, reason: 'Threats in letters.', suspendedBy: 'Sgt. Ruiz' });
    expect(pause).toMatchObject({ active: true, endsAt, reason: 'Threats in letters.', suspendedBy: 'Sgt. Ruiz', residentName: 'Ana Diaz' });
    await expect(suspendMessaging(hub, { residentId: ana, endsAt, reason: 'Again', suspendedBy: 'Sgt. Ruiz' })).rejects.toThrow(/already paused/);

    expect(await reply(ana, facility.anaMom, 'Can I still write?')).toMatchObject({
      status: 'refused',
      code: 'messagingSuspended',
      figures: { pausedUntil: endsAt },
    });
    const [balance] = await hub.database.query<{ stamp_balance: number }>('SELECT stamp_balance FROM residents WHERE resident_id = $1', [ana]);
    expect(balance?.stamp_balance).toBe(3);
    await expect(sendFamilyMessage(hub, { contactId: facility.anaMom, body: 'Are you there?' })).rejects.toThrow(/cannot receive letters until/);
    expect((await reviewQueuePage(hub.database, { siteId: facility.siteId })).total).toBe(0);
    expect((await listSuspensions(hub.database, { siteId: facility.siteId, now: hub.now() })).map((s) => s.active)).toEqual([true]);

    const lifted = await liftSuspension(hub, { suspensionId: pause.suspensionId, liftedBy: 'Lt. Shaw' });
    expect(lifted).toMatchObject({ active: false, liftedBy: 'Lt. Shaw' });
    await expect(liftSuspension(hub, { suspensionId: pause.suspensionId, liftedBy: 'Lt. Shaw' })).rejects.toThrow(/already lifted/);
    expect(await reply(ana, facility.anaMom, 'Back again')).toMatchObject({ status: 'applied' });
    await sendFamilyMessage(hub, { contactId: facility.anaMom, body: 'Welcome back' });
    expect((await reviewQueuePage(hub.database, { siteId: facility.siteId })).total).toBe(2);

    await expect(suspendMessaging(hub, { residentId: ana, endsAt: hub.now() - 1, reason: 'x', suspendedBy: 'Sgt. Ruiz' })).rejects.toThrow(/future/);
    await expect(suspendMessaging(hub, { residentId: ana, endsAt, reason: 'r'.repeat(501), suspendedBy: 'Sgt. Ruiz' })).rejects.toThrow(/at most 500/);
  });

  it("sends a pause to the resident's devices as a record, and its lifting, and backfills only a pause not lifted", async () => {
    const hub = testHub.hub;
    const ana = facility.ana.resident_id;
    let cursor = (await kioskA.pullAll(null)).cursor;
    const endsAt = hub.now() + 3 * day;
    const pause = await suspendMessaging(hub, { residentId: ana, endsAt, reason: 'Threats in letters.', suspendedBy: 'Sgt. Ruiz' });
    const afterPause = await kioskA.pullAll(cursor);
    cursor = afterPause.cursor;
    expect(afterPause.changes.filter((change) => change.entity === 'messagingPause')).toMatchObject([
      {
        op: 'upsert',
        id: pause.suspensionId,
        data: { pauseId: pause.suspensionId, residentId: ana, pausedUntil: endsAt, reason: 'Threats in letters.' },
      },
    ]);
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: ana });
    expect((await tablet.pullAll(null)).changes.filter((change) => change.entity === 'messagingPause')).toHaveLength(1);

    await liftSuspension(hub, { suspensionId: pause.suspensionId, liftedBy: 'Lt. Shaw' });
    expect((await kioskA.pullAll(cursor)).changes.filter((change) => change.entity === 'messagingPause')).toMatchObject([
      { op: 'delete', id: pause.suspensionId },
    ]);
    const secondTablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(hub, { deviceId: secondTablet.deviceId, residentId: ana });
    expect((await secondTablet.pullAll(null)).changes.filter((change) => change.entity === 'messagingPause')).toEqual([]);
  });

  function testEpochPlus(milliseconds: number): number {
    return Date.UTC(2025, 2, 3, 14, 0, 0) + milliseconds;
  }
});
