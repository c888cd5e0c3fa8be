// The visits office at the console: the site's visit types and rooms with their weekly hours, a day's visits by
// room, scheduling and cancelling. Shared by the hub's routes and the console app; imports only zod and rules/.
import { z } from 'zod';

const Id = z.string().min(1).max(100);
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2025-06-01');

export const VisitKind = z.enum(['onSite', 'remote']);
export type VisitKind = z.infer<typeof VisitKind>;

export const OpeningHoursView = z.strictObject({
  weekday: z.number().int().min(0).max(6),
  opensMinute: z.number().int().min(0).max(1439),
  closesMinute: z.number().int().min(1).max(1440),
});

export const RoomView = z.object({
  roomId: z.string(),
  name: z.string(),
  kind: VisitKind,
  hours: z.array(OpeningHoursView),
  /** The weekly hours in words ("Monday 09:00–12:00; …"). */
  hoursText: z.string(),
});
export type RoomView = z.infer<typeof RoomView>;

export const SiteQuery = z.strictObject({ siteId: Id.optional() });

export const VisitSetupView = z.object({
  siteId: z.string(),
  timeZone: z.string(),
  today: z.string(),
  types: z.array(z.object({ kind: VisitKind, name: z.string() })),
  rooms: z.array(RoomView),
});
export type VisitSetupView = z.infer<typeof VisitSetupView>;

export const NewRoomRequest = z.strictObject({
  siteId: Id.optional(),
  name: z.string().max(200),
  kind: VisitKind,
  hours: z.array(OpeningHoursView).max(42),
});
export const RoomIdParams = z.strictObject({ roomId: Id });
export const RoomHoursRequest = z.strictObject({ hours: z.array(OpeningHoursView).max(42) });

export const DayQuery = z.strictObject({ siteId: Id.optional(), date: LocalDate });

export const VisitView = z.object({
  visitId: z.string(),
  residentId: z.string(),
  residentName: z.string(),
  credentialId: z.string(),
  visitorName: z.string(),
  kind: VisitKind,
  startsAt: z.number().int(),
  durationMinutes: z.number().int(),
  /** "14:00–14:30" in the site's zone. */
  timeText: z.string(),
  roomId: z.string().nullable(),
  status: z.enum(['scheduled', 'cancelled']),
  cancellationReason: z.string().nullable(),
  cancelledBy: z.string().nullable(),
});
export type VisitView = z.infer<typeof VisitView>;

export const DayView = z.object({
  siteId: z.string(),
  date: z.string(),
  timeZone: z.string(),
  rooms: z.array(RoomView.extend({ openTodayText: z.string() })),
  visits: z.array(VisitView),
});
export type DayView = z.infer<typeof DayView>;

export const ContactChoices = z.object({
  residentName: z.string(),
  contacts: z.array(z.object({ contactId: z.string(), name: z.string(), relationship: z.string() })),
});

export const ScheduleRequest = z.strictObject({
  residentId: Id,
  contactId: Id,
  roomId: Id,
  kind: VisitKind,
  /** The day and time in the site's calendar and clock. */
  date: LocalDate,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 14:00'),
  durationMinutes: z.number().int().min(1).max(600),
});

export const VisitIdParams = z.strictObject({ visitId: Id });
export const CancelRequest = z.strictObject({ reason: z.string().max(1000) });

export const TimeZoneRequest = z.strictObject({ siteId: Id.optional(), timeZone: z.string().max(100) });
