// Money, numbers, dates and times as staff read them: through Intl, in the chosen language's Intl locale (es-US,
// zh-Hans, ar…) and the site's time zone, so a desk in another zone still reads the site's clock. One formatter per
// language and zone, made by the frame and handed down by context; pages call useFormat().
import { createContext, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { consoleLanguage, defaultLanguage } from './i18n';

export interface ConsoleFormat {
  /** Cents as the language writes dollars (the facility's money is always US dollars). */
  money(cents: number): string;
  number(value: number): string;
  /** The clock time, hours and minutes. */
  time(epochMs: number): string;
  /** Date and clock time, as a line of a list. */
  dateTime(epochMs: number): string;
  /** A whole date in words, for a heading or a deadline. */
  longDate(epochMs: number): string;
  /** A calendar day the hub names as `2026-12-07` (already the site's day), in the language's words. */
  calendarDay(isoDate: string): string;
}

export function createFormat(intlLocale: string, timeZone: string | undefined): ConsoleFormat {
  const zone = timeZone === undefined ? {} : { timeZone };
  const money = new Intl.NumberFormat(intlLocale, { style: 'currency', currency: 'USD' });
  const number = new Intl.NumberFormat(intlLocale);
  const time = new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit', ...zone });
  const dateTime = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short', ...zone });
  const longDate = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', ...zone });
  // A calendar day is no instant: read it at noon UTC and show it in UTC, so no zone moves it to another day.
  const calendarDay = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    money: (cents) => money.format(cents / 100),
    number: (value) => number.format(value),
    time: (epochMs) => time.format(epochMs),
    dateTime: (epochMs) => dateTime.format(epochMs),
    longDate: (epochMs) => longDate.format(epochMs),
    calendarDay: (isoDate) => {
      const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
      return day === null ? isoDate : calendarDay.format(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), 12));
    },
  };
}

/** The site's time zone for the signed-in staff member; undefined (the browser's own) before sign-in or for all sites. */
export const SiteTimeZone = createContext<string | undefined>(undefined);

/** The formatter for the language shown now and the site's zone (or the zone a page's data names, such as a statement's). */
export function useFormat(zoneOfTheData?: string): ConsoleFormat {
  const { i18n } = useTranslation();
  const siteZone = useContext(SiteTimeZone);
  const timeZone = zoneOfTheData ?? siteZone;
  const intlLocale = (consoleLanguage(i18n.language) ?? consoleLanguage(defaultLanguage))?.intl ?? 'en-US';
  return useMemo(() => createFormat(intlLocale, timeZone), [intlLocale, timeZone]);
}
