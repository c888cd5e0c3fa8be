// Composition root: builds a working device from a site file and a data folder. Plain Node: both shells
// (main/electron and main/host) call this and carry its bridge to the renderer. Wiring only: each part is built
// before it is used and handed exactly what it needs (the parts are in main/runtime/).
import { isKeyboardWedgeReader } from '../hardware/drivers/keyboard-wedge';
import { loadKioskConfig } from '../kiosk-config/load';
import { finishPendingWipe } from './device-wipe';
import { createDeviceLogger } from './logging';
import { createMailService } from './mail/mail-service';
import { createSearchIndexer } from './mail/search-indexer';
import { createMoneyService } from './money/money-service';
import { createSignInService } from './signin/sign-in-service';
import { openBlobStore } from './sync/blobs';
import { fileCredentialVault } from './sync/credential';
import { createTabletAssignment } from './tablet/tablet-assignment';
import { createVisitsService } from './visits/visits-service';
import { startAppUpdates } from './runtime/app-updates';
import { attachmentReader } from './runtime/attachments';
import { deviceAudit } from './runtime/audit';
import { deviceHealthSource } from './runtime/device-health';
import { deviceInfoSource } from './runtime/device-info';
import { createDeviceState, recordThroughSync, syncStatusReader } from './runtime/device-state';
import { deviceDispatcher } from './runtime/dispatcher';
import { deviceNotices } from './runtime/event-dedup';
import { createEventHub, createSignal } from './runtime/events';
import { callHandlers } from './runtime/handlers';
import { createHubLink } from './runtime/hub-link';
import { languageChoice } from './runtime/language-choice';
import { openRuntimeStore } from './runtime/open-store';
import { requireConfigFile, type DeviceRuntime, type DeviceRuntimeOptions } from './runtime/options';
import { connectReaders, readersOf } from './runtime/readers';
import { restartScheduler } from './runtime/restart';
import { deviceServiceMode } from './runtime/service-mode';
import { createSessionActor } from './runtime/session-actor';
import { siteLanguageSource } from './runtime/site-languages';
import { createDeviceStorage, reserveGuard, watchStorage } from './runtime/storage-guard';
import { tabletStanding } from './runtime/tablet-standing';
import { undoOnFailure, type UndoSteps } from './runtime/undo-on-failure';

export { appVersion, type DeviceRuntime, type DeviceRuntimeOptions } from './runtime/options';
export { sessionLimitsOf } from './runtime/session-actor';

export function createDeviceRuntime(options: DeviceRuntimeOptions): Promise<DeviceRuntime> {
  return undoOnFailure((undo) => buildDeviceRuntime(options, undo));
}

async function buildDeviceRuntime(options: DeviceRuntimeOptions, undo: UndoSteps): Promise<DeviceRuntime> {
  const config = options.config ?? loadKioskConfig(requireConfigFile(options.configFile));
  const logger = options.logger ?? createDeviceLogger({ dataDir: options.dataDir });
  const now = options.now ?? Date.now;
  const vault = options.vault ?? fileCredentialVault(options.dataDir);
  // Before the store is opened: a wipe cut short by a power loss is finished, so a half-wiped store is never served.
  if (finishPendingWipe(options.dataDir, vault)) logger.warn('a wipe of this device was pending and has been finished');
  // Before the store: on a disk that is full the reserve is what lets the store open at all.
  const storage = createDeviceStorage(options.dataDir, options.storageReserveBytes, logger);
  const reserve = reserveGuard(storage, logger);
  // A store that cannot open even then is the shell's to say in words (a start on a full disk: main/host/cli.ts).
  const store = reserve.withReserve('open the store', () => openRuntimeStore(options, logger));
  undo.push(() => store.db.close());
  const database = store.db;
  if (store.encryption.state === 'off') logger.warn({ reason: store.encryption.reason }, 'the device store is not encrypted at rest');
  // Each query module's statements are prepared once for this open store, and handed to whoever needs them.
  const queries = store.queries;
  const { residents, staff } = queries;
  const audit = deviceAudit(database, now, reserve, logger);
  const events = createEventHub(logger);
  const siteLanguages = siteLanguageSource(config, queries.replica);
  const state = createDeviceState(vault.read(), siteLanguages().default);

  // Mail arriving by sync is made searchable in idle time, after each sync step and once now (left over from a crash).
  const searchIndexer = createSearchIndexer({ db: database, logger });
  searchIndexer.schedule();
  undo.push(async () => {
    searchIndexer.stop();
    await searchIndexer.whenIdle();
  });

  const blobFiles = openBlobStore(options.dataDir);
  // The tablet's assignment changes under the runtime (by staff, or by the hub's backfill and evict); the screens and
  // the session hear of it through this signal, attached once they exist.
  const tabletChanged = createSignal();
  const tabletAssignment = createTabletAssignment({
    mode: config.device.mode,
    db: database,
    sync: () => state.sync,
    blobs: blobFiles,
    audit,
    logger,
    onChange: tabletChanged.notify,
  });
  const signIn = createSignInService({
    residents,
    staff,
    lockouts: queries.pinLockouts,
    rules: config.pin,
    now,
    audit,
    // Read at each card. A device whose credential the hub withdrew serves no resident until it is enrolled again:
    // refused here, in the runtime, not only by the enrollment screen the page shows instead (staff badges still open service mode).
    tabletUnassigned: () => tabletAssignment.unassigned() || state.credentialRevoked,
    tabletAssigneeId: () => (state.credentialRevoked ? null : (tabletAssignment.assignee()?.residentId ?? null)),
  });
  const tablet = tabletStanding({ config, tabletAssignment, syncState: queries.syncState, residents, now });
  const readers = readersOf(config, options.readers, options.hid);
  const keyboardWedge = readers.find(isKeyboardWedgeReader) ?? null;
  const keyboardWedgeDetection = options.keyboardWedgeDetection ?? 'page';

  const session = createSessionActor({
    config,
    signIn,
    reserve,
    audit,
    logger,
    state,
    now,
    tabletRules: tablet.sessionRules,
    clock: options.clock,
    siteLanguages,
  });
  const deviceInfo = deviceInfoSource({ config, session, state, keyboardWedgeDetection, keyboardWedge, tablet, now, siteLanguages });
  const notices = deviceNotices({ mode: config.device.mode, session, emit: events.emit, deviceInfo, tablet });
  tabletChanged.listen(() => notices.refreshTabletInfo());
  const restarts = restartScheduler();
  // Before the hub link: each sync cycle reports the readers' state with the device's health.
  const connectedReaders = connectReaders({ readers, config, residents, staff, session, emit: events.emit, logger, now });
  const health = deviceHealthSource({ options, config, queries, readers: connectedReaders, storage, session, state, now });
  const hubLink = createHubLink({ options, config, vault, store, state, session, storage, searchIndexer, notices, restarts, events, logger, now, health });
  hubLink.startFromVault();
  undo.push(() => state.sync?.stop());
  session.subscribe({ next: notices.sessionChanged, error: (error) => logger.fatal({ err: error }, 'session machine stopped') });
  session.start();
  undo.push(() => session.stop());
  const updates = startAppUpdates({ options, config, state, session, logger, now });
  undo.push(() => updates.stop());

  await connectedReaders.start();
  const syncStatus = syncStatusReader(state, queries);
  const serviceMode = deviceServiceMode({ options, config, store, storage, state, syncStatus, readers: connectedReaders, tabletAssignment, updates, now });
  const recordMutation = recordThroughSync(state, database, now);
  const handlers = callHandlers({
    config,
    session,
    state,
    chooseLanguage: languageChoice({ recordMutation, now }),
    residents,
    deviceInfo,
    notices,
    readers: connectedReaders,
    keyboardWedgeDetection,
    keyboardWedge,
    hubLink,
    syncStatus,
    homeSummaries: queries.homeSummary,
    tabletAssignment,
    storage,
    serviceMode,
    restarts,
    audit,
    logger,
    now,
    mail: createMailService({ db: database, now, recordMutation }),
    money: createMoneyService({ db: database, now, recordMutation }),
    visits: createVisitsService({ db: database, now }),
    letterNotices: queries.letterNotices,
    onRestartRequested: options.onRestartRequested,
    siteLanguages,
  });
  const dispatcher = deviceDispatcher({ handlers, session, storage, logger });
  const stopWatchingStorage = watchStorage(storage, options.storageCheckMs ?? 30_000, logger);
  logger.info({ device: config.device.name, mode: config.device.mode, readers: readers.length, residents: residents.count() }, 'device runtime started');

  return {
    config,
    database,
    get sync() {
      return state.sync;
    },
    shellKeyboardWedge: keyboardWedgeDetection === 'shell' ? keyboardWedge : null,
    storage,
    enroll: hubLink.enroll,
    bridge: { call: dispatcher.call, onEvent: events.listen },
    attachment: attachmentReader(session, queries.mail, blobFiles, logger),
    updates: updates.agent,
    async stop() {
      restarts.cancel();
      updates.stop();
      stopWatchingStorage();
      await connectedReaders.stop();
      session.stop();
      // Before the store closes: the engine waits for a step in flight to finish or abort.
      await state.sync?.stop();
      searchIndexer.stop();
      await searchIndexer.whenIdle();
      events.clear();
      database.close();
      logger.info('device runtime stopped');
      logger.flush();
    },
  };
}
