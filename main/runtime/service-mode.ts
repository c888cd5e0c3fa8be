// Service mode's diagnostics for this device, from the parts the runtime already holds: where its store and log are,
// what the readers and sync say now, who the tablet is assigned to, and how the app's updates stand.
import { deviceLogPath } from '../logging';
import { createServiceMode, type ServiceMode } from '../service-mode/service-mode';
import type { DeviceStore } from '../store/database';
import type { StorageReserve } from '../store/storage-reserve';
import type { TabletAssignment } from '../tablet/tablet-assignment';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { AppUpdates } from './app-updates';
import type { DeviceState, SyncStatusReader } from './device-state';
import { deviceStoreFile } from './open-store';
import { appVersion, type DeviceRuntimeOptions } from './options';
import type { ConnectedReaders } from './readers';

export interface DeviceServiceModeDeps {
  readonly options: Pick<DeviceRuntimeOptions, 'dataDir'>;
  readonly config: KioskConfig;
  readonly store: DeviceStore;
  readonly storage: StorageReserve;
  readonly state: DeviceState;
  readonly syncStatus: SyncStatusReader;
  readonly readers: ConnectedReaders;
  readonly tabletAssignment: TabletAssignment;
  readonly updates: AppUpdates;
  readonly now: () => number;
}

export function deviceServiceMode({
  options,
  config,
  store,
  storage,
  state,
  syncStatus,
  readers,
  tabletAssignment,
  updates,
  now,
}: DeviceServiceModeDeps): ServiceMode {
  const { dataDir } = options;
  return createServiceMode({
    config,
    dataDir,
    storage,
    storeFile: deviceStoreFile(dataDir),
    logFile: deviceLogPath(dataDir),
    appVersion,
    db: store.db,
    storeEncryption: store.encryption,
    now,
    enrolled: () => state.sync !== null,
    syncStatus: syncStatus.current,
    readerStatuses: readers.readerStatuses,
    readLog: readers.readLog,
    tabletAssignee: () => tabletAssignment.assignee(),
    appUpdates: () => {
      const status = updates.agent?.status();
      if (status === undefined) return null;
      return { lastCheckAt: status.lastCheckAt, lastOutcome: status.lastOutcome, lastRefusal: status.lastRefusal, stagedVersion: status.stagedVersion };
    },
  });
}
