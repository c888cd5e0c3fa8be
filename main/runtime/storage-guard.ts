// The disk's free space as the runtime sees it: the reserve that lets the store open and sign-outs be written on a full
// disk (main/store/storage-reserve.ts), the writes that may use it, and the look now and then that gives it back.
import { createStorageReserve, type StorageReserve } from '../store/storage-reserve';
import { isStorageFull } from '../store/storage-full';
import type { Logger } from '../logging';

export function createDeviceStorage(dataDir: string, reserveBytes: number | undefined, logger: Logger): StorageReserve {
  return createStorageReserve({
    dataDir,
    ...(reserveBytes === undefined ? {} : { reserveBytes }),
    onLevelChange: (space, previous) =>
      logger[space.level === 'ok' ? 'info' : 'warn'](
        { level: space.level, previous, freeBytes: space.freeBytes, totalBytes: space.totalBytes, reserveHeld: space.reserveHeld },
        space.level === 'full' ? 'the device’s disk is full: drafts and pulls wait, pushes and sign-outs use the reserve' : 'the device’s disk space changed',
      ),
  });
}

export interface ReserveGuard {
  /**
   * Runs a write that must happen even on a full disk (opening the store, an audit entry at sign-out): if the disk is
   * full and the reserve is still held, the reserve is given back and the write tried once more.
   */
  withReserve<T>(what: string, work: () => T): T;
  /** The same for a PIN check, whose count is written after the slow hash: staff must reach service mode on a full disk. */
  withReserveAsync<T>(what: string, work: () => Promise<T>): Promise<T>;
}

export function reserveGuard(storage: StorageReserve, logger: Logger): ReserveGuard {
  const giveBackReserveFor = (what: string, error: unknown): void => {
    if (!isStorageFull(error) || !storage.space().reserveHeld) throw error;
    storage.storageFull();
    logger.warn({ what }, 'the disk was full; the storage reserve was given back so this could be saved');
  };
  return {
    withReserve(what, work) {
      try {
        return work();
      } catch (error) {
        giveBackReserveFor(what, error);
        return work();
      }
    },
    async withReserveAsync(what, work) {
      try {
        return await work();
      } catch (error) {
        giveBackReserveFor(what, error);
        return work();
      }
    },
  };
}

/** The disk is looked at again now and then, so the reserve comes back (and drafts and pulls resume) by themselves. Returns the stop. */
export function watchStorage(storage: StorageReserve, everyMs: number, logger: Logger): () => void {
  const timer = setInterval(() => {
    try {
      storage.refresh();
    } catch (error) {
      logger.error({ err: error }, 'the disk’s free space could not be read');
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
