import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../main/contract';
import { batteryReadingOf, facilityLinkOf, formatSyncedAt, isSyncing } from '../../../renderer/src/components/StatusHeaderState';

const base: SyncStatus = { state: 'idle', lastSuccessAt: null, pendingMutations: 0, lastError: null, nextAttemptAt: null, blobsWaiting: 0, errorCounts: {} };

describe('what the tablet header says about the facility', () => {
  it('online once a sync has succeeded and nothing has failed since', () => {
    expect(facilityLinkOf({ ...base, lastSuccessAt: 100 }, true)).toBe('online');
    expect(facilityLinkOf({ ...base, lastSuccessAt: 200, lastError: { code: 'hubUnreachable', message: 'x', at: 100 } }, true)).toBe('online');
  });

  it('offline when the last attempt could not reach the hub, problem when the hub answered badly', () => {
    const failed = (code: 'hubUnreachable' | 'hubTimeout' | 'hubError'): SyncStatus => ({
      ...base,
      state: 'backingOff',
      lastSuccessAt: 100,
      lastError: { code, message: 'x', at: 200 },
    });
    expect(facilityLinkOf(failed('hubUnreachable'), true)).toBe('offline');
    expect(facilityLinkOf(failed('hubTimeout'), null)).toBe('offline');
    expect(facilityLinkOf(failed('hubError'), true)).toBe('problem');
  });

  it('no network whenever the platform says so, whatever the last sync did', () => {
    expect(facilityLinkOf({ ...base, lastSuccessAt: 100 }, false)).toBe('noNetwork');
    expect(facilityLinkOf(null, false)).toBe('noNetwork');
  });

  it('unknown before anything is known or on a device with no hub', () => {
    expect(facilityLinkOf(null, true)).toBe('unknown');
    expect(facilityLinkOf(base, true)).toBe('unknown');
    expect(facilityLinkOf({ ...base, state: 'notEnrolled', lastSuccessAt: 100 }, true)).toBe('unknown');
  });

  it('syncing only while pulling or pushing', () => {
    expect(isSyncing({ ...base, state: 'pulling' })).toBe(true);
    expect(isSyncing({ ...base, state: 'pushing' })).toBe(true);
    expect(isSyncing({ ...base, state: 'fetchingBlobs' })).toBe(false);
    expect(isSyncing({ ...base, state: 'backingOff' })).toBe(false);
    expect(isSyncing(null)).toBe(false);
  });
});

describe('the battery', () => {
  it('shows the level in whole percent, and whether it is charging', () => {
    expect(batteryReadingOf({ level: 0.426, charging: false, chargingTime: Infinity, dischargingTime: 5400 })).toEqual({ percent: 43, charging: false });
    expect(batteryReadingOf({ level: 0.9, charging: true, chargingTime: 600, dischargingTime: Infinity })).toEqual({ percent: 90, charging: true });
    // Full but its charging time still unknown: a real battery, shown.
    expect(batteryReadingOf({ level: 1, charging: true, chargingTime: Infinity, dischargingTime: Infinity })).toEqual({ percent: 100, charging: true });
  });

  it('hides what a machine with no battery reports (full, charging, done charging), and nonsense', () => {
    expect(batteryReadingOf({ level: 1, charging: true, chargingTime: 0, dischargingTime: Infinity })).toBeNull();
    expect(batteryReadingOf({ level: Number.NaN, charging: false, chargingTime: 0, dischargingTime: 0 })).toBeNull();
    expect(batteryReadingOf({ level: 1.5, charging: false, chargingTime: 0, dischargingTime: 0 })).toBeNull();
  });
});

describe('last synced', () => {
  // 2026-03-04 03:30 UTC: still the evening of March 3 in Chicago.
  const at = Date.UTC(2026, 2, 4, 3, 30);

  it('is the facility’s local time, not the device’s', () => {
    expect(formatSyncedAt(at, 'en', 'America/Chicago')).toBe('Mar 3, 2026, 9:30 PM');
    expect(formatSyncedAt(at, 'en', 'UTC')).toBe('Mar 4, 2026, 3:30 AM');
  });

  it('in the person’s language', () => {
    expect(formatSyncedAt(at, 'es', 'America/Chicago')).toMatch(/^3 mar 2026, 9:30\s?p\.\s?m\.$/);
  });

  it('falls back to the device’s zone for a zone Intl does not know, rather than failing', () => {
    expect(() => formatSyncedAt(at, 'en', 'Mars/Olympus_Mons')).not.toThrow();
  });
});
