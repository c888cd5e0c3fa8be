// Opens the device's store (device.sqlite in the data folder), with what happened on the way told to the device log.
import { join } from 'node:path';
import type { Logger } from '../logging';
import { openDeviceStore, type DeviceStore } from '../store/database';
import type { DeviceRuntimeOptions } from './options';

export function deviceStoreFile(dataDir: string): string {
  return join(dataDir, 'device.sqlite');
}

export function openRuntimeStore(options: Pick<DeviceRuntimeOptions, 'dataDir' | 'storeKey'>, logger: Logger): DeviceStore {
  return openDeviceStore(deviceStoreFile(options.dataDir), {
    onPermissionRepaired: (repaired) =>
      logger.warn({ path: repaired.path, was: repaired.was }, 'the device store was readable by other users; made private again'),
    ...(options.storeKey ? { storeKey: options.storeKey } : {}),
    onEncrypted: () => logger.info('the device store was unencrypted and has been encrypted with a key sealed by the OS keychain'),
    onEncryptionFailed: (error) =>
      logger.error({ err: error }, 'the device store could not be encrypted at this start; it stays unencrypted, and the next start tries again'),
  });
}
