// Queries over the replica of the hub's records (migration 0006): staff, contacts, messages with their attachments,
// stamp and debit ledger entries, balances, visits and site rules, plus the tombstones of deleted records.
// Rows are written exactly as the hub sent them; whether a change is newer is decided by the caller (sync/apply-pull)
// from `knownVersion`. Residents and PIN lockouts keep their SQL in residents.ts and pin-lockouts.ts.
import type {
  BalanceRecord,
  ContactRecord,
  LedgerEntryRecord,
  LetterStoppedRecord,
  MessageRecord,
  MessagingPauseRecord,
  SiteRulesRecord,
  StaffRecord,
  SyncedEntity,
  VisitRecord,
} from '../../hub/protocol';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { SiteLanguages } from '../../rules/language';
import { storedCaptionTracks } from './caption-tracks';
import type { DeviceDatabase } from './database';

/** An entity stored in this module's tables (residents live in residents.ts). */
export type ReplicaEntity = Exclude<SyncedEntity, 'resident'>;

const tables: Record<ReplicaEntity, { table: string; key: string }> = {
  staff: { table: 'staff', key: 'staff_id' },
  contact: { table: 'contacts', key: 'contact_id' },
  message: { table: 'messages', key: 'message_id' },
  stampEntry: { table: 'stamp_entries', key: 'entry_id' },
  debitEntry: { table: 'debit_entries', key: 'entry_id' },
  balance: { table: 'balances', key: 'resident_id' },
  visit: { table: 'visits', key: 'visit_id' },
  letterStopped: { table: 'letter_notices', key: 'notice_id' },
  messagingPause: { table: 'messaging_pauses', key: 'pause_id' },
  siteRules: { table: 'site_rules', key: 'site_id' },
};

/** Tables holding one resident's records, by the column that names the resident. Evict empties each of them. */
const residentTables = ['messages', 'contacts', 'stamp_entries', 'debit_entries', 'balances', 'visits', 'letter_notices', 'messaging_pauses'] as const;

const bit = (flag: boolean): number => (flag ? 1 : 0);

/** The site's languages as the hub last sent them, or nothing (the site file's) when it has not or the stored value does not parse. */
function siteLanguagesOf(stored: string | null): { languages?: SiteLanguages } {
  if (stored === null) return {};
  try {
    const parsed = SiteLanguages.safeParse(JSON.parse(stored));
    return parsed.success ? { languages: parsed.data } : {};
  } catch {
    return {};
  }
}

interface MessageRow {
  message_id: string;
  resident_id: string;
  contact_id: string;
  direction: MessageRecord['direction'];
  body: string;
  written_at: number;
  received_at: number;
  status: MessageRecord['status'];
  status_changed_at: number;
  rejection_reason: string | null;
  carries_return_stamp: number;
  return_stamp_used: number;
  reply_to_message_id: string | null;
  stamps_charged: number;
  stamps_returned: number;
  read_at: number | null;
  version: number;
}

interface AttachmentRow {
  message_id: string;
  attachment_id: string;
  kind: MessageRecord['attachments'][number]['kind'];
  sha256: string;
  byte_size: number;
  mime_type: MessageRecord['attachments'][number]['mimeType'];
  status: MessageRecord['attachments'][number]['status'];
  rejection_reason: string | null;
  /** The caption tracks as JSON, or null for none (migration 0018). */
  captions: string | null;
}

interface LedgerRow {
  entry_id: string;
  resident_id: string;
  amount: number;
  kind: string;
  reference: string;
  created_at: number;
  version: number;
}

type MessageParameters = [
  messageId: string,
  residentId: string,
  contactId: string,
  direction: MessageRecord['direction'],
  body: string,
  writtenAt: number,
  receivedAt: number,
  status: MessageRecord['status'],
  statusChangedAt: number,
  rejectionReason: string | null,
  carriesReturnStamp: number,
  returnStampUsed: number,
  replyToMessageId: string | null,
  stampsCharged: number,
  stampsReturned: number,
  readAt: number | null,
  version: number,
];

type AttachmentParameters = [
  messageId: string,
  attachmentId: string,
  position: number,
  kind: MessageRecord['attachments'][number]['kind'],
  sha256: string,
  byteSize: number,
  mimeType: MessageRecord['attachments'][number]['mimeType'],
  status: MessageRecord['attachments'][number]['status'],
  rejectionReason: string | null,
  /** The caption tracks as JSON; null for none. */
  captions: string | null,
  /** Again, for the downloaded flag's lookup (better-sqlite3 binds each `?` once). */
  sameSha256: string,
];

/** One replica row as the hub's record: what the replica digest is computed over. */
export type ReplicaRow =
  | { readonly entity: 'staff'; readonly id: string; readonly version: number; readonly data: StaffRecord }
  | { readonly entity: 'contact'; readonly id: string; readonly version: number; readonly data: ContactRecord }
  | { readonly entity: 'message'; readonly id: string; readonly version: number; readonly data: MessageRecord }
  | { readonly entity: 'stampEntry' | 'debitEntry'; readonly id: string; readonly version: number; readonly data: LedgerEntryRecord }
  | { readonly entity: 'balance'; readonly id: string; readonly version: number; readonly data: BalanceRecord }
  | { readonly entity: 'visit'; readonly id: string; readonly version: number; readonly data: VisitRecord }
  | { readonly entity: 'letterStopped'; readonly id: string; readonly version: number; readonly data: LetterStoppedRecord }
  | { readonly entity: 'messagingPause'; readonly id: string; readonly version: number; readonly data: MessagingPauseRecord }
  | { readonly entity: 'siteRules'; readonly id: string; readonly version: number; readonly data: SiteRulesRecord };

/** What the device holds of one record: the version of its row and of its tombstone (null where there is none). */
export interface KnownVersions {
  readonly row: number | null;
  readonly tombstone: number | null;
}

export interface ReplicaQueries {
  /** The versions of the record's row and tombstone, in one statement (apply-pull asks this for every change). */
  knownVersions(entity: SyncedEntity, id: string): KnownVersions;
  /**
   * The same for many records of one entity, in two statements: the versions of the rows and of the tombstones that
   * exist, by id (an id in neither map is a record the device has never held).
   */
  knownVersionsOf(entity: SyncedEntity, ids: readonly string[]): { readonly rows: Map<string, number>; readonly tombstones: Map<string, number> };
  putTombstone(entity: SyncedEntity, id: string, version: number): void;
  clearTombstone(entity: SyncedEntity, id: string): void;

  putStaff(staff: StaffRecord, version: number): void;
  putContact(contact: ContactRecord, version: number): void;
  /** Writes the message and makes its attachment rows match the record; returns the hashes it stopped referring to. */
  putMessage(message: MessageRecord, version: number, known?: { readonly absent: boolean }): string[];
  putLedgerEntry(ledger: 'stampEntry' | 'debitEntry', entry: LedgerEntryRecord, version: number): void;
  putBalance(balance: BalanceRecord, version: number): void;
  putVisit(visit: VisitRecord, version: number): void;
  putLetterStopped(notice: LetterStoppedRecord, version: number): void;
  putMessagingPause(pause: MessagingPauseRecord, version: number): void;
  putSiteRules(rules: SiteRulesRecord, version: number): void;
  /** The languages the hub says the site offers, or null until it has said (the site file's then). */
  siteLanguages(): SiteLanguages | null;

  /** Deletes one row; returns the attachment hashes it referred to (for a message). */
  remove(entity: ReplicaEntity, id: string): string[];
  /** Deletes every replica row of the resident; returns the attachment hashes their messages referred to. */
  removeResidentRecords(residentId: string): string[];
  /** Of these hashes, the ones no attachment row refers to any more. */
  unreferenced(sha256s: Iterable<string>): string[];

  /** Every replica row, ordered by entity then id. */
  rows(): ReplicaRow[];
  /** Empties the replica and its tombstones (the device took a new identity and will pull its scope afresh). */
  clearAll(): void;
}

export function replicaQueries(db: DeviceDatabase): ReplicaQueries {
  const statementPer = <T>(make: (table: string, key: string) => T): Record<ReplicaEntity, T> =>
    Object.fromEntries(Object.entries(tables).map(([entity, { table, key }]) => [entity, make(table, key)])) as Record<ReplicaEntity, T>;
  // Table and column names come from the fixed map above, never from input.
  // Residents keep their SQL in residents.ts, but their version is asked together with the tombstone like the rest.
  const knownStatements = Object.fromEntries(
    Object.entries({ ...tables, resident: { table: 'residents', key: 'resident_id' } }).map(([entity, { table, key }]) => [
      entity,
      db.prepare<[id: string, entity: string, sameId: string], { row: number | null; tombstone: number | null }>(
        `SELECT (SELECT version FROM ${table} WHERE ${key} = ?) AS row,
                (SELECT version FROM sync_tombstones WHERE entity = ? AND record_id = ?) AS tombstone`,
      ),
    ]),
  ) as Record<SyncedEntity, Statement<[id: string, entity: string, sameId: string], { row: number | null; tombstone: number | null }>>;
  // The ids travel as one JSON array (json_each), so a batch of 1,000 changes asks two statements, not 1,000.
  const knownRowsStatements = Object.fromEntries(
    Object.entries({ ...tables, resident: { table: 'residents', key: 'resident_id' } }).map(([entity, { table, key }]) => [
      entity,
      db.prepare<[ids: string], { id: string; version: number }>(`SELECT ${key} AS id, version FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`),
    ]),
  ) as Record<SyncedEntity, Statement<[ids: string], { id: string; version: number }>>;
  const knownTombstones = db.prepare<[entity: string, ids: string], { id: string; version: number }>(
    'SELECT record_id AS id, version FROM sync_tombstones WHERE entity = ? AND record_id IN (SELECT value FROM json_each(?))',
  );
  const deleteStatements = statementPer((table, key) => db.prepare<[string]>(`DELETE FROM ${table} WHERE ${key} = ?`));
  const clearStatements = [...Object.values(tables).map(({ table }) => table), 'sync_tombstones'].map((table) => db.prepare(`DELETE FROM ${table}`));
  const residentDeletes = residentTables.map((table) => db.prepare<[string]>(`DELETE FROM ${table} WHERE resident_id = ?`));

  const upsertTombstone = db.prepare(`
    INSERT INTO sync_tombstones (entity, record_id, version) VALUES (?, ?, ?)
    ON CONFLICT (entity, record_id) DO UPDATE SET version = max(version, excluded.version)`);
  const deleteTombstone = db.prepare('DELETE FROM sync_tombstones WHERE entity = ? AND record_id = ?');

  const upsertStaff = db.prepare(`
    INSERT INTO staff (staff_id, display_name, badge_hash, pin_hash, version) VALUES (@staffId, @displayName, @badgeHash, @pinHash, @version)
    ON CONFLICT (staff_id) DO UPDATE SET display_name = excluded.display_name, badge_hash = excluded.badge_hash,
      pin_hash = excluded.pin_hash, version = excluded.version`);
  const upsertContact = db.prepare(`
    INSERT INTO contacts (contact_id, resident_id, display_name, relationship, approved, version)
    VALUES (@contactId, @residentId, @displayName, @relationship, @approved, @version)
    ON CONFLICT (contact_id) DO UPDATE SET resident_id = excluded.resident_id, display_name = excluded.display_name,
      relationship = excluded.relationship, approved = excluded.approved, version = excluded.version`);
  // Messages are most of what a device pulls: positional parameters, bound from the record without building an object
  // per row, cost measurably less than named ones (BENCHMARKS.md, sync-apply).
  const upsertMessage = db.prepare<MessageParameters>(`
    INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
      rejection_reason, carries_return_stamp, return_stamp_used, reply_to_message_id, stamps_charged, stamps_returned, read_at, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (message_id) DO UPDATE SET resident_id = excluded.resident_id, contact_id = excluded.contact_id,
      direction = excluded.direction, body = excluded.body, written_at = excluded.written_at, received_at = excluded.received_at,
      status = excluded.status, status_changed_at = excluded.status_changed_at, rejection_reason = excluded.rejection_reason,
      carries_return_stamp = excluded.carries_return_stamp, return_stamp_used = excluded.return_stamp_used,
      reply_to_message_id = excluded.reply_to_message_id, stamps_charged = excluded.stamps_charged,
      stamps_returned = excluded.stamps_returned, read_at = excluded.read_at, version = excluded.version`);
  const selectAttachmentHashes = db.prepare<[string], { attachment_id: string; sha256: string }>(
    'SELECT attachment_id, sha256 FROM message_attachments WHERE message_id = ?',
  );
  const deleteAttachment = db.prepare('DELETE FROM message_attachments WHERE message_id = ? AND attachment_id = ?');
  // A new row starts downloaded when the same bytes are already on disk for another attachment (blobs are shared by
  // hash); a row whose hash is unchanged keeps its flag.
  const upsertAttachment = db.prepare<AttachmentParameters>(`
    INSERT INTO message_attachments (message_id, attachment_id, position, kind, sha256, byte_size, mime_type, status, rejection_reason, captions, downloaded)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce((SELECT max(downloaded) FROM message_attachments WHERE sha256 = ?), 0))
    ON CONFLICT (message_id, attachment_id) DO UPDATE SET position = excluded.position, kind = excluded.kind,
      byte_size = excluded.byte_size, mime_type = excluded.mime_type, status = excluded.status,
      rejection_reason = excluded.rejection_reason, captions = excluded.captions,
      downloaded = CASE WHEN message_attachments.sha256 = excluded.sha256 THEN message_attachments.downloaded ELSE excluded.downloaded END,
      sha256 = excluded.sha256`);
  const selectResidentHashes = db.prepare<[string], { sha256: string }>(
    'SELECT DISTINCT a.sha256 FROM message_attachments a JOIN messages m ON m.message_id = a.message_id WHERE m.resident_id = ?',
  );
  const countReferences = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM message_attachments WHERE sha256 = ?');
  const ledgerStatements = {
    stampEntry: db.prepare(`
      INSERT INTO stamp_entries (entry_id, resident_id, amount, kind, reference, created_at, version)
      VALUES (@entryId, @residentId, @amount, @kind, @reference, @createdAt, @version)
      ON CONFLICT (entry_id) DO UPDATE SET resident_id = excluded.resident_id, amount = excluded.amount, kind = excluded.kind,
        reference = excluded.reference, created_at = excluded.created_at, version = excluded.version`),
    debitEntry: db.prepare(`
      INSERT INTO debit_entries (entry_id, resident_id, amount_cents, kind, reference, created_at, version)
      VALUES (@entryId, @residentId, @amount, @kind, @reference, @createdAt, @version)
      ON CONFLICT (entry_id) DO UPDATE SET resident_id = excluded.resident_id, amount_cents = excluded.amount_cents, kind = excluded.kind,
        reference = excluded.reference, created_at = excluded.created_at, version = excluded.version`),
  };
  const upsertBalance = db.prepare(`
    INSERT INTO balances (resident_id, stamps, available_cents, holds_cents, confirmed_at, version)
    VALUES (@residentId, @stamps, @availableCents, @holdsCents, @confirmedAt, @version)
    ON CONFLICT (resident_id) DO UPDATE SET stamps = excluded.stamps, available_cents = excluded.available_cents,
      holds_cents = excluded.holds_cents, confirmed_at = excluded.confirmed_at, version = excluded.version`);
  const upsertVisit = db.prepare(`
    INSERT INTO visits (visit_id, resident_id, visitor_name, kind, starts_at, duration_minutes, status, version, cancellation_reason)
    VALUES (@visitId, @residentId, @visitorName, @kind, @startsAt, @durationMinutes, @status, @version, @cancellationReason)
    ON CONFLICT (visit_id) DO UPDATE SET resident_id = excluded.resident_id, visitor_name = excluded.visitor_name, kind = excluded.kind,
      starts_at = excluded.starts_at, duration_minutes = excluded.duration_minutes, status = excluded.status, version = excluded.version,
      cancellation_reason = excluded.cancellation_reason`);
  // A newer version keeps the device's own seen_at: the person has seen the notice, whatever the hub corrected in it.
  const upsertLetterStopped = db.prepare(`
    INSERT INTO letter_notices (notice_id, resident_id, contact_id, sender_name, reason, stopped_at, after_delivery, version)
    VALUES (@noticeId, @residentId, @contactId, @senderName, @reason, @stoppedAt, @afterDelivery, @version)
    ON CONFLICT (notice_id) DO UPDATE SET resident_id = excluded.resident_id, contact_id = excluded.contact_id,
      sender_name = excluded.sender_name, reason = excluded.reason, stopped_at = excluded.stopped_at,
      after_delivery = excluded.after_delivery, version = excluded.version`);
  const upsertMessagingPause = db.prepare(`
    INSERT INTO messaging_pauses (pause_id, resident_id, paused_until, reason, version)
    VALUES (@pauseId, @residentId, @pausedUntil, @reason, @version)
    ON CONFLICT (pause_id) DO UPDATE SET resident_id = excluded.resident_id, paused_until = excluded.paused_until, reason = excluded.reason,
      version = excluded.version`);
  const upsertSiteRules = db.prepare(`
    INSERT INTO site_rules (site_id, site_name, characters_per_stamp, stamps_per_attachment, max_attachments, max_attachment_bytes,
      refund_stamps_on_rejection, languages, version)
    VALUES (@siteId, @siteName, @charactersPerStamp, @stampsPerAttachment, @maxAttachments, @maxAttachmentBytes, @refundStampsOnRejection, @languages, @version)
    ON CONFLICT (site_id) DO UPDATE SET site_name = excluded.site_name, characters_per_stamp = excluded.characters_per_stamp,
      stamps_per_attachment = excluded.stamps_per_attachment, max_attachments = excluded.max_attachments,
      max_attachment_bytes = excluded.max_attachment_bytes, refund_stamps_on_rejection = excluded.refund_stamps_on_rejection,
      languages = excluded.languages, version = excluded.version`);
  const deleteStampBooks = db.prepare('DELETE FROM site_stamp_books WHERE site_id = ?');
  // A device belongs to one site (its pull carries that site's rules only).
  const selectSiteLanguages = db.prepare<[], { languages: string | null }>('SELECT languages FROM site_rules ORDER BY site_id LIMIT 1');
  const insertStampBook = db.prepare('INSERT INTO site_stamp_books (site_id, position, stamps, price_cents) VALUES (?, ?, ?, ?)');

  const selectStaff = db.prepare<[], { staff_id: string; display_name: string; badge_hash: string; pin_hash: string; version: number }>(
    'SELECT * FROM staff ORDER BY staff_id',
  );
  const selectContacts = db.prepare<
    [],
    { contact_id: string; resident_id: string; display_name: string; relationship: string; approved: number; version: number }
  >('SELECT * FROM contacts ORDER BY contact_id');
  const selectMessages = db.prepare<[], MessageRow>('SELECT * FROM messages ORDER BY message_id');
  const selectAttachments = db.prepare<[], AttachmentRow>('SELECT * FROM message_attachments ORDER BY message_id, position');
  const selectStampEntries = db.prepare<[], LedgerRow>('SELECT * FROM stamp_entries ORDER BY entry_id');
  const selectDebitEntries = db.prepare<[], LedgerRow>(
    'SELECT entry_id, resident_id, amount_cents AS amount, kind, reference, created_at, version FROM debit_entries ORDER BY entry_id',
  );
  const selectBalances = db.prepare<
    [],
    { resident_id: string; stamps: number; available_cents: number; holds_cents: number; confirmed_at: number; version: number }
  >('SELECT * FROM balances ORDER BY resident_id');
  const selectVisits = db.prepare<
    [],
    {
      visit_id: string;
      resident_id: string;
      visitor_name: string;
      kind: VisitRecord['kind'];
      starts_at: number;
      duration_minutes: number;
      status: VisitRecord['status'];
      version: number;
      cancellation_reason: string | null;
    }
  >('SELECT * FROM visits ORDER BY visit_id');
  const selectLetterNotices = db.prepare<
    [],
    {
      notice_id: string;
      resident_id: string;
      contact_id: string;
      sender_name: string;
      reason: string;
      stopped_at: number;
      after_delivery: number;
      version: number;
    }
  >('SELECT * FROM letter_notices ORDER BY notice_id');
  const selectMessagingPauses = db.prepare<[], { pause_id: string; resident_id: string; paused_until: number; reason: string; version: number }>(
    'SELECT * FROM messaging_pauses ORDER BY pause_id',
  );
  const selectSiteRules = db.prepare<
    [],
    {
      site_id: string;
      site_name: string;
      characters_per_stamp: number;
      stamps_per_attachment: number;
      max_attachments: number;
      max_attachment_bytes: number;
      refund_stamps_on_rejection: number;
      languages: string | null;
      version: number;
    }
  >('SELECT * FROM site_rules ORDER BY site_id');
  const selectStampBooks = db.prepare<[], { site_id: string; stamps: number; price_cents: number }>(
    'SELECT * FROM site_stamp_books ORDER BY site_id, position',
  );

  const ledgerRecord = (row: LedgerRow): LedgerEntryRecord => ({
    entryId: row.entry_id,
    residentId: row.resident_id,
    amount: row.amount,
    kind: row.kind,
    reference: row.reference,
    createdAt: row.created_at,
  });

  return {
    knownVersions: (entity, id) => knownStatements[entity].get(id, entity, id) ?? { row: null, tombstone: null },
    knownVersionsOf: (entity, ids) => {
      const list = JSON.stringify(ids);
      const versionsById = (rows: readonly { id: string; version: number }[]): Map<string, number> => new Map(rows.map((row) => [row.id, row.version]));
      return { rows: versionsById(knownRowsStatements[entity].all(list)), tombstones: versionsById(knownTombstones.all(entity, list)) };
    },
    putTombstone: (entity, id, version) => {
      upsertTombstone.run(entity, id, version);
    },
    clearTombstone: (entity, id) => {
      deleteTombstone.run(entity, id);
    },

    putStaff: (staff, version) => {
      upsertStaff.run({ ...staff, version });
    },
    putContact: (contact, version) => {
      upsertContact.run({ ...contact, approved: bit(contact.approved), version });
    },
    putMessage: (message, version, known = { absent: false }) => {
      const { attachments } = message;
      upsertMessage.run(
        message.messageId,
        message.residentId,
        message.contactId,
        message.direction,
        message.body,
        message.writtenAt,
        message.receivedAt,
        message.status,
        message.statusChangedAt,
        message.rejectionReason,
        bit(message.carriesReturnStamp),
        bit(message.returnStampUsed),
        message.replyToMessageId,
        message.stampsCharged,
        message.stampsReturned,
        message.readAt,
        version,
      );
      const released: string[] = [];
      // A message the device has never held has no attachment rows to reconcile (most of a catch-up).
      if (!known.absent) {
        const kept = new Set(attachments.map((attachment) => attachment.attachmentId));
        for (const existing of selectAttachmentHashes.all(message.messageId)) {
          released.push(existing.sha256);
          if (!kept.has(existing.attachment_id)) deleteAttachment.run(message.messageId, existing.attachment_id);
        }
      }
      attachments.forEach((attachment, position) => {
        upsertAttachment.run(
          message.messageId,
          attachment.attachmentId,
          position,
          attachment.kind,
          attachment.sha256,
          attachment.byteSize,
          attachment.mimeType,
          attachment.status,
          attachment.rejectionReason,
          attachment.captions === undefined ? null : JSON.stringify(attachment.captions),
          attachment.sha256,
        );
      });
      return released;
    },
    putLedgerEntry: (ledger, entry, version) => {
      ledgerStatements[ledger].run({ ...entry, version });
    },
    putBalance: (balance, version) => {
      upsertBalance.run({ ...balance, version });
    },
    putVisit: (visit, version) => {
      upsertVisit.run({ ...visit, version, cancellationReason: visit.cancellationReason ?? null });
    },
    putLetterStopped: (notice, version) => {
      upsertLetterStopped.run({ ...notice, afterDelivery: bit(notice.afterDelivery), version });
    },
    putMessagingPause: (pause, version) => {
      upsertMessagingPause.run({ ...pause, version });
    },
    putSiteRules: (rules, version) => {
      const { stampBooks, languages, ...fields } = rules;
      upsertSiteRules.run({
        ...fields,
        refundStampsOnRejection: bit(fields.refundStampsOnRejection),
        languages: languages === undefined ? null : JSON.stringify(languages),
        version,
      });
      deleteStampBooks.run(rules.siteId);
      stampBooks.forEach((book, position) => insertStampBook.run(rules.siteId, position, book.stamps, book.priceCents));
    },
    siteLanguages: () => {
      const row = selectSiteLanguages.get();
      return row === undefined ? null : (siteLanguagesOf(row.languages).languages ?? null);
    },

    remove: (entity, id) => {
      const released = entity === 'message' ? selectAttachmentHashes.all(id).map((row) => row.sha256) : [];
      deleteStatements[entity].run(id);
      return released;
    },
    removeResidentRecords: (residentId) => {
      const released = selectResidentHashes.all(residentId).map((row) => row.sha256);
      for (const statement of residentDeletes) statement.run(residentId);
      return released;
    },
    unreferenced: (sha256s) => [...new Set(sha256s)].filter((sha256) => (countReferences.get(sha256)?.n ?? 0) === 0),

    rows: () => {
      const attachmentsByMessage = new Map<string, MessageRecord['attachments']>();
      for (const row of selectAttachments.all()) {
        const list = attachmentsByMessage.get(row.message_id) ?? [];
        list.push({
          attachmentId: row.attachment_id,
          kind: row.kind,
          sha256: row.sha256,
          byteSize: row.byte_size,
          mimeType: row.mime_type,
          status: row.status,
          rejectionReason: row.rejection_reason,
          ...(row.captions === null ? {} : { captions: storedCaptionTracks(row.captions) }),
        });
        attachmentsByMessage.set(row.message_id, list);
      }
      const booksBySite = new Map<string, SiteRulesRecord['stampBooks']>();
      for (const row of selectStampBooks.all()) {
        const list = booksBySite.get(row.site_id) ?? [];
        list.push({ stamps: row.stamps, priceCents: row.price_cents });
        booksBySite.set(row.site_id, list);
      }
      return [
        ...selectStaff.all().map((row): ReplicaRow => ({
          entity: 'staff',
          id: row.staff_id,
          version: row.version,
          data: { staffId: row.staff_id, displayName: row.display_name, badgeHash: row.badge_hash, pinHash: row.pin_hash },
        })),
        ...selectContacts.all().map((row): ReplicaRow => ({
          entity: 'contact',
          id: row.contact_id,
          version: row.version,
          data: {
            contactId: row.contact_id,
            residentId: row.resident_id,
            displayName: row.display_name,
            relationship: row.relationship,
            approved: row.approved === 1,
          },
        })),
        ...selectMessages.all().map((row): ReplicaRow => ({
          entity: 'message',
          id: row.message_id,
          version: row.version,
          data: {
            messageId: row.message_id,
            residentId: row.resident_id,
            contactId: row.contact_id,
            direction: row.direction,
            body: row.body,
            writtenAt: row.written_at,
            receivedAt: row.received_at,
            status: row.status,
            statusChangedAt: row.status_changed_at,
            rejectionReason: row.rejection_reason,
            carriesReturnStamp: row.carries_return_stamp === 1,
            returnStampUsed: row.return_stamp_used === 1,
            replyToMessageId: row.reply_to_message_id,
            stampsCharged: row.stamps_charged,
            stampsReturned: row.stamps_returned,
            readAt: row.read_at,
            attachments: attachmentsByMessage.get(row.message_id) ?? [],
          },
        })),
        ...selectStampEntries.all().map((row): ReplicaRow => ({ entity: 'stampEntry', id: row.entry_id, version: row.version, data: ledgerRecord(row) })),
        ...selectDebitEntries.all().map((row): ReplicaRow => ({ entity: 'debitEntry', id: row.entry_id, version: row.version, data: ledgerRecord(row) })),
        ...selectBalances.all().map((row): ReplicaRow => ({
          entity: 'balance',
          id: row.resident_id,
          version: row.version,
          data: {
            residentId: row.resident_id,
            stamps: row.stamps,
            availableCents: row.available_cents,
            holdsCents: row.holds_cents,
            confirmedAt: row.confirmed_at,
          },
        })),
        ...selectVisits.all().map((row): ReplicaRow => ({
          entity: 'visit',
          id: row.visit_id,
          version: row.version,
          data: {
            visitId: row.visit_id,
            residentId: row.resident_id,
            visitorName: row.visitor_name,
            kind: row.kind,
            startsAt: row.starts_at,
            durationMinutes: row.duration_minutes,
            status: row.status,
            // As the hub sends it: present only when staff gave a reason.
            ...(row.cancellation_reason === null ? {} : { cancellationReason: row.cancellation_reason }),
          },
        })),
        ...selectLetterNotices.all().map((row): ReplicaRow => ({
          entity: 'letterStopped',
          id: row.notice_id,
          version: row.version,
          data: {
            noticeId: row.notice_id,
            residentId: row.resident_id,
            contactId: row.contact_id,
            senderName: row.sender_name,
            reason: row.reason,
            stoppedAt: row.stopped_at,
            afterDelivery: row.after_delivery === 1,
          },
        })),
        ...selectMessagingPauses.all().map((row): ReplicaRow => ({
          entity: 'messagingPause',
          id: row.pause_id,
          version: row.version,
          data: { pauseId: row.pause_id, residentId: row.resident_id, pausedUntil: row.paused_until, reason: row.reason },
        })),
        ...selectSiteRules.all().map((row): ReplicaRow => ({
          entity: 'siteRules',
          id: row.site_id,
          version: row.version,
          data: {
            siteId: row.site_id,
            siteName: row.site_name,
            charactersPerStamp: row.characters_per_stamp,
            stampsPerAttachment: row.stamps_per_attachment,
            maxAttachments: row.max_attachments,
            maxAttachmentBytes: row.max_attachment_bytes,
            refundStampsOnRejection: row.refund_stamps_on_rejection === 1,
            stampBooks: booksBySite.get(row.site_id) ?? [],
            ...siteLanguagesOf(row.languages),
          },
        })),
      ];
    },
    clearAll: () => {
      for (const statement of clearStatements) statement.run();
    },
  };
}
