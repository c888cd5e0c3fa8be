// The one rule for what is wrong with a device (issue 17), for IT's fleet view at the hub and in the console: each
// trouble with a severity and a sentence, so the console never says it with colour alone. Pure: the hub's facts (when
// it last saw the device, its revocation) and the device's latest report in, troubles out. The hub's clock decides
// "not seen"; the report's own figures decide the rest, as of when the report came.
import { compareVersions } from './versions';
import type { DeviceHealthReport } from './device-health';

export const troubleSeverities = ['critical', 'warning', 'notice'] as const;
/** critical: people cannot use the device, or what they did is not reaching the hub; warning: it will soon; notice: to know. */
export type TroubleSeverity = (typeof troubleSeverities)[number];

export const troubleKinds = [
  'notSeen',
  'readerDisconnected',
  'storageLow',
  'batteryLow',
  'outboxStuck',
  'versionBehind',
  'revoked',
  'clockWrong',
  'reportRefused',
] as const;
export type TroubleKind = (typeof troubleKinds)[number];

export interface Trouble {
  readonly kind: TroubleKind;
  readonly severity: TroubleSeverity;
  /** The trouble in words for IT, with its figures. */
  readonly message: string;
}

export const troubleThresholds = {
  /** A device syncs every few minutes at most; a quarter of an hour without a word means it is off, or cut off. */
  notSeenMs: 15 * 60 * 1000,
  /** Below this the device will soon refuse drafts and pulls (main/store/storage-reserve.ts keeps a small reserve). */
  storageWarningBytes: 1024 * 1024 * 1024,
  storageCriticalBytes: 128 * 1024 * 1024,
  batteryWarningPercent: 20,
  batteryCriticalPercent: 10,
  /** An action waiting longer than this to reach the hub is stuck (a refused push, a device that cannot reach it). */
  outboxStuckMs: 30 * 60 * 1000,
  /** Beyond this the device's clock is wrong enough to misdate what it records. */
  clockDriftMs: 5 * 60 * 1000,
} as const;

export interface DeviceFacts {
  readonly kind: 'kiosk' | 'tablet';
  /** The hub's clock at the device's last pull; null: never seen since it enrolled. */
  readonly lastSeenAt: number | null;
  readonly enrolledAt: number;
  readonly revokedAt: number | null;
  readonly revokedReason: 'lost' | 'reenrolled' | 'retired' | null;
  /** A lost device told to wipe itself that has not yet come back to be told. */
  readonly wipePending: boolean;
  readonly report: DeviceHealthReport | null;
  /** The hub's clock when the report came. */
  readonly reportReceivedAt: number | null;
  /** The hub's clock when it last refused a report from this device, if after the stored one. */
  readonly reportRefusedAt: number | null;
  readonly reportRefusedMessage: string | null;
}

/** "3 minutes", "2 hours 5 minutes", "4 days": how long, in words. */
export function durationInWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`;
  return plural(Math.floor(hours / 24), 'day');
}

/** "1.5 GB", "300 MB": bytes in words (decimal units, as disks are sold). */
export function bytesInWords(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/** The newest version among the reports of devices still in service: what "behind" is measured against. */
export function newestVersionOf(versions: Iterable<string>): string | null {
  let newest: string | null = null;
  for (const version of versions) if (newest === null || compareVersions(version, newest) > 0) newest = version;
  return newest;
}

const revocationWords = { lost: 'reported lost', reenrolled: 'enrolled again under a new id', retired: 'retired' } as const;

export function troublesOf(device: DeviceFacts, context: { readonly now: number; readonly newestVersion: string | null }): Trouble[] {
  if (device.revokedAt !== null) {
    const why = device.revokedReason === null ? 'withdrawn' : revocationWords[device.revokedReason];
    return device.wipePending
      ? [{ kind: 'revoked', severity: 'warning', message: `Revoked (${why}); it will wipe itself when it next reaches the hub, which it has not yet.` }]
      : [{ kind: 'revoked', severity: 'notice', message: `Revoked (${why}); its credential opens nothing at the hub.` }];
  }
  const troubles: Trouble[] = [];
  const { now } = context;
  const silentSince = device.lastSeenAt ?? device.enrolledAt;
  if (now - silentSince >= troubleThresholds.notSeenMs) {
    troubles.push({
      kind: 'notSeen',
      severity: 'critical',
      message:
        device.lastSeenAt === null
          ? `Not seen since it enrolled ${durationInWords(now - device.enrolledAt)} ago.`
          : `Not seen for ${durationInWords(now - device.lastSeenAt)}.`,
    });
  }
  if (device.reportRefusedAt !== null && device.reportRefusedMessage !== null) {
    troubles.push({ kind: 'reportRefused', severity: 'warning', message: `Its last health report was refused: ${device.reportRefusedMessage}` });
  }
  const report = device.report;
  if (report === null) return troubles;
  for (const reader of report.readers) {
    if (reader.state === 'disconnected') {
      troubles.push({ kind: 'readerDisconnected', severity: 'critical', message: `The ${reader.kind} reader "${reader.readerId}" is disconnected.` });
    }
  }
  const free = report.storage.freeBytes;
  if (free !== null && free < troubleThresholds.storageWarningBytes) {
    troubles.push({
      kind: 'storageLow',
      severity: free < troubleThresholds.storageCriticalBytes ? 'critical' : 'warning',
      message: `Storage low: ${bytesInWords(free)} free.`,
    });
  }
  const battery = report.battery;
  if (battery !== null && !battery.charging && battery.percent <= troubleThresholds.batteryWarningPercent) {
    troubles.push({
      kind: 'batteryLow',
      severity: battery.percent <= troubleThresholds.batteryCriticalPercent ? 'critical' : 'warning',
      message: `Battery low: ${battery.percent}% and not charging.`,
    });
  }
  const oldest = report.outbox.oldestPendingAgeMs;
  if (oldest !== null && oldest >= troubleThresholds.outboxStuckMs) {
    troubles.push({
      kind: 'outboxStuck',
      severity: 'critical',
      message: `${report.outbox.pending} ${report.outbox.pending === 1 ? 'action has' : 'actions have'} not reached the hub; the oldest has waited ${durationInWords(oldest)}.`,
    });
  }
  if (device.reportReceivedAt !== null && Math.abs(report.deviceTime - device.reportReceivedAt) >= troubleThresholds.clockDriftMs) {
    const drift = report.deviceTime - device.reportReceivedAt;
    troubles.push({
      kind: 'clockWrong',
      severity: 'warning',
      message: `Its clock is ${durationInWords(Math.abs(drift))} ${drift > 0 ? 'ahead of' : 'behind'} the hub’s.`,
    });
  }
  if (context.newestVersion !== null && compareVersions(report.appVersion, context.newestVersion) < 0) {
    troubles.push({
      kind: 'versionBehind',
      severity: 'notice',
      message: `Runs version ${report.appVersion}; the newest in the fleet is ${context.newestVersion}.`,
    });
  }
  return troubles;
}

const severityRank: Record<TroubleSeverity, number> = { critical: 0, warning: 1, notice: 2 };

/** The worst of a device's troubles, or null when it has none. */
export function worstSeverity(troubles: readonly Trouble[]): TroubleSeverity | null {
  let worst: TroubleSeverity | null = null;
  for (const trouble of troubles) if (worst === null || severityRank[trouble.severity] < severityRank[worst]) worst = trouble.severity;
  return worst;
}

export interface FleetSortKey {
  readonly worst: TroubleSeverity | null;
  /** A revoked device is out of the fleet: it sorts after every device in service unless it still needs watching. */
  readonly revokedAt: number | null;
  readonly unitName: string | null;
  readonly deviceName: string;
  readonly deviceId: string;
}

/**
 * Trouble first (worst first), then the devices in service without any, then revoked ones (a lost one still to be
 * wiped is a warning and stays up with the trouble); within each, by housing unit (kiosks; devices without one after)
 * and name, numbers in names read as numbers ("Tablet 9" before "Tablet 10").
 */
export function fleetOrder(a: FleetSortKey, b: FleetSortKey): number {
  const rank = (device: FleetSortKey): number => {
    if (device.revokedAt !== null && device.worst !== 'critical' && device.worst !== 'warning') return 4;
    return device.worst === null ? 3 : severityRank[device.worst];
  };
  return (
    rank(a) - rank(b) ||
    (a.unitName === null ? 1 : 0) - (b.unitName === null ? 1 : 0) ||
    (a.unitName ?? '').localeCompare(b.unitName ?? '', 'en', { numeric: true }) ||
    a.deviceName.localeCompare(b.deviceName, 'en', { numeric: true }) ||
    a.deviceId.localeCompare(b.deviceId)
  );
}
