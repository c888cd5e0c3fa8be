// Issue 13, items 5–7, device ↔ real hub: visits scheduled and cancelled at the hub reach a kiosk's store and its
// Visits service (and leave with a resident who moves units); a family letter stopped in review reaches the resident
// only as a notice — sender and reviewer's reason, never a word of it — by the site's rule, while the sender is always
// told; a letter withdrawn after delivery is deleted from the device, its search entry and its photo file too; and a
// purchase the hub refuses comes back as a code with its figures, not as the hub's English sentence.
import { afterEach, describe, expect, it } from 'vitest';
import {
  cancelVisit,
  deposit,
  listFamilyNotices,
  moveResident,
  scheduleVisit,
  setNotifyResidentOfRejectedMail,
  withdrawMessage,
} from '../../../hub/services/index';
import { createMailService } from '../../../main/mail/mail-service';
import { createMoneyService } from '../../../main/money/money-service';
import { letterNoticeQueries } from '../../../main/store/letter-notices';
import { residentDataQueries } from '../../../main/store/resident-data';
import { createVisitsService } from '../../../main/visits/visits-service';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { blobFolderState, deliveredAttachmentHashes, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged, familyMessage, photo } from './harness';

useHubDatabases();

const minute = 60_000;
const day = 24 * 60 * minute;

let testHub: TestHub | null = null;
let kiosk: SyncedDevice | null = null;
afterEach(async () => {
  await kiosk?.stop();
  await testHub?.close();
  kiosk = null;
  testHub = null;
});

describe.each(hubBackends)('visits and stopped letters, device ↔ hub (%s)', (backend) => {
  it('visits scheduled and cancelled at the hub reach the kiosk, upcoming, past and cancelled, and leave with a resident who moves', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const ana = facility.ana.resident_id;
    kiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const visits = createVisitsService({ db: kiosk.db, now: () => testEpoch });

    // A visitor's name in another script, one already past, one to be cancelled, one under way.
    const greek = await scheduleVisit(hub, {
      residentId: ana,
      visitorName: 'Ηλέκτρα Παπαδοπούλου',
      kind: 'remote',
      startsAt: testEpoch + day,
      durationMinutes: 30,
    });
    const past = await scheduleVisit(hub, { residentId: ana, visitorName: 'Maria Diaz', kind: 'onSite', startsAt: testEpoch - 2 * day, durationMinutes: 45 });
    const toCancel = await scheduleVisit(hub, { residentId: ana, visitorName: 'Sam Roe', kind: 'onSite', startsAt: testEpoch + 2 * day, durationMinutes: 60 });
    const underway = await scheduleVisit(hub, {
      residentId: ana,
      visitorName: 'Tía Lupe',
      kind: 'remote',
      startsAt: testEpoch - 10 * minute,
      durationMinutes: 20,
    });
    await cancelVisit(hub, { visitId: toCancel.visit_id });
    await expectConverged(hub, [kiosk]);

    const view = visits.list(ana);
    expect(view.upcoming.map((visit) => [visit.visitorName, visit.kind, visit.timing, visit.cancelled])).toEqual([
      ['Tía Lupe', 'video', 'underway', false],
      ['Ηλέκτρα Παπαδοπούλου', 'video', 'upcoming', false],
      ['Sam Roe', 'onSite', 'upcoming', true],
    ]);
    expect(view.recentPast.map((visit) => [visit.visitId, visit.timing, visit.durationMinutes])).toEqual([[past.visit_id, 'past', 45]]);
    // The next one that will happen is the one under way; a cancelled visit is never "next".
    expect(visits.next(ana)?.visitId).toBe(underway.visit_id);
    expect(createVisitsService({ db: kiosk.db, now: () => testEpoch + day + 31 * minute }).next(ana)).toBeNull();
    expect(greek.visitor_name).toBe('Ηλέκτρα Παπαδοπούλου');

    // Ana moves to B-Pod: this kiosk's evict takes her visits with the rest of her records.
    await moveResident(hub, { residentId: ana, housingUnitId: facility.unitB });
    await expectConverged(hub, [kiosk]);
    expect(visits.list(ana)).toEqual({ upcoming: [], recentPast: [], recentPastDays: 14 });
    expect(residentDataQueries(kiosk.db).rowCounts(ana).visits).toBe(0);
  }, 120_000);

  it('a stopped family letter reaches the resident as a notice without its words, by the site’s rule; the sender is always told', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const ana = facility.ana.resident_id;
    kiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const notices = letterNoticeQueries(kiosk.db);

    // A reason of 2,000 characters in another script: it arrives whole.
    const longReason = 'لا يُسمح بذكر نزلاء آخرين. '.repeat(80).slice(0, 2000);
    expect(longReason).toHaveLength(2000);
    const rejected = await familyMessage(hub, facility.anaMom, 'Quillfeather is the password', { review: { decision: 'reject', reason: longReason } });
    await expectConverged(hub, [kiosk]);
    expect(notices.forResident(ana)).toEqual([
      { noticeId: expect.any(String), senderName: 'Maria Diaz', reason: longReason, stoppedAt: testEpoch, afterDelivery: false, seen: false },
    ]);
    expect(notices.unseenCount(ana)).toBe(1);
    const storeText = JSON.stringify(kiosk.records());
    expect(storeText).not.toContain('Quillfeather');
    expect(storeText).not.toContain(rejected);
    notices.markAllSeen(ana, testEpoch);
    expect(notices.unseenCount(ana)).toBe(0);

    // The site turns the rule off: the next stopped letter is told to its sender only.
    await setNotifyResidentOfRejectedMail(hub, { siteId: facility.siteId, notify: false });
    await familyMessage(hub, facility.anaMom, 'Another one', { review: { decision: 'reject', reason: 'Not allowed.' } });
    await expectConverged(hub, [kiosk]);
    expect(notices.forResident(ana)).toHaveLength(1);
    const told = await listFamilyNotices(hub.database, facility.siteId, facility.anaMom);
    expect(told.map((notice) => [notice.contactName, notice.residentName, notice.kind, notice.reason.length, notice.residentTold])).toEqual([
      ['Maria Diaz', 'Ana Diaz', 'notDelivered', 2000, true],
      ['Maria Diaz', 'Ana Diaz', 'notDelivered', 'Not allowed.'.length, false],
    ]);
    expect(await listFamilyNotices(hub.database, facility.siteId, facility.benBrother)).toEqual([]);
  }, 120_000);

  it('a letter withdrawn after delivery leaves the device — words, search entry and photo file — and the resident is told why', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const ana = facility.ana.resident_id;
    kiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const mail = createMailService({ db: kiosk.db, now: () => testEpoch });

    const delivered = await familyMessage(hub, facility.anaMom, 'Marigolds from the garden', { photos: [photo()] });
    await expectConverged(hub, [kiosk]);
    expect(mail.search(ana, 'marigolds').map((hit) => hit.messageId)).toEqual([delivered]);
    expect(blobFolderState(kiosk.dataDir).files).toHaveLength(1);

    await withdrawMessage(hub, { messageId: delivered, reviewer: 'Sgt. Ortiz', reason: 'The photo shows another resident.' });
    await expectConverged(hub, [kiosk]);
    expect(mail.conversation(ana, facility.anaMom).messages).toEqual([]);
    expect(mail.search(ana, 'marigolds')).toEqual([]);
    expect(deliveredAttachmentHashes(kiosk.db)).toEqual([]);
    expect(blobFolderState(kiosk.dataDir).files).toEqual([]);
    expect(letterNoticeQueries(kiosk.db).forResident(ana)).toMatchObject([
      { senderName: 'Maria Diaz', reason: 'The photo shows another resident.', afterDelivery: true },
    ]);
    expect((await listFamilyNotices(hub.database, facility.siteId)).map((notice) => notice.kind)).toEqual(['withdrawn']);
  }, 120_000);

  it('a purchase the hub refuses comes back as a code with its figures', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const ana = facility.ana.resident_id;
    kiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    await deposit(hub, { residentId: ana, amountCents: 300, source: 'online' });
    await syncToQuiet(kiosk);

    // Recorded straight into the outbox, as a second device's purchase racing this one would leave it: the hub alone
    // decides, and its answer ($4.50 needed, $3.00 there) must reach the screen as figures, not as its English sentence.
    const requestId = '0190f000-0000-7000-8000-000000000001';
    kiosk.act('buyStamps', { residentId: ana, requestId, bookSize: 10 });
    await syncToQuiet(kiosk);
    const money = createMoneyService({ db: kiosk.db, now: () => testEpoch });
    expect(money.purchase(ana, requestId).outcome).toEqual({ state: 'refused', refusal: { code: 'notEnoughMoney', neededCents: 450, availableCents: 300 } });
  }, 120_000);
});
