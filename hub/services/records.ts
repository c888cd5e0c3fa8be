// Rows as the hub stores them, and the protocol records devices receive (hub/protocol/records.ts). Every record a
// pull carries is built here, so the change log and a backfill can never describe the same record differently.
import {
  CaptionTrack,
  type BalanceRecord,
  type ContactRecord,
  type LedgerEntryRecord,
  type LetterStoppedRecord,
  type MessageRecord,
  type MessagingPauseRecord,
  type ResidentRecord,
  type SiteRulesRecord,
  type StaffRecord,
  type VisitRecord,
} from '../protocol/index';
import { z } from 'zod';
import { SiteLanguages } from '../../rules/language';
import type { SqlExecutor } from '../db/database';
import type { RecordChange } from './change-log';

// ---- residents ----

export interface ResidentRow {
  readonly resident_id: string;
  readonly site_id: string;
  readonly credential_id: string;
  readonly display_name: string;
  readonly pin_hash: string;
  /** A language tag (rules/language.ts). */
  readonly language: string;
  /** When the language was last chosen, by the person on a device or by staff (migration 0017); null: never since. */
  readonly language_chosen_at: number | null;
  readonly housing_unit_id: string | null;
  readonly status: 'active' | 'released';
  readonly version: number;
  readonly stamp_balance: number;
  readonly debit_balance_cents: number;
  readonly balance_version: number;
  readonly balance_changed_at: number;
  readonly pin_failed_attempts: number;
  readonly pin_lockouts: number;
  readonly pin_locked_until: number | null;
  readonly pin_lockout_cleared_at: number | null;
}

export const residentColumns =
  'resident_id, site_id, credential_id, display_name, pin_hash, language, language_chosen_at, housing_unit_id, status, version, stamp_balance, debit_balance_cents, balance_version, balance_changed_at, pin_failed_attempts, pin_lockouts, pin_locked_until, pin_lockout_cleared_at';

export function residentRecord(row: ResidentRow): ResidentRecord {
  return {
    residentId: row.resident_id,
    credentialId: row.credential_id,
    displayName: row.display_name,
    pinHash: row.pin_hash,
    language: row.language,
    housingUnitId: row.housing_unit_id,
    lockedUntil: row.pin_locked_until,
    lockoutClearedAt: row.pin_lockout_cleared_at,
  };
}

export function residentChange(row: ResidentRow): RecordChange {
  return { entity: 'resident', id: row.resident_id, version: row.version, op: 'upsert', data: residentRecord(row) };
}

/** Balances are the ledgers' running sums, kept on the resident row in the same transaction as each entry. */
export function balanceRecord(row: ResidentRow): BalanceRecord {
  return {
    residentId: row.resident_id,
    stamps: row.stamp_balance,
    availableCents: row.debit_balance_cents,
    // Purchases are decided at once, so nothing is ever held.
    holdsCents: 0,
    confirmedAt: row.balance_changed_at,
  };
}

export function balanceChange(row: ResidentRow): RecordChange {
  return { entity: 'balance', id: row.resident_id, version: row.balance_version, op: 'upsert', data: balanceRecord(row) };
}

// ---- site rules and staff ----

export interface SiteRow {
  readonly site_id: string;
  readonly name: string;
  readonly characters_per_stamp: number;
  readonly stamps_per_attachment: number;
  readonly max_attachments: number;
  readonly max_attachment_bytes: number;
  readonly refund_stamps_on_rejection: boolean;
  /** SiteLanguages as JSON, or null while the site has not set its languages. */
  readonly languages: unknown;
  readonly version: number;
}

export async function loadSiteRules(db: SqlExecutor, siteId: string): Promise<{ version: number; record: SiteRulesRecord } | null> {
  const [site] = await db.query<SiteRow>(
    `SELECT site_id, name, characters_per_stamp, stamps_per_attachment, max_attachments, max_attachment_bytes,
            refund_stamps_on_rejection, languages, version
       FROM sites WHERE site_id = $1`,
    [siteId],
  );
  if (site === undefined) return null;
  // Written only through setSiteLanguages, which checks it; checked again here so a hand-edited row never reaches a device.
  const languages = site.languages === null ? null : SiteLanguages.safeParse(site.languages);
  const books = await db.query<{ stamps: number; price_cents: number }>('SELECT stamps, price_cents FROM stamp_books WHERE site_id = $1 ORDER BY stamps', [
    siteId,
  ]);
  return {
    version: site.version,
    record: {
      siteId: site.site_id,
      siteName: site.name,
      charactersPerStamp: site.characters_per_stamp,
      stampsPerAttachment: site.stamps_per_attachment,
      maxAttachments: site.max_attachments,
      maxAttachmentBytes: site.max_attachment_bytes,
      refundStampsOnRejection: site.refund_stamps_on_rejection,
      stampBooks: books.map((book) => ({ stamps: book.stamps, priceCents: book.price_cents })),
      ...(languages?.success === true ? { languages: languages.data } : {}),
    },
  };
}

export interface StaffRow {
  readonly staff_id: string;
  readonly site_id: string;
  readonly display_name: string;
  readonly badge_hash: string;
  readonly pin_hash: string;
  readonly status: 'active' | 'removed';
  readonly version: number;
}

export function staffRecord(row: StaffRow): StaffRecord {
  return { staffId: row.staff_id, displayName: row.display_name, badgeHash: row.badge_hash, pinHash: row.pin_hash };
}

// ---- contacts ----

export interface ContactRow {
  readonly contact_id: string;
  readonly resident_id: string;
  readonly display_name: string;
  readonly relationship: string;
  readonly approved: boolean;
  readonly version: number;
}

export const contactColumns = 'contact_id, resident_id, display_name, relationship, approved, version';

export function contactChange(row: ContactRow): RecordChange {
  const data: ContactRecord = {
    contactId: row.contact_id,
    residentId: row.resident_id,
    displayName: row.display_name,
    relationship: row.relationship,
    approved: row.approved,
  };
  return { entity: 'contact', id: row.contact_id, version: row.version, op: 'upsert', data };
}

// ---- messages ----

export interface MessageRow {
  readonly message_id: string;
  readonly resident_id: string;
  readonly contact_id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  readonly written_at: number;
  readonly received_at: number;
  readonly status: 'inReview' | 'delivered' | 'read' | 'rejected';
  readonly status_changed_at: number;
  readonly rejection_reason: string | null;
  readonly carries_return_stamp: boolean;
  readonly return_stamp_used: boolean;
  readonly reply_to_message_id: string | null;
  readonly paid_with_return_stamp: boolean;
  readonly return_stamp_refunded: boolean;
  readonly stamps_charged: number;
  readonly stamps_returned: number;
  readonly read_at: number | null;
  readonly version: number;
}

export const messageColumns =
  'message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at, rejection_reason, carries_return_stamp, return_stamp_used, reply_to_message_id, paid_with_return_stamp, return_stamp_refunded, stamps_charged, stamps_returned, read_at, version';

export interface AttachmentRow {
  readonly attachment_id: string;
  readonly message_id: string;
  readonly position: number;
  readonly kind: 'photo' | 'ecard' | 'video';
  readonly sha256: string;
  readonly byte_size: number;
  readonly mime_type: 'image/jpeg' | 'image/png' | 'video/mp4' | 'video/webm';
  readonly status: 'inReview' | 'delivered' | 'rejected';
  readonly rejection_reason: string | null;
  /** The video's caption tracks as JSON, where the query selected captionTracksColumn; parsed by messageChange. */
  readonly caption_tracks?: unknown;
}

/**
 * A column with an attachment's caption tracks, each with its text read from its blob, as a JSON array (empty for none):
 * one correlated subquery, so every query that loads attachments carries their captions without a second round trip.
 */
export function captionTracksColumn(attachmentAlias: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('language', c.language, 'text', convert_from(b.bytes, 'UTF8')) ORDER BY c.language), '[]'::json)
      FROM attachment_captions c JOIN blobs b ON b.sha256 = c.sha256
     WHERE c.attachment_id = ${attachmentAlias}.attachment_id) AS caption_tracks`;
}

const StoredCaptionTracks = z.array(CaptionTrack);

/** The tracks in a captionTracksColumn value (none where the query did not select it). */
export function storedCaptionTracks(value: unknown): CaptionTrack[] {
  return StoredCaptionTracks.parse(value ?? []);
}

function captionsField(attachment: AttachmentRow): { captions?: CaptionTrack[] } {
  if (attachment.status !== 'delivered') return {};
  const captions = storedCaptionTracks(attachment.caption_tracks);
  return captions.length === 0 ? {} : { captions };
}

export const attachmentColumns = 'attachment_id, message_id, position, kind, sha256, byte_size, mime_type, status, rejection_reason';

/**
 * What the resident's devices may see of a message: their own outbound messages at every step (the timeline); a
 * family message only once review has delivered it. A family message that review rejects never reaches a device at
 * all, not even as an empty letter (issue "Mail": incoming messages rejected by review never reach the device); the
 * family learns of the rejection on their side.
 */
export function visibleToResident(message: MessageRow): boolean {
  return message.direction === 'outbound' || message.status === 'delivered' || message.status === 'read';
}

export function messageChange(message: MessageRow, attachments: readonly AttachmentRow[]): RecordChange {
  // Defence in depth: callers publish only what visibleToResident allows, but a rejected family letter's words must
  // never be in a change row even if one slipped through.
  const withheld = message.direction === 'inbound' && message.status === 'rejected';
  const data: MessageRecord = {
    messageId: message.message_id,
    residentId: message.resident_id,
    contactId: message.contact_id,
    direction: message.direction,
    body: withheld ? '' : message.body,
    writtenAt: message.written_at,
    receivedAt: message.received_at,
    status: message.status,
    statusChangedAt: message.status_changed_at,
    rejectionReason: message.rejection_reason,
    carriesReturnStamp: message.carries_return_stamp,
    returnStampUsed: message.return_stamp_used,
    replyToMessageId: message.reply_to_message_id,
    stampsCharged: message.stamps_charged,
    stampsReturned: message.stamps_returned,
    readAt: message.read_at,
    attachments: [...attachments]
      .sort((left, right) => left.position - right.position)
      .map((attachment) => ({
        attachmentId: attachment.attachment_id,
        kind: attachment.kind,
        sha256: attachment.sha256,
        byteSize: attachment.byte_size,
        mimeType: attachment.mime_type,
        // A visible message has been reviewed, so each attachment has been decided too.
        status: attachment.status === 'delivered' ? 'delivered' : 'rejected',
        rejectionReason: attachment.rejection_reason,
        // A withheld video's captions stay at the hub with it; an attachment without captions carries no field at all.
        ...captionsField(attachment),
      })),
  };
  return { entity: 'message', id: message.message_id, version: message.version, op: 'upsert', data };
}

export async function loadMessage(db: SqlExecutor, messageId: string, options: { forUpdate?: boolean } = {}): Promise<MessageRow | null> {
  const [message] = await db.query<MessageRow>(
    `SELECT ${messageColumns} FROM messages WHERE message_id = $1${options.forUpdate === true ? ' FOR UPDATE' : ''}`,
    [messageId],
  );
  return message ?? null;
}

export async function loadAttachments(db: SqlExecutor, messageId: string): Promise<AttachmentRow[]> {
  return db.query<AttachmentRow>(
    `SELECT ${attachmentColumns}, ${captionTracksColumn('attachments')} FROM attachments WHERE message_id = $1 ORDER BY position`,
    [messageId],
  );
}

// ---- ledgers and visits ----

export interface LedgerEntryRow {
  readonly entry_id: string;
  readonly resident_id: string;
  readonly amount: number;
  readonly kind: string;
  readonly reference: string;
  readonly created_at: number;
}

export const ledgerEntryColumns = 'entry_id, resident_id, amount, kind, reference, created_at';

export type LedgerName = 'stamps' | 'debit';

export function ledgerEntryChange(ledger: LedgerName, row: LedgerEntryRow): RecordChange {
  const data: LedgerEntryRecord = {
    entryId: row.entry_id,
    residentId: row.resident_id,
    amount: row.amount,
    kind: row.kind,
    reference: row.reference,
    createdAt: row.created_at,
  };
  // Entries never change after they are written: version 1 forever.
  return { entity: ledger === 'stamps' ? 'stampEntry' : 'debitEntry', id: row.entry_id, version: 1, op: 'upsert', data };
}

export interface VisitRow {
  readonly visit_id: string;
  readonly resident_id: string;
  readonly visitor_name: string;
  readonly kind: 'onSite' | 'remote';
  readonly starts_at: number;
  readonly duration_minutes: number;
  readonly status: 'scheduled' | 'cancelled';
  readonly version: number;
  readonly room_id: string | null;
  readonly contact_id: string | null;
  readonly scheduled_by: string | null;
  readonly cancellation_reason: string | null;
  readonly cancelled_at: number | null;
  readonly cancelled_by: string | null;
}

export const visitColumns =
  'visit_id, resident_id, visitor_name, kind, starts_at, duration_minutes, status, version, room_id, contact_id, scheduled_by, cancellation_reason, cancelled_at, cancelled_by';

export function visitChange(row: VisitRow): RecordChange {
  const data: VisitRecord = {
    visitId: row.visit_id,
    residentId: row.resident_id,
    visitorName: row.visitor_name,
    kind: row.kind,
    startsAt: row.starts_at,
    durationMinutes: row.duration_minutes,
    status: row.status,
    ...(row.cancellation_reason === null ? {} : { cancellationReason: row.cancellation_reason }),
  };
  return { entity: 'visit', id: row.visit_id, version: row.version, op: 'upsert', data };
}

// ---- stopped letters ----

export interface LetterNoticeRow {
  readonly notice_id: string;
  readonly resident_id: string;
  readonly message_id: string;
  readonly contact_id: string;
  readonly sender_name: string;
  readonly reason: string;
  readonly stopped_at: number;
  readonly after_delivery: boolean;
  readonly version: number;
}

export const letterNoticeColumns = 'notice_id, resident_id, message_id, contact_id, sender_name, reason, stopped_at, after_delivery, version';

/** What the resident is told of a stopped letter: sender, reason, when. The letter's id and words stay at the hub. */
export function letterStoppedChange(row: LetterNoticeRow): RecordChange {
  const data: LetterStoppedRecord = {
    noticeId: row.notice_id,
    residentId: row.resident_id,
    contactId: row.contact_id,
    senderName: row.sender_name,
    reason: row.reason,
    stoppedAt: row.stopped_at,
    afterDelivery: row.after_delivery,
  };
  return { entity: 'letterStopped', id: row.notice_id, version: row.version, op: 'upsert', data };
}

// ---- messaging pauses ----

export interface MessagingPauseRow {
  readonly suspension_id: string;
  readonly resident_id: string;
  readonly ends_at: number;
  readonly reason: string;
  readonly lifted_at: number | null;
  readonly version: number;
}

export const messagingPauseColumns = 'suspension_id, resident_id, ends_at, reason, lifted_at, version';

/** What the resident's devices are told of a pause: until when and staff's reason; once lifted, to forget it. */
export function messagingPauseChange(row: MessagingPauseRow): RecordChange {
  const data: MessagingPauseRecord = {
    pauseId: row.suspension_id,
    residentId: row.resident_id,
    pausedUntil: row.ends_at,
    reason: row.reason,
  };
  if (row.lifted_at !== null) return { entity: 'messagingPause', id: row.suspension_id, version: row.version, op: 'delete' };
  return { entity: 'messagingPause', id: row.suspension_id, version: row.version, op: 'upsert', data };
}

// ---- a resident's whole scope, for backfill ----

/**
 * The current state of everything a device keeps about one resident: what a kiosk receives when the resident moves
 * into its housing unit, and what a tablet receives when it is assigned to them. Pass `includeResident: false` when
 * the caller has just written the resident record to the same devices by itself.
 */
export async function residentSnapshot(db: SqlExecutor, resident: ResidentRow, options: { includeResident?: boolean } = {}): Promise<RecordChange[]> {
  const residentId = resident.resident_id;
  // One statement after another: a transaction is one connection, and PGlite runs one statement at a time anyway.
  const contacts = await db.query<ContactRow>(`SELECT ${contactColumns} FROM contacts WHERE resident_id = $1 ORDER BY created_at, contact_id`, [residentId]);
  const messages = await db.query<MessageRow>(`SELECT ${messageColumns} FROM messages WHERE resident_id = $1 ORDER BY received_at, message_id`, [residentId]);
  const attachments = await db.query<AttachmentRow>(
    `SELECT ${attachmentColumns
      .split(', ')
      .map((column) => `a.${column}`)
      .join(', ')}, ${captionTracksColumn('a')}
       FROM attachments a JOIN messages m ON m.message_id = a.message_id
      WHERE m.resident_id = $1`,
    [residentId],
  );
  const stampEntries = await db.query<LedgerEntryRow>(`SELECT ${ledgerEntryColumns} FROM stamp_ledger WHERE resident_id = $1 ORDER BY created_at, entry_id`, [
    residentId,
  ]);
  const debitEntries = await db.query<LedgerEntryRow>(`SELECT ${ledgerEntryColumns} FROM debit_ledger WHERE resident_id = $1 ORDER BY created_at, entry_id`, [
    residentId,
  ]);
  const visits = await db.query<VisitRow>(`SELECT ${visitColumns} FROM visits WHERE resident_id = $1 ORDER BY starts_at, visit_id`, [residentId]);
  const letterNotices = await db.query<LetterNoticeRow>(
    `SELECT ${letterNoticeColumns} FROM letter_notices WHERE resident_id = $1 ORDER BY stopped_at, notice_id`,
    [residentId],
  );
  // A lifted pause is deleted from devices, so a device taking the resident afresh is not sent it.
  const pauses = await db.query<MessagingPauseRow>(
    `SELECT ${messagingPauseColumns} FROM messaging_suspensions WHERE resident_id = $1 AND lifted_at IS NULL ORDER BY starts_at, suspension_id`,
    [residentId],
  );
  const attachmentsByMessage = new Map<string, AttachmentRow[]>();
  for (const attachment of attachments) {
    const list = attachmentsByMessage.get(attachment.message_id) ?? [];
    list.push(attachment);
    attachmentsByMessage.set(attachment.message_id, list);
  }
  return [
    ...(options.includeResident === false ? [] : [residentChange(resident)]),
    balanceChange(resident),
    ...contacts.map(contactChange),
    ...messages.filter(visibleToResident).map((message) => messageChange(message, attachmentsByMessage.get(message.message_id) ?? [])),
    ...stampEntries.map((entry) => ledgerEntryChange('stamps', entry)),
    ...debitEntries.map((entry) => ledgerEntryChange('debit', entry)),
    ...visits.map(visitChange),
    ...letterNotices.map(letterStoppedChange),
    ...pauses.map(messagingPauseChange),
  ];
}
