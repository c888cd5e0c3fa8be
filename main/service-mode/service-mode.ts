// Service mode's diagnostics: what `service.*` calls answer. The session machine decides who is in service mode and
// the dispatcher refuses anyone else; this module only gathers facts from the store, the files and the readers.
import { join } from 'node:path';
import type { KioskConfig } from '../../kiosk-config/schema';
import type {
  AppUpdateStatus,
  DeviceLogs,
  LogExport,
  ReaderStatus,
  ServiceOverview,
  ServiceReaders,
  StoreEncryption,
  SyncStatus,
  TabletAssignee,
} from '../contract';
import type { DeviceDatabase } from '../store/database';
import { readDeviceLogTail, writeSupportBundle } from './device-log';
import type { ReadLog } from './read-log';
import { storageUse } from './storage';
import type { StorageReserve } from '../store/storage-reserve';
import { storeQueriesOf } from '../store/store-queries';

export interface ServiceModeDeps {
  readonly config: KioskConfig;
  readonly dataDir: string;
  /** Free space and the reserve: staff see how full the disk is, and a warning before it runs out. */
  readonly storage: StorageReserve;
  readonly storeFile: string;
  readonly logFile: string;
  readonly appVersion: string;
  readonly db: DeviceDatabase;
  /** Decided when the store was opened (main/store/database.ts); it does not change while the runtime runs. */
  readonly storeEncryption: StoreEncryption;
  readonly now: () => number;
  readonly enrolled: () => boolean;
  readonly readerStatuses: () => ReaderStatus[];
  readonly readLog: ReadLog;
  readonly syncStatus: () => SyncStatus;
  /** On a tablet, who it serves (main/tablet); null on a kiosk or while nobody. */
  readonly tabletAssignee: () => TabletAssignee | null;
  /** The app's updates from the hub (main/update); null where this installation does not update itself. */
  readonly appUpdates: () => AppUpdateStatus | null;
}

export interface ServiceMode {
  overview(): ServiceOverview;
  readers(): ServiceReaders;
  logs(limit: number): DeviceLogs;
  exportLogs(): LogExport;
  /** Where exported bundles go: the site file's service.exportDirectory, or the data folder's exports/. */
  readonly exportDirectory: string;
}

/**
 * Keys whose values are never shown, wherever they appear. The site file holds no secret today (the hub credential is a
 * file in the data folder); this keeps it that way on screen if a future field ever carries one.
 */
const secretKey = /^(secret|token|password|passphrase|apiKey|privateKey)$/i;

export function siteConfigForDisplay(config: KioskConfig): string {
  return JSON.stringify(config, (key, value: unknown) => (secretKey.test(key) ? '[not shown]' : value), 2);
}

export function createServiceMode(deps: ServiceModeDeps): ServiceMode {
  const exportDirectory = deps.config.service?.exportDirectory ?? join(deps.dataDir, 'exports');
  const overview = (): ServiceOverview => {
    const identity = storeQueriesOf(deps.db).syncState.get();
    return {
      deviceName: deps.config.device.name,
      deviceId: identity.deviceId,
      siteName: deps.config.site.name,
      mode: deps.config.device.mode,
      appVersion: deps.appVersion,
      hubUrl: identity.hubUrl ?? deps.config.hub?.url ?? null,
      enrolled: deps.enrolled(),
      storage: storageUse(deps.dataDir, deps.storeFile, deps.storage.refresh()),
      storeEncryption: deps.storeEncryption,
      siteConfig: siteConfigForDisplay(deps.config),
      tabletAssignee: deps.tabletAssignee(),
      appUpdates: deps.appUpdates(),
    };
  };
  return {
    exportDirectory,
    overview,
    readers: () => ({ readers: deps.readerStatuses(), recentReads: deps.readLog.recent() }),
    logs: (limit) => readDeviceLogTail(deps.logFile, limit),
    exportLogs: () => {
      // What support asks for first, besides the log: which device, its readers and its sync, as the screen shows them.
      const facts = { overview: overview(), readers: deps.readerStatuses(), sync: deps.syncStatus() };
      return writeSupportBundle({ directory: exportDirectory, logFile: deps.logFile, deviceName: deps.config.device.name, at: deps.now(), facts });
    },
  };
}
