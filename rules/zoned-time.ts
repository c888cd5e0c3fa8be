// Wall-clock time in a named time zone (the site's, "America/Chicago"), read and written with the platform's Intl
// alone: which local day, weekday and minute an instant falls on, and which instant a local date and time is. The
// hub checks visiting hours and cuts statements by these; the console shows times by them. Pure: no Node, no DOM.

export interface LocalTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Minutes since local midnight, 0–1439. */
  readonly minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function localTime(instant: number, timeZone: string): LocalTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return {
    year: Number(part('year')),
    month: Number(part('month')),
    day: Number(part('day')),
    weekday: weekdays.indexOf(part('weekday')),
    minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds (whole minutes). */
function offsetAt(instant: number, timeZone: string): number {
  const local = localTime(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, local.minuteOfDay);
  return asUtc - (instant - (((instant % 60_000) + 60_000) % 60_000));
}

/**
 * The instant a local date and time names in the zone. A time the clocks skip (spring forward) is read as the same
 * wall time before the change, one hour later; a time that happens twice (fall back) as its first occurrence.
 */
export function instantOfLocal(date: { year: number; month: number; day: number }, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  // Where the two guesses disagree the wall time sits at a change of offset: take the earlier reading that is right.
  const candidates = [first, second].filter((candidate) => candidate + offsetAt(candidate, timeZone) === wall).sort((a, b) => a - b);
  return candidates[0] ?? Math.max(first, second);
}

/** "2025-06-01" → its parts, or null when it is not a real calendar date. */
export function readLocalDate(text: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** The local date an instant falls on, as "2025-06-01". */
export function localDateText(instant: number, timeZone: string): string {
  const local = localTime(instant, timeZone);
  return `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

/** Minutes of the day as "09:30". */
export function clockText(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** "2025-06-01 14:05" in the zone. */
export function localDateTimeText(instant: number, timeZone: string): string {
  return `${localDateText(instant, timeZone)} ${clockText(localTime(instant, timeZone).minuteOfDay)}`;
}
