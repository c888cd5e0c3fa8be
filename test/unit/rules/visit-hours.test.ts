// Weekly opening hours as staff type them: day ranges (wrapping past Saturday), several spans a day, and what cannot
// be read named back.
import { describe, expect, it } from 'vitest';
import { readWeeklyHours } from '../../../rules/visit-hours';

const weekdaysOf = (text: string): number[] => {
  const read = readWeeklyHours(text);
  if (!read.ok) throw new Error(`unreadable: ${read.unreadable}`);
  return read.hours.map((span) => span.weekday);
};

describe('readWeeklyHours', () => {
  it('reads a range of days, several spans, and several parts', () => {
    expect(readWeeklyHours('mon-fri 09:00-12:00 13:00-17:00; sat 10:00-16:00')).toEqual({
      ok: true,
      hours: [
        ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensMinute: 540, closesMinute: 720 })),
        ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensMinute: 780, closesMinute: 1020 })),
        { weekday: 6, opensMinute: 600, closesMinute: 960 },
      ],
    });
  });

  it('takes "mon-sun" as every day and lets a range wrap past Saturday', () => {
    expect(weekdaysOf('mon-sun 08:00-18:00')).toEqual([1, 2, 3, 4, 5, 6, 0]);
    expect(weekdaysOf('fri-mon 08:00-18:00')).toEqual([5, 6, 0, 1]);
    expect(weekdaysOf('SUN 08:00-18:00')).toEqual([0]);
  });

  it('names the part it cannot read', () => {
    expect(readWeeklyHours('mon-fri 9-5')).toEqual({ ok: false, unreadable: '9-5' });
    expect(readWeeklyHours('someday 09:00-10:00')).toEqual({ ok: false, unreadable: 'someday 09:00-10:00' });
    expect(readWeeklyHours('mon-xyz 09:00-10:00')).toEqual({ ok: false, unreadable: 'mon-xyz 09:00-10:00' });
    expect(readWeeklyHours('mon')).toEqual({ ok: false, unreadable: 'mon' });
  });
});
