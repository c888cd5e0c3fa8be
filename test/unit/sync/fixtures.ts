// Records, changes and batches shaped exactly by the hub's protocol schemas (each builder parses what it returns),
// and a real store on disk in a temp folder.
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BalanceRecord,
  ContactRecord,
  LedgerEntryRecord,
  MessageRecord,
  PullResponse,
  ResidentRecord,
  SiteRulesRecord,
  StaffRecord,
  VisitRecord,
  LetterStoppedRecord,
  MessagingPauseRecord,
  type AttachmentRecord,
  type Change,
  type SyncedEntity,
} from '../../../hub/protocol';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { makeTempDir } from '../../support/temp-dir';

export const sha256Of = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

export function resident(residentId: string, overrides: Partial<ResidentRecord> = {}): ResidentRecord {
  return ResidentRecord.parse({
    residentId,
    credentialId: `cred-${residentId}`,
    displayName: `Resident ${residentId}`,
    pinHash: 'scrypt:32768:8:1:c2FsdA==:a2V5',
    language: 'en',
    housingUnitId: 'B',
    lockedUntil: null,
    lockoutClearedAt: null,
    ...overrides,
  });
}

export function staff(staffId: string, overrides: Partial<StaffRecord> = {}): StaffRecord {
  return StaffRecord.parse({ staffId, displayName: `Officer ${staffId}`, badgeHash: sha256Of(staffId), pinHash: 'scrypt:x', ...overrides });
}

export function contact(contactId: string, residentId: string, overrides: Partial<ContactRecord> = {}): ContactRecord {
  return ContactRecord.parse({ contactId, residentId, displayName: `Contact ${contactId}`, relationship: 'sister', approved: true, ...overrides });
}

export function attachment(attachmentId: string, bytes: Uint8Array | string, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord {
  return {
    attachmentId,
    kind: 'photo',
    sha256: sha256Of(bytes),
    byteSize: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength,
    mimeType: 'image/jpeg',
    status: 'delivered',
    rejectionReason: null,
    ...overrides,
  };
}

export function message(messageId: string, residentId: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return MessageRecord.parse({
    messageId,
    residentId,
    contactId: `c-${residentId}`,
    direction: 'inbound',
    body: `Message ${messageId}`,
    writtenAt: 1_000,
    receivedAt: 2_000,
    status: 'delivered',
    statusChangedAt: 2_000,
    rejectionReason: null,
    carriesReturnStamp: false,
    returnStampUsed: false,
    replyToMessageId: null,
    stampsCharged: 1,
    stampsReturned: 0,
    readAt: null,
    attachments: [],
    ...overrides,
  });
}

export function ledgerEntry(entryId: string, residentId: string, amount: number, overrides: Partial<LedgerEntryRecord> = {}): LedgerEntryRecord {
  return LedgerEntryRecord.parse({ entryId, residentId, amount, kind: amount >= 0 ? 'deposit' : 'purchase', reference: '', createdAt: 3_000, ...overrides });
}

export function balance(residentId: string, overrides: Partial<BalanceRecord> = {}): BalanceRecord {
  return BalanceRecord.parse({ residentId, stamps: 4, availableCents: 1250, holdsCents: 0, confirmedAt: 4_000, ...overrides });
}

export function visit(visitId: string, residentId: string, overrides: Partial<VisitRecord> = {}): VisitRecord {
  return VisitRecord.parse({
    visitId,
    residentId,
    visitorName: 'Rosa',
    kind: 'remote',
    startsAt: 5_000,
    durationMinutes: 30,
    status: 'scheduled',
    ...overrides,
  });
}

export function letterStopped(noticeId: string, residentId: string, overrides: Partial<LetterStoppedRecord> = {}): LetterStoppedRecord {
  return LetterStoppedRecord.parse({
    noticeId,
    residentId,
    contactId: `c-${residentId}`,
    senderName: 'Denise Lee',
    reason: 'Not allowed here.',
    stoppedAt: 6_000,
    afterDelivery: false,
    ...overrides,
  });
}

export function siteRules(siteId = 'site-1', overrides: Partial<SiteRulesRecord> = {}): SiteRulesRecord {
  return SiteRulesRecord.parse({
    siteId,
    siteName: 'Riverbend',
    charactersPerStamp: 6000,
    stampsPerAttachment: 1,
    maxAttachments: 5,
    maxAttachmentBytes: 3_000_000,
    refundStampsOnRejection: false,
    stampBooks: [{ stamps: 5, priceCents: 250 }],
    ...overrides,
  });
}

type UpsertData = {
  resident: ResidentRecord;
  staff: StaffRecord;
  contact: ContactRecord;
  message: MessageRecord;
  stampEntry: LedgerEntryRecord;
  debitEntry: LedgerEntryRecord;
  balance: BalanceRecord;
  visit: VisitRecord;
  letterStopped: LetterStoppedRecord;
  messagingPause: MessagingPauseRecord;
  siteRules: SiteRulesRecord;
};

const keyOf = (entity: SyncedEntity, data: UpsertData[SyncedEntity]): string => {
  switch (entity) {
    case 'resident':
    case 'balance':
      return (data as ResidentRecord | BalanceRecord).residentId;
    case 'staff':
      return (data as StaffRecord).staffId;
    case 'contact':
      return (data as ContactRecord).contactId;
    case 'message':
      return (data as MessageRecord).messageId;
    case 'stampEntry':
    case 'debitEntry':
      return (data as LedgerEntryRecord).entryId;
    case 'visit':
      return (data as VisitRecord).visitId;
    case 'letterStopped':
      return (data as LetterStoppedRecord).noticeId;
    case 'messagingPause':
      return (data as MessagingPauseRecord).pauseId;
    case 'siteRules':
      return (data as SiteRulesRecord).siteId;
    default: {
      const unreachable: never = entity;
      return unreachable;
    }
  }
};

export function upsert<E extends SyncedEntity>(entity: E, data: UpsertData[E], version: number): Change {
  return { entity, id: keyOf(entity, data), version, op: 'upsert', data } as Change;
}

export function remove(entity: SyncedEntity, id: string, version: number): Change {
  return { entity, id, version, op: 'delete' };
}

export function evict(residentId: string, version = 0): Change {
  return { entity: 'resident', id: residentId, version, op: 'evict' };
}

/** A pull answer as the hub sends it; parsed, so a fixture can never drift from the protocol. */
export function pullBatch(changes: Change[], cursor: string, hasMore = false, serverTime = 10_000): PullResponse {
  return PullResponse.parse({ changes, cursor, hasMore, serverTime });
}

export interface TempStore {
  readonly db: DeviceDatabase;
  readonly dir: string;
  readonly file: string;
  reopen(): DeviceDatabase;
  cleanup(): void;
}

/**
 * A real SQLite file in a fresh temp folder, migrated to the latest schema. With `copyOf`, a copy of that closed store
 * (one made by tempStore and closed, so migrated and empty) instead of migrating anew: a model test that needs a fresh
 * store for each of its runs pays for the migrations once.
 */
export function tempStore(options: { copyOf?: string } = {}): TempStore {
  const temp = makeTempDir('dayroom-sync-');
  const file = join(temp.path, 'device.sqlite');
  if (options.copyOf !== undefined) copyFileSync(options.copyOf, file);
  let db = openDeviceDatabase(file);
  return {
    get db() {
      return db;
    },
    dir: temp.path,
    file,
    reopen() {
      db.close();
      db = openDeviceDatabase(file);
      return db;
    },
    cleanup() {
      if (db.open) db.close();
      temp.remove();
    },
  };
}
