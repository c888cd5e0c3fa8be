// The bridge's dispatcher for this device: who is calling comes from the session, failures that are not the caller's
// fault are logged without payloads, and a call that met a full disk gives the storage reserve back first.
import { createDispatcher, type CallHandlers } from '../bridge/dispatch';
import type { Logger } from '../logging';
import type { StorageReserve } from '../store/storage-reserve';
import { sessionAccessOf } from './handlers/access';
import type { SessionHandle } from './session-actor';

export interface DeviceDispatcherDeps {
  readonly handlers: CallHandlers;
  readonly session: Pick<SessionHandle, 'getSnapshot'>;
  readonly storage: Pick<StorageReserve, 'storageFull'>;
  readonly logger: Logger;
}

export function deviceDispatcher({ handlers, session, storage, logger }: DeviceDispatcherDeps): ReturnType<typeof createDispatcher> {
  return createDispatcher({
    handlers,
    currentAccess: () => sessionAccessOf(session),
    onInternalError: (name, error) => logger.error({ err: error, call: name }, 'call failed'),
    onStorageFull: (name) => {
      storage.storageFull();
      logger.warn({ call: name }, 'a call met a full disk; the storage reserve was given back for sync and sign-out');
    },
  });
}
