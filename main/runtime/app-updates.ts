// App updates in the running device (main/update/update-agent.ts; docs/deployment.md §12): built only for an
// installation the launcher started, whose site file names the facility's update key and whose shell can restart it.
// The first check waits a minute after start (the device's own start and first sync come first), then one every
// updates.checkEveryMinutes; a download waiting for an empty screen is installed when the session returns to attract.
import type { KioskConfig } from '../../kiosk-config/schema';
import { readUpdatePublicKey } from '../../platform/update-signature';
import { sessionViewOf } from '../session/kiosk-session';
import type { Logger } from '../logging';
import { createHubClient } from '../sync/hub-client';
import { createUpdateAgent, type UpdateAgent } from '../update/update-agent';
import type { DeviceState } from './device-state';
import { appVersion, type DeviceRuntimeOptions } from './options';
import type { SessionActor } from './session-actor';
import { join } from 'node:path';

export interface AppUpdates {
  readonly agent: UpdateAgent | null;
  stop(): void;
}

export interface AppUpdatesDeps {
  readonly options: Pick<DeviceRuntimeOptions, 'dataDir' | 'installation' | 'onRestartRequested' | 'fetch' | 'firstUpdateCheckMs'>;
  readonly config: KioskConfig;
  readonly state: Pick<DeviceState, 'credentialRead' | 'credentialRevoked'>;
  readonly session: Pick<SessionActor, 'getSnapshot' | 'subscribe'>;
  readonly logger: Logger;
  readonly now: () => number;
}

export function startAppUpdates(deps: AppUpdatesDeps): AppUpdates {
  const { options, config, state, session, logger } = deps;
  const settings = config.updates;
  const installation = options.installation;
  const restart = options.onRestartRequested;
  if (settings === undefined || installation === undefined || restart === undefined) {
    if (settings !== undefined) logger.info('the site file names an update key, but this app was not started by the launcher: it does not update itself');
    return { agent: null, stop: () => undefined };
  }
  const agent = createUpdateAgent({
    variant: installation.variant,
    runningVersion: appVersion,
    installRoot: installation.root,
    stagingDir: join(options.dataDir, 'updates'),
    publicKey: readUpdatePublicKey(settings.publicKey),
    hub: () => {
      const read = state.credentialRead;
      if (read.kind !== 'found' || state.credentialRevoked) return null;
      return createHubClient({ hubUrl: read.credential.hubUrl, secret: read.credential.secret, ...(options.fetch ? { fetch: options.fetch } : {}) });
    },
    someoneSignedIn: () => sessionViewOf(session.getSnapshot()).phase !== 'attract',
    restart,
    logger,
    now: deps.now,
  });
  const report = (outcome: Awaited<ReturnType<UpdateAgent['checkNow']>> | null): void => {
    if (outcome !== null) logger.debug({ outcome: outcome.kind }, 'app update check');
  };
  const runCheck = (): void => {
    agent.checkNow().then(report, (error: unknown) => logger.error({ err: error }, 'the app update check failed'));
  };
  let timer = setTimeout(function scheduled() {
    runCheck();
    timer = setTimeout(scheduled, settings.checkEveryMinutes * 60_000);
  }, options.firstUpdateCheckMs ?? 60_000);
  const subscription = session.subscribe((snapshot) => {
    if (sessionViewOf(snapshot).phase === 'attract')
      agent.installIfIdle().then(report, (error: unknown) => logger.error({ err: error }, 'the app update could not be installed'));
  });
  return {
    agent,
    stop: () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    },
  };
}
