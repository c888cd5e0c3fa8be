// The device's standing with its hub: sync runs only on an enrolled device (the credential in the vault is what says
// it is one), enrollment replaces the credential and restarts sync, and a hub that withdraws the credential or orders
// a wipe is obeyed here.
import type { KioskConfig } from '../../kiosk-config/schema';
import { enrollmentStatusOf, type DeviceActionsDeps } from '../device-actions';
import { markWipePending, type WipeReason } from '../device-wipe';
import type { Logger } from '../logging';
import type { SearchIndexer } from '../mail/search-indexer';
import type { DeviceStore } from '../store/database';
import type { StorageReserve } from '../store/storage-reserve';
import { enrollDevice, type CredentialVault, type DeviceCredential, type EnrollOutcome } from '../sync/credential';
import { startSyncEngine, syncSettingsOf, type SyncEngineOptions } from '../sync/engine';
import type { DeviceState } from './device-state';
import type { DeviceNotices } from './event-dedup';
import type { EventHub } from './events';
import { appVersion, type DeviceRuntimeOptions } from './options';
import type { RestartScheduler } from './restart';
import type { SessionHandle } from './session-actor';

/** What enrollment.status reads, and how the enrollment screen enrolls (main/device-actions.ts). */
export type EnrollmentDeps = Pick<DeviceActionsDeps, 'deviceName' | 'siteHubUrl' | 'credential' | 'revoked' | 'residentCount' | 'enroll'>;

export interface HubLink {
  /** Starts sync with the credential the vault held at start, if it held one; logs why not otherwise. */
  startFromVault(): void;
  enroll(hubUrl: string, code: string): Promise<EnrollOutcome>;
  readonly enrollment: EnrollmentDeps;
  /**
   * Commits a wipe and restarts through the shell (main/device-wipe.ts); null where the shell cannot restart the
   * runtime, so staff's wipe is refused (a hub's order still commits its marker).
   */
  readonly requestWipe: ((staffId: string | null) => void) | null;
}

export interface HubLinkDeps {
  readonly options: Pick<DeviceRuntimeOptions, 'dataDir' | 'clock' | 'random' | 'fetch' | 'onRestartRequested'>;
  readonly config: KioskConfig;
  readonly vault: CredentialVault;
  /** The open store: the engine syncs into it, and enrollment says how many residents it holds. */
  readonly store: Pick<DeviceStore, 'db' | 'queries'>;
  readonly state: DeviceState;
  readonly session: Pick<SessionHandle, 'send'>;
  readonly storage: StorageReserve;
  readonly searchIndexer: Pick<SearchIndexer, 'schedule'>;
  readonly notices: Pick<DeviceNotices, 'refreshTabletInfo'>;
  readonly restarts: RestartScheduler;
  readonly events: Pick<EventHub, 'emit'>;
  readonly logger: Logger;
  readonly now: () => number;
  /** What the device says of its health with each sync cycle (device-health.ts). */
  readonly health?: SyncEngineOptions['healthReport'];
}

export function createHubLink(deps: HubLinkDeps): HubLink {
  const { options, config, vault, state, session, storage, logger, now } = deps;
  const database = deps.store.db;
  const emit = deps.events.emit;
  const syncSettings = syncSettingsOf(config.hub, config.device.mode);
  const enrollment: EnrollmentDeps = {
    deviceName: config.device.name,
    siteHubUrl: config.hub?.url ?? null,
    credential: () => state.credentialRead,
    revoked: () => state.credentialRevoked,
    residentCount: () => deps.store.queries.residents.count(),
    enroll,
  };
  const restartForWipe = options.onRestartRequested;
  let wipeCommitted = false;

  function startSync(credential: DeviceCredential): void {
    const engine = startSyncEngine({
      db: database,
      dataDir: options.dataDir,
      credential,
      settings: syncSettings,
      logger,
      now,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      roomToPull: () => storage.roomForDeferrableWrites(),
      onStorageFull: () => storage.storageFull(),
      ...(deps.health ? { healthReport: deps.health } : {}),
    });
    engine.onStatusChange((status) => {
      emit('sync.statusChanged', status);
      if (status.lastError?.code === 'deviceRevoked' || status.lastError?.code === 'deviceWipeOrdered') credentialWithdrawn(status.lastError.code);
      deps.searchIndexer.schedule();
      // A backfill or an evict may have given this tablet its person or taken them away.
      deps.notices.refreshTabletInfo();
    });
    state.sync = engine;
    emit('sync.statusChanged', engine.status());
  }

  /**
   * The hub withdrew the credential. Sync keeps running (backing off, its status saying why in words) so the device
   * learns of nothing new in between; the screens show enrollment from now on. A device the hub orders to wipe (it was
   * reported lost) does so at once, through the same crash-safe wipe staff start from service mode.
   */
  function credentialWithdrawn(code: 'deviceRevoked' | 'deviceWipeOrdered'): void {
    if (code === 'deviceWipeOrdered') {
      wipeAndRestart('hubOrderedWipe', null);
      return;
    }
    if (state.credentialRevoked) return;
    state.credentialRevoked = true;
    logger.warn('the hub has withdrawn this device’s credential; it shows the enrollment screen until it is enrolled again');
    session.send({ type: 'SIGN_OUT' });
    emit('enrollment.changed', enrollmentStatusOf(enrollment));
  }

  /**
   * Committed by the marker before anything is answered; the shell's restart stops this runtime and the next start
   * finishes the wipe before it opens the store (main/device-wipe.ts). Without a restart hook (a hub's order reaching
   * a shell that cannot restart the runtime) the marker alone commits it: sync stops, nobody can sign in meanwhile, and
   * the next start wipes.
   */
  function wipeAndRestart(reason: WipeReason, staffId: string | null): void {
    if (wipeCommitted) return;
    wipeCommitted = true;
    // Logged, not audited: the audit log is part of what is wiped. The device log stays for support.
    logger.warn({ staffId, reason }, 'device wipe: every person’s data and the hub credential will be removed');
    markWipePending(options.dataDir, reason, now());
    state.credentialRevoked = true;
    session.send({ type: 'SIGN_OUT' });
    emit('enrollment.changed', enrollmentStatusOf(enrollment));
    const engine = state.sync;
    state.sync = null;
    void engine?.stop();
    if (restartForWipe === undefined) return;
    deps.restarts.schedule(restartForWipe);
  }

  async function enroll(hubUrl: string, code: string): Promise<EnrollOutcome> {
    const outcome = await enrollDevice({
      dataDir: options.dataDir,
      vault,
      hubUrl,
      code,
      previous: state.credentialRead.kind === 'found' ? state.credentialRead.credential : null,
      deviceName: config.device.name,
      appVersion,
      now,
      timeoutMs: syncSettings.requestTimeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (outcome.ok) {
      logger.info({ deviceId: outcome.credential.deviceId, kind: outcome.credential.kind, vault: vault.kind }, 'device enrolled with the hub');
      state.credentialRead = { kind: 'found', credential: outcome.credential, permissionsTightened: false };
      state.credentialRevoked = false;
      await state.sync?.stop();
      startSync(outcome.credential);
      emit('enrollment.changed', enrollmentStatusOf(enrollment));
    } else {
      logger.warn({ code: outcome.error.code }, 'enrollment failed');
    }
    return outcome;
  }

  function startFromVault(): void {
    const stored = state.credentialRead;
    switch (stored.kind) {
      case 'none':
        logger.info('not enrolled with a hub; sync is off until staff enroll this device');
        break;
      case 'unreadable':
        logger.error({ problem: stored.problem, vault: vault.kind }, 'the hub credential is unreadable; sync is off until the device is enrolled again');
        break;
      case 'found':
        if (stored.permissionsTightened) logger.warn('the hub credential file was readable by others; its mode was set back to 0600');
        startSync(stored.credential);
        break;
      default: {
        const unreachable: never = stored;
        return unreachable;
      }
    }
  }

  return {
    startFromVault,
    enroll,
    enrollment,
    requestWipe: restartForWipe === undefined ? null : (staffId) => wipeAndRestart('wipeDevice', staffId),
  };
}
