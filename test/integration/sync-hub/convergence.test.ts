// docs/sync.md §15 "What the tests prove", item 2: after quiet, the device's replica equals the hub's view of its scope.
//
// Two kiosks (A-Pod, B-Pod) and a tablet, each with a real store on disk and the real sync engine, against the real
// hub. The facility lives: deposits and stamp transfers, family mail with photos approved, rejected, held in review or
// approved with a photo withheld, a letter with a return stamp, residents' own messages reviewed both ways (with the
// stamps and the return stamp coming back on rejection), visits scheduled and cancelled, staff hired and removed, the
// site's rules changed, residents moving between units (an evict for the old unit's kiosk, a backfill for the new
// one), a release, a tablet assigned, unassigned and given to someone else, and devices acting for people who have
// just left their scope. Some devices sync at every checkpoint, some lag across several moves, two start late and
// replay the whole history from the beginning. At each checkpoint
// every device named there is synced to quiet and compared with the hub's view of its scope (read from the hub's
// tables by test/support/hub-scope-digest.ts): record by record, by digest, and by the attachment files on disk.
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  addContact,
  addResident,
  addStaff,
  assignTablet,
  cancelVisit,
  deposit,
  listStaff,
  markReadByFamily,
  moveResident,
  releaseResident,
  removeStaff,
  reviewMessage,
  scheduleVisit,
  setContactApproval,
  transferStamps,
  unassignTablet,
  updateSiteRules,
} from '../../../hub/services/index';
import { checkExactlyOnce } from '../../support/hub-audit';
import { residentsInScope } from '../../support/hub-scope-digest';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { blobFolderState, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged, familyMessage, photo } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
let devices: SyncedDevice[] = [];
afterEach(async () => {
  for (const device of devices) await device.stop();
  await testHub?.close();
  devices = [];
  testHub = null;
});

describe.each(hubBackends)('convergence, devices ↔ hub (%s)', (backend) => {
  it('after quiet each device holds exactly the hub’s view of its scope, through moves, releases, reassignments and review', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const f = await seedFacility(hub);
    const [ana, ben, cruz] = [f.ana.resident_id, f.ben.resident_id, f.cruz.resident_id];

    const kioskA = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: f.siteId, kind: 'kiosk', housingUnitId: f.unitA });
    // Small batches: evicts and backfills land in the middle of batches and across them.
    const kioskB = await enrollOn(testHub, { name: 'B-Pod kiosk', siteId: f.siteId, kind: 'kiosk', housingUnitId: f.unitB, settings: { pullLimit: 5 } });
    const tablet = await enrollOn(testHub, { name: 'tablet', siteId: f.siteId, kind: 'tablet', settings: { pullLimit: 7 } });
    devices = [kioskA, kioskB, tablet];
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: ana });

    // ---- 1: money, mail, visits; the devices act for the people they serve ----
    await deposit(hub, { residentId: ana, amountCents: 1_500, source: 'online' });
    await deposit(hub, { residentId: ben, amountCents: 500, source: 'lobbyKiosk', reference: 'receipt 881' });
    await deposit(hub, { residentId: cruz, amountCents: 300, source: 'moneyOrder' });
    await transferStamps(hub, { residentId: ana, stamps: 10, from: 'Maria Diaz' });
    const anaLetter = await familyMessage(hub, f.anaMom, 'Te mando fotos de la playa', { photos: [photo(), photo()] });
    await familyMessage(hub, f.anaMom, 'Una foto no pasó', { photos: [photo(), photo()], review: { decision: 'approve', withhold: [1] } });
    await familyMessage(hub, f.anaMom, 'Esto no pasa la revisión', { photos: [photo()], review: { decision: 'reject', reason: 'Contains a phone number.' } });
    await familyMessage(hub, f.anaMom, 'Todavía en revisión', { review: 'none' });
    const returnStampLetter = await familyMessage(hub, f.anaMom, 'Contéstame, el sello está pagado', { returnStamp: true });
    await familyMessage(hub, f.benBrother, 'Yo, here is the dog', { photos: [photo()] });
    await familyMessage(hub, f.cruzSister, 'Saludos', { photos: [photo()] });
    await scheduleVisit(hub, { residentId: ana, visitorName: 'Maria Diaz', kind: 'remote', startsAt: testEpoch + 86_400_000, durationMinutes: 30 });
    const cruzVisit = await scheduleVisit(hub, {
      residentId: cruz,
      visitorName: 'Min Lee',
      kind: 'onSite',
      startsAt: testEpoch + 2 * 86_400_000,
      durationMinutes: 60,
    });
    await cancelVisit(hub, { visitId: cruzVisit.visit_id });

    const kioskMessage = randomUUID();
    kioskA.act('sendMessage', {
      messageId: kioskMessage,
      residentId: ana,
      contactId: f.anaMom,
      body: 'Hola mamá',
      writtenAt: testEpoch,
      replyToMessageId: null,
      useReturnStamp: false,
    });
    kioskA.act('buyStamps', { residentId: ben, requestId: randomUUID(), bookSize: 5 });
    tablet.act('buyStamps', { residentId: ana, requestId: randomUUID(), bookSize: 10 });
    const tabletReply = randomUUID();
    tablet.act('sendMessage', {
      messageId: tabletReply,
      residentId: ana,
      contactId: f.anaMom,
      body: 'Gracias, mamá',
      writtenAt: testEpoch,
      replyToMessageId: returnStampLetter,
      useReturnStamp: true,
    });
    tablet.act('markRead', { residentId: ana, messageId: anaLetter, readAt: testEpoch });
    await expectConverged(hub, [kioskA, kioskB, tablet]);
    expect(await residentsInScope(hub.database, kioskA.deviceId)).toEqual([ana, ben].sort());
    expect(blobFolderState(kioskA.dataDir).files.length).toBe(4); // Ana's 3 delivered photos and Ben's; none of Cruz's

    // ---- 2: review of the residents' own messages; Cruz moves in to A, Ana moves out to B; the site changes ----
    await reviewMessage(hub, { decision: 'approve', messageId: kioskMessage, reviewer: 'Officer Grant' });
    await markReadByFamily(hub, { messageId: kioskMessage });
    await reviewMessage(hub, { decision: 'reject', messageId: tabletReply, reviewer: 'Officer Grant', reason: 'Names another resident.' });
    await moveResident(hub, { residentId: cruz, housingUnitId: f.unitA });
    await moveResident(hub, { residentId: ana, housingUnitId: f.unitB });
    await deposit(hub, { residentId: ana, amountCents: 700, source: 'online' });
    await updateSiteRules(hub, { siteId: f.siteId, rules: { charactersPerStamp: 1_000, refundStampsOnRejection: false } });
    const [grant] = await listStaff(hub.database, f.siteId);
    await addStaff(hub, { siteId: f.siteId, displayName: 'Officer Reyes', badgeId: 'STAFF-88', pin: '5555' });
    if (grant !== undefined) await removeStaff(hub, { staffId: grant.staff_id });
    await setContactApproval(hub, { contactId: f.anaFriend, approved: true });
    // The A-Pod kiosk still shows Ana: it reads a letter for her before it hears of the move (refused outOfScope).
    kioskA.act('markRead', { residentId: ana, messageId: returnStampLetter, readAt: testEpoch });
    // kioskB lags behind on purpose: it catches up across Cruz leaving and Ana arriving in one go, at checkpoint 3.
    await expectConverged(hub, [kioskA, tablet]);
    expect(await residentsInScope(hub.database, kioskA.deviceId)).toEqual([ben, cruz].sort());

    // ---- 3: the tablet changes hands twice while it is off; Ben is released; someone new arrives in A ----
    await unassignTablet(hub, { deviceId: tablet.deviceId });
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: ben });
    await familyMessage(hub, f.benBrother, 'Mom says hi', { photos: [photo()] });
    tablet.act('buyStamps', { residentId: ben, requestId: randomUUID(), bookSize: 5 });
    await releaseResident(hub, { residentId: ben });
    const dee = await addResident(hub, { housingUnitId: f.unitA, credentialId: 'B1003', displayName: 'Dee Park', pin: '4444' });
    const deeAunt = await addContact(hub, { residentId: dee.resident_id, displayName: 'June Park', relationship: 'aunt', approved: true });
    await familyMessage(hub, deeAunt.contact_id, 'Welcome letter', { photos: [photo()] });
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: cruz });
    await expectConverged(hub, [kioskA, kioskB]);
    expect(await residentsInScope(hub.database, kioskB.deviceId)).toEqual([ana]);

    // ---- 4: Ana comes back to A (a second backfill for the A-Pod kiosk, an evict for B); everyone catches up ----
    await moveResident(hub, { residentId: ana, housingUnitId: f.unitA });
    await familyMessage(hub, f.anaMom, 'Bienvenida de vuelta', { photos: [photo(), photo()] });
    kioskA.act('sendMessage', {
      messageId: randomUUID(),
      residentId: ana,
      contactId: f.anaFriend,
      body: 'Hi Sam, finally approved',
      writtenAt: testEpoch,
      replyToMessageId: null,
      useReturnStamp: false,
    });
    tablet.act('sendMessage', {
      messageId: randomUUID(),
      residentId: cruz,
      contactId: f.cruzSister,
      body: 'Hola hermana',
      writtenAt: testEpoch,
      replyToMessageId: null,
      useReturnStamp: false,
    });
    await expectConverged(hub, [kioskA, kioskB, tablet]);
    expect(await residentsInScope(hub.database, kioskA.deviceId)).toEqual([ana, cruz, dee.resident_id].sort());
    expect(await residentsInScope(hub.database, kioskB.deviceId)).toEqual([]);
    expect(await residentsInScope(hub.database, tablet.deviceId)).toEqual([cruz]);

    // ---- 5: the tablet is taken back and given to Cruz again while it is off; two devices start late and replay the
    // whole history from the beginning (every move, evict and backfill of their scope, in small batches) ----
    await unassignTablet(hub, { deviceId: tablet.deviceId });
    await familyMessage(hub, f.cruzSister, 'Mientras tanto', { photos: [photo()] });
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: cruz });
    const lateKiosk = await enrollOn(testHub, {
      name: 'late A-Pod kiosk',
      siteId: f.siteId,
      kind: 'kiosk',
      housingUnitId: f.unitA,
      settings: { pullLimit: 3 },
    });
    const lateTablet = await enrollOn(testHub, { name: 'late tablet', siteId: f.siteId, kind: 'tablet', settings: { pullLimit: 3 } });
    devices.push(lateKiosk, lateTablet);
    await assignTablet(hub, { deviceId: lateTablet.deviceId, residentId: ana });
    await expectConverged(hub, [kioskA, kioskB, tablet, lateKiosk, lateTablet]);
    expect(lateKiosk.digest()).toBe(kioskA.digest());

    // Every action the devices took was applied once or refused in words; the stale read came back outOfScope.
    const reports = await Promise.all([kioskA, kioskB, tablet].map((device) => checkExactlyOnce(hub.database, device, { complete: false })));
    expect(reports.flatMap((report) => report.problems)).toEqual([]);
    expect(reports[0]?.refusedByCode).toEqual({ outOfScope: 1 });
  }, 120_000);
});
