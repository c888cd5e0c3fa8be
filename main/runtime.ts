// Composition root: builds a working device from a site file and a data folder. Plain Node: both shells
// (main/electron and main/host) call this and carry its bridge to the renderer.
import { join } from 'node:path';
import { createActor, fromPromise, waitFor, type ActorOptions } from 'xstate';
import { createCredentialMapper, type CredentialEvent } from './signin/credential-mapping';
import { createHidMagstripeReader, type HidLoader } from '../hardware/drivers/hid-magstripe';
import { createSerialRfidReader } from '../hardware/drivers/serial-rfid';
import { createSerialScanner } from '../hardware/drivers/serial-scanner';
import { createKeyboardWedgeReader, isKeyboardWedgeReader, type KeyboardWedgeReader } from '../hardware/drivers/keyboard-wedge';
import type { CredentialReader, ReaderEvent } from '../hardware/reader';
import { loadKioskConfig } from '../kiosk-config/load';
import { tabletSettingsOf, type KioskConfig } from '../kiosk-config/schema';
import type { ReaderConfig } from '../hardware/reader-config';
import { createDispatcher, DeviceCallError, type CallHandlers, type DeviceBridge, type SessionAccess } from './bridge/dispatch';
import type { DeviceInfo, EventName, EventPayload, LanguageCode, ReaderStatus, SessionView, SyncStatus } from './contract';
import { createDeviceLogger, deviceLogPath, type Logger } from './logging';
import { acceptsPin, kioskSessionMachine, sessionBusy, sessionViewOf, signedInResidentId, signedInStaffId, type SessionLimits, type TabletSessionRules } from './session/kiosk-session';
import { createSignInService, type CredentialLookup, type PinCheck, type StaffPinCheck, type TabletPinCheck } from './signin/sign-in-service';
import { createServiceMode } from './service-mode/service-mode';
import { createReadLog, type ReadOutcome } from './service-mode/read-log';
import { staffQueries } from './store/staff';
import { openDeviceStore, type DeviceDatabase, type DeviceStore } from './store/database';
import type { StoreKeyProvider } from './store/store-key';
import { pinLockoutQueries } from './store/pin-lockouts';
import { residentQueries } from './store/residents';
import { attachmentQueries } from './store/attachments';
import { homeSummaryQueries } from './store/home-summary';
import { outboxQueries } from './store/outbox';
import { syncStateQueries } from './store/sync-state';
import { enrollDevice, fileCredentialVault, type CredentialRead, type CredentialVault, type DeviceCredential, type EnrollOutcome } from './sync/credential';
import { deviceActionHandlers, enrollmentStatusOf } from './device-actions';
import { finishPendingWipe, markWipePending, type WipeReason } from './device-wipe';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from './sync/engine';
import { recordMutation, type RecordMutation } from './sync/outbox';
import { createMailService, MailAccessError } from './mail/mail-service';
import { createSearchIndexer } from './mail/search-indexer';
import { createMoneyService, MoneyAccessError } from './money/money-service';
import { createVisitsService } from './visits/visits-service';
import { letterNoticeQueries } from './store/letter-notices';
import { readAttachmentContent, type AttachmentContent } from './mail/attachment-content';
import { mailQueries } from './store/mail';
import { openBlobStore } from './sync/blobs';
import { createStorageReserve, type StorageReserve } from './store/storage-reserve';
import { isStorageFull } from './store/storage-full';
import { auditRecorder, createAuditLog } from './audit/audit-log';
import { createTabletAssignment } from './tablet/tablet-assignment';
import { syncDeadlineOf, syncStandingOf, type SyncDeadline } from './tablet/sync-lock';
import { createResidentSyncTrigger } from './sync/resident-sync-now';

export const appVersion = '0.1.0';

export interface DeviceRuntimeOptions {
  /** The site file; ignored when `config` is given. */
  readonly configFile?: string;
  readonly config?: KioskConfig;
  /** Holds the store (device.sqlite) and the logs. */
  readonly dataDir: string;
  /** The session machine's clock; a SimulatedClock in tests. */
  readonly clock?: ActorOptions<typeof kioskSessionMachine>['clock'];
  /** Wall-clock time for stored timestamps and lockouts; must agree with `clock`. */
  readonly now?: () => number;
  /** Readers to use instead of the ones the site file names (tests inject their own). */
  readonly readers?: readonly CredentialReader[];
  readonly logger?: Logger;
  /** The sync backoff's jitter; tests pin it. */
  readonly random?: () => number;
  /** How the sync engine reaches the hub; tests may wrap it. */
  readonly fetch?: typeof fetch;
  /**
   * Where a keyboard-mode reader's reads are taken off the keyboard: 'page' (the default, the web host) tells the page
   * the detector settings in DeviceInfo and takes its reads through device.keyboardRead; 'shell' (Electron, whose main
   * process sees every key first) gives the page nothing and refuses that call, so exactly one detector runs and card
   * keys never reach the renderer. The shell then feeds `shellKeyboardWedge` directly.
   */
  readonly keyboardWedgeDetection?: 'page' | 'shell';
  /**
   * The USB HID library for HID readers; default the real node-hid. The web host's `--simulated-hid`, the demo and
   * the e2e tests pass the socket-driven simulator (hardware/simulators/hid-magstripe-simulator.ts).
   */
  readonly hid?: HidLoader;
  /**
   * How the shell restarts the app when staff ask (service.restart): the web host's CLI exits with the code its
   * supervisor restarts on; Electron relaunches itself. Called after the runtime answered and signed the staff member
   * out; the shell is expected to stop the runtime. Without it, service.restart is refused as unavailable.
   */
  readonly onRestartRequested?: () => void;
  /**
   * Where the hub credential is kept; default the 0600 file in the data folder. The Electron shell passes a vault
   * sealed with safeStorage where a real backend exists (main/electron/safe-storage-vault.ts).
   */
  readonly vault?: CredentialVault;
  /**
   * Where the store's key comes from; default none, which leaves the store unencrypted (plain Node has no OS key store).
   * The Electron shell passes a key sealed with safeStorage where a real backend exists (main/electron/safe-storage-vault.ts).
   */
  readonly storeKey?: StoreKeyProvider;
  /** Bytes kept back on the disk for sync's pushes and sign-outs (main/store/storage-reserve.ts); tests use less. */
  readonly storageReserveBytes?: number;
  /** How often the disk is looked at again, so the reserve comes back and drafts resume by themselves; default 30 s. */
  readonly storageCheckMs?: number;
}

export interface DeviceRuntime {
  readonly config: KioskConfig;
  readonly bridge: DeviceBridge;
  readonly database: DeviceDatabase;
  /** The sync engine, once the device holds a hub credential; null before enrollment. */
  readonly sync: SyncEngine | null;
  /** The keyboard-mode reader, for a shell created with keyboardWedgeDetection 'shell'; null otherwise or without one. */
  readonly shellKeyboardWedge: KeyboardWedgeReader | null;
  /** The disk's free space and the reserve (service mode shows it; tests fill the disk and watch it). */
  readonly storage: StorageReserve;
  /**
   * Enrolls the device with a one-time code from the hub and starts syncing. Until service mode has its screens,
   * the demo and the tests call this directly.
   */
  enroll(hubUrl: string, code: string): Promise<EnrollOutcome>;
  /**
   * The bytes of an attachment of the signed-in person's own mail, checked (main/mail/attachment-content.ts). The web
   * host's attachment route and the Electron app protocol both serve through this, so the rule is in one place.
   */
  attachment(messageId: string, attachmentId: string): AttachmentContent;
  stop(): Promise<void>;
}

type EventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

export function sessionLimitsOf(config: KioskConfig): SessionLimits {
  return {
    idleMs: config.session.idleSeconds * 1000,
    idleWarningMs: config.session.idleWarningSeconds * 1000,
    maxSessionMs: config.session.maxSessionMinutes * 60_000,
    pinEntryMs: config.session.pinEntrySeconds * 1000,
    noticeMs: config.session.noticeSeconds * 1000,
    pinLength: config.pin.length,
  };
}

function readerFor(config: ReaderConfig, hid: HidLoader | undefined): CredentialReader {
  switch (config.kind) {
    case 'serialScanner':
      return createSerialScanner(config);
    case 'serialRfid':
      return createSerialRfidReader(config);
    case 'keyboardWedge':
      return createKeyboardWedgeReader(config);
    case 'hidMagstripe':
      return createHidMagstripeReader(config, hid === undefined ? {} : { hid });
    default: {
      const unreachable: never = config;
      return unreachable;
    }
  }
}

export async function createDeviceRuntime(options: DeviceRuntimeOptions): Promise<DeviceRuntime> {
  // A start that fails part-way (a disk that fills while it starts) closes what it opened, so the shell can try again
  // later in the same process (main/host/cli.ts, a start on a full disk) without a second store handle or timer left over.
  const undo: Array<() => Promise<void> | void> = [];
  try {
    return await buildDeviceRuntime(options, undo);
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // Already failing: the first error is the one to report.
      }
    }
    throw error;
  }
}

async function buildDeviceRuntime(options: DeviceRuntimeOptions, undo: Array<() => Promise<void> | void>): Promise<DeviceRuntime> {
  const config = options.config ?? loadKioskConfig(requireConfigFile(options.configFile));
  const logger = options.logger ?? createDeviceLogger({ dataDir: options.dataDir });
  const now = options.now ?? Date.now;
  const vault = options.vault ?? fileCredentialVault(options.dataDir);
  // Before the store is opened: a wipe cut short by a power loss is finished, so a half-wiped store is never served.
  if (finishPendingWipe(options.dataDir, vault)) logger.warn('a wipe of this device was pending and has been finished');
  // Before the store: on a disk that is full the reserve is what lets the store open at all (below).
  const storage = createStorageReserve({
    dataDir: options.dataDir,
    ...(options.storageReserveBytes === undefined ? {} : { reserveBytes: options.storageReserveBytes }),
    onLevelChange: (space, previous) =>
      logger[space.level === 'ok' ? 'info' : 'warn'](
        { level: space.level, previous, freeBytes: space.freeBytes, totalBytes: space.totalBytes, reserveHeld: space.reserveHeld },
        space.level === 'full' ? 'the device’s disk is full: drafts and pulls wait, pushes and sign-outs use the reserve' : 'the device’s disk space changed',
      ),
  });
  /**
   * Runs a write that must happen even on a full disk (opening the store, an audit entry at sign-out): if the disk is
   * full and the reserve is still held, the reserve is given back and the write tried once more.
   */
  const withReserve = <T>(what: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (!isStorageFull(error) || !storage.space().reserveHeld) throw error;
      storage.storageFull();
      logger.warn({ what }, 'the disk was full; the storage reserve was given back so this could be saved');
      return work();
    }
  };
  /** The same for a PIN check, whose count is written after the slow hash: staff must reach service mode on a full disk. */
  const withReserveAsync = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!isStorageFull(error) || !storage.space().reserveHeld) throw error;
      storage.storageFull();
      logger.warn({ what }, 'the disk was full; the storage reserve was given back so this could be saved');
      return work();
    }
  };
  const openStore = (): DeviceStore =>
    openDeviceStore(join(options.dataDir, 'device.sqlite'), {
      onPermissionRepaired: (repaired) => logger.warn({ path: repaired.path, was: repaired.was }, 'the device store was readable by other users; made private again'),
      ...(options.storeKey ? { storeKey: options.storeKey } : {}),
      onEncrypted: () => logger.info('the device store was unencrypted and has been encrypted with a key sealed by the OS keychain'),
      onEncryptionFailed: (error) => logger.error({ err: error }, 'the device store could not be encrypted at this start; it stays unencrypted, and the next start tries again'),
    });
  // A store that cannot open even then is the shell's to say in words (a start on a full disk: main/host/cli.ts).
  const store = withReserve('open the store', openStore);
  undo.push(() => {
    store.db.close();
  });
  const database = store.db;
  if (store.encryption.state === 'off') logger.warn({ reason: store.encryption.reason }, 'the device store is not encrypted at rest');
  const residents = residentQueries(database);
  // Audit entries go straight into the outbox and ride with the next sync cycle (a sign-in starts one; so does the
  // interval): waking sync for each would start a cycle at every card swipe and sign-out. A failed append is logged by
  // kind, never with the entry, and never stops a sign-in or a sign-out.
  const auditLog = createAuditLog({ db: database, now, recordMutation: (name, args, effect) => recordMutation(database, name, args, effect, { now: now() }) });
  // A sign-out on a full disk still writes its audit entry: that is what the reserve is for.
  const audit = auditRecorder({ append: (kind, actor, details) => withReserve('audit entry', () => auditLog.append(kind, actor, details)) }, (kind, error) =>
    logger.error({ err: error, kind, storageFull: isStorageFull(error) }, 'audit entry not written'),
  );
  const staff = staffQueries(database);
  const signIn = createSignInService({
    residents,
    staff,
    lockouts: pinLockoutQueries(database),
    rules: config.pin,
    now,
    audit,
    // Read at each card: the assignment changes under the runtime (by staff here, or by the hub's backfill and evict).
    // A device whose credential the hub withdrew serves no resident until it is enrolled again: refused here, in the
    // runtime, not only by the enrollment screen the page shows instead (staff badges still open service mode).
    tabletUnassigned: () => tabletAssignment.unassigned() || credentialRevoked,
    tabletAssigneeId: () => (credentialRevoked ? null : (tabletAssignment.assignee()?.residentId ?? null)),
  });
  const homeSummaries = homeSummaryQueries(database);
  const mapCredential = createCredentialMapper(config.credentials);

  const listeners = new Set<EventListener>();
  const emit: EventListener = (name, payload) => {
    for (const listener of listeners) {
      try {
        listener(name, payload);
      } catch (error) {
        logger.error({ err: error, event: name }, 'event listener failed');
      }
    }
  };

  let attractLanguage: LanguageCode = config.languages.default;

  // Mail arriving by sync is made searchable in idle time, after each sync step and once now (left over from a crash).
  const searchIndexer = createSearchIndexer({ db: database, logger });
  searchIndexer.schedule();
  undo.push(async () => {
    searchIndexer.stop();
    await searchIndexer.whenIdle();
  });

  // Sync runs only on an enrolled device: the credential in the data folder is what says it is one.
  let sync: SyncEngine | null = null;
  const syncSettings = syncSettingsOf(config.hub, config.device.mode);
  const startSync = (credential: DeviceCredential): void => {
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
    });
    engine.onStatusChange((status) => {
      emit('sync.statusChanged', status);
      if (status.lastError?.code === 'deviceRevoked' || status.lastError?.code === 'deviceWipeOrdered') credentialWithdrawn(status.lastError.code);
      searchIndexer.schedule();
      // A backfill or an evict may have given this tablet its person or taken them away.
      refreshTabletInfo();
    });
    sync = engine;
    emit('sync.statusChanged', engine.status());
  };
  /** Set when the hub answered that it withdrew this device's credential; cleared by the next enrollment. */
  let credentialRevoked = false;
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
    if (credentialRevoked) return;
    credentialRevoked = true;
    logger.warn('the hub has withdrawn this device’s credential; it shows the enrollment screen until it is enrolled again');
    session.send({ type: 'SIGN_OUT' });
    emit('enrollment.changed', enrollmentStatusOf(actionDeps));
  }
  const notEnrolledStatus = (): SyncStatus => ({
    state: 'notEnrolled',
    lastSuccessAt: syncStateQueries(database).get().lastSuccessAt,
    pendingMutations: outboxQueries(database).pendingCount(),
    lastError: null,
    nextAttemptAt: null,
    blobsWaiting: attachmentQueries(database).toFetchCount(),
    errorCounts: {},
  });
  const storedCredential = vault.read();
  /** What the vault held at start, then each credential enrolled since: enrollment.status reads it. */
  let credentialRead: CredentialRead = storedCredential;
  switch (storedCredential.kind) {
    case 'none':
      logger.info('not enrolled with a hub; sync is off until staff enroll this device');
      break;
    case 'unreadable':
      logger.error({ problem: storedCredential.problem, vault: vault.kind }, 'the hub credential is unreadable; sync is off until the device is enrolled again');
      break;
    case 'found':
      if (storedCredential.permissionsTightened) logger.warn('the hub credential file was readable by others; its mode was set back to 0600');
      startSync(storedCredential.credential);
      undo.push(() => sync?.stop());
      break;
    default: {
      const unreachable: never = storedCredential;
      return unreachable;
    }
  }

  // Through the engine once enrolled, so the mutation also wakes sync; before that, straight into the outbox.
  const recordThroughSync: RecordMutation = (name, args, localEffect) =>
    sync ? sync.recordMutation(name, args, localEffect) : recordMutation(database, name, args, localEffect, { now: now() });
  const money = createMoneyService({ db: database, now, recordMutation: recordThroughSync });
  const attachmentLookup = mailQueries(database);
  const blobFiles = openBlobStore(options.dataDir);
  const tabletAssignment = createTabletAssignment({
    mode: config.device.mode,
    db: database,
    sync: () => sync,
    blobs: blobFiles,
    audit,
    logger,
    onChange: () => refreshTabletInfo(),
  });
  // A tablet's own rules (issue 8): its session limits, and the lock rule's deadline from the last successful sync or,
  // when it has not synced since, from when its person's records arrived.
  const tabletSettings = config.device.mode === 'tablet' ? tabletSettingsOf(config) : null;
  const syncState = syncStateQueries(database);
  const tabletSyncDeadline = (): SyncDeadline | null => {
    if (tabletSettings === null) return null;
    const assignee = tabletAssignment.assignee();
    if (assignee === null) return null;
    return syncDeadlineOf(syncState.get().lastSuccessAt, residents.writtenAt(assignee.residentId) ?? now(), tabletSettings);
  };
  const tabletSessionRules: TabletSessionRules | null =
    tabletSettings === null
      ? null
      : {
          idleLockMs: tabletSettings.idleLockSeconds * 1000,
          dimMs: tabletSettings.dimSeconds * 1000,
          maxSessionMs: tabletSettings.maxSessionMinutes * 60_000,
          syncDeadline: tabletSyncDeadline,
        };
  const tabletInfo = (): DeviceInfo['tablet'] => {
    if (tabletSettings === null) return null;
    const assignee = tabletAssignment.assignee();
    const deadline = tabletSyncDeadline();
    return {
      assigned: assignee !== null,
      // The lock screen greets its owner by first name; the rest of the name stays behind the PIN.
      assigneeFirstName: assignee === null ? null : (assignee.displayName.trim().split(/\s+/)[0] ?? null),
      sync: deadline === null ? null : syncStandingOf(deadline, now()),
    };
  };
  /** The tablet part of DeviceInfo and the lock deadline, as last told to the screens and the session; unused on a kiosk. */
  let lastTabletInfo = '';
  let lastLockAt: number | null = null;
  /** After a sync, an assignment or a session step: the screens hear of a new standing, the session of a moved deadline. */
  const refreshTabletInfo = (options: { tellSession: boolean } = { tellSession: true }): void => {
    if (config.device.mode !== 'tablet') return;
    if (options.tellSession) {
      const lockAt = tabletSyncDeadline()?.lockAt ?? null;
      if (lockAt !== lastLockAt) session.send({ type: 'TABLET_CHANGED' });
      lastLockAt = lockAt;
    }
    const serialized = JSON.stringify(tabletInfo());
    if (serialized === lastTabletInfo) return;
    lastTabletInfo = serialized;
    emit('device.infoChanged', deviceInfo());
  };
  const mail = createMailService({
    db: database,
    now,
    recordMutation: recordThroughSync,
  });
  const visits = createVisitsService({ db: database, now });
  const letterNotices = letterNoticeQueries(database);

  const session = createActor(
    kioskSessionMachine.provide({
      actors: {
        identifyCredential: fromPromise<CredentialLookup, { credential: CredentialEvent }>(async ({ input }) => signIn.identify(input.credential)),
        // A PIN check writes the person's count: on a full disk it uses the reserve rather than fail the sign-in (a
        // write that failed was rolled back whole, so the check runs again from the start and counts once).
        checkPin: fromPromise<PinCheck, { residentId: string; pin: string }>(async ({ input }) => withReserveAsync('PIN check', () => signIn.checkPin(input.residentId, input.pin))),
        checkStaffPin: fromPromise<StaffPinCheck, { staffId: string; pin: string }>(async ({ input }) =>
          withReserveAsync('staff PIN check', () => signIn.checkStaffPin(input.staffId, input.pin)),
        ),
        checkTabletPin: fromPromise<TabletPinCheck, { pin: string }>(async ({ input }) => withReserveAsync('PIN check', () => signIn.checkTabletPin(input.pin))),
      },
      actions: {
        residentSignedIn: (_, { resident }) => {
          logger.info({ residentId: resident.id }, 'resident signed in');
          audit('signIn', { kind: 'resident', id: resident.id }, {});
          // Their mail and balance may have changed since the last sync: fetch them first.
          sync?.send({ type: 'RESIDENT_SIGNED_IN', residentId: resident.id });
        },
        residentSignedOut: (_, { resident, reason }) => {
          logger.info({ residentId: resident.id, reason }, 'resident signed out');
          audit('signOut', { kind: 'resident', id: resident.id }, { reason });
          // The next person starts in the site's language, not the last person's.
          attractLanguage = config.languages.default;
        },
        // A lock is not a sign-out: the person's session is held for their PIN, so it is logged, not audited as one.
        residentLocked: (_, { resident, reason }) => {
          logger.info({ residentId: resident.id, reason }, 'tablet locked');
        },
        residentUnlocked: (_, { resident }) => {
          logger.info({ residentId: resident.id }, 'tablet unlocked');
          sync?.send({ type: 'RESIDENT_SIGNED_IN', residentId: resident.id });
        },
        staffSignedIn: (_, { staff: member }) => {
          logger.info({ staffId: member.id }, 'service mode opened');
          audit('staffAction', { kind: 'staff', id: member.id }, { action: 'enterServiceMode' });
        },
        staffSignedOut: (_, { staff: member, reason }) => {
          logger.info({ staffId: member.id, reason }, 'service mode closed');
          audit('staffAction', { kind: 'staff', id: member.id }, { action: 'leaveServiceMode' });
          attractLanguage = config.languages.default;
        },
      },
    }),
    { input: { limits: sessionLimitsOf(config), now, ...(tabletSessionRules === null ? {} : { tablet: tabletSessionRules }) }, ...(options.clock ? { clock: options.clock } : {}) },
  );

  const currentLanguage = (): LanguageCode => session.getSnapshot().context.resident?.language ?? attractLanguage;
  const keyboardWedgeDetection = options.keyboardWedgeDetection ?? 'page';
  /** Set once the readers exist (below); deviceInfo is not called before then. */
  let keyboardWedge: KeyboardWedgeReader | null = null;
  const deviceInfo = (): DeviceInfo => ({
    deviceName: config.device.name,
    siteName: config.site.name,
    mode: config.device.mode,
    appVersion,
    languages: config.languages.offered,
    defaultLanguage: config.languages.default,
    language: currentLanguage(),
    keyboardWedge:
      keyboardWedgeDetection === 'page' && keyboardWedge !== null
        ? { detectIn: 'page', ...keyboardWedge.settings, prefix: [...keyboardWedge.settings.prefix], suffix: [...keyboardWedge.settings.suffix] }
        : null,
    tablet: tabletInfo(),
    timeZone: config.site.timeZone,
    clockAt: now(),
  });
  lastTabletInfo = JSON.stringify(tabletInfo());
  lastLockAt = tabletSyncDeadline()?.lockAt ?? null;

  let lastView = '';
  let lastLanguage = currentLanguage();
  session.subscribe({
    next: (snapshot) => {
      const view = sessionViewOf(snapshot);
      const serialized = JSON.stringify(view);
      if (serialized !== lastView) {
        lastView = serialized;
        emit('session.changed', view);
      }
      if (currentLanguage() !== lastLanguage) {
        lastLanguage = currentLanguage();
        emit('device.infoChanged', deviceInfo());
      }
      // Days pass: at a sign-in, a touch or a lock, the screens hear of a warning that has begun or a day that went by.
      refreshTabletInfo({ tellSession: false });
    },
    error: (error) => logger.fatal({ err: error }, 'session machine stopped'),
  });
  session.start();
  undo.push(() => {
    session.stop();
  });

  const readers = options.readers ?? config.readers.map((reader) => readerFor(reader, options.hid));
  keyboardWedge = readers.find(isKeyboardWedgeReader) ?? null;
  /** Good reads no credential rule accepted, per reader: only the site's rules know a bank card from a wristband. */
  const unrecognizedReads = new Map<string, number>();
  const readerStatuses = (): ReaderStatus[] =>
    readers.map((reader) => ({ ...reader.health(), unrecognizedReads: unrecognizedReads.get(reader.readerId) ?? 0 }));
  /** Service mode's "test your card here": every read, as role and reason only, told to the page only in service mode. */
  const readLog = createReadLog(25);
  const noteRead = (readerId: string, outcome: ReadOutcome): void => {
    const read = readLog.record(now(), readerId, outcome);
    if (signedInStaffId(session.getSnapshot()) !== null) emit('service.readSeen', read);
  };
  const knownHere = (credential: CredentialEvent): boolean => {
    if (credential.id === null) return false;
    switch (credential.role) {
      case 'resident':
        return residents.byCredential(credential.id) !== null;
      case 'staff':
        return staff.byBadge(credential.id) !== null;
      case 'unknown':
        return false;
      default: {
        const unreachable: never = credential.role;
        return unreachable;
      }
    }
  };
  const onReaderEvent = (event: ReaderEvent): void => {
    switch (event.type) {
      case 'scan': {
        const credential = mapCredential(event.frame);
        if (credential.role === 'unknown') unrecognizedReads.set(credential.source, (unrecognizedReads.get(credential.source) ?? 0) + 1);
        logger.info({ reader: credential.source, role: credential.role, format: credential.format }, 'credential read');
        noteRead(credential.source, { kind: 'read', format: credential.format, role: credential.role, knownHere: knownHere(credential) });
        // In service mode the machine only counts this as activity: a card tested there signs nobody in.
        session.send({ type: 'CREDENTIAL_READ', credential });
        break;
      }
      case 'rejected':
        logger.warn({ reader: event.readerId, reason: event.reason }, 'unreadable scan');
        noteRead(event.readerId, { kind: 'rejected', reason: event.reason });
        session.send({ type: 'CREDENTIAL_UNREADABLE' });
        break;
      case 'connection':
        logger.info({ reader: event.readerId, state: event.state, detail: event.detail }, 'reader connection');
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
    emit('device.readersChanged', readerStatuses());
  };
  const unsubscribeReaders = readers.map((reader) => reader.onEvent(onReaderEvent));
  await Promise.all(readers.map((reader) => reader.start()));

  const view = (): SessionView => sessionViewOf(session.getSnapshot());
  const settle = () => waitFor(session, (snapshot) => !sessionBusy(snapshot), { timeout: 30_000 });
  const syncStatus = (): SyncStatus => sync?.status() ?? notEnrolledStatus();
  const residentSyncNow = createResidentSyncTrigger({ sync: () => sync, now, notEnrolledStatus });

  const serviceMode = createServiceMode({
    config,
    dataDir: options.dataDir,
    storage,
    storeFile: join(options.dataDir, 'device.sqlite'),
    logFile: deviceLogPath(options.dataDir),
    appVersion,
    db: database,
    storeEncryption: store.encryption,
    now,
    enrolled: () => sync !== null,
    readerStatuses,
    readLog,
    syncStatus,
    tabletAssignee: () => tabletAssignment.assignee(),
  });
  /** The staff member the session says is in service mode (the dispatcher refused anyone else). */
  const requireStaff = (name: string): string => {
    const staffId = signedInStaffId(session.getSnapshot());
    if (!staffId) throw new DeviceCallError('notSignedIn', `${name} needs a staff member in service mode.`);
    return staffId;
  };
  /** Audits a service action as the staff member in service mode. */
  const staffAction = (name: string, action: 'syncNow' | 'exportLogs' | 'restartApp' | 'enrollDevice'): void => {
    const staffId = requireStaff(name);
    logger.info({ staffId, action }, 'service action');
    audit('staffAction', { kind: 'staff', id: staffId }, { action });
  };
  /** Lets the answer reach the screen before the shell takes the app down. */
  const restartDelayMs = 500;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Runs a resident's call as the resident the session says is signed in (the dispatcher already refused anyone else);
   * an id that is not theirs gets the same refusal whether or not it exists.
   */
  function forResident<T>(name: string, run: (residentId: string) => T): T {
    const residentId = signedInResidentId(session.getSnapshot());
    if (!residentId) throw new DeviceCallError('notSignedIn', `${name} needs someone signed in.`);
    try {
      return run(residentId);
    } catch (error) {
      if (error instanceof MailAccessError || error instanceof MoneyAccessError) throw new DeviceCallError('notAuthorized', error.message);
      throw error;
    }
  }

  async function enrollWithHub(hubUrl: string, code: string): Promise<EnrollOutcome> {
    const outcome = await enrollDevice({
      dataDir: options.dataDir,
      vault,
      hubUrl,
      code,
      previous: credentialRead.kind === 'found' ? credentialRead.credential : null,
      deviceName: config.device.name,
      appVersion,
      now,
      timeoutMs: syncSettings.requestTimeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (outcome.ok) {
      logger.info({ deviceId: outcome.credential.deviceId, kind: outcome.credential.kind, vault: vault.kind }, 'device enrolled with the hub');
      credentialRead = { kind: 'found', credential: outcome.credential, permissionsTightened: false };
      credentialRevoked = false;
      await sync?.stop();
      startSync(outcome.credential);
      emit('enrollment.changed', enrollmentStatusOf(actionDeps));
    } else {
      logger.warn({ code: outcome.error.code }, 'enrollment failed');
    }
    return outcome;
  }
  const actionDeps = {
    deviceName: config.device.name,
    siteHubUrl: config.hub?.url ?? null,
    credential: () => credentialRead,
    revoked: () => credentialRevoked,
    residentCount: () => residents.count(),
    enroll: enrollWithHub,
  };
  const restartForWipe = options.onRestartRequested;
  let wipeCommitted = false;
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
    credentialRevoked = true;
    session.send({ type: 'SIGN_OUT' });
    emit('enrollment.changed', enrollmentStatusOf(actionDeps));
    const engine = sync;
    sync = null;
    void engine?.stop();
    if (restartForWipe === undefined) return;
    clearTimeout(restartTimer);
    restartTimer = setTimeout(restartForWipe, restartDelayMs);
  }
  const deviceActions = deviceActionHandlers({
    ...actionDeps,
    requestWipe: restartForWipe === undefined ? null : () => wipeAndRestart('wipeDevice', signedInStaffId(session.getSnapshot())),
    reenroll: async (hubUrl, code) => {
      staffAction('service.reenroll', 'enrollDevice');
      return enrollWithHub(hubUrl, code);
    },
  });

  const handlers: CallHandlers = {
    ...deviceActions,
    'device.info': () => deviceInfo(),
    'device.readers': () => readerStatuses(),
    'device.keyboardRead': (input) => {
      // Exactly one detector per shell: where the shell detects, a page that sends reads is not ours to believe.
      if (keyboardWedgeDetection === 'shell') throw new DeviceCallError('noKeyboardReader', 'This shell reads the keyboard itself; the page sends no keyboard reads.');
      if (keyboardWedge === null) throw new DeviceCallError('noKeyboardReader', 'This site has no keyboard-mode card reader.');
      // The text is never logged; the reader checks it against its settings and maps it like any scan.
      if ('text' in input) keyboardWedge.acceptFrame(input.text);
      else keyboardWedge.rejectBurst(input.rejected);
      return { done: true as const };
    },
    'device.setLanguage': ({ language }) => {
      if (!config.languages.offered.includes(language)) {
        throw new DeviceCallError('languageNotOffered', `${language} is not offered at this site.`);
      }
      const residentId = signedInResidentId(session.getSnapshot());
      if (residentId) {
        residents.setLanguage(residentId, language);
        session.send({ type: 'LANGUAGE_CHOSEN', language });
      } else {
        attractLanguage = language;
      }
      if (currentLanguage() !== lastLanguage) {
        lastLanguage = currentLanguage();
        emit('device.infoChanged', deviceInfo());
      }
      return deviceInfo();
    },
    'session.current': () => view(),
    'session.enterPin': async ({ pin }) => {
      if (!acceptsPin(session.getSnapshot())) throw new DeviceCallError('wrongPhase', 'There is no card or lock screen waiting for a PIN.');
      session.send({ type: 'PIN_ENTERED', pin });
      await settle();
      return view();
    },
    'session.cancel': () => {
      session.send({ type: 'CANCEL' });
      return view();
    },
    'session.activity': () => {
      session.send({ type: 'ACTIVITY' });
      return { done: true as const };
    },
    'session.signOut': () => {
      session.send({ type: 'SIGN_OUT' });
      return view();
    },
    'sync.status': () => sync?.status() ?? notEnrolledStatus(),
    'sync.now': ({ reason }) =>
      forResident('sync.now', (residentId) => {
        const result = residentSyncNow(reason);
        logger.info({ residentId, reason, outcome: result.outcome }, 'resident asked for a sync');
        return result;
      }),
    'tablet.syncNow': () => {
      const snapshot = session.getSnapshot();
      if (!snapshot.matches('syncLocked') && !snapshot.matches({ locked: 'syncOverdue' })) throw new DeviceCallError('notAuthorized', 'tablet.syncNow is offered only on a tablet locked for sync age.');
      const result = residentSyncNow('asked');
      logger.info({ outcome: result.outcome }, 'sync asked for from the sync-age lock screen');
      return result;
    },
    'home.summary': () => {
      // The dispatcher let this through for a signed-in resident; read whose home it is from the session itself.
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) throw new DeviceCallError('notSignedIn', 'home.summary needs someone signed in.');
      return { ...homeSummaries.forResident(residentId), nextVisit: visits.next(residentId), stoppedLetters: letterNotices.unseenCount(residentId) };
    },
    'mail.conversations': () => forResident('mail.conversations', (residentId) => mail.conversations(residentId)),
    'mail.conversation': ({ contactId, page }) => forResident('mail.conversation', (residentId) => mail.conversation(residentId, contactId, page)),
    'mail.markRead': ({ messageId }) =>
      forResident('mail.markRead', (residentId) => {
        mail.markRead(residentId, messageId);
        return { done: true as const };
      }),
    'mail.cost': (request) => forResident('mail.cost', (residentId) => mail.cost(residentId, request)),
    'mail.send': (request) => forResident('mail.send', (residentId) => mail.send(residentId, request)),
    'mail.saveDraft': (draft) =>
      forResident('mail.saveDraft', (residentId) => {
        // Drafts are the first writes to stop on a full disk: the text stays on the person's screen, and what is left
        // of the disk goes to sync and the sign-out. They resume by themselves once there is room again.
        if (!storage.roomForDeferrableWrites()) throw new DeviceCallError('deviceFull', 'The draft was not saved: this device’s disk is full.');
        return mail.saveDraft(residentId, draft);
      }),
    'mail.drafts': () => forResident('mail.drafts', (residentId) => mail.drafts(residentId)),
    'mail.deleteDraft': ({ draftId }) =>
      forResident('mail.deleteDraft', (residentId) => {
        mail.deleteDraft(residentId, draftId);
        return { done: true as const };
      }),
    'mail.search': ({ query }) => forResident('mail.search', (residentId) => mail.search(residentId, query)),
    'mail.stoppedLetters': () =>
      forResident('mail.stoppedLetters', (residentId) =>
        letterNotices.forResident(residentId).map(({ reason, ...notice }) => ({ ...notice, reviewerReason: reason })),
      ),
    'mail.stoppedLettersSeen': () =>
      forResident('mail.stoppedLettersSeen', (residentId) => {
        letterNotices.markAllSeen(residentId, now());
        return { done: true as const };
      }),
    'visits.list': () => forResident('visits.list', (residentId) => visits.list(residentId)),
    'money.stamps': () => forResident('money.stamps', (residentId) => money.stamps(residentId)),
    'money.buyStamps': (request) => forResident('money.buyStamps', (residentId) => money.buyStamps(residentId, request)),
    'money.purchase': ({ requestId }) => forResident('money.purchase', (residentId) => money.purchase(residentId, requestId)),
    'money.account': ({ page }) => forResident('money.account', (residentId) => money.account(residentId, page)),
    'service.overview': () => serviceMode.overview(),
    'service.readers': () => serviceMode.readers(),
    'service.sync': () => syncStatus(),
    'service.syncNow': () => {
      staffAction('service.syncNow', 'syncNow');
      if (sync === null) return { started: false, status: syncStatus() };
      // Not awaited: a hub that does not answer would hold the call for the request timeout; the screen follows
      // sync.statusChanged instead.
      sync.send({ type: 'SYNC_NOW' });
      return { started: true, status: syncStatus() };
    },
    'service.logs': ({ limit }) => serviceMode.logs(limit),
    'service.exportLogs': () => {
      staffAction('service.exportLogs', 'exportLogs');
      const exported = serviceMode.exportLogs();
      logger.info({ fileName: exported.fileName, bytes: exported.bytes }, 'logs exported');
      return exported;
    },
    'service.restart': () => {
      const restart = options.onRestartRequested;
      if (restart === undefined) throw new DeviceCallError('unavailable', 'This shell cannot restart the app.');
      staffAction('service.restart', 'restartApp');
      // Signed out first, so the session ends (and is audited) as any other, not by the process going away.
      session.send({ type: 'SIGN_OUT' });
      clearTimeout(restartTimer);
      restartTimer = setTimeout(restart, restartDelayMs);
      return { done: true as const };
    },
    'service.signOut': () => {
      session.send({ type: 'SIGN_OUT' });
      return view();
    },
    'service.assignTablet': async ({ bookingNumber, staffPin }) => tabletAssignment.assign({ staffId: requireStaff('service.assignTablet'), staffPin }, bookingNumber),
    'service.unassignTablet': async ({ staffPin }) => tabletAssignment.unassign({ staffId: requireStaff('service.unassignTablet'), staffPin }),
  };

  const currentAccess = (): SessionAccess => {
    const snapshot = session.getSnapshot();
    const residentId = signedInResidentId(snapshot);
    if (residentId) return { kind: 'resident', residentId };
    const staffId = signedInStaffId(snapshot);
    return staffId ? { kind: 'staff', staffId } : { kind: 'none' };
  };
  const dispatcher = createDispatcher({
    handlers,
    currentAccess,
    onInternalError: (name, error) => logger.error({ err: error, call: name }, 'call failed'),
    onStorageFull: (name) => {
      storage.storageFull();
      logger.warn({ call: name }, 'a call met a full disk; the storage reserve was given back for sync and sign-out');
    },
  });
  // The disk is looked at again now and then, so the reserve comes back (and drafts and pulls resume) by themselves.
  const storageTimer = setInterval(() => {
    try {
      storage.refresh();
    } catch (error) {
      logger.error({ err: error }, 'the disk’s free space could not be read');
    }
  }, options.storageCheckMs ?? 30_000);
  storageTimer.unref();

  logger.info({ device: config.device.name, mode: config.device.mode, readers: readers.length, residents: residents.count() }, 'device runtime started');

  return {
    config,
    database,
    get sync() {
      return sync;
    },
    shellKeyboardWedge: keyboardWedgeDetection === 'shell' ? keyboardWedge : null,
    storage,
    enroll: enrollWithHub,
    bridge: {
      call: dispatcher.call,
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    attachment(messageId, attachmentId) {
      const residentId = signedInResidentId(session.getSnapshot());
      if (!residentId) return { ok: false, refusal: 'notSignedIn', problem: 'nobody is signed in' };
      const content = readAttachmentContent({ queries: attachmentLookup, pathOf: blobFiles.pathOf }, residentId, messageId, attachmentId);
      // Never the person or the content: which attachment, and what was wrong with its file.
      if (!content.ok && content.refusal === 'damaged') logger.warn({ messageId, attachmentId, problem: content.problem }, 'attachment refused');
      return content;
    },
    async stop() {
      clearTimeout(restartTimer);
      clearInterval(storageTimer);
      unsubscribeReaders.forEach((unsubscribe) => unsubscribe());
      await Promise.allSettled(readers.map((reader) => reader.stop()));
      session.stop();
      // Before the store closes: the engine waits for a step in flight to finish or abort.
      await sync?.stop();
      searchIndexer.stop();
      await searchIndexer.whenIdle();
      listeners.clear();
      database.close();
      logger.info('device runtime stopped');
      logger.flush();
    },
  };
}

function requireConfigFile(file: string | undefined): string {
  if (!file) throw new Error('createDeviceRuntime needs configFile or config');
  return file;
}
