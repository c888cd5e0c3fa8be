// A person moved to a unit of another site (a transfer, from the facility console's People page): the old site's
// kiosk loses everything of theirs, the new site's kiosk gains it all, their money and letters go with them, a letter
// waiting for review moves to the new site's queue, and a transfer that cannot be done is refused in words with
// nothing changed — real device stores, a real hub, both database backends.
import { afterEach, describe, expect, it } from 'vitest';
import { createMoneyService } from '../../../main/money/money-service';
import { residentDataQueries } from '../../../main/store/resident-data';
import { addHousingUnit, addResident, createSite, deposit, moveResident, scheduleVisit } from '../../../hub/services/index';
import { listReviewQueue } from '../../../hub/services/messages';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import type { SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn, expectConverged, familyMessage } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
const devices: SyncedDevice[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) await device.stop();
  await testHub?.close();
  testHub = null;
});

describe.each(hubBackends)('a person moved to another site (%s)', (backend) => {
  it('leaves the old site’s kiosk, arrives whole at the new one, and their waiting letter moves to the new queue', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const annex = await createSite(hub, { name: 'Lakeside Annex' });
    const north = await addHousingUnit(hub, { siteId: annex.siteId, name: 'North' });
    const ana = facility.ana.resident_id;
    await deposit(hub, { residentId: ana, amountCents: 1234, source: 'online', reference: 'before the move' });
    await familyMessage(hub, facility.anaMom, 'Delivered before the move', { review: { decision: 'approve' } });
    await familyMessage(hub, facility.anaMom, 'Still waiting for the mailroom', { review: 'none' });
    const oldKiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const newKiosk = await enrollOn(testHub, { name: 'North kiosk', siteId: annex.siteId, kind: 'kiosk', housingUnitId: north.housingUnitId });
    devices.push(oldKiosk, newKiosk);
    await expectConverged(hub, [oldKiosk, newKiosk]);
    expect(residentDataQueries(oldKiosk.db).rowCounts(ana).messages).toBe(1);
    expect(residentDataQueries(newKiosk.db).rowCounts(ana).messages).toBe(0);

    const moved = await moveResident(hub, { residentId: ana, housingUnitId: north.housingUnitId });
    expect([moved.site_id, moved.housing_unit_id]).toEqual([annex.siteId, north.housingUnitId]);
    await expectConverged(hub, [oldKiosk, newKiosk]);
    expect(residentDataQueries(oldKiosk.db).rowCounts(ana)).toMatchObject({ messages: 0 });
    expect(residentDataQueries(newKiosk.db).rowCounts(ana)).toMatchObject({ messages: 1 });
    expect(createMoneyService({ db: newKiosk.db, now: () => testEpoch }).account(ana, 0).balance?.availableCents).toBe(1234 + facility.ana.debit_balance_cents);
    expect((await listReviewQueue(hub.database, facility.siteId)).map((letter) => letter.body)).not.toContain('Still waiting for the mailroom');
    expect((await listReviewQueue(hub.database, annex.siteId)).map((letter) => letter.body)).toContain('Still waiting for the mailroom');
  }, 120_000);

  it('is refused in words, changing nothing, while the booking number is taken there or visits are scheduled here', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const facility = await seedFacility(hub);
    const annex = await createSite(hub, { name: 'Lakeside Annex' });
    const north = await addHousingUnit(hub, { siteId: annex.siteId, name: 'North' });
    await addResident(hub, { housingUnitId: north.housingUnitId, credentialId: facility.ben.credential_id, displayName: 'Someone Else', pin: '1111' });
    await expect(moveResident(hub, { residentId: facility.ben.resident_id, housingUnitId: north.housingUnitId })).rejects.toThrow(
      `Booking number ${facility.ben.credential_id} is already in use at Lakeside Annex.`,
    );
    await scheduleVisit(hub, {
      residentId: facility.ana.resident_id,
      visitorName: 'Maria Diaz',
      kind: 'onSite',
      startsAt: testEpoch + 86_400_000,
      durationMinutes: 30,
    });
    await expect(moveResident(hub, { residentId: facility.ana.resident_id, housingUnitId: north.housingUnitId })).rejects.toThrow(
      'Ana Diaz has visits scheduled at this site; cancel them before the move to Lakeside Annex.',
    );
    const [ana] = await hub.database.query<{ site_id: string; housing_unit_id: string }>(
      'SELECT site_id, housing_unit_id FROM residents WHERE resident_id = $1',
      [facility.ana.resident_id],
    );
    expect(ana).toEqual({ site_id: facility.siteId, housing_unit_id: facility.unitA });
  }, 120_000);
});
