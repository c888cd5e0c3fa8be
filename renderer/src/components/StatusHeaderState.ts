// What the tablet's status header says, worked out from plain values so it can be tested under Node: whether the
// facility can be reached, when the device last synced (in the facility's time zone), and the battery, when there is one.
import type { LanguageCode, SyncStatus } from '../../../main/contract';
import { intlLocale, usableTimeZone } from '../i18n/format';

/**
 * How the device stands with the facility's hub, as the resident is told it:
 * `noNetwork` — the platform says there is no network at all (navigator.onLine false);
 * `offline` — the last attempt could not reach the hub and nothing has succeeded since;
 * `problem` — the hub answered but the last sync did not finish (it retries by itself);
 * `online` — the last attempt succeeded;
 * `unknown` — nothing has been tried yet since the device started, or it is not enrolled with a hub.
 */
export type FacilityLink = 'online' | 'offline' | 'noNetwork' | 'problem' | 'unknown';

export function facilityLinkOf(status: SyncStatus | null, networkOnline: boolean | null): FacilityLink {
  // The platform's own word beats an old sync result: with no network nothing can have got through since.
  if (networkOnline === false) return 'noNetwork';
  if (status === null || status.state === 'notEnrolled') return 'unknown';
  const { lastError, lastSuccessAt } = status;
  if (lastError !== null && (lastSuccessAt === null || lastSuccessAt < lastError.at)) {
    return lastError.code === 'hubUnreachable' || lastError.code === 'hubTimeout' ? 'offline' : 'problem';
  }
  return lastSuccessAt === null ? 'unknown' : 'online';
}

/** A cycle is running: the header says "Syncing…" and the button waits. */
export function isSyncing(status: SyncStatus | null): boolean {
  return status !== null && (status.state === 'pulling' || status.state === 'pushing');
}

/** The fields of the Battery Status API's BatteryManager the header reads. */
export interface BatteryFacts {
  readonly level: number;
  readonly charging: boolean;
  readonly chargingTime: number;
  readonly dischargingTime: number;
}

export interface BatteryReading {
  /** 0–100, whole. */
  readonly percent: number;
  readonly charging: boolean;
}

/**
 * The battery to show, or null when there is none to speak of. Chromium reports a machine without a battery (a desktop,
 * a docked kiosk PC, a headless browser) as fully charged, charging and done charging (level 1, charging, chargingTime 0),
 * exactly as the spec tells browsers to when they cannot tell; a real tablet that is full on its dock reads the same, and
 * "Battery 100%" tells its owner nothing then, so hiding it costs nothing. Values outside the API's ranges are ignored.
 */
export function batteryReadingOf(facts: BatteryFacts): BatteryReading | null {
  if (!Number.isFinite(facts.level) || facts.level < 0 || facts.level > 1) return null;
  if (facts.charging && facts.level === 1 && facts.chargingTime === 0) return null;
  return { percent: Math.round(facts.level * 100), charging: facts.charging };
}

/** When the device last synced, such as "Nov 22, 3:45 PM", in the facility's time zone. */
export function formatSyncedAt(epochMs: number, language: LanguageCode, timeZone: string | null): string {
  const zone = usableTimeZone(timeZone);
  return new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'medium', timeStyle: 'short', ...(zone === undefined ? {} : { timeZone: zone }) }).format(
    epochMs,
  );
}
