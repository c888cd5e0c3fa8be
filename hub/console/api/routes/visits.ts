// The visits office (visits and supervisor): the site's visit types and rooms with their weekly hours, one day's
// visits by room, scheduling (every clash refused in words by the service) and cancelling with a reason the
// resident reads on their screen.
import { describeOpeningHours } from '../../../../rules/visit-hours';
import { clockText, instantOfLocal, localDateText, localTime, readLocalDate } from '../../../../rules/zoned-time';
import {
  addVisitRoom,
  cancelVisit,
  listContacts,
  listVisitRooms,
  scheduleVisit,
  setVisitRoomHours,
  setSiteTimeZone,
  getVisitRoom,
  siteTimeZone,
  visitDay,
  visitSite,
  visitTypes,
  type ScheduledVisit,
  type VisitRoom,
} from '../../../services/index';
import { invalid } from '../../../services/context';
import { defineConsoleRoute, type ConsoleRoute } from '../route';
import { PersonList, PersonSearchQuery, ResidentIdParams } from '../schemas/money';
import {
  CancelRequest,
  ContactChoices,
  DayQuery,
  DayView,
  NewRoomRequest,
  RoomHoursRequest,
  RoomIdParams,
  RoomView,
  ScheduleRequest,
  SiteQuery,
  TimeZoneRequest,
  VisitIdParams,
  VisitSetupView,
  VisitView,
  type RoomView as RoomViewType,
  type VisitView as VisitViewType,
} from '../schemas/visits';
import { residentInReach, searchPeople, workingSite } from './site-scope';

const visitsRoles = ['visits', 'supervisor'] as const;

function roomView(room: VisitRoom): RoomViewType {
  return { roomId: room.roomId, name: room.name, kind: room.kind, hours: [...room.hours], hoursText: describeOpeningHours(room.hours) };
}

function visitView(visit: ScheduledVisit, timeZone: string): VisitViewType {
  const start = localTime(visit.startsAt, timeZone).minuteOfDay;
  const end = localTime(visit.startsAt + visit.durationMinutes * 60_000, timeZone).minuteOfDay;
  return { ...visit, timeText: `${clockText(start)}–${clockText(end)}` };
}

async function dayView(hub: Parameters<typeof visitDay>[0], siteId: string, date: string) {
  const day = await visitDay(hub, { siteId, date });
  return {
    siteId,
    date: day.date,
    timeZone: day.timeZone,
    rooms: day.rooms.map((room) => ({ ...roomView(room), openTodayText: room.openToday.length === 0 ? 'closed' : describeOpeningHours(room.openToday) })),
    visits: day.visits.map((visit) => visitView(visit, day.timeZone)),
  };
}

export const visitRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'visits.setup',
    method: 'GET',
    path: '/visits/setup',
    roles: visitsRoles,
    query: SiteQuery,
    response: VisitSetupView,
    handler: async ({ query }, context) => {
      const site = await workingSite(context, query.siteId);
      const timeZone = await siteTimeZone(context.hub.database, site.siteId);
      return {
        siteId: site.siteId,
        timeZone,
        today: localDateText(context.hub.now(), timeZone),
        types: [...visitTypes],
        rooms: (await listVisitRooms(context.hub.database, site.siteId)).map(roomView),
      };
    },
  }),
  defineConsoleRoute({
    name: 'visits.setTimeZone',
    method: 'POST',
    path: '/visits/time-zone',
    roles: visitsRoles,
    body: TimeZoneRequest,
    response: VisitSetupView,
    handler: async ({ body }, context) => {
      const site = await workingSite(context, body.siteId);
      context.audit(site.siteId);
      const timeZone = await setSiteTimeZone(context.hub, { siteId: site.siteId, timeZone: body.timeZone });
      return {
        siteId: site.siteId,
        timeZone,
        today: localDateText(context.hub.now(), timeZone),
        types: [...visitTypes],
        rooms: (await listVisitRooms(context.hub.database, site.siteId)).map(roomView),
      };
    },
  }),
  defineConsoleRoute({
    name: 'visits.addRoom',
    method: 'POST',
    path: '/visits/rooms',
    roles: visitsRoles,
    body: NewRoomRequest,
    response: RoomView,
    handler: async ({ body }, context) => {
      const site = await workingSite(context, body.siteId);
      const room = await addVisitRoom(context.hub, { siteId: site.siteId, name: body.name, kind: body.kind, hours: body.hours });
      context.audit(room.roomId);
      return roomView(room);
    },
  }),
  defineConsoleRoute({
    name: 'visits.setRoomHours',
    method: 'POST',
    path: '/visits/rooms/:roomId/hours',
    roles: visitsRoles,
    params: RoomIdParams,
    body: RoomHoursRequest,
    response: RoomView,
    handler: async ({ params, body }, context) => {
      context.requireSite((await getVisitRoom(context.hub.database, params.roomId)).siteId);
      context.audit(params.roomId);
      return roomView(await setVisitRoomHours(context.hub, { roomId: params.roomId, hours: body.hours }));
    },
  }),
  defineConsoleRoute({
    name: 'visits.day',
    method: 'GET',
    path: '/visits/day',
    roles: visitsRoles,
    query: DayQuery,
    response: DayView,
    handler: async ({ query }, context) => dayView(context.hub.database, (await workingSite(context, query.siteId)).siteId, query.date),
  }),
  defineConsoleRoute({
    name: 'visits.people',
    method: 'GET',
    path: '/visits/people',
    roles: visitsRoles,
    query: PersonSearchQuery,
    response: PersonList,
    handler: async ({ query }, context) => ({ people: await searchPeople(context, query.q) }),
  }),
  defineConsoleRoute({
    name: 'visits.contacts',
    method: 'GET',
    path: '/visits/people/:residentId/contacts',
    roles: visitsRoles,
    params: ResidentIdParams,
    response: ContactChoices,
    handler: async ({ params }, context) => {
      const resident = await residentInReach(context, params.residentId);
      const contacts = await listContacts(context.hub.database, resident.resident_id);
      return {
        residentName: resident.display_name,
        contacts: contacts
          .filter((contact) => contact.approved)
          .map((contact) => ({ contactId: contact.contact_id, name: contact.display_name, relationship: contact.relationship })),
      };
    },
  }),
  defineConsoleRoute({
    name: 'visits.schedule',
    method: 'POST',
    path: '/visits',
    roles: visitsRoles,
    body: ScheduleRequest,
    response: VisitView,
    handler: async ({ body }, context) => {
      const resident = await residentInReach(context, body.residentId);
      const timeZone = await siteTimeZone(context.hub.database, resident.site_id);
      const date = readLocalDate(body.date);
      if (date === null) throw invalid(`"${body.date}" is not a date such as 2025-06-01.`);
      const [hours = '0', minutes = '0'] = body.time.split(':');
      const startsAt = instantOfLocal(date, Number(hours) * 60 + Number(minutes), timeZone);
      const visit = await scheduleVisit(context.hub, {
        residentId: resident.resident_id,
        contactId: body.contactId,
        kind: body.kind,
        startsAt,
        durationMinutes: body.durationMinutes,
        roomId: body.roomId,
        scheduledBy: context.staff.displayName,
      });
      context.audit(visit.visit_id);
      const day = await visitDay(context.hub.database, { siteId: resident.site_id, date: localDateText(startsAt, timeZone) });
      const shown = day.visits.find((candidate) => candidate.visitId === visit.visit_id);
      if (shown === undefined) throw new Error('a visit just scheduled is not on its own day');
      return visitView(shown, timeZone);
    },
  }),
  defineConsoleRoute({
    name: 'visits.cancel',
    method: 'POST',
    path: '/visits/:visitId/cancel',
    roles: visitsRoles,
    params: VisitIdParams,
    body: CancelRequest,
    response: VisitView,
    handler: async ({ params, body }, context) => {
      const siteId = await visitSite(context.hub.database, params.visitId);
      context.requireSite(siteId);
      context.audit(params.visitId);
      const visit = await cancelVisit(context.hub, { visitId: params.visitId, reason: body.reason, cancelledBy: context.staff.displayName });
      const timeZone = await siteTimeZone(context.hub.database, siteId);
      const day = await visitDay(context.hub.database, { siteId, date: localDateText(Number(visit.starts_at), timeZone) });
      const shown = day.visits.find((candidate) => candidate.visitId === visit.visit_id);
      if (shown === undefined) throw new Error('a visit just cancelled is not on its own day');
      return visitView(shown, timeZone);
    },
  }),
];
