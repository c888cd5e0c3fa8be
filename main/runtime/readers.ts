// The card readers: which ones this site has, and what a read does (a sign-in attempt through the session, a line in
// service mode's read log, a count of reads no credential rule accepted).
import { createCredentialMapper, type CredentialEvent } from '../signin/credential-mapping';
import { createHidMagstripeReader, type HidLoader } from '../../hardware/drivers/hid-magstripe';
import { createKeyboardWedgeReader } from '../../hardware/drivers/keyboard-wedge';
import { createSerialRfidReader } from '../../hardware/drivers/serial-rfid';
import { createSerialScanner } from '../../hardware/drivers/serial-scanner';
import type { CredentialReader, ReaderEvent } from '../../hardware/reader';
import type { KioskConfig } from '../../kiosk-config/schema';
import type { ReaderConfig } from '../../hardware/reader-config';
import type { ReaderStatus } from '../contract';
import type { Logger } from '../logging';
import { createReadLog, type ReadLog, type ReadOutcome } from '../service-mode/read-log';
import { signedInStaffId } from '../session/kiosk-session';
import type { ResidentQueries } from '../store/residents';
import type { StaffQueries } from '../store/staff';
import type { EventListener } from './events';
import type { SessionHandle } from './session-actor';

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

/** The readers tests inject, else the ones the site file names; created, not started. */
export function readersOf(config: KioskConfig, injected: readonly CredentialReader[] | undefined, hid: HidLoader | undefined): readonly CredentialReader[] {
  return injected ?? config.readers.map((reader) => readerFor(reader, hid));
}

export interface ConnectedReaders {
  readerStatuses(): ReaderStatus[];
  /** Service mode's "test your card here": every read, as role and reason only. */
  readonly readLog: ReadLog;
  /** Starts every reader; resolves once all have started. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReaderWiringDeps {
  readonly readers: readonly CredentialReader[];
  readonly config: KioskConfig;
  readonly residents: Pick<ResidentQueries, 'byCredential'>;
  readonly staff: Pick<StaffQueries, 'byBadge'>;
  readonly session: SessionHandle;
  readonly emit: EventListener;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Subscribes to every reader at once; start() then starts them. */
export function connectReaders({ readers, config, residents, staff, session, emit, logger, now }: ReaderWiringDeps): ConnectedReaders {
  const mapCredential = createCredentialMapper(config.credentials);
  /** Good reads no credential rule accepted, per reader: only the site's rules know a bank card from a wristband. */
  const unrecognizedReads = new Map<string, number>();
  const readerStatuses = (): ReaderStatus[] =>
    readers.map((reader) => ({ ...reader.health(), unrecognizedReads: unrecognizedReads.get(reader.readerId) ?? 0 }));
  const readLog = createReadLog(25);
  /** Told to the page only in service mode. */
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
  return {
    readerStatuses,
    readLog,
    start: async () => {
      await Promise.all(readers.map((reader) => reader.start()));
    },
    stop: async () => {
      unsubscribeReaders.forEach((unsubscribe) => unsubscribe());
      await Promise.allSettled(readers.map((reader) => reader.stop()));
    },
  };
}
