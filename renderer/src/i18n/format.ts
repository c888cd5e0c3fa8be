// Numbers, money and times in the active language, with Intl. Usable from tests under Node.
// Every time on every screen is in one zone, the site's (DeviceInfo.timeZone): a tablet whose clock is set elsewhere, or a
// kiosk whose OS zone nobody set, still says what the facility's clocks say. App sets it once the device has said.
import type { LanguageCode } from '../../../main/contract';
import { installedLanguage, installedLanguages } from './languages';

/** A time zone Intl accepts, or undefined (the device's own) when the site file names one it does not know. */
export function usableTimeZone(timeZone: string | null): string | undefined {
  if (timeZone === null) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

let siteTimeZone: string | undefined;

/** The zone every formatter below shows times in; null (before the device has said) means the device's own. */
export function showTimesIn(timeZone: string | null): void {
  siteTimeZone = usableTimeZone(timeZone);
}

const inSiteZone = (): Intl.DateTimeFormatOptions => (siteTimeZone === undefined ? {} : { timeZone: siteTimeZone });

/**
 * One Intl.DateTimeFormat per locale and options, made once: building one costs far more than formatting with it, and a
 * conversation's letters and timelines format dozens of times in the render that opens it (the inbox-open bench).
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    dateTimeFormats.set(key, format);
  }
  return format;
}

/**
 * The Intl locale for each screen language, from its locale file's `locale.intl`. Dayroom's sites are in the US, so
 * Spanish is US Spanish (dollars, US dates).
 */
export const intlLocales: ReadonlyMap<LanguageCode, string> = new Map([...installedLanguages].map(([tag, language]) => [tag, language.intl]));

/** The Intl locale a screen language formats in; a language without a file formats as the base language does. */
export function intlLocale(language: LanguageCode): string {
  return installedLanguage(language).intl;
}

/** Money is integer cents everywhere in Dayroom; this is the one place it becomes dollars. */
export function formatMoney(cents: number, language: LanguageCode): string {
  return new Intl.NumberFormat(intlLocale(language), { style: 'currency', currency: 'USD' }).format(cents / 100);
}

/** A clock time such as "3:45 PM". */
export function formatTime(epochMs: number, language: LanguageCode): string {
  return dateTimeFormat(intlLocale(language), { timeStyle: 'short', ...inSiteZone() }).format(epochMs);
}

/** A clock time with seconds ("3:45:07 PM"), for service mode: reads and log lines come seconds apart. */
export function formatClock(epochMs: number, language: LanguageCode): string {
  return dateTimeFormat(intlLocale(language), { timeStyle: 'medium', ...inSiteZone() }).format(epochMs);
}

/** A calendar date such as "March 4, 2026". */
export function formatDate(epochMs: number, language: LanguageCode): string {
  return dateTimeFormat(intlLocale(language), { dateStyle: 'long', ...inSiteZone() }).format(epochMs);
}

/** Whole seconds until `endsAt`, rounded up so a countdown shows 1 until the moment it ends; never negative. */
export function secondsUntil(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/** Whole minutes until `endsAt`, rounded up ("in 1 minute" until it is over); never negative. */
export function minutesUntil(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 60_000));
}

/** A date and time together, such as "Mar 4, 3:45 PM": when a message was written or reached a step. */
export function formatWhen(epochMs: number, language: LanguageCode): string {
  return dateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeStyle: 'short', ...inSiteZone() }).format(epochMs);
}

// ---- In the site's time zone (DeviceInfo.timeZone) ----
// A visit happens at the facility's 2 p.m., whatever zone the device's own clock is set to.

/** The site's zone if Intl knows it; otherwise undefined (the device's own), so a bad site file never blanks a screen. */
function knownTimeZone(timeZone: string | null): string | undefined {
  if (timeZone === null) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** A day such as "Sunday, June 1, 2025" in the site's zone. */
export function formatDayInZone(epochMs: number, language: LanguageCode, timeZone: string | null): string {
  return dateTimeFormat(intlLocale(language), { dateStyle: 'full', timeZone: knownTimeZone(timeZone) }).format(epochMs);
}

/** A clock time such as "2:00 PM" in the site's zone. */
export function formatTimeInZone(epochMs: number, language: LanguageCode, timeZone: string | null): string {
  return dateTimeFormat(intlLocale(language), { timeStyle: 'short', timeZone: knownTimeZone(timeZone) }).format(epochMs);
}

/** A date and time together, such as "Jun 1, 2025, 2:00 PM", in the site's zone. */
export function formatWhenInZone(epochMs: number, language: LanguageCode, timeZone: string | null): string {
  return dateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeStyle: 'short', timeZone: knownTimeZone(timeZone) }).format(epochMs);
}
