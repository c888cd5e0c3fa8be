// When a visiting room is open: weekly hours in the site's time zone, and whether a visit fits inside them. One rule
// for the hub (which refuses a visit in a closed room) and the console (which greys out closed hours).
import { clockText, localDateText, localTime } from './zoned-time';

export interface OpeningHours {
  /** 0 = Sunday … 6 = Saturday, in the site's time zone. */
  readonly weekday: number;
  /** Minutes from local midnight: opens at, 0–1439. */
  readonly opensMinute: number;
  /** Closes at, 1–1440 (1440 = midnight at the end of the day), after opening. */
  readonly closesMinute: number;
}

export const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Problems with a room's weekly hours, in words; empty when they are fine. */
export function openingHoursProblems(hours: readonly OpeningHours[]): string[] {
  const problems: string[] = [];
  for (const span of hours) {
    if (!Number.isInteger(span.weekday) || span.weekday < 0 || span.weekday > 6) problems.push('A day of the week is 0 (Sunday) to 6 (Saturday).');
    else if (!Number.isInteger(span.opensMinute) || !Number.isInteger(span.closesMinute) || span.opensMinute < 0 || span.closesMinute > 1440)
      problems.push(`${weekdayNames[span.weekday]}: opening hours are times of day between 00:00 and 24:00.`);
    else if (span.closesMinute <= span.opensMinute)
      problems.push(`${weekdayNames[span.weekday]}: the room closes at ${clockText(span.closesMinute)}, not after it opens at ${clockText(span.opensMinute)}.`);
  }
  for (let day = 0; day < 7; day++) {
    const spans = hours.filter((span) => span.weekday === day).sort((a, b) => a.opensMinute - b.opensMinute);
    for (let index = 1; index < spans.length; index++) {
      const before = spans[index - 1];
      const after = spans[index];
      if (before !== undefined && after !== undefined && after.opensMinute < before.closesMinute)
        problems.push(`${weekdayNames[day]}: the hours ${describeSpan(before)} and ${describeSpan(after)} overlap.`);
    }
  }
  return problems;
}

function describeSpan(span: OpeningHours): string {
  return `${clockText(span.opensMinute)}–${clockText(span.closesMinute)}`;
}

/** "Monday 09:00–12:00, 13:00–17:00; Tuesday …", or "never open". */
export function describeOpeningHours(hours: readonly OpeningHours[]): string {
  const days = weekdayNames
    .map((name, day) => {
      const spans = hours.filter((span) => span.weekday === day).sort((a, b) => a.opensMinute - b.opensMinute);
      return spans.length === 0 ? null : `${name} ${spans.map(describeSpan).join(', ')}`;
    })
    .filter((day): day is string => day !== null);
  return days.length === 0 ? 'never open' : days.join('; ');
}

/**
 * Whether a visit from `startsAt` lasting `durationMinutes` lies inside one opening span of the room, on the local day
 * it starts (a visit may end exactly at midnight, never run past it).
 */
export function fitsOpeningHours(hours: readonly OpeningHours[], startsAt: number, durationMinutes: number, timeZone: string): boolean {
  const start = localTime(startsAt, timeZone);
  const endsAt = startsAt + durationMinutes * 60_000;
  const end = localTime(endsAt, timeZone);
  const sameDay = localDateText(startsAt, timeZone) === localDateText(endsAt, timeZone);
  const endMinute = sameDay ? end.minuteOfDay : end.minuteOfDay === 0 && durationMinutes <= 1440 ? 1440 : Number.POSITIVE_INFINITY;
  return hours.some((span) => span.weekday === start.weekday && span.opensMinute <= start.minuteOfDay && endMinute <= span.closesMinute);
}

const weekdayAbbreviations = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * Weekly hours as staff type them — "mon-fri 09:00-12:00 13:00-17:00; sat 10:00-24:00" — into spans, or the part that
 * could not be read. Whether the spans make sense (closing after opening, no overlap) is openingHoursProblems' to say.
 */
export function readWeeklyHours(text: string): { ok: true; hours: OpeningHours[] } | { ok: false; unreadable: string } {
  const hours: OpeningHours[] = [];
  for (const part of text.toLowerCase().split(';')) {
    if (part.trim() === '') continue;
    const [days = '', ...times] = part.trim().split(/\s+/);
    const range = /^([a-z]{3})(?:-([a-z]{3}))?$/.exec(days);
    const first = weekdayAbbreviations.findIndex((day) => day === range?.[1]);
    const last = range?.[2] === undefined ? first : weekdayAbbreviations.findIndex((day) => day === range[2]);
    if (range === null || first < 0 || last < 0 || times.length === 0) return { ok: false, unreadable: part.trim() };
    // A range runs forward through the week and may wrap past Saturday: "mon-sun" is every day, "fri-mon" four.
    const rangeDays: number[] = [];
    for (let weekday = first; ; weekday = (weekday + 1) % 7) {
      rangeDays.push(weekday);
      if (weekday === last) break;
    }
    for (const time of times) {
      const span = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(time);
      if (span === null) return { ok: false, unreadable: time };
      const opensMinute = Number(span[1]) * 60 + Number(span[2]);
      const closesMinute = Number(span[3]) * 60 + Number(span[4]);
      for (const weekday of rangeDays) hours.push({ weekday, opensMinute, closesMinute });
    }
  }
  return { ok: true, hours };
}
