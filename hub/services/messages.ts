// Messages both ways: family messages in, the review queue, review decisions (a whole message, or one attachment of
// it), delivery and the family reading a resident's message; and a resident's own messages as their devices send them
// — what a message costs, charging it (a reply's return stamp first), refunding it when review rejects it, and marking
// letters read. The device's mutations reach here through push.ts, which only makes each apply exactly once.
import { randomUUID } from 'node:crypto';
import {
  captionProblemText,
  characterCount,
  checkCaptions,
  maxCaptionTracks,
  maxMessageCharacters,
  maxReviewReasonLength,
  newRecordId,
  sniffMimeType,
  type AttachmentMimeType,
  type CaptionProblem,
  type CaptionTrack,
  type MarkReadArgs,
  type MessageStatus,
  type SendMessageArgs,
} from '../protocol/index';
import { isAnswerable, messageCost, returnStampStanding, type AnsweredLetter, type ReturnStampStanding } from '../../rules/stamps';
import type { SqlExecutor, HubTransaction } from '../db/database';
import { sha256Hex } from '../security/tokens';
import { storeBlob } from './blobs';
import type { RecordChange } from './change-log';
import { CaptionsRefused, checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { LanguageTag } from '../../rules/language';
import { appendLedgerEntries } from './ledgers';
import {
  attachmentColumns,
  captionTracksColumn,
  letterNoticeColumns,
  storedCaptionTracks,
  letterStoppedChange,
  loadAttachments,
  loadMessage,
  loadSiteRules,
  messageChange,
  messageColumns,
  type AttachmentRow,
  type LetterNoticeRow,
  type MessageRow,
  type ResidentRow,
  visibleToResident,
} from './records';
import { applied, plural, refuse, type Outcome, type Refusal } from './mutation-outcome';
import { lockActiveResident, lockResident, publishForResident } from './residents';
import { activeSuspension } from './suspensions';
import { flagArrivingLetter } from './watch-list';

export { maxMessageCharacters };

export type AttachmentKind = 'photo' | 'ecard' | 'video';

export interface AttachmentUpload {
  readonly kind: AttachmentKind;
  readonly bytes: Uint8Array;
  /** A video's caption files, one per language tag (checked by checkedCaptionTracks). */
  readonly captions?: readonly CaptionUpload[];
}

export interface CaptionUpload {
  readonly language: string;
  readonly bytes: Uint8Array;
}

/** A caption track as the hub keeps it: the plain WebVTT it rewrote, and its language. */
interface CheckedCaptionTrack {
  readonly language: LanguageTag;
  readonly bytes: Uint8Array;
}

function refuseCaptions(problem: CaptionProblem, where: string): CaptionsRefused {
  return new CaptionsRefused(problem, `${where}: ${captionProblemText(problem)}`);
}

/**
 * Each upload's caption tracks, checked before anything is stored so a bad file refuses the whole message and loses
 * nothing: the sender is told which attachment and which language, and sends again.
 */
function checkedCaptionTracks(upload: AttachmentUpload, index: number): CheckedCaptionTrack[] {
  const captions = upload.captions ?? [];
  const where = `Attachment ${index + 1} (${upload.kind})`;
  if (captions.length === 0) return [];
  if (upload.kind !== 'video') throw refuseCaptions('withoutVideo', where);
  if (captions.length > maxCaptionTracks) throw refuseCaptions('tooManyTracks', where);
  const seen = new Set<string>();
  return captions.map((caption) => {
    const language = LanguageTag.safeParse(caption.language);
    if (!language.success) throw refuseCaptions('badLanguage', `${where}, captions “${caption.language}”`);
    if (seen.has(language.data)) throw refuseCaptions('sameLanguageTwice', `${where}, captions in ${language.data}`);
    seen.add(language.data);
    const checked = checkCaptions(caption.bytes);
    if (!checked.ok) throw refuseCaptions(checked.problem, `${where}, captions in ${language.data} (${checked.detail})`);
    return { language: language.data, bytes: new TextEncoder().encode(checked.text) };
  });
}

function mimeTypeFor(upload: AttachmentUpload, index: number): AttachmentMimeType {
  const mimeType = sniffMimeType(upload.bytes);
  const isImage = mimeType === 'image/jpeg' || mimeType === 'image/png';
  const isVideo = mimeType === 'video/mp4' || mimeType === 'video/webm';
  switch (upload.kind) {
    case 'photo':
    case 'ecard':
      if (mimeType !== null && isImage) return mimeType;
      throw invalid(`Attachment ${index + 1} (${upload.kind}) is not a JPEG or PNG image.`);
    case 'video':
      if (mimeType !== null && isVideo) return mimeType;
      throw invalid(`Attachment ${index + 1} (video) is not an MP4 or WebM video.`);
    default: {
      const unknownKind: never = upload.kind;
      throw invalid(`Attachment ${index + 1} has an unknown kind ${String(unknownKind)}.`);
    }
  }
}

/** A family member writes to a resident. The message waits for review; the resident sees nothing of it until then. */
export async function sendFamilyMessage(
  hub: HubContext,
  input: { contactId: string; body: string; attachments?: readonly AttachmentUpload[]; carriesReturnStamp?: boolean; writtenAt?: number },
): Promise<MessageRow> {
  const attachments = input.attachments ?? [];
  const body = checkedInputText(input.body, 'letter', 'The message');
  const characters = characterCount(body);
  if (characters === 0 && attachments.length === 0) throw invalid('A message needs text or an attachment.');
  if (characters > maxMessageCharacters) throw invalid(`A message is at most ${maxMessageCharacters} characters; this one has ${characters}.`);
  const mimeTypes = attachments.map(mimeTypeFor);
  const captionTracks = attachments.map(checkedCaptionTracks);
  return hub.database.transaction(async (tx) => {
    const [contact] = await tx.query<{ resident_id: string; approved: boolean; display_name: string }>(
      'SELECT resident_id, approved, display_name FROM contacts WHERE contact_id = $1',
      [input.contactId],
    );
    if (contact === undefined) throw notFound(`There is no contact ${input.contactId}.`);
    if (!contact.approved) throw conflict(`${contact.display_name} is not an approved contact yet.`);
    const resident = await lockActiveResident(tx, contact.resident_id);
    // Refused at the door rather than held: the sender keeps the letter and learns now, not weeks later, why it was not taken.
    const suspension = await activeSuspension(tx, resident.resident_id, hub.now());
    if (suspension !== null)
      throw conflict(
        `${resident.display_name} cannot receive letters until ${new Date(suspension.endsAt).toISOString().slice(0, 10)}; this letter was not accepted.`,
      );
    const rules = await loadSiteRules(tx, resident.site_id);
    if (rules === null) throw new Error(`resident ${resident.resident_id} has no site`);
    if (attachments.length > rules.record.maxAttachments)
      throw invalid(`This facility accepts at most ${rules.record.maxAttachments} attachments per message.`);
    attachments.forEach((attachment, index) => {
      if (attachment.bytes.length > rules.record.maxAttachmentBytes) {
        throw invalid(`Attachment ${index + 1} is ${attachment.bytes.length} bytes; this facility accepts at most ${rules.record.maxAttachmentBytes}.`);
      }
    });
    const now = hub.now();
    const messageId = newRecordId(now);
    const [message] = await tx.query<MessageRow>(
      `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at, carries_return_stamp)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, 'inReview', $6, $7) RETURNING ${messageColumns}`,
      [messageId, resident.resident_id, input.contactId, body, input.writtenAt ?? now, now, input.carriesReturnStamp ?? false],
    );
    if (message === undefined) throw new Error('INSERT ... RETURNING returned no row');
    for (const [position, attachment] of attachments.entries()) {
      const blob = await storeBlob(tx, attachment.bytes, now);
      const attachmentId = newRecordId(now);
      await tx.query(
        `INSERT INTO attachments (attachment_id, message_id, position, kind, sha256, byte_size, mime_type, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'inReview')`,
        [attachmentId, messageId, position, attachment.kind, blob.sha256, blob.byteSize, mimeTypes[position] ?? null],
      );
      for (const track of captionTracks[position] ?? []) {
        const captionBlob = await storeBlob(tx, track.bytes, now);
        await tx.query('INSERT INTO attachment_captions (attachment_id, language, sha256, byte_size) VALUES ($1, $2, $3, $4)', [
          attachmentId,
          track.language,
          captionBlob.sha256,
          captionBlob.byteSize,
        ]);
      }
    }
    await flagArrivingLetter(tx, messageId);
    // No change row: nothing of a family message reaches a device before review.
    return message;
  });
}

export interface ReviewQueueItem {
  readonly messageId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly residentId: string;
  readonly residentName: string;
  readonly credentialId: string;
  readonly contactName: string;
  readonly body: string;
  readonly characters: number;
  readonly receivedAt: number;
  readonly stampsCharged: number;
  readonly attachments: readonly {
    attachmentId: string;
    kind: AttachmentKind;
    mimeType: string;
    byteSize: number;
    sha256: string;
    /** A video's caption tracks, for the reviewer to read: what the resident will read is reviewed with the video. */
    captions: readonly CaptionTrack[];
  }[];
}

/** Messages waiting for review at a site, oldest first (both directions: every message is reviewed). */
export async function listReviewQueue(db: SqlExecutor, siteId: string): Promise<ReviewQueueItem[]> {
  const messages = await db.query<MessageRow & { resident_name: string; credential_id: string; contact_name: string }>(
    `SELECT ${messageColumns
      .split(', ')
      .map((column) => `m.${column}`)
      .join(', ')},
            r.display_name AS resident_name, r.credential_id, c.display_name AS contact_name
       FROM messages m
       JOIN residents r ON r.resident_id = m.resident_id
       JOIN contacts c ON c.contact_id = m.contact_id
      WHERE m.status = 'inReview' AND r.site_id = $1
      ORDER BY m.received_at, m.message_id`,
    [siteId],
  );
  const attachments = await db.query<AttachmentRow>(
    `SELECT ${attachmentColumns
      .split(', ')
      .map((column) => `a.${column}`)
      .join(', ')}, ${captionTracksColumn('a')}
       FROM attachments a JOIN messages m ON m.message_id = a.message_id JOIN residents r ON r.resident_id = m.resident_id
      WHERE m.status = 'inReview' AND r.site_id = $1
      ORDER BY a.message_id, a.position`,
    [siteId],
  );
  return messages.map((message) => ({
    messageId: message.message_id,
    direction: message.direction,
    residentId: message.resident_id,
    residentName: message.resident_name,
    credentialId: message.credential_id,
    contactName: message.contact_name,
    body: message.body,
    characters: characterCount(message.body),
    receivedAt: message.received_at,
    stampsCharged: message.stamps_charged,
    attachments: attachments
      .filter((attachment) => attachment.message_id === message.message_id)
      .map((attachment) => ({
        attachmentId: attachment.attachment_id,
        kind: attachment.kind,
        mimeType: attachment.mime_type,
        byteSize: attachment.byte_size,
        sha256: attachment.sha256,
        captions: storedCaptionTracks(attachment.caption_tracks),
      })),
  }));
}

export type ReviewRequest =
  /** Deliver the message; any attachment listed here is withheld with its reason and the rest are delivered. */
  | {
      readonly decision: 'approve';
      readonly messageId: string;
      readonly reviewer: string;
      readonly rejectedAttachments?: readonly { attachmentId: string; reason: string }[];
    }
  /** Reject the whole message with a reason; stamps come back if the site's rule says so. */
  | { readonly decision: 'reject'; readonly messageId: string; readonly reviewer: string; readonly reason: string };

function checkedReason(reason: string, what: string): string {
  const trimmed = checkedInputText(reason, 'letter', 'The reason').trim();
  if (trimmed === '') throw invalid(`Rejecting ${what} needs a reason the resident can read.`);
  if (characterCount(trimmed) > maxReviewReasonLength)
    throw invalid(`A reason is at most ${maxReviewReasonLength} characters; this one has ${characterCount(trimmed)}.`);
  return trimmed;
}

async function recordDecision(
  tx: SqlExecutor,
  input: { messageId: string; attachmentId: string | null; decision: 'approved' | 'rejected'; reason: string | null; reviewer: string; now: number },
): Promise<void> {
  await tx.query(
    'INSERT INTO review_decisions (decision_id, message_id, attachment_id, decision, reason, reviewer, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [randomUUID(), input.messageId, input.attachmentId, input.decision, input.reason, input.reviewer, input.now],
  );
}

async function setStatus(
  tx: SqlExecutor,
  messageId: string,
  status: MessageStatus,
  now: number,
  extra: { rejectionReason?: string; stampsReturned?: number; returnStampRefunded?: boolean } = {},
): Promise<MessageRow> {
  const [message] = await tx.query<MessageRow>(
    `UPDATE messages
        SET status = $2, status_changed_at = $3, rejection_reason = $4,
            stamps_returned = COALESCE($5, stamps_returned), return_stamp_refunded = COALESCE($6, return_stamp_refunded),
            version = version + 1
      WHERE message_id = $1 RETURNING ${messageColumns}`,
    [messageId, status, now, extra.rejectionReason ?? null, extra.stampsReturned ?? null, extra.returnStampRefunded ?? null],
  );
  if (message === undefined) throw new Error(`message ${messageId} vanished inside its own lock`);
  return message;
}

/**
 * A family member's letter was stopped (rejected in review, or withdrawn after delivery). The sender is always told —
 * recorded in family_notices, which the family side lists — and the resident is told too where the site's rule
 * notifyResidentOfRejectedMail says so: who sent it, the reviewer's reason, and nothing of the letter.
 */
async function tellOfStoppedLetter(
  tx: HubTransaction,
  resident: ResidentRow,
  letter: MessageRow,
  reason: string,
  how: 'notDelivered' | 'withdrawn',
  now: number,
): Promise<void> {
  const [site] = await tx.query<{ notify_resident_of_rejected_mail: boolean }>('SELECT notify_resident_of_rejected_mail FROM sites WHERE site_id = $1', [
    resident.site_id,
  ]);
  const residentTold = site?.notify_resident_of_rejected_mail ?? true;
  await tx.query(
    'INSERT INTO family_notices (notice_id, contact_id, message_id, kind, reason, resident_told, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [newRecordId(now), letter.contact_id, letter.message_id, how, reason, residentTold, now],
  );
  if (!residentTold) return;
  const [contact] = await tx.query<{ display_name: string }>('SELECT display_name FROM contacts WHERE contact_id = $1', [letter.contact_id]);
  const [notice] = await tx.query<LetterNoticeRow>(
    `INSERT INTO letter_notices (notice_id, resident_id, message_id, contact_id, sender_name, reason, stopped_at, after_delivery)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${letterNoticeColumns}`,
    [
      letterNoticeIdOf(letter.message_id),
      resident.resident_id,
      letter.message_id,
      letter.contact_id,
      contact?.display_name ?? 'Unknown sender',
      reason,
      now,
      how === 'withdrawn',
    ],
  );
  if (notice === undefined) throw new Error('INSERT ... RETURNING returned no row');
  await publishForResident(tx, resident, [letterStoppedChange(notice)], now);
}

/**
 * The notice's id, derived from the letter's (one letter is stopped once): the same facts give the same record on every
 * hub and in every run, and the id tells a device nothing of the letter it came from (a one-way hash, shaped as a
 * UUID with version 8, "custom").
 */
function letterNoticeIdOf(messageId: string): string {
  const hex = sha256Hex(`letterStopped:${messageId}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A reviewer's decision. Either way the message's new state reaches the resident's devices. */
export async function reviewMessage(hub: HubContext, request: ReviewRequest): Promise<MessageRow> {
  const reviewer = request.reviewer.trim();
  if (reviewer === '') throw invalid("A review decision needs the reviewer's name.");
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM messages WHERE message_id = $1', [request.messageId]);
    if (owner === undefined) throw notFound(`There is no message ${request.messageId}.`);
    const resident = await lockResident(tx, owner.resident_id);
    const before = await loadMessage(tx, request.messageId, { forUpdate: true });
    if (resident === null || before === null) throw new Error(`message ${request.messageId} lost its resident`);
    if (before.status !== 'inReview') throw conflict(`That message has already been reviewed (it is ${before.status}).`);
    const attachments = await loadAttachments(tx, request.messageId);
    const now = hub.now();
    let after: MessageRow;
    switch (request.decision) {
      case 'approve': {
        const withheld = new Map<string, string>();
        for (const rejection of request.rejectedAttachments ?? []) {
          if (!attachments.some((attachment) => attachment.attachment_id === rejection.attachmentId))
            throw notFound(`The message has no attachment ${rejection.attachmentId}.`);
          withheld.set(rejection.attachmentId, checkedReason(rejection.reason, 'an attachment'));
        }
        for (const attachment of attachments) {
          const reason = withheld.get(attachment.attachment_id) ?? null;
          await tx.query('UPDATE attachments SET status = $2, rejection_reason = $3 WHERE attachment_id = $1', [
            attachment.attachment_id,
            reason === null ? 'delivered' : 'rejected',
            reason,
          ]);
          if (reason !== null)
            await recordDecision(tx, { messageId: before.message_id, attachmentId: attachment.attachment_id, decision: 'rejected', reason, reviewer, now });
        }
        await recordDecision(tx, { messageId: before.message_id, attachmentId: null, decision: 'approved', reason: null, reviewer, now });
        after = await setStatus(tx, before.message_id, 'delivered', now);
        break;
      }
      case 'reject': {
        const reason = checkedReason(request.reason, 'a message');
        await tx.query("UPDATE attachments SET status = 'rejected', rejection_reason = $2 WHERE message_id = $1", [before.message_id, reason]);
        await recordDecision(tx, { messageId: before.message_id, attachmentId: null, decision: 'rejected', reason, reviewer, now });
        const rules = await loadSiteRules(tx, resident.site_id);
        const refunds = before.direction === 'outbound' && rules !== null && rules.record.refundStampsOnRejection;
        after = await setStatus(tx, before.message_id, 'rejected', now, {
          rejectionReason: reason,
          ...(refunds ? { stampsReturned: before.stamps_charged, returnStampRefunded: before.paid_with_return_stamp } : {}),
        });
        // Only a resident's (outbound) message is refunded, and a family letter's sender told: never both.
        if (refunds) await refundRejectedMessage(tx, resident, before, now);
        if (before.direction === 'inbound') await tellOfStoppedLetter(tx, resident, before, reason, 'notDelivered', now);
        break;
      }
      default: {
        const unknownRequest: never = request;
        throw invalid(`unknown review decision ${JSON.stringify(unknownRequest)}`);
      }
    }
    if (visibleToResident(after)) await publishForResident(tx, resident, [messageChange(after, await loadAttachments(tx, after.message_id))], now);
    return after;
  });
}

/**
 * Review takes back a family letter it had already delivered (something missed, found later). The resident's devices
 * delete their copy — words, attachments and their files — and the sender and, by the site's rule, the resident are
 * told as for a letter stopped in review. Its return stamp, if unused, goes with it.
 */
export async function withdrawMessage(hub: HubContext, input: { messageId: string; reviewer: string; reason: string }): Promise<MessageRow> {
  const reviewer = input.reviewer.trim();
  if (reviewer === '') throw invalid("A review decision needs the reviewer's name.");
  const reason = checkedReason(input.reason, 'a delivered letter');
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>("SELECT resident_id FROM messages WHERE message_id = $1 AND direction = 'inbound'", [
      input.messageId,
    ]);
    if (owner === undefined) throw notFound(`There is no family letter ${input.messageId}.`);
    const resident = await lockResident(tx, owner.resident_id);
    const before = await loadMessage(tx, input.messageId, { forUpdate: true });
    if (resident === null || before === null) throw new Error(`message ${input.messageId} lost its resident`);
    if (before.status !== 'delivered' && before.status !== 'read') {
      throw conflict(`Only a delivered letter can be withdrawn (this one is ${before.status}${before.status === 'inReview' ? '; reject it instead' : ''}).`);
    }
    const now = hub.now();
    await tx.query("UPDATE attachments SET status = 'rejected', rejection_reason = $2 WHERE message_id = $1", [before.message_id, reason]);
    await recordDecision(tx, { messageId: before.message_id, attachmentId: null, decision: 'rejected', reason, reviewer, now });
    const after = await setStatus(tx, before.message_id, 'rejected', now, { rejectionReason: reason });
    // A delete, not an emptied upsert: the device removes the row, its search index entry and its attachment files.
    await publishForResident(tx, resident, [{ entity: 'message', id: after.message_id, version: after.version, op: 'delete' }], now);
    await tellOfStoppedLetter(tx, resident, before, reason, 'withdrawn', now);
    return after;
  });
}

export interface FamilyNotice {
  readonly noticeId: string;
  readonly contactId: string;
  readonly contactName: string;
  readonly residentName: string;
  readonly messageId: string;
  readonly kind: 'notDelivered' | 'withdrawn';
  readonly reason: string;
  readonly residentTold: boolean;
  readonly at: number;
}

/** What family senders at a site were told about their letters, oldest first; one contact's when `contactId` is given. */
export async function listFamilyNotices(db: SqlExecutor, siteId: string, contactId?: string): Promise<FamilyNotice[]> {
  const rows = await db.query<{
    notice_id: string;
    contact_id: string;
    contact_name: string;
    resident_name: string;
    message_id: string;
    kind: 'notDelivered' | 'withdrawn';
    reason: string;
    resident_told: boolean;
    created_at: number;
  }>(
    `SELECT f.notice_id, f.contact_id, c.display_name AS contact_name, r.display_name AS resident_name, f.message_id, f.kind, f.reason,
            f.resident_told, f.created_at
       FROM family_notices f
       JOIN contacts c ON c.contact_id = f.contact_id
       JOIN residents r ON r.resident_id = c.resident_id
      WHERE r.site_id = $1 AND ($2::text IS NULL OR f.contact_id = $2)
      ORDER BY f.seq`,
    [siteId, contactId ?? null],
  );
  return rows.map((row) => ({
    noticeId: row.notice_id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    residentName: row.resident_name,
    messageId: row.message_id,
    kind: row.kind,
    reason: row.reason,
    residentTold: row.resident_told,
    at: row.created_at,
  }));
}

/** Whether residents at a site are told when review stops a family member's letter (default: they are). */
export async function setNotifyResidentOfRejectedMail(hub: HubContext, input: { siteId: string; notify: boolean }): Promise<void> {
  const updated = await hub.database.query('UPDATE sites SET notify_resident_of_rejected_mail = $2 WHERE site_id = $1 RETURNING site_id', [
    input.siteId,
    input.notify,
  ]);
  if (updated.length === 0) throw notFound(`There is no site ${input.siteId}.`);
}

/** The family opened a resident's delivered message: the resident's timeline shows "read". */
export async function markReadByFamily(hub: HubContext, input: { messageId: string }): Promise<MessageRow> {
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>("SELECT resident_id FROM messages WHERE message_id = $1 AND direction = 'outbound'", [
      input.messageId,
    ]);
    if (owner === undefined) throw notFound(`There is no message ${input.messageId} from a resident.`);
    const resident = await lockResident(tx, owner.resident_id);
    const before = await loadMessage(tx, input.messageId, { forUpdate: true });
    if (resident === null || before === null) throw new Error(`message ${input.messageId} lost its resident`);
    if (before.status !== 'delivered') throw conflict(`Only a delivered message can be read (this one is ${before.status}).`);
    const now = hub.now();
    const [after] = await tx.query<MessageRow>(
      `UPDATE messages SET status = 'read', read_at = $2, status_changed_at = $2, version = version + 1 WHERE message_id = $1 RETURNING ${messageColumns}`,
      [input.messageId, now],
    );
    if (after === undefined) throw new Error(`message ${input.messageId} vanished inside its own lock`);
    await publishForResident(tx, resident, [messageChange(after, [])], now);
    return after;
  });
}

export async function getMessage(db: SqlExecutor, messageId: string): Promise<MessageRow> {
  const message = await loadMessage(db, messageId);
  if (message === null) throw notFound(`There is no message ${messageId}.`);
  return message;
}

// ---- A resident's own mail, as their devices send it (applied exactly once by push.ts) ----

/** The English reason for each way a reply may not spend a return stamp; the device words the code itself. */
function returnStampRefusal(standing: Exclude<ReturnStampStanding, 'available'>): Refusal {
  switch (standing) {
    case 'notAReply':
      return refuse('returnStampUnavailable', 'A return stamp can pay only for a reply.');
    case 'noReturnStamp':
      return refuse('returnStampUnavailable', 'The message you answered did not come with a return stamp.');
    case 'alreadyUsed':
      return refuse('returnStampUnavailable', 'The return stamp of that message has already been used.');
    default: {
      const unknownStanding: never = standing;
      throw new Error(`unknown return-stamp standing ${String(unknownStanding)}`);
    }
  }
}

/** The letter a reply answers as the shared rule reads it (rules/stamps.ts). */
function asAnsweredLetter(message: MessageRow): AnsweredLetter {
  return { direction: message.direction, status: message.status, carriesReturnStamp: message.carries_return_stamp, returnStampUsed: message.return_stamp_used };
}

/**
 * Charges a reply: spends the answered letter's return stamp if the reply uses it, and the rest from the resident's
 * own stamps. The caller has checked that the stamps cover it; `repliedTo` is locked in this transaction.
 */
async function chargeReply(
  tx: HubTransaction,
  resident: ResidentRow,
  sent: MessageRow,
  repliedTo: MessageRow | null,
  fromOwnStamps: number,
  now: number,
): Promise<RecordChange[]> {
  const changes: RecordChange[] = [];
  if (sent.paid_with_return_stamp && repliedTo !== null) {
    const [spent] = await tx.query<MessageRow>(
      `UPDATE messages SET return_stamp_used = true, version = version + 1 WHERE message_id = $1 RETURNING ${messageColumns}`,
      [repliedTo.message_id],
    );
    if (spent !== undefined) changes.push(messageChange(spent, await loadAttachments(tx, spent.message_id)));
  }
  if (fromOwnStamps > 0) {
    await appendLedgerEntries(tx, resident, [{ ledger: 'stamps', kind: 'messageSent', amount: -fromOwnStamps, reference: sent.message_id }], now);
  }
  return changes;
}

/**
 * Refunds a resident's message that review rejected, where the site's rule says so: the stamps it cost go back to
 * the ledger, and the return stamp that paid for a reply may pay for another one.
 */
async function refundRejectedMessage(tx: HubTransaction, resident: ResidentRow, rejected: MessageRow, now: number): Promise<void> {
  if (rejected.stamps_charged > 0) {
    await appendLedgerEntries(
      tx,
      resident,
      [{ ledger: 'stamps', kind: 'rejectionRefund', amount: rejected.stamps_charged, reference: rejected.message_id }],
      now,
    );
  }
  if (rejected.paid_with_return_stamp && rejected.reply_to_message_id !== null) {
    const [replied] = await tx.query<MessageRow>(
      `UPDATE messages SET return_stamp_used = false, version = version + 1 WHERE message_id = $1 RETURNING ${messageColumns}`,
      [rejected.reply_to_message_id],
    );
    if (replied !== undefined) await publishForResident(tx, resident, [messageChange(replied, await loadAttachments(tx, replied.message_id))], now);
  }
}

/**
 * A resident sends a message from a device: checked against their contacts, the text limit, the letter it answers
 * and their stamps, then stored for review and charged. `resident` is locked in this transaction and in the device's scope.
 */
export async function sendResidentMessage(tx: HubTransaction, resident: ResidentRow, deviceId: string, args: SendMessageArgs, now: number): Promise<Outcome> {
  const [existing] = await tx.query('SELECT 1 FROM messages WHERE message_id = $1', [args.messageId]);
  if (existing !== undefined) return refuse('duplicateMessageId', 'A message with this id was already received, so this one was not sent again.');
  const [contact] = await tx.query<{ approved: boolean; display_name: string }>(
    'SELECT approved, display_name FROM contacts WHERE contact_id = $1 AND resident_id = $2',
    [args.contactId, resident.resident_id],
  );
  if (contact === undefined) return refuse('contactNotFound', 'This contact is not on your list.');
  if (!contact.approved) return refuse('contactNotApproved', `${contact.display_name} is not an approved contact yet, so the message was not sent.`);
  // Before anything is charged: a refused reply costs nothing (its stamps were never taken).
  const suspension = await activeSuspension(tx, resident.resident_id, now);
  if (suspension !== null)
    return refuse(
      'messagingSuspended',
      `Your messaging is paused until ${new Date(suspension.endsAt).toISOString().slice(0, 10)}, so this was not sent. Nothing was charged.`,
      {
        pausedUntil: suspension.endsAt,
      },
    );
  const characters = characterCount(args.body);
  if (characters > maxMessageCharacters)
    return refuse('messageTooLong', `A message can be at most ${maxMessageCharacters} characters; this one has ${characters}.`, {
      maxCharacters: maxMessageCharacters,
      characters,
    });

  let repliedTo: MessageRow | null = null;
  if (args.replyToMessageId !== null) {
    const target = await loadMessage(tx, args.replyToMessageId, { forUpdate: true });
    const answerable = target !== null && target.resident_id === resident.resident_id && isAnswerable(target);
    if (!answerable) return refuse('replyTargetNotFound', 'The message you answered could not be found.');
    if (target.contact_id !== args.contactId) return refuse('replyTargetNotFound', 'The message you answered came from someone else.');
    repliedTo = target;
  }
  if (args.useReturnStamp) {
    const standing = returnStampStanding(repliedTo === null ? null : asAnsweredLetter(repliedTo));
    if (standing !== 'available') return returnStampRefusal(standing);
  }

  const rules = await loadSiteRules(tx, resident.site_id);
  if (rules === null) throw new Error(`resident ${resident.resident_id} has no site`);
  const cost = messageCost(args.body, 0, args.useReturnStamp, rules.record);
  if (cost.fromOwnStamps > resident.stamp_balance) {
    return refuse(
      'notEnoughStamps',
      `This message needs ${plural(cost.fromOwnStamps, 'stamp', 'stamps')} and you have ${plural(resident.stamp_balance, 'stamp', 'stamps')}.`,
      {
        neededStamps: cost.fromOwnStamps,
        availableStamps: resident.stamp_balance,
      },
    );
  }

  // Every check passed: from here on, only writes.
  const [message] = await tx.query<MessageRow>(
    `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
                           reply_to_message_id, paid_with_return_stamp, stamps_charged, sent_by_device_id)
     VALUES ($1, $2, $3, 'outbound', $4, $5, $6, 'inReview', $6, $7, $8, $9, $10) RETURNING ${messageColumns}`,
    [
      args.messageId,
      resident.resident_id,
      args.contactId,
      args.body,
      args.writtenAt,
      now,
      args.replyToMessageId,
      args.useReturnStamp,
      cost.fromOwnStamps,
      deviceId,
    ],
  );
  if (message === undefined) throw new Error('INSERT ... RETURNING returned no row');
  await flagArrivingLetter(tx, message.message_id);
  const changes = [messageChange(message, []), ...(await chargeReply(tx, resident, message, repliedTo, cost.fromOwnStamps, now))];
  await publishForResident(tx, resident, changes, now);
  return applied;
}

/** A resident opened a delivered letter on a device. `resident` is locked in this transaction and in the device's scope. */
export async function markReadByResident(tx: HubTransaction, resident: ResidentRow, args: MarkReadArgs, now: number): Promise<Outcome> {
  const message = await loadMessage(tx, args.messageId, { forUpdate: true });
  const readable = message !== null && message.resident_id === resident.resident_id && isAnswerable(message);
  if (!readable) return refuse('messageNotFound', 'That message could not be found.');
  // Reading twice (on the kiosk and on the tablet) is not an error; the first time counts.
  if (message.status === 'read') return applied;
  const [after] = await tx.query<MessageRow>(
    // readAt is when the person opened it (the device's clock, like writtenAt); statusChangedAt is when the hub learned it.
    `UPDATE messages SET status = 'read', read_at = $2, status_changed_at = $3, version = version + 1 WHERE message_id = $1 RETURNING ${messageColumns}`,
    [message.message_id, args.readAt, now],
  );
  if (after === undefined) throw new Error(`message ${message.message_id} vanished inside its own lock`);
  await publishForResident(tx, resident, [messageChange(after, await loadAttachments(tx, after.message_id))], now);
  return applied;
}
