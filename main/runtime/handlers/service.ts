// service.* calls for staff in service mode: the overview, readers, sync, logs, and restarting the app.
import { DeviceCallError, type CallHandlers } from '../../bridge/dispatch';
import type { Logger } from '../../logging';
import { sessionViewOf } from '../../session/kiosk-session';
import type { ServiceMode } from '../../service-mode/service-mode';
import type { DeviceState, SyncStatusReader } from '../device-state';
import type { RestartScheduler } from '../restart';
import type { SessionHandle } from '../session-actor';
import type { CallerGuard } from './access';

type ServiceCalls =
  'service.overview' | 'service.readers' | 'service.sync' | 'service.syncNow' | 'service.logs' | 'service.exportLogs' | 'service.restart' | 'service.signOut';

export interface ServiceHandlerDeps {
  readonly serviceMode: ServiceMode;
  readonly session: SessionHandle;
  readonly state: Pick<DeviceState, 'sync'>;
  readonly syncStatus: Pick<SyncStatusReader, 'current'>;
  /** The shell's restart (DeviceRuntimeOptions.onRestartRequested); without it service.restart is refused. */
  readonly onRestartRequested: (() => void) | undefined;
  readonly restarts: RestartScheduler;
  readonly access: Pick<CallerGuard, 'staffAction'>;
  readonly logger: Logger;
}

export function serviceHandlers(deps: ServiceHandlerDeps): Pick<CallHandlers, ServiceCalls> {
  const { serviceMode, session, state, syncStatus, access, logger } = deps;
  return {
    'service.overview': () => serviceMode.overview(),
    'service.readers': () => serviceMode.readers(),
    'service.sync': () => syncStatus.current(),
    'service.syncNow': () => {
      access.staffAction('service.syncNow', 'syncNow');
      if (state.sync === null) return { started: false, status: syncStatus.current() };
      // Not awaited: a hub that does not answer would hold the call for the request timeout; the screen follows
      // sync.statusChanged instead.
      state.sync.send({ type: 'SYNC_NOW' });
      return { started: true, status: syncStatus.current() };
    },
    'service.logs': ({ limit }) => serviceMode.logs(limit),
    'service.exportLogs': () => {
      access.staffAction('service.exportLogs', 'exportLogs');
      const exported = serviceMode.exportLogs();
      logger.info({ fileName: exported.fileName, bytes: exported.bytes }, 'logs exported');
      return exported;
    },
    'service.restart': () => {
      const restart = deps.onRestartRequested;
      if (restart === undefined) throw new DeviceCallError('unavailable', 'This shell cannot restart the app.');
      access.staffAction('service.restart', 'restartApp');
      // Signed out first, so the session ends (and is audited) as any other, not by the process going away.
      session.send({ type: 'SIGN_OUT' });
      deps.restarts.schedule(restart);
      return { done: true as const };
    },
    'service.signOut': () => {
      session.send({ type: 'SIGN_OUT' });
      return sessionViewOf(session.getSnapshot());
    },
  };
}
