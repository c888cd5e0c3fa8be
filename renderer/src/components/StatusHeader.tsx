// The tablet's status line, above every screen while its owner is signed in: whether the facility can be reached, when
// the tablet last synced, a "Sync now" button, and the battery where the platform reports one. A tablet lives offline;
// its owner should never have to guess whether their letter has gone (docs/screens.md §9 "The tablet's status line": "last synced" always visible).
// Words, never icons alone, so a screen reader and large text say the same as the screen.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, ResidentSyncNowResult, SyncStatus } from '../../../main/contract';
import type { DeviceClient } from '../api/client';
import { batteryReadingOf, facilityLinkOf, formatSyncedAt, isSyncing, type BatteryFacts, type BatteryReading } from './StatusHeaderState';

/** The sync status, from a first call and then every sync.statusChanged. */
function useSyncStatus(api: DeviceClient): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let current = true;
    api.call('sync.status', {}).then(
      (first) => current && setStatus(first),
      () => undefined,
    );
    const stop = api.on('sync.statusChanged', setStatus);
    return () => {
      current = false;
      stop();
    };
  }, [api]);
  return status;
}

/**
 * What the platform says of the network (navigator.onLine and its online/offline events). When it comes back, sync is
 * asked to run at once instead of waiting out its backoff: the runtime rate-limits this like the button.
 */
function useNetworkOnline(api: DeviceClient): boolean | null {
  const [online, setOnline] = useState<boolean | null>(() => (typeof navigator.onLine === 'boolean' ? navigator.onLine : null));
  useEffect(() => {
    const wentOnline = (): void => {
      setOnline(true);
      api.call('sync.now', { reason: 'networkBack' }).catch(() => undefined);
    };
    const wentOffline = (): void => setOnline(false);
    window.addEventListener('online', wentOnline);
    window.addEventListener('offline', wentOffline);
    return () => {
      window.removeEventListener('online', wentOnline);
      window.removeEventListener('offline', wentOffline);
    };
  }, [api]);
  return online;
}

/** The Battery Status API's manager: Chromium and Electron have it; other engines do not, and then nothing is shown. */
type BatteryManagerLike = BatteryFacts & EventTarget;

function batteryGetter(): (() => Promise<BatteryManagerLike>) | null {
  // Not in TypeScript's DOM library (the API is Chromium's), so read it as unknown and check it is callable.
  const candidate: unknown = (navigator as Navigator & { getBattery?: unknown }).getBattery;
  if (typeof candidate !== 'function') return null;
  return () => (candidate as (this: Navigator) => Promise<BatteryManagerLike>).call(navigator);
}

const batteryEvents = ['levelchange', 'chargingchange', 'chargingtimechange'] as const;

function useBattery(): BatteryReading | null {
  const [reading, setReading] = useState<BatteryReading | null>(null);
  useEffect(() => {
    const getBattery = batteryGetter();
    if (getBattery === null) return undefined;
    let manager: BatteryManagerLike | null = null;
    let current = true;
    const update = (): void => {
      if (current && manager !== null) setReading(batteryReadingOf(manager));
    };
    getBattery().then(
      (found) => {
        if (!current) return;
        manager = found;
        for (const name of batteryEvents) found.addEventListener(name, update);
        update();
      },
      // Refused (a permissions policy, an insecure context): the same as no battery API.
      () => undefined,
    );
    return () => {
      current = false;
      if (manager !== null) for (const name of batteryEvents) manager.removeEventListener(name, update);
    };
  }, []);
  return reading;
}

/** What the last press of "Sync now" came to, when that needs words (a start shows as "Syncing…" by itself). */
type SyncNote = 'tooSoon' | 'notEnrolled' | 'failed' | null;

function noteOf(result: ResidentSyncNowResult): SyncNote {
  switch (result.outcome) {
    case 'started':
    case 'alreadySyncing':
      return null;
    case 'tooSoon':
      return 'tooSoon';
    case 'notEnrolled':
      return 'notEnrolled';
    default: {
      const unreachable: never = result.outcome;
      return unreachable;
    }
  }
}

interface StatusHeaderProps {
  api: DeviceClient;
  language: LanguageCode;
  /** The site's time zone (DeviceInfo); null until the device has said, and then the device's own is used. */
  timeZone: string | null;
}

export function StatusHeader({ api, language, timeZone }: StatusHeaderProps) {
  const { t } = useTranslation();
  const status = useSyncStatus(api);
  const networkOnline = useNetworkOnline(api);
  const battery = useBattery();
  const [note, setNote] = useState<SyncNote>(null);
  const link = facilityLinkOf(status, networkOnline);
  const syncing = isSyncing(status);

  // A "try again soon" note goes once the wait is over, so it never says something that is no longer true.
  const [noteUntil, setNoteUntil] = useState<number | null>(null);
  useEffect(() => {
    if (noteUntil === null) return undefined;
    const timer = setTimeout(() => setNote(null), Math.max(0, noteUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [noteUntil]);

  const syncNow = useCallback(() => {
    setNote(null);
    api.call('sync.now', { reason: 'asked' }).then(
      (result) => {
        setNote(noteOf(result));
        setNoteUntil(result.retryAt);
      },
      () => setNote('failed'),
    );
  }, [api]);

  const lastSuccessAt = status?.lastSuccessAt ?? null;
  return (
    <section className="status-header" aria-label={t('statusHeader.label')} data-testid="status-header">
      {/* Polite: the change between online and offline is announced, without interrupting what is being read. */}
      <p className="status-header__item status-header__link" data-testid="status-connection" data-state={link} aria-live="polite">
        <span className={`status-header__dot status-header__dot--${link}`} aria-hidden="true" />
        <strong>{t(`statusHeader.link.${link}`)}</strong>
        {syncing ? <span data-testid="status-syncing"> · {t('statusHeader.syncing')}</span> : null}
      </p>
      <p className="status-header__item" data-testid="status-last-synced" data-last-synced-at={lastSuccessAt ?? ''}>
        {lastSuccessAt === null ? t('statusHeader.neverSynced') : t('statusHeader.lastSynced', { when: formatSyncedAt(lastSuccessAt, language, timeZone) })}
      </p>
      {battery === null ? null : (
        <p className="status-header__item" data-testid="status-battery">
          {battery.charging ? t('statusHeader.batteryCharging', { percent: battery.percent }) : t('statusHeader.battery', { percent: battery.percent })}
        </p>
      )}
      <button type="button" className="button button--secondary status-header__sync" onClick={syncNow} disabled={syncing} data-testid="status-sync-now">
        {t('statusHeader.syncNow')}
      </button>
      <p className="status-header__note" role="status" data-testid="status-sync-note">
        {note === null ? null : t(`statusHeader.note.${note}`)}
      </p>
    </section>
  );
}
