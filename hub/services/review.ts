// The mailroom's review, as the console shows it: the queue of letters waiting (both directions — family letters to a
// resident and the resident's replies, which are held for review alike), oldest first, filtered and a page at a time;
// one letter whole, with the watch list's matches and its attachments; the decisions (approve, approve withholding
// attachments, reject — with a reason from the site's standard list or written), made through messages.ts's
// reviewMessage, which delivers, refunds and tells the family; the search of reviewed mail; and the site's standard
// reasons. Which site a caller may see is the console's to enforce: every function here takes the site to hold to, or
// null for all sites (an administrator), and every letter returned names its site.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { characterCount, maxReviewReasonLength, type CaptionTrack } from '../protocol/index';
import { findWatchMatches, type WatchMatch } from '../../rules/watch-list';
import type { SqlExecutor } from '../db/database';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { reviewMessage } from './messages';
import { captionTracksColumn, storedCaptionTracks, type MessageRow } from './records';
import { activeSuspension, type MessagingSuspension } from './suspensions';
import { siteWatchList } from './watch-list';

/** Letters on one page of the queue or of a search. */
export const reviewPageSize = 50;
/** How much of a letter the queue shows in its row. */
export const queuePreviewCharacters = 160;

export type LetterDirection = 'inbound' | 'outbound';

// ---- keyset cursors ----

const Cursor = z.tuple([z.number().int().nonnegative(), z.string().min(1).max(64)]);

function encodeCursor(receivedAt: number, messageId: string): string {
  return Buffer.from(JSON.stringify([receivedAt, messageId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: number; messageId: string } {
  try {
    const parsed = Cursor.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return { receivedAt: parsed.data[0], messageId: parsed.data[1] };
  } catch {
    // Falls through to the refusal below: a cursor that is not base64url JSON is as wrong as one of the wrong shape.
  }
  throw invalid('That page position is not one this console gave out; start again from the first page.');
}

/** Builds a WHERE clause a condition at a time, numbering the parameters. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: (string | number | boolean | null)[] = [];
  bind(value: string | number | boolean | null): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

// ---- the queue ----

export interface QueueFilters {
  /** The site to list; null lists every site (only an administrator may ask for that). */
  readonly siteId: string | null;
  readonly housingUnitId?: string;
  readonly residentId?: string;
  readonly contactId?: string;
  readonly hasAttachments?: boolean;
  readonly flagged?: boolean;
  readonly direction?: LetterDirection;
}

export interface QueueLetter {
  readonly messageId: string;
  readonly siteId: string;
  readonly direction: LetterDirection;
  readonly residentId: string;
  readonly residentName: string;
  readonly credentialId: string;
  readonly housingUnitName: string | null;
  readonly contactId: string;
  readonly contactName: string;
  readonly receivedAt: number;
  readonly characters: number;
  /** The letter's first characters, as text. */
  readonly preview: string;
  readonly attachmentCount: number;
  readonly flagged: boolean;
}

export interface QueuePage {
  readonly letters: readonly QueueLetter[];
  /** Letters waiting that match the filters (all pages). */
  readonly total: number;
  /** Of those, how many the watch list flagged. */
  readonly flaggedTotal: number;
  /** Where the next page starts; null on the last page. */
  readonly nextCursor: string | null;
}

interface QueueRow {
  readonly message_id: string;
  readonly site_id: string;
  readonly direction: LetterDirection;
  readonly resident_id: string;
  readonly resident_name: string;
  readonly credential_id: string;
  readonly housing_unit_name: string | null;
  readonly contact_id: string;
  readonly contact_name: string;
  readonly received_at: number;
  readonly characters: number;
  readonly preview: string;
  readonly attachment_count: number;
  readonly flagged: boolean;
}

function queueConditions(filters: QueueFilters): Conditions {
  const conditions = new Conditions();
  conditions.clauses.push("m.status = 'inReview'");
  if (filters.siteId !== null) conditions.clauses.push(`m.site_id = ${conditions.bind(filters.siteId)}`);
  if (filters.housingUnitId !== undefined) conditions.clauses.push(`r.housing_unit_id = ${conditions.bind(filters.housingUnitId)}`);
  if (filters.residentId !== undefined) conditions.clauses.push(`m.resident_id = ${conditions.bind(filters.residentId)}`);
  if (filters.contactId !== undefined) conditions.clauses.push(`m.contact_id = ${conditions.bind(filters.contactId)}`);
  if (filters.direction !== undefined) conditions.clauses.push(`m.direction = ${conditions.bind(filters.direction)}`);
  if (filters.flagged !== undefined) conditions.clauses.push(`m.flagged = ${conditions.bind(filters.flagged)}`);
  if (filters.hasAttachments !== undefined)
    conditions.clauses.push(`${filters.hasAttachments ? '' : 'NOT '}EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.message_id)`);
  return conditions;
}

/** Letters waiting for review, oldest first, a page at a time (keyset: the cursor is the last letter's place). */
export async function reviewQueuePage(db: SqlExecutor, filters: QueueFilters, cursor: string | null = null): Promise<QueuePage> {
  const counting = queueConditions(filters);
  const [counts] = await db.query<{ total: number; flagged_total: number }>(
    `SELECT count(*)::integer AS total, count(*) FILTER (WHERE m.flagged)::integer AS flagged_total
       FROM messages m JOIN residents r ON r.resident_id = m.resident_id ${counting.where()}`,
    counting.params,
  );
  const paging = queueConditions(filters);
  if (cursor !== null) {
    const after = decodeCursor(cursor);
    paging.clauses.push(`(m.received_at, m.message_id) > (${paging.bind(after.receivedAt)}, ${paging.bind(after.messageId)})`);
  }
  const limit = paging.bind(reviewPageSize + 1);
  const rows = await db.query<QueueRow>(
    `SELECT m.message_id, m.site_id, m.direction, m.resident_id, r.display_name AS resident_name, r.credential_id, u.name AS housing_unit_name,
            m.contact_id, c.display_name AS contact_name, m.received_at, char_length(m.body) AS characters,
            left(m.body, ${queuePreviewCharacters}) AS preview,
            (SELECT count(*)::integer FROM attachments a WHERE a.message_id = m.message_id) AS attachment_count, m.flagged
       FROM messages m
       JOIN residents r ON r.resident_id = m.resident_id
       JOIN contacts c ON c.contact_id = m.contact_id
       LEFT JOIN housing_units u ON u.housing_unit_id = r.housing_unit_id
      ${paging.where()}
      ORDER BY m.received_at, m.message_id
      LIMIT ${limit}`,
    paging.params,
  );
  const page = rows.slice(0, reviewPageSize);
  const last = page[page.length - 1];
  return {
    letters: page.map((row) => ({
      messageId: row.message_id,
      siteId: row.site_id,
      direction: row.direction,
      residentId: row.resident_id,
      residentName: row.resident_name,
      credentialId: row.credential_id,
      housingUnitName: row.housing_unit_name,
      contactId: row.contact_id,
      contactName: row.contact_name,
      receivedAt: row.received_at,
      characters: row.characters,
      preview: row.preview,
      attachmentCount: row.attachment_count,
      flagged: row.flagged,
    })),
    total: counts?.total ?? 0,
    flaggedTotal: counts?.flagged_total ?? 0,
    nextCursor: rows.length > reviewPageSize && last !== undefined ? encodeCursor(last.received_at, last.message_id) : null,
  };
}

// ---- one letter ----

export interface LetterAttachment {
  readonly attachmentId: string;
  readonly position: number;
  readonly kind: 'photo' | 'ecard' | 'video';
  readonly mimeType: 'image/jpeg' | 'image/png' | 'video/mp4' | 'video/webm';
  readonly byteSize: number;
  readonly status: 'inReview' | 'delivered' | 'rejected';
  readonly rejectionReason: string | null;
  /** A video's caption tracks, words and all: the reviewer reads what the resident will read. */
  readonly captions: readonly CaptionTrack[];
}

export interface LetterDecision {
  readonly decision: 'approved' | 'rejected';
  readonly attachmentId: string | null;
  readonly reason: string | null;
  readonly reviewer: string;
  readonly decidedAt: number;
}

export interface LetterForReview {
  readonly messageId: string;
  readonly siteId: string;
  readonly direction: LetterDirection;
  readonly status: MessageRow['status'];
  readonly residentId: string;
  readonly residentName: string;
  readonly credentialId: string;
  readonly housingUnitName: string | null;
  readonly contactId: string;
  readonly contactName: string;
  readonly contactRelationship: string;
  /** The letter's words exactly as stored; a screen shows them as text, never as markup. */
  readonly body: string;
  readonly writtenAt: number;
  readonly receivedAt: number;
  readonly statusChangedAt: number;
  readonly rejectionReason: string | null;
  readonly flagged: boolean;
  /** Where the site's watch list matches the words now (rules/watch-list.ts). */
  readonly matches: readonly WatchMatch[];
  readonly attachments: readonly LetterAttachment[];
  readonly decisions: readonly LetterDecision[];
  /** What the family sender was told, for a family letter review stopped. */
  readonly familyNotice: { readonly kind: 'notDelivered' | 'withdrawn'; readonly reason: string; readonly at: number } | null;
  /** The resident's messaging pause holding now, if any. */
  readonly suspension: MessagingSuspension | null;
}

/** One letter whole, for review or for reading a reviewed one. Not found in words when there is none. */
export async function letterForReview(db: SqlExecutor, messageId: string, now: number): Promise<LetterForReview> {
  const [row] = await db.query<{
    message_id: string;
    site_id: string;
    direction: LetterDirection;
    status: MessageRow['status'];
    resident_id: string;
    resident_name: string;
    credential_id: string;
    housing_unit_name: string | null;
    contact_id: string;
    contact_name: string;
    relationship: string;
    body: string;
    written_at: number;
    received_at: number;
    status_changed_at: number;
    rejection_reason: string | null;
    flagged: boolean;
  }>(
    `SELECT m.message_id, m.site_id, m.direction, m.status, m.resident_id, r.display_name AS resident_name, r.credential_id,
            u.name AS housing_unit_name, m.contact_id, c.display_name AS contact_name, c.relationship, m.body, m.written_at, m.received_at,
            m.status_changed_at, m.rejection_reason, m.flagged
       FROM messages m
       JOIN residents r ON r.resident_id = m.resident_id
       JOIN contacts c ON c.contact_id = m.contact_id
       LEFT JOIN housing_units u ON u.housing_unit_id = r.housing_unit_id
      WHERE m.message_id = $1`,
    [messageId],
  );
  if (row === undefined) throw notFound('There is no such letter.');
  const attachments = await db.query<{
    attachment_id: string;
    position: number;
    kind: LetterAttachment['kind'];
    mime_type: LetterAttachment['mimeType'];
    byte_size: number;
    status: LetterAttachment['status'];
    rejection_reason: string | null;
    caption_tracks: unknown;
  }>(
    `SELECT attachment_id, position, kind, mime_type, byte_size, status, rejection_reason, ${captionTracksColumn('attachments')}
       FROM attachments WHERE message_id = $1 ORDER BY position`,
    [messageId],
  );
  const decisions = await db.query<{
    decision: 'approved' | 'rejected';
    attachment_id: string | null;
    reason: string | null;
    reviewer: string;
    decided_at: number;
  }>('SELECT decision, attachment_id, reason, reviewer, decided_at FROM review_decisions WHERE message_id = $1 ORDER BY decided_at, attachment_id NULLS LAST', [
    messageId,
  ]);
  const [notice] = await db.query<{ kind: 'notDelivered' | 'withdrawn'; reason: string; created_at: number }>(
    'SELECT kind, reason, created_at FROM family_notices WHERE message_id = $1 ORDER BY seq DESC LIMIT 1',
    [messageId],
  );
  const watchList = await siteWatchList(db, row.site_id);
  return {
    messageId: row.message_id,
    siteId: row.site_id,
    direction: row.direction,
    status: row.status,
    residentId: row.resident_id,
    residentName: row.resident_name,
    credentialId: row.credential_id,
    housingUnitName: row.housing_unit_name,
    contactId: row.contact_id,
    contactName: row.contact_name,
    contactRelationship: row.relationship,
    body: row.body,
    writtenAt: row.written_at,
    receivedAt: row.received_at,
    statusChangedAt: row.status_changed_at,
    rejectionReason: row.rejection_reason,
    flagged: row.flagged,
    matches: findWatchMatches(row.body, watchList),
    attachments: attachments.map((attachment) => ({
      attachmentId: attachment.attachment_id,
      position: attachment.position,
      kind: attachment.kind,
      mimeType: attachment.mime_type,
      byteSize: attachment.byte_size,
      status: attachment.status,
      rejectionReason: attachment.rejection_reason,
      captions: storedCaptionTracks(attachment.caption_tracks),
    })),
    decisions: decisions.map((decision) => ({
      decision: decision.decision,
      attachmentId: decision.attachment_id,
      reason: decision.reason,
      reviewer: decision.reviewer,
      decidedAt: decision.decided_at,
    })),
    familyNotice: notice === undefined ? null : { kind: notice.kind, reason: notice.reason, at: notice.created_at },
    suspension: await activeSuspension(db, row.resident_id, now),
  };
}

/** The site a letter belongs to, for the console to check before acting on it; not found in words when there is none. */
export async function letterSite(db: SqlExecutor, messageId: string): Promise<string> {
  const [row] = await db.query<{ site_id: string }>('SELECT site_id FROM messages WHERE message_id = $1', [messageId]);
  if (row === undefined) throw notFound('There is no such letter.');
  return row.site_id;
}

export interface AttachmentForReview {
  readonly attachmentId: string;
  readonly messageId: string;
  readonly siteId: string;
  readonly kind: LetterAttachment['kind'];
  readonly mimeType: LetterAttachment['mimeType'];
  readonly bytes: Buffer;
}

/** An attachment's bytes with its stored media type, for a reviewer of its site; not found in words when there is none. */
export async function attachmentForReview(db: SqlExecutor, attachmentId: string): Promise<AttachmentForReview> {
  const [row] = await db.query<{
    attachment_id: string;
    message_id: string;
    site_id: string;
    kind: LetterAttachment['kind'];
    mime_type: LetterAttachment['mimeType'];
    bytes: Uint8Array;
  }>(
    `SELECT a.attachment_id, a.message_id, m.site_id, a.kind, a.mime_type, b.bytes
       FROM attachments a JOIN messages m ON m.message_id = a.message_id JOIN blobs b ON b.sha256 = a.sha256
      WHERE a.attachment_id = $1`,
    [attachmentId],
  );
  if (row === undefined) throw notFound('There is no such attachment.');
  return {
    attachmentId: row.attachment_id,
    messageId: row.message_id,
    siteId: row.site_id,
    kind: row.kind,
    mimeType: row.mime_type,
    bytes: Buffer.from(row.bytes),
  };
}

// ---- decisions ----

/** A reason as the reviewer gave it: one of the site's standard reasons by id, or their own words. */
export type ReasonChoice = { readonly reasonId: string } | { readonly text: string };

async function reasonText(db: SqlExecutor, siteId: string, choice: ReasonChoice): Promise<string> {
  if ('text' in choice) return choice.text;
  const [reason] = await db.query<{ text: string }>('SELECT text FROM review_reasons WHERE site_id = $1 AND reason_id = $2', [siteId, choice.reasonId]);
  if (reason === undefined) throw notFound('That reason is not on this site’s list of standard reasons.');
  return reason.text;
}

export type LetterDecisionRequest =
  | {
      readonly decision: 'approve';
      readonly messageId: string;
      readonly reviewer: string;
      readonly withheld?: readonly { attachmentId: string; reason: ReasonChoice }[];
    }
  | { readonly decision: 'reject'; readonly messageId: string; readonly reviewer: string; readonly reason: ReasonChoice };

/**
 * Approves (withholding any attachments named) or rejects a waiting letter. messages.ts's reviewMessage does the work
 * — delivery, refunds, telling the family and the resident — in one transaction; a refusal (a reason too long, a letter
 * already reviewed) changes nothing.
 */
export async function decideLetter(hub: HubContext, request: LetterDecisionRequest): Promise<MessageRow> {
  const siteId = await letterSite(hub.database, request.messageId);
  switch (request.decision) {
    case 'approve': {
      const rejectedAttachments = [];
      for (const withheld of request.withheld ?? []) {
        rejectedAttachments.push({ attachmentId: withheld.attachmentId, reason: await reasonText(hub.database, siteId, withheld.reason) });
      }
      return reviewMessage(hub, { decision: 'approve', messageId: request.messageId, reviewer: request.reviewer, rejectedAttachments });
    }
    case 'reject':
      return reviewMessage(hub, {
        decision: 'reject',
        messageId: request.messageId,
        reviewer: request.reviewer,
        reason: await reasonText(hub.database, siteId, request.reason),
      });
    default: {
      const unknownRequest: never = request;
      throw invalid(`unknown review decision ${JSON.stringify(unknownRequest)}`);
    }
  }
}

// ---- search of reviewed mail ----

export interface MailSearch {
  readonly siteId: string | null;
  readonly residentId?: string;
  readonly contactId?: string;
  /** Words that must all appear in the letter, in any case. */
  readonly words?: string;
  /** Received at or after (epoch ms). */
  readonly from?: number;
  /** Received before (epoch ms). */
  readonly to?: number;
  readonly direction?: LetterDirection;
}

export interface ReviewedLetter {
  readonly messageId: string;
  readonly siteId: string;
  readonly direction: LetterDirection;
  readonly status: MessageRow['status'];
  readonly residentName: string;
  readonly contactName: string;
  readonly receivedAt: number;
  readonly preview: string;
  readonly rejectionReason: string | null;
}

export interface SearchPage {
  readonly letters: readonly ReviewedLetter[];
  readonly nextCursor: string | null;
}

/** The most words a search may name: each is one more condition on every letter it reads. */
export const maxSearchWords = 10;

/** Reviewed letters (both directions), newest first, a page at a time. */
export async function searchReviewedMail(db: SqlExecutor, search: MailSearch, cursor: string | null = null): Promise<SearchPage> {
  const conditions = new Conditions();
  conditions.clauses.push("m.status <> 'inReview'");
  if (search.siteId !== null) conditions.clauses.push(`m.site_id = ${conditions.bind(search.siteId)}`);
  if (search.residentId !== undefined) conditions.clauses.push(`m.resident_id = ${conditions.bind(search.residentId)}`);
  if (search.contactId !== undefined) conditions.clauses.push(`m.contact_id = ${conditions.bind(search.contactId)}`);
  if (search.direction !== undefined) conditions.clauses.push(`m.direction = ${conditions.bind(search.direction)}`);
  if (search.from !== undefined) conditions.clauses.push(`m.received_at >= ${conditions.bind(search.from)}`);
  if (search.to !== undefined) conditions.clauses.push(`m.received_at < ${conditions.bind(search.to)}`);
  const words = checkedInputText(search.words ?? '', 'line', 'The search')
    .split(/\s+/u)
    .filter((word) => word !== '');
  if (words.length > maxSearchWords) throw invalid(`A search may name at most ${maxSearchWords} words.`);
  // strpos over lower(): no pattern characters to escape, so a search for "100%" or "a_b" means exactly that.
  for (const word of words) conditions.clauses.push(`strpos(lower(m.body), lower(${conditions.bind(word)})) > 0`);
  if (cursor !== null) {
    const before = decodeCursor(cursor);
    conditions.clauses.push(`(m.received_at, m.message_id) < (${conditions.bind(before.receivedAt)}, ${conditions.bind(before.messageId)})`);
  }
  const limit = conditions.bind(reviewPageSize + 1);
  const rows = await db.query<{
    message_id: string;
    site_id: string;
    direction: LetterDirection;
    status: MessageRow['status'];
    resident_name: string;
    contact_name: string;
    received_at: number;
    preview: string;
    rejection_reason: string | null;
  }>(
    `SELECT m.message_id, m.site_id, m.direction, m.status, r.display_name AS resident_name, c.display_name AS contact_name, m.received_at,
            left(m.body, ${queuePreviewCharacters}) AS preview, m.rejection_reason
       FROM messages m JOIN residents r ON r.resident_id = m.resident_id JOIN contacts c ON c.contact_id = m.contact_id
      ${conditions.where()}
      ORDER BY m.received_at DESC, m.message_id DESC
      LIMIT ${limit}`,
    conditions.params,
  );
  const page = rows.slice(0, reviewPageSize);
  const last = page[page.length - 1];
  return {
    letters: page.map((row) => ({
      messageId: row.message_id,
      siteId: row.site_id,
      direction: row.direction,
      status: row.status,
      residentName: row.resident_name,
      contactName: row.contact_name,
      receivedAt: row.received_at,
      preview: row.preview,
      rejectionReason: row.rejection_reason,
    })),
    nextCursor: rows.length > reviewPageSize && last !== undefined ? encodeCursor(last.received_at, last.message_id) : null,
  };
}

// ---- standard reasons ----

export interface StandardReason {
  readonly reasonId: string;
  readonly siteId: string;
  readonly text: string;
  readonly position: number;
}

/** The site's standard reasons, in their order. */
export async function listReviewReasons(db: SqlExecutor, siteId: string): Promise<StandardReason[]> {
  const rows = await db.query<{ reason_id: string; site_id: string; text: string; position: number }>(
    'SELECT reason_id, site_id, text, position FROM review_reasons WHERE site_id = $1 ORDER BY position, reason_id',
    [siteId],
  );
  return rows.map((row) => ({ reasonId: row.reason_id, siteId: row.site_id, text: row.text, position: row.position }));
}

function checkedStandardReason(text: string): string {
  const reason = checkedInputText(text, 'line', 'The reason').trim();
  if (reason === '') throw invalid('A standard reason needs words the resident and the family can read.');
  if (characterCount(reason) > maxReviewReasonLength)
    throw invalid(`A reason is at most ${maxReviewReasonLength} characters; this one has ${characterCount(reason)}.`);
  return reason;
}

/** Adds a standard reason at the end of the site's list. The same words twice are refused. */
export async function addReviewReason(hub: HubContext, input: { siteId: string; text: string }): Promise<StandardReason> {
  const text = checkedStandardReason(input.text);
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT site_id FROM sites WHERE site_id = $1 FOR UPDATE', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const [same] = await tx.query('SELECT 1 FROM review_reasons WHERE site_id = $1 AND text = $2', [input.siteId, text]);
    if (same !== undefined) throw conflict('That reason is already on the list.');
    const [row] = await tx.query<{ reason_id: string; position: number }>(
      `INSERT INTO review_reasons (reason_id, site_id, text, position, created_at)
       SELECT $1, $2, $3, COALESCE(max(position), 0) + 1, $4 FROM review_reasons WHERE site_id = $2
       RETURNING reason_id, position`,
      [randomUUID(), input.siteId, text, hub.now()],
    );
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    return { reasonId: row.reason_id, siteId: input.siteId, text, position: row.position };
  });
}

/** Rewords a standard reason. Decisions already made keep the words they were made with. */
export async function editReviewReason(hub: HubContext, input: { siteId: string; reasonId: string; text: string }): Promise<StandardReason> {
  const text = checkedStandardReason(input.text);
  return hub.database.transaction(async (tx) => {
    const [same] = await tx.query('SELECT 1 FROM review_reasons WHERE site_id = $1 AND text = $2 AND reason_id <> $3', [input.siteId, text, input.reasonId]);
    if (same !== undefined) throw conflict('That reason is already on the list.');
    const [row] = await tx.query<{ position: number }>('UPDATE review_reasons SET text = $3 WHERE site_id = $1 AND reason_id = $2 RETURNING position', [
      input.siteId,
      input.reasonId,
      text,
    ]);
    if (row === undefined) throw notFound('That reason is not on this site’s list of standard reasons.');
    return { reasonId: input.reasonId, siteId: input.siteId, text, position: row.position };
  });
}

/** Takes a standard reason off the site's list. Decisions already made keep their words. */
export async function removeReviewReason(hub: HubContext, input: { siteId: string; reasonId: string }): Promise<StandardReason> {
  const [row] = await hub.database.query<{ reason_id: string; site_id: string; text: string; position: number }>(
    'DELETE FROM review_reasons WHERE site_id = $1 AND reason_id = $2 RETURNING reason_id, site_id, text, position',
    [input.siteId, input.reasonId],
  );
  if (row === undefined) throw notFound('That reason is not on this site’s list of standard reasons.');
  return { reasonId: row.reason_id, siteId: row.site_id, text: row.text, position: row.position };
}

// ---- what the console's filters offer ----

export interface QueueFilterChoices {
  readonly housingUnits: readonly { housingUnitId: string; name: string }[];
  readonly residents: readonly { residentId: string; displayName: string; credentialId: string }[];
  readonly contacts: readonly { contactId: string; residentId: string; displayName: string }[];
}

/** The units, active residents and their contacts of a site (every site for null), for the queue's and search's filters. */
export async function queueFilterChoices(db: SqlExecutor, siteId: string | null): Promise<QueueFilterChoices> {
  const units = await db.query<{ housing_unit_id: string; name: string }>(
    'SELECT housing_unit_id, name FROM housing_units WHERE ($1::text IS NULL OR site_id = $1) ORDER BY name, housing_unit_id',
    [siteId],
  );
  const residents = await db.query<{ resident_id: string; display_name: string; credential_id: string }>(
    "SELECT resident_id, display_name, credential_id FROM residents WHERE ($1::text IS NULL OR site_id = $1) AND status = 'active' ORDER BY display_name, resident_id",
    [siteId],
  );
  const contacts = await db.query<{ contact_id: string; resident_id: string; display_name: string }>(
    `SELECT c.contact_id, c.resident_id, c.display_name FROM contacts c JOIN residents r ON r.resident_id = c.resident_id
      WHERE ($1::text IS NULL OR r.site_id = $1) AND r.status = 'active' ORDER BY c.display_name, c.contact_id`,
    [siteId],
  );
  return {
    housingUnits: units.map((unit) => ({ housingUnitId: unit.housing_unit_id, name: unit.name })),
    residents: residents.map((resident) => ({ residentId: resident.resident_id, displayName: resident.display_name, credentialId: resident.credential_id })),
    contacts: contacts.map((contact) => ({ contactId: contact.contact_id, residentId: contact.resident_id, displayName: contact.display_name })),
  };
}

/** The site a resident belongs to, for the console to check before acting; not found in words when there is none. */
export async function residentSite(db: SqlExecutor, residentId: string): Promise<string> {
  const [row] = await db.query<{ site_id: string }>('SELECT site_id FROM residents WHERE resident_id = $1', [residentId]);
  if (row === undefined) throw notFound('There is no such resident.');
  return row.site_id;
}
