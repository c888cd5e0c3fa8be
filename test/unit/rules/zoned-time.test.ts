import { describe, expect, it } from 'vitest';
import { fitsOpeningHours, openingHoursProblems } from '../../../rules/visit-hours';
import { instantOfLocal, localDateTimeText, localTime, readLocalDate } from '../../../rules/zoned-time';

const chicago = 'America/Chicago';

describe('wall-clock time in the site zone', () => {
  it('turns a local date and time into its instant and back, across both changes of the clocks', () => {
    expect(instantOfLocal({ year: 2025, month: 3, day: 3 }, 8 * 60, chicago)).toBe(Date.UTC(2025, 2, 3, 14));
    expect(instantOfLocal({ year: 2025, month: 7, day: 1 }, 8 * 60, chicago)).toBe(Date.UTC(2025, 6, 1, 13));
    // 02:30 on 2025-03-09 never happened in Chicago: read as the hour after.
    expect(localDateTimeText(instantOfLocal({ year: 2025, month: 3, day: 9 }, 150, chicago), chicago)).toBe('2025-03-09 03:30');
    // 01:30 on 2025-11-02 happened twice: the first.
    expect(instantOfLocal({ year: 2025, month: 11, day: 2 }, 90, chicago)).toBe(Date.UTC(2025, 10, 2, 6, 30));
    expect(localTime(Date.UTC(2025, 2, 10, 5, 0), chicago)).toEqual({ year: 2025, month: 3, day: 10, weekday: 1, minuteOfDay: 0 });
    expect(readLocalDate('2025-02-29')).toBeNull();
    expect(readLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('fits a visit inside one span of opening hours on the day it starts', () => {
    const hours = [
      { weekday: 1, opensMinute: 540, closesMinute: 720 },
      { weekday: 1, opensMinute: 780, closesMinute: 1440 },
    ];
    const monday = (minute: number) => instantOfLocal({ year: 2025, month: 3, day: 10 }, minute, chicago);
    expect(fitsOpeningHours(hours, monday(540), 180, chicago)).toBe(true);
    expect(fitsOpeningHours(hours, monday(690), 60, chicago)).toBe(false);
    expect(fitsOpeningHours(hours, monday(1410), 30, chicago)).toBe(true);
    expect(fitsOpeningHours(hours, monday(1410), 31, chicago)).toBe(false);
    expect(fitsOpeningHours(hours, monday(530), 20, chicago)).toBe(false);
    expect(openingHoursProblems(hours)).toEqual([]);
    expect(openingHoursProblems([{ weekday: 7, opensMinute: 0, closesMinute: 60 }])).toEqual(['A day of the week is 0 (Sunday) to 6 (Saturday).']);
  });
});
