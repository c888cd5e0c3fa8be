// Visits: the site's visiting rooms (each for one kind of visit — on site or by video — with weekly opening hours in
// the site's time zone), scheduling with the clashes checked and refused in words, and cancelling with a reason the
// resident reads on their Visits screen (the synced visit record carries it).
//
// Clashes are checked under two locks taken in this order: the resident's row (lockActiveResident), then the site's
// visits lock (an advisory lock per site), so two visits scheduled at once for one room or one visitor take turns and
// the second sees the first. Both are taken before the change-log lock, as every writer does (hub/README.md).
import { randomUUID } from 'node:crypto';
import { characterCount } from '../protocol/index';
import { describeOpeningHours, fitsOpeningHours, openingHoursProblems, weekdayNames, type OpeningHours } from '../../rules/visit-hours';
import { clockText, instantOfLocal, localDateText, localTime, readLocalDate } from '../../rules/zoned-time';
import type { SqlExecutor } from '../db/database';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { contactColumns, visitChange, visitColumns, type ContactRow, type VisitRow } from './records';
import { lockActiveResident, publishForResident } from './residents';
import { siteTimeZone } from './sites';

export type VisitKind = 'onSite' | 'remote';
export const visitKinds: readonly VisitKind[] = ['onSite', 'remote'];

/** The kinds of visit a site offers, in words. */
export const visitTypes: readonly { readonly kind: VisitKind; readonly name: string }[] = [
  { kind: 'onSite', name: 'On site' },
  { kind: 'remote', name: 'Video' },
];

export function visitKindWords(kind: VisitKind): string {
  switch (kind) {
    case 'onSite':
      return 'on-site';
    case 'remote':
      return 'video';
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown visit kind ${String(unknownKind)}`);
    }
  }
}

/** "an on-site", "a video": the kind with its article, to start a phrase. */
function withArticle(kind: VisitKind): string {
  const words = visitKindWords(kind);
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/** The longest reason a cancellation may give (the resident reads it on their screen). */
export const maxCancellationReasonLength = 500;
/** The longest room name. */
export const maxRoomNameLength = 60;

/** The first key of the two-key advisory lock that serializes one site's scheduling (the second: the site id hashed). */
const visitsLockClass = 7_304_117;

export interface VisitRoom {
  readonly roomId: string;
  readonly siteId: string;
  readonly name: string;
  readonly kind: VisitKind;
  readonly hours: readonly OpeningHours[];
}

interface RoomRow {
  readonly room_id: string;
  readonly site_id: string;
  readonly name: string;
  readonly kind: VisitKind;
}

function checkedHours(hours: readonly OpeningHours[]): OpeningHours[] {
  const problems = openingHoursProblems(hours);
  if (problems.length > 0) throw invalid(problems.join(' '));
  if (hours.length > 7 * 6) throw invalid('A room lists at most six opening spans a day.');
  return hours.map((span) => ({ weekday: span.weekday, opensMinute: span.opensMinute, closesMinute: span.closesMinute }));
}

/** Opening hours by room, for every room of a site or one room. */
async function hoursOf(db: SqlExecutor, where: { siteId: string } | { roomId: string }): Promise<Map<string, OpeningHours[]>> {
  const rows = await db.query<{ room_id: string; weekday: number; opens_minute: number; closes_minute: number }>(
    `SELECT h.room_id, h.weekday, h.opens_minute, h.closes_minute FROM visit_room_hours h JOIN visit_rooms room ON room.room_id = h.room_id
      WHERE ${'siteId' in where ? 'room.site_id' : 'room.room_id'} = $1 ORDER BY h.weekday, h.opens_minute`,
    ['siteId' in where ? where.siteId : where.roomId],
  );
  const byRoom = new Map<string, OpeningHours[]>();
  for (const row of rows) {
    const spans = byRoom.get(row.room_id) ?? [];
    spans.push({ weekday: row.weekday, opensMinute: row.opens_minute, closesMinute: row.closes_minute });
    byRoom.set(row.room_id, spans);
  }
  return byRoom;
}

async function writeHours(tx: SqlExecutor, roomId: string, hours: readonly OpeningHours[]): Promise<void> {
  await tx.query('DELETE FROM visit_room_hours WHERE room_id = $1', [roomId]);
  for (const span of hours) {
    await tx.query('INSERT INTO visit_room_hours (room_id, weekday, opens_minute, closes_minute) VALUES ($1, $2, $3, $4)', [
      roomId,
      span.weekday,
      span.opensMinute,
      span.closesMinute,
    ]);
  }
}

export async function addVisitRoom(
  hub: HubContext,
  input: { siteId: string; name: string; kind: VisitKind; hours: readonly OpeningHours[] },
): Promise<VisitRoom> {
  const name = checkedInputText(input.name, 'name', "The room's name").trim();
  if (name === '' || characterCount(name) > maxRoomNameLength) throw invalid(`A room needs a name of at most ${maxRoomNameLength} characters.`);
  if (!visitKinds.includes(input.kind)) throw invalid('A room is for on-site visits or for video visits.');
  const hours = checkedHours(input.hours);
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const [existing] = await tx.query('SELECT 1 FROM visit_rooms WHERE site_id = $1 AND name = $2', [input.siteId, name]);
    if (existing !== undefined) throw conflict(`The site already has a visiting room named ${name}.`);
    const roomId = randomUUID();
    await tx.query('INSERT INTO visit_rooms (room_id, site_id, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)', [
      roomId,
      input.siteId,
      name,
      input.kind,
      hub.now(),
    ]);
    await writeHours(tx, roomId, hours);
    return { roomId, siteId: input.siteId, name, kind: input.kind, hours };
  });
}

/** Replaces a room's weekly hours. Visits already scheduled stay: staff see them and cancel one if they must. */
export async function setVisitRoomHours(hub: HubContext, input: { roomId: string; hours: readonly OpeningHours[] }): Promise<VisitRoom> {
  const hours = checkedHours(input.hours);
  return hub.database.transaction(async (tx) => {
    const [room] = await tx.query<RoomRow>('SELECT room_id, site_id, name, kind FROM visit_rooms WHERE room_id = $1 FOR UPDATE', [input.roomId]);
    if (room === undefined) throw notFound(`There is no visiting room ${input.roomId}.`);
    await writeHours(tx, room.room_id, hours);
    return { roomId: room.room_id, siteId: room.site_id, name: room.name, kind: room.kind, hours };
  });
}

export async function listVisitRooms(db: SqlExecutor, siteId: string): Promise<VisitRoom[]> {
  const rooms = await db.query<RoomRow>('SELECT room_id, site_id, name, kind FROM visit_rooms WHERE site_id = $1 ORDER BY name', [siteId]);
  const hours = await hoursOf(db, { siteId });
  return rooms.map((room) => ({ roomId: room.room_id, siteId: room.site_id, name: room.name, kind: room.kind, hours: hours.get(room.room_id) ?? [] }));
}

export async function getVisitRoom(db: SqlExecutor, roomId: string): Promise<VisitRoom> {
  const [room] = await db.query<RoomRow>('SELECT room_id, site_id, name, kind FROM visit_rooms WHERE room_id = $1', [roomId]);
  if (room === undefined) throw notFound(`There is no visiting room ${roomId}.`);
  const hours = await hoursOf(db, { roomId: room.room_id });
  return { roomId: room.room_id, siteId: room.site_id, name: room.name, kind: room.kind, hours: hours.get(room.room_id) ?? [] };
}

/** "Monday 2025-06-02 14:00–14:30" in the site's zone. */
function spanWords(startsAt: number, durationMinutes: number, timeZone: string): string {
  const start = localTime(startsAt, timeZone);
  const end = localTime(startsAt + durationMinutes * 60_000, timeZone);
  return `${weekdayNames[start.weekday] ?? ''} ${localDateText(startsAt, timeZone)} ${clockText(start.minuteOfDay)}–${clockText(end.minuteOfDay)}`;
}

interface ClashRow {
  readonly visit_id: string;
  readonly starts_at: number;
  readonly duration_minutes: number;
  readonly visitor_name: string;
  readonly resident_name: string;
  readonly room_name: string | null;
}

/** Scheduled visits of the site overlapping [startsAt, endsAt) that match `where` (a condition on v, with $4 on). */
async function overlapping(
  tx: SqlExecutor,
  siteId: string,
  startsAt: number,
  endsAt: number,
  where: string,
  params: readonly (string | number)[],
): Promise<ClashRow | undefined> {
  const [clash] = await tx.query<ClashRow>(
    `SELECT v.visit_id, v.starts_at, v.duration_minutes, v.visitor_name, r.display_name AS resident_name, room.name AS room_name
       FROM visits v JOIN residents r ON r.resident_id = v.resident_id LEFT JOIN visit_rooms room ON room.room_id = v.room_id
      WHERE r.site_id = $1 AND v.status = 'scheduled' AND v.starts_at < $3 AND v.starts_at + v.duration_minutes * 60000 > $2 AND (${where})
      ORDER BY v.starts_at LIMIT 1`,
    [siteId, startsAt, endsAt, ...params],
  );
  return clash;
}

export interface ScheduleVisitInput {
  readonly residentId: string;
  /** The visitor's name; taken from the contact when `contactId` is given. */
  readonly visitorName?: string;
  /** The resident's contact who visits (approved). */
  readonly contactId?: string;
  readonly kind: VisitKind;
  readonly startsAt: number;
  readonly durationMinutes: number;
  /** The room it takes place in, of the same kind, open for the whole visit. */
  readonly roomId?: string;
  /** The staff member who scheduled it (the console's). */
  readonly scheduledBy?: string;
}

/**
 * Schedules a visit. Refused in words, naming the clash: the resident already has a visit then; the visitor already
 * has one then (the same contact, or the same name at this site); the room is taken then; the room is closed then
 * (its hours that day said); the room is for the other kind of visit.
 */
export async function scheduleVisit(hub: HubContext, input: ScheduleVisitInput): Promise<VisitRow> {
  const typedName = input.visitorName === undefined ? undefined : checkedInputText(input.visitorName, 'name', "The visitor's name");
  if (!visitKinds.includes(input.kind)) throw invalid('A visit is on site or by video.');
  if (!Number.isSafeInteger(input.startsAt) || input.startsAt < 0) throw invalid('A visit needs a start time.');
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > 600) throw invalid('A visit lasts 1 to 600 minutes.');
  const scheduledBy = input.scheduledBy === undefined ? null : checkedInputText(input.scheduledBy, 'name', 'Who scheduled it').trim();
  const endsAt = input.startsAt + input.durationMinutes * 60_000;
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    let contact: ContactRow | null = null;
    if (input.contactId !== undefined) {
      const [found] = await tx.query<ContactRow>(`SELECT ${contactColumns} FROM contacts WHERE contact_id = $1`, [input.contactId]);
      if (found === undefined || found.resident_id !== resident.resident_id) throw notFound(`${resident.display_name} has no contact ${input.contactId}.`);
      if (!found.approved) throw conflict(`${found.display_name} is not an approved contact of ${resident.display_name} yet: approve them before they visit.`);
      contact = found;
    }
    const visitorName = contact?.display_name ?? typedName ?? '';
    if (visitorName === '' || characterCount(visitorName) > 120) throw invalid("A visit needs the visitor's name (at most 120 characters).");

    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [visitsLockClass, resident.site_id]);
    const timeZone = await siteTimeZone(tx, resident.site_id);
    const when = spanWords(input.startsAt, input.durationMinutes, timeZone);
    const clashWords = (clash: ClashRow): string =>
      `${clash.resident_name} with ${clash.visitor_name}, ${spanWords(clash.starts_at, clash.duration_minutes, timeZone)}${clash.room_name === null ? '' : ` in ${clash.room_name}`}`;

    let roomId: string | null = null;
    if (input.roomId !== undefined) {
      const room = await getVisitRoom(tx, input.roomId);
      if (room.siteId !== resident.site_id) throw notFound(`There is no visiting room ${input.roomId} at ${resident.display_name}'s site.`);
      if (room.kind !== input.kind)
        throw conflict(
          `${room.name} is a room for ${visitKindWords(room.kind)} visits; ${withArticle(input.kind)} visit needs ${withArticle(input.kind)} room.`,
        );
      if (!fitsOpeningHours(room.hours, input.startsAt, input.durationMinutes, timeZone)) {
        const weekday = localTime(input.startsAt, timeZone).weekday;
        const thatDay = room.hours.filter((span) => span.weekday === weekday);
        throw conflict(
          `${room.name} is closed then (${when}): ${thatDay.length === 0 ? `it is not open on ${weekdayNames[weekday] ?? 'that day'}s` : `on ${describeOpeningHours(thatDay)}`}.`,
        );
      }
      const roomClash = await overlapping(tx, resident.site_id, input.startsAt, endsAt, 'v.room_id = $4', [room.roomId]);
      if (roomClash !== undefined) throw conflict(`${room.name} is taken then (${when}): ${clashWords(roomClash)}.`);
      roomId = room.roomId;
    }
    const residentClash = await overlapping(tx, resident.site_id, input.startsAt, endsAt, 'v.resident_id = $4', [resident.resident_id]);
    if (residentClash !== undefined) throw conflict(`${resident.display_name} already has a visit then (${when}): ${clashWords(residentClash)}.`);
    const visitorClash = await overlapping(
      tx,
      resident.site_id,
      input.startsAt,
      endsAt,
      contact === null ? 'lower(v.visitor_name) = lower($4)' : 'v.contact_id = $4 OR lower(v.visitor_name) = lower($5)',
      contact === null ? [visitorName] : [contact.contact_id, visitorName],
    );
    if (visitorClash !== undefined) throw conflict(`${visitorName} already has a visit then (${when}): ${clashWords(visitorClash)}.`);

    const now = hub.now();
    const [visit] = await tx.query<VisitRow>(
      `INSERT INTO visits (visit_id, resident_id, visitor_name, kind, starts_at, duration_minutes, status, created_at, room_id, contact_id, scheduled_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8, $9, $10) RETURNING ${visitColumns}`,
      [
        randomUUID(),
        resident.resident_id,
        visitorName,
        input.kind,
        input.startsAt,
        input.durationMinutes,
        now,
        roomId,
        contact?.contact_id ?? null,
        scheduledBy,
      ],
    );
    if (visit === undefined) throw new Error('INSERT ... RETURNING returned no row');
    await publishForResident(tx, resident, [visitChange(visit)], now);
    return visit;
  });
}

/**
 * Cancels a scheduled visit. The reason (when given; the console always asks for one) reaches the resident's devices
 * with the visit, which stays on their list marked cancelled.
 */
export async function cancelVisit(hub: HubContext, input: { visitId: string; reason?: string; cancelledBy?: string }): Promise<VisitRow> {
  const reason = input.reason === undefined ? null : checkedInputText(input.reason, 'line', 'The reason').trim();
  if (reason === '') throw invalid('A cancellation needs a reason, in words the resident will read.');
  if (reason !== null && characterCount(reason) > maxCancellationReasonLength)
    throw invalid(`A cancellation's reason is at most ${maxCancellationReasonLength} characters; this one has ${characterCount(reason)}.`);
  const cancelledBy = input.cancelledBy === undefined ? null : checkedInputText(input.cancelledBy, 'name', 'Who cancelled it').trim();
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM visits WHERE visit_id = $1', [input.visitId]);
    if (owner === undefined) throw notFound(`There is no visit ${input.visitId}.`);
    const resident = await lockActiveResident(tx, owner.resident_id);
    const now = hub.now();
    const [visit] = await tx.query<VisitRow>(
      `UPDATE visits SET status = 'cancelled', version = version + 1, cancellation_reason = $2, cancelled_at = $3, cancelled_by = $4
        WHERE visit_id = $1 AND status = 'scheduled' RETURNING ${visitColumns}`,
      [input.visitId, reason, now, cancelledBy],
    );
    if (visit === undefined) throw invalid('That visit is already cancelled.');
    await publishForResident(tx, resident, [visitChange(visit)], now);
    return visit;
  });
}

export interface ScheduledVisit {
  readonly visitId: string;
  readonly residentId: string;
  readonly residentName: string;
  readonly credentialId: string;
  readonly visitorName: string;
  readonly contactId: string | null;
  readonly kind: VisitKind;
  readonly startsAt: number;
  readonly durationMinutes: number;
  readonly roomId: string | null;
  readonly status: 'scheduled' | 'cancelled';
  readonly cancellationReason: string | null;
  readonly cancelledBy: string | null;
  readonly scheduledBy: string | null;
}

export interface VisitDay {
  readonly date: string;
  readonly timeZone: string;
  /** The day as instants: from local midnight to the next. */
  readonly from: number;
  readonly to: number;
  readonly rooms: readonly (VisitRoom & { readonly openToday: readonly OpeningHours[] })[];
  /** Every visit overlapping the day, cancelled ones too, earliest first; each names its room (or none). */
  readonly visits: readonly ScheduledVisit[];
}

/** One day of a site's visits in its calendar, with each room's hours that day: the console's day view. */
export async function visitDay(db: SqlExecutor, input: { siteId: string; date: string }): Promise<VisitDay> {
  const date = readLocalDate(input.date);
  if (date === null) throw invalid(`"${input.date}" is not a date such as 2025-06-01.`);
  const timeZone = await siteTimeZone(db, input.siteId);
  const from = instantOfLocal(date, 0, timeZone);
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  const to = instantOfLocal({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, 0, timeZone);
  const weekday = localTime(from, timeZone).weekday;
  const rooms = await listVisitRooms(db, input.siteId);
  const rows = await db.query<VisitRow & { resident_name: string; credential_id: string }>(
    `SELECT ${visitColumns
      .split(', ')
      .map((column) => `v.${column}`)
      .join(', ')}, r.display_name AS resident_name, r.credential_id
       FROM visits v JOIN residents r ON r.resident_id = v.resident_id
      WHERE r.site_id = $1 AND v.starts_at < $3 AND v.starts_at + v.duration_minutes * 60000 > $2
      ORDER BY v.starts_at, v.visit_id`,
    [input.siteId, from, to],
  );
  return {
    date: localDateText(from, timeZone),
    timeZone,
    from,
    to,
    rooms: rooms.map((room) => ({ ...room, openToday: room.hours.filter((span) => span.weekday === weekday) })),
    visits: rows.map((row) => ({
      visitId: row.visit_id,
      residentId: row.resident_id,
      residentName: row.resident_name,
      credentialId: row.credential_id,
      visitorName: row.visitor_name,
      contactId: row.contact_id,
      kind: row.kind,
      startsAt: Number(row.starts_at),
      durationMinutes: row.duration_minutes,
      roomId: row.room_id,
      status: row.status,
      cancellationReason: row.cancellation_reason,
      cancelledBy: row.cancelled_by,
      scheduledBy: row.scheduled_by,
    })),
  };
}

/** Which site a visit belongs to (the console checks the staff member's site before acting on it). */
export async function visitSite(db: SqlExecutor, visitId: string): Promise<string> {
  const [row] = await db.query<{ site_id: string }>('SELECT r.site_id FROM visits v JOIN residents r ON r.resident_id = v.resident_id WHERE v.visit_id = $1', [
    visitId,
  ]);
  if (row === undefined) throw notFound(`There is no visit ${visitId}.`);
  return row.site_id;
}
