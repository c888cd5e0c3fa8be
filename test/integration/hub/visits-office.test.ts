// The visits office at the hub (issue 17): rooms of a kind with weekly hours in the site's time zone, scheduling that
// refuses every clash in words naming it, and a cancellation whose reason travels on the visit record devices pull —
// on PGlite and on PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addVisitRoom,
  cancelVisit,
  hubContext,
  HubInputError,
  scheduleVisit,
  setSiteTimeZone,
  setVisitRoomHours,
  visitDay,
  type HubContext,
  type VisitRoom,
} from '../../../hub/services/index';
import { instantOfLocal } from '../../../rules/zoned-time';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';
import { seedFacility, TestClock, testPinCost, type Facility } from './fixture';

useHubDatabases();

const zone = 'America/Chicago';
/** 2025-03-10 is a Monday; the clocks went forward in Chicago the day before. */
const at = (day: number, hour: number, minute = 0): number => instantOfLocal({ year: 2025, month: 3, day }, hour * 60 + minute, zone);
const weekdays = [1, 2, 3, 4, 5];

async function refusal(promise: Promise<unknown>): Promise<HubInputError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubInputError);
  return error as HubInputError;
}

describe.each(hubBackends)('the visits office (%s)', (backend) => {
  let testDatabase: TestHubDatabase;
  let hub: HubContext;
  let facility: Facility;
  let roomOne: VisitRoom;
  let videoBooth: VisitRoom;

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
    hub = hubContext(testDatabase.database, { now: new TestClock().now, pinCost: testPinCost });
    facility = await seedFacility(hub);
    await setSiteTimeZone(hub, { siteId: facility.siteId, timeZone: zone });
    roomOne = await addVisitRoom(hub, {
      siteId: facility.siteId,
      name: 'Room 1',
      kind: 'onSite',
      hours: weekdays.flatMap((weekday) => [
        { weekday, opensMinute: 9 * 60, closesMinute: 12 * 60 },
        { weekday, opensMinute: 13 * 60, closesMinute: 17 * 60 },
      ]),
    });
    videoBooth = await addVisitRoom(hub, {
      siteId: facility.siteId,
      name: 'Video booth',
      kind: 'remote',
      hours: [{ weekday: 6, opensMinute: 600, closesMinute: 1440 }],
    });
  });
  afterEach(async () => testDatabase.dispose());

  it('refuses bad rooms and hours in words', async () => {
    expect(
      (
        await refusal(
          addVisitRoom(hub, { siteId: facility.siteId, name: 'Room 2', kind: 'onSite', hours: [{ weekday: 1, opensMinute: 600, closesMinute: 540 }] }),
        )
      ).message,
    ).toBe('Monday: the room closes at 09:00, not after it opens at 10:00.');
    expect(
      (
        await refusal(
          setVisitRoomHours(hub, {
            roomId: roomOne.roomId,
            hours: [
              { weekday: 2, opensMinute: 540, closesMinute: 720 },
              { weekday: 2, opensMinute: 660, closesMinute: 780 },
            ],
          }),
        )
      ).message,
    ).toBe('Tuesday: the hours 09:00–12:00 and 11:00–13:00 overlap.');
    expect((await refusal(addVisitRoom(hub, { siteId: facility.siteId, name: 'Room 1', kind: 'remote', hours: [] }))).message).toBe(
      'The site already has a visiting room named Room 1.',
    );
  });

  it('schedules within the room hours of the site zone and refuses each clash, naming it', async () => {
    const ana = facility.ana.resident_id;
    const ben = facility.ben.resident_id;
    const first = await scheduleVisit(hub, {
      residentId: ana,
      contactId: facility.anaMom,
      kind: 'onSite',
      startsAt: at(10, 9, 30),
      durationMinutes: 60,
      roomId: roomOne.roomId,
      scheduledBy: 'Val Visits',
    });
    expect(first).toMatchObject({ visitor_name: 'Maria Diaz', room_id: roomOne.roomId, contact_id: facility.anaMom, scheduled_by: 'Val Visits' });

    const taken = await refusal(
      scheduleVisit(hub, {
        residentId: ben,
        contactId: facility.benBrother,
        kind: 'onSite',
        startsAt: at(10, 10),
        durationMinutes: 30,
        roomId: roomOne.roomId,
      }),
    );
    expect(taken.message).toBe('Room 1 is taken then (Monday 2025-03-10 10:00–10:30): Ana Diaz with Maria Diaz, Monday 2025-03-10 09:30–10:30 in Room 1.');
    expect(taken.problem).toBe('conflict');

    const residentBusy = await refusal(
      scheduleVisit(hub, { residentId: ana, visitorName: 'Sam Roe', kind: 'remote', startsAt: at(10, 10), durationMinutes: 30 }),
    );
    expect(residentBusy.message).toBe(
      'Ana Diaz already has a visit then (Monday 2025-03-10 10:00–10:30): Ana Diaz with Maria Diaz, Monday 2025-03-10 09:30–10:30 in Room 1.',
    );

    // The same visitor (by name, at this site) cannot be in two visits at once, even with another resident.
    const visitorBusy = await refusal(
      scheduleVisit(hub, { residentId: ben, visitorName: 'maria diaz', kind: 'remote', startsAt: at(10, 10, 15), durationMinutes: 10 }),
    );
    expect(visitorBusy.message).toBe(
      'maria diaz already has a visit then (Monday 2025-03-10 10:15–10:25): Ana Diaz with Maria Diaz, Monday 2025-03-10 09:30–10:30 in Room 1.',
    );

    const lunch = await refusal(
      scheduleVisit(hub, {
        residentId: ben,
        contactId: facility.benBrother,
        kind: 'onSite',
        startsAt: at(10, 11, 30),
        durationMinutes: 60,
        roomId: roomOne.roomId,
      }),
    );
    expect(lunch.message).toBe('Room 1 is closed then (Monday 2025-03-10 11:30–12:30): on Monday 09:00–12:00, 13:00–17:00.');
    const sunday = await refusal(
      scheduleVisit(hub, { residentId: ben, contactId: facility.benBrother, kind: 'onSite', startsAt: at(9, 10), durationMinutes: 30, roomId: roomOne.roomId }),
    );
    expect(sunday.message).toBe('Room 1 is closed then (Sunday 2025-03-09 10:00–10:30): it is not open on Sundays.');
    const wrongKind = await refusal(
      scheduleVisit(hub, {
        residentId: ben,
        contactId: facility.benBrother,
        kind: 'onSite',
        startsAt: at(15, 11),
        durationMinutes: 30,
        roomId: videoBooth.roomId,
      }),
    );
    expect(wrongKind.message).toBe(
      'Video booth is a room for video visits; a on-site visit needs a on-site room.'.replace('a on-site', 'an on-site').replace('a on-site', 'an on-site'),
    );
    const unapproved = await refusal(
      scheduleVisit(hub, { residentId: ana, contactId: facility.anaFriend, kind: 'onSite', startsAt: at(11, 9), durationMinutes: 30, roomId: roomOne.roomId }),
    );
    expect(unapproved.message).toBe('Sam Roe is not an approved contact of Ana Diaz yet: approve them before they visit.');

    // Back to back is not a clash; a visit may run to the room's closing.
    await scheduleVisit(hub, {
      residentId: ben,
      contactId: facility.benBrother,
      kind: 'onSite',
      startsAt: at(10, 10, 30),
      durationMinutes: 90,
      roomId: roomOne.roomId,
    });
    // Saturday's video booth is open until midnight: a visit may end exactly then, never run past it.
    await scheduleVisit(hub, {
      residentId: ana,
      contactId: facility.anaMom,
      kind: 'remote',
      startsAt: at(15, 23, 30),
      durationMinutes: 30,
      roomId: videoBooth.roomId,
    });
    expect(
      (
        await refusal(
          scheduleVisit(hub, {
            residentId: ben,
            contactId: facility.benBrother,
            kind: 'remote',
            startsAt: at(15, 23, 0),
            durationMinutes: 90,
            roomId: videoBooth.roomId,
          }),
        )
      ).message,
    ).toMatch(/^Video booth is closed then/);

    const day = await visitDay(hub.database, { siteId: facility.siteId, date: '2025-03-10' });
    expect(day.timeZone).toBe(zone);
    expect(day.rooms.map((room) => [room.name, room.openToday.length])).toEqual([
      ['Room 1', 2],
      ['Video booth', 0],
    ]);
    expect(day.visits.map((visit) => [visit.residentName, visit.visitorName, visit.roomId])).toEqual([
      ['Ana Diaz', 'Maria Diaz', roomOne.roomId],
      ['Ben Okafor', 'Tunde Okafor', roomOne.roomId],
    ]);
  });

  it('cancels with a reason that the visit record carries to the devices, and frees the room', async () => {
    const ana = facility.ana.resident_id;
    const visit = await scheduleVisit(hub, {
      residentId: ana,
      contactId: facility.anaMom,
      kind: 'onSite',
      startsAt: at(11, 14),
      durationMinutes: 45,
      roomId: roomOne.roomId,
    });
    expect((await refusal(cancelVisit(hub, { visitId: visit.visit_id, reason: ' ', cancelledBy: 'Val Visits' }))).message).toBe(
      'A cancellation needs a reason, in words the resident will read.',
    );
    expect((await refusal(cancelVisit(hub, { visitId: visit.visit_id, reason: 'x'.repeat(501) }))).message).toBe(
      "A cancellation's reason is at most 500 characters; this one has 501.",
    );
    const cancelled = await cancelVisit(hub, { visitId: visit.visit_id, reason: 'The unit is on lockdown this afternoon.', cancelledBy: 'Val Visits' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellation_reason: 'The unit is on lockdown this afternoon.', cancelled_by: 'Val Visits' });
    const [change] = await hub.database.query<{ data: unknown }>(
      "SELECT data FROM change_log WHERE entity = 'visit' AND record_id = $1 ORDER BY seq DESC LIMIT 1",
      [visit.visit_id],
    );
    expect(change?.data).toMatchObject({ status: 'cancelled', cancellationReason: 'The unit is on lockdown this afternoon.' });
    expect((await refusal(cancelVisit(hub, { visitId: visit.visit_id, reason: 'again' }))).message).toBe('That visit is already cancelled.');
    // The room is free again at that time.
    await scheduleVisit(hub, {
      residentId: facility.ben.resident_id,
      contactId: facility.benBrother,
      kind: 'onSite',
      startsAt: at(11, 14),
      durationMinutes: 45,
      roomId: roomOne.roomId,
    });
  });
});
