// Queries for a resident's mail: their contacts and messages (replica), the replies they sent from this device
// (mail_outgoing, joined with the outbox), drafts and the full-text index (migrations 0007 and 0008). Every read takes the
// resident's id and filters by it, so a query can never hand one person another's mail.
import type { MessageStatus, SiteRulesRecord } from '../../hub/protocol';
import { storedCaptionTracks } from './caption-tracks';
import type { DeviceDatabase } from './database';
import type { OutboxStatus } from './outbox';

export interface MailContactRow {
  readonly contactId: string;
  readonly displayName: string;
  readonly relationship: string;
  readonly approved: boolean;
}

export interface ConversationRow {
  readonly contact: MailContactRow;
  readonly unread: number;
  readonly lastMessageAt: number | null;
  readonly lastMessageBody: string | null;
}

/** A message of the replica, or a reply sent here that the hub's copy has not replaced yet. */
export interface MailMessageRow {
  readonly messageId: string;
  readonly contactId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  readonly writtenAt: number;
  /** When the hub received it; null for a reply still known only to this device. */
  readonly receivedAt: number | null;
  /** The hub's status; null while only this device knows the message. */
  readonly status: MessageStatus | null;
  readonly statusChangedAt: number | null;
  readonly rejectionReason: string | null;
  readonly carriesReturnStamp: boolean;
  readonly returnStampUsed: boolean;
  readonly replyToMessageId: string | null;
  readonly readAt: number | null;
  readonly stampsCharged: number | null;
  readonly stampsReturned: number | null;
  /** Sent from this device: the outbox row that carries it, and how the hub answered it. */
  readonly outbox: {
    readonly mutationId: number;
    readonly status: OutboxStatus;
    readonly resultCode: string | null;
    readonly resultReason: string | null;
    readonly resultFigures: string | null;
    readonly createdAt: number;
    readonly settledAt: number | null;
  } | null;
  /** A markRead for it is waiting in the outbox. */
  readonly markedReadHere: boolean;
}

/** An attachment of one of the person's messages, as the screens need it (no hash: that stays in the runtime). */
export interface MailAttachmentRow {
  readonly messageId: string;
  readonly attachmentId: string;
  readonly kind: 'photo' | 'ecard' | 'video';
  readonly mimeType: string;
  readonly byteSize: number;
  readonly status: 'delivered' | 'rejected';
  readonly rejectionReason: string | null;
  /** The verified bytes are on this device. */
  readonly downloaded: boolean;
  /** The languages of the video's caption tracks (none for a photo, or a video without captions). */
  readonly captionLanguages: readonly string[];
}

/** Where the bytes of one of the person's attachments are, to be checked again before they are served. */
export interface AttachmentContentRow {
  readonly sha256: string;
  readonly mimeType: string;
  readonly byteSize: number;
  /** The video's caption tracks as the record's JSON; null for none. */
  readonly captions: string | null;
}

export interface DraftRow {
  readonly draftId: string;
  readonly contactId: string;
  readonly replyToMessageId: string | null;
  readonly body: string;
  readonly updatedAt: number;
}

export interface OutgoingInsert {
  readonly messageId: string;
  readonly residentId: string;
  readonly contactId: string;
  readonly body: string;
  readonly writtenAt: number;
  readonly replyToMessageId: string | null;
  readonly useReturnStamp: boolean;
  readonly ownStamps: number;
}

export interface SearchHit {
  readonly messageId: string;
  readonly snippet: string;
}

export type StampRulesRow = Pick<SiteRulesRecord, 'charactersPerStamp' | 'stampsPerAttachment' | 'refundStampsOnRejection'>;

export interface MailQueries {
  contacts(residentId: string): MailContactRow[];
  contact(residentId: string, contactId: string): MailContactRow | null;
  conversations(residentId: string): ConversationRow[];
  /** How many letters the conversation holds (the replica's and this device's replies not back from the hub yet). */
  conversationSize(residentId: string, contactId: string): number;
  /** Where a letter sits in the conversation, oldest first from 0; null when it is not in it. */
  conversationPosition(residentId: string, contactId: string, messageId: string): number | null;
  /** `limit` letters from `offset`, oldest first, as a conversation reads. */
  messagesWith(residentId: string, contactId: string, window: { readonly offset: number; readonly limit: number }): MailMessageRow[];
  message(residentId: string, messageId: string): MailMessageRow | null;
  /** The attachments of these messages of the person's, each message's in the order the hub listed them. */
  attachmentsOfMessages(residentId: string, messageIds: readonly string[]): MailAttachmentRow[];
  attachmentsOf(residentId: string, messageId: string): MailAttachmentRow[];
  /** A delivered attachment of the person's own message whose bytes are on the device; null for anything else. */
  attachmentContent(residentId: string, messageId: string, attachmentId: string): AttachmentContentRow | null;
  /** Whether a reply recorded here holds this message's return stamp until the hub's copy says how it went. */
  returnStampHeldHere(residentId: string, messageId: string): boolean;
  /** Stamps held by replies recorded here that the hub has not charged (or refused) yet. */
  stampsHeldHere(residentId: string): number;
  confirmedStamps(residentId: string): number | null;
  stampRules(): StampRulesRow | null;
  insertOutgoing(row: OutgoingInsert): void;
  drafts(residentId: string): DraftRow[];
  draft(residentId: string, draftId: string): DraftRow | null;
  /** Only the resident's own draft of that id is written; returns false when the id belongs to someone else. */
  saveDraft(residentId: string, draft: DraftRow): boolean;
  deleteDraft(residentId: string, draftId: string): void;
  /** `match` is an FTS5 query already built from the person's words. */
  search(residentId: string, match: string, limit: number): SearchHit[];
}

interface MessageJoinRow {
  message_id: string;
  contact_id: string;
  direction: 'inbound' | 'outbound';
  body: string;
  written_at: number;
  received_at: number | null;
  status: MessageStatus | null;
  status_changed_at: number | null;
  rejection_reason: string | null;
  carries_return_stamp: number;
  return_stamp_used: number;
  reply_to_message_id: string | null;
  read_at: number | null;
  stamps_charged: number | null;
  stamps_returned: number | null;
  mutation_id: number | null;
  outbox_status: OutboxStatus | null;
  result_code: string | null;
  result_reason: string | null;
  result_figures: string | null;
  outbox_created_at: number | null;
  settled_at: number | null;
  marked_read_here: number;
}

/** The sendMessage outbox row of a sent reply (alias `table`): by message id, since pending mutations can be renumbered. */
const outboxOf = (table: string): string => `o.name = 'sendMessage' AND o.resident_id = ${table}.resident_id AND o.message_id = ${table}.message_id`;

// The replica's messages, plus replies of this device whose hub copy has not arrived; each with its outbox row.
/**
 * The person's letters whose id satisfies `onlyIds` (a condition on `message_id`, e.g. `= @messageId`), with what the
 * screens show of each. The condition goes inside both halves of the union so only those letters are read in full:
 * filtering after the union read every letter the person has, bodies included, to show 24 of them.
 * `moreWith` adds common table expressions the condition may name (it ends with a comma). The unary `+` keeps SQLite
 * from walking the person's index and testing each of their letters against the ids: the ids lead, by primary key.
 */
const messageSelect = (onlyIds: string, moreWith = ''): string => `
  WITH ${moreWith} mine AS (
    SELECT m.message_id, m.contact_id, m.direction, m.body, m.written_at, m.received_at, m.status, m.status_changed_at,
           m.rejection_reason, m.carries_return_stamp, m.return_stamp_used, m.reply_to_message_id, m.read_at,
           m.stamps_charged, m.stamps_returned
      FROM messages m WHERE +m.resident_id = @residentId AND m.message_id ${onlyIds}
    UNION ALL
    SELECT g.message_id, g.contact_id, 'outbound', g.body, g.written_at, NULL, NULL, NULL, NULL, 0, 0, g.reply_to_message_id,
           NULL, NULL, NULL
      FROM mail_outgoing g
     WHERE +g.resident_id = @residentId AND g.message_id ${onlyIds} AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = g.message_id)
  )
  SELECT mine.*, o.mutation_id, o.status AS outbox_status, o.result_code, o.result_reason, o.result_figures, o.created_at AS outbox_created_at, o.settled_at,
         EXISTS (
           SELECT 1 FROM outbox r WHERE r.status <> 'refused' AND r.name = 'markRead' AND r.resident_id = @residentId
              AND r.message_id = mine.message_id
         ) AS marked_read_here
    FROM mine
    LEFT JOIN mail_outgoing g ON g.message_id = mine.message_id AND g.resident_id = @residentId
    LEFT JOIN outbox o ON g.message_id IS NOT NULL AND o.name = 'sendMessage' AND o.resident_id = @residentId
                      AND o.message_id = g.message_id`;

interface AttachmentSqlRow {
  message_id: string;
  attachment_id: string;
  kind: MailAttachmentRow['kind'];
  mime_type: string;
  byte_size: number;
  status: MailAttachmentRow['status'];
  rejection_reason: string | null;
  downloaded: number;
  captions: string | null;
}

const toAttachment = (row: AttachmentSqlRow): MailAttachmentRow => ({
  messageId: row.message_id,
  attachmentId: row.attachment_id,
  kind: row.kind,
  mimeType: row.mime_type,
  byteSize: row.byte_size,
  status: row.status,
  rejectionReason: row.rejection_reason,
  downloaded: row.downloaded === 1,
  captionLanguages: row.captions === null ? [] : storedCaptionTracks(row.captions).map((track) => track.language),
});

const toMessage = (row: MessageJoinRow): MailMessageRow => ({
  messageId: row.message_id,
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
  readAt: row.read_at,
  stampsCharged: row.stamps_charged,
  stampsReturned: row.stamps_returned,
  outbox:
    row.mutation_id === null || row.outbox_status === null
      ? null
      : {
          mutationId: row.mutation_id,
          status: row.outbox_status,
          resultCode: row.result_code,
          resultReason: row.result_reason,
          resultFigures: row.result_figures,
          createdAt: row.outbox_created_at ?? row.written_at,
          settledAt: row.settled_at,
        },
  markedReadHere: row.marked_read_here === 1,
});

interface ContactRow {
  contact_id: string;
  display_name: string;
  relationship: string;
  approved: number;
}

const toContact = (row: ContactRow): MailContactRow => ({
  contactId: row.contact_id,
  displayName: row.display_name,
  relationship: row.relationship,
  approved: row.approved === 1,
});

interface DraftSqlRow {
  draft_id: string;
  contact_id: string;
  reply_to_message_id: string | null;
  body: string;
  updated_at: number;
}

const toDraft = (row: DraftSqlRow): DraftRow => ({
  draftId: row.draft_id,
  contactId: row.contact_id,
  replyToMessageId: row.reply_to_message_id,
  body: row.body,
  updatedAt: row.updated_at,
});

export function mailQueries(db: DeviceDatabase): MailQueries {
  const selectContacts = db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE resident_id = ? ORDER BY display_name, contact_id');
  const selectContact = db.prepare<[string, string], ContactRow>('SELECT * FROM contacts WHERE resident_id = ? AND contact_id = ?');
  const selectConversationFacts = db.prepare<{ residentId: string }, { contact_id: string; unread: number; last_at: number | null; last_body: string | null }>(`
    WITH mine AS (
      SELECT message_id, contact_id, body, max(received_at, written_at) AS at, direction, status, read_at
        FROM messages WHERE resident_id = @residentId
      UNION ALL
      SELECT message_id, contact_id, body, written_at, 'outbound', NULL, NULL FROM mail_outgoing g
       WHERE resident_id = @residentId AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = g.message_id)
    ), ranked AS (
      SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY at DESC, message_id DESC) AS position FROM mine
    )
    SELECT contact_id,
           sum(direction = 'inbound' AND status = 'delivered' AND read_at IS NULL AND NOT EXISTS (
             SELECT 1 FROM outbox r WHERE r.status <> 'refused' AND r.name = 'markRead' AND r.resident_id = @residentId
                AND r.message_id = ranked.message_id)) AS unread,
           max(at) AS last_at,
           max(CASE WHEN position = 1 THEN body END) AS last_body
      FROM ranked
     GROUP BY contact_id`);
  // A conversation's order, in one place: when the letter reached the facility (or was written, until it has), then id.
  const conversationOrder = (table: string): string => `coalesce(${table}.received_at, ${table}.written_at), ${table}.message_id`;
  // The letters of one conversation with only what orders them (index-only, messages_by_conversation): counting,
  // placing and paging a letter read no bodies.
  const conversationKeys = `
    keys AS (
      SELECT message_id, written_at, received_at FROM messages WHERE resident_id = @residentId AND contact_id = @contactId
      UNION ALL
      SELECT g.message_id, g.written_at, NULL FROM mail_outgoing g
       WHERE g.resident_id = @residentId AND g.contact_id = @contactId
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = g.message_id)
    )`;
  const selectConversationSize = db.prepare<{ residentId: string; contactId: string }, { n: number }>(
    `WITH ${conversationKeys} SELECT count(*) AS n FROM keys`,
  );
  const selectConversationPosition = db.prepare<{ residentId: string; contactId: string; messageId: string }, { position: number }>(`
    WITH ${conversationKeys}
    SELECT position FROM (SELECT message_id, row_number() OVER (ORDER BY ${conversationOrder('keys')}) - 1 AS position FROM keys)
     WHERE message_id = @messageId`);
  // A page is chosen from the keys first, then only its letters are read in full.
  const selectMessagesWith = db.prepare<{ residentId: string; contactId: string; offset: number; limit: number }, MessageJoinRow>(
    `${messageSelect(
      'IN (SELECT message_id FROM page)',
      `${conversationKeys}, page AS (SELECT message_id FROM keys ORDER BY ${conversationOrder('keys')} LIMIT @limit OFFSET @offset),`,
    )} ORDER BY ${conversationOrder('mine')}`,
  );
  const selectMessage = db.prepare<{ residentId: string; messageId: string }, MessageJoinRow>(messageSelect('= @messageId'));
  const attachmentSelect = `
    SELECT a.message_id, a.attachment_id, a.kind, a.mime_type, a.byte_size, a.status, a.rejection_reason, a.downloaded, a.captions
      FROM message_attachments a JOIN messages m ON m.message_id = a.message_id AND m.resident_id = @residentId`;
  const selectAttachmentsOfMessages = db.prepare<{ residentId: string; messageIds: string }, AttachmentSqlRow>(
    `${attachmentSelect} WHERE a.message_id IN (SELECT value FROM json_each(@messageIds)) ORDER BY a.message_id, a.position`,
  );
  const selectAttachmentsOf = db.prepare<{ residentId: string; messageId: string }, AttachmentSqlRow>(
    `${attachmentSelect} WHERE a.message_id = @messageId ORDER BY a.position`,
  );
  const selectAttachmentContent = db.prepare<
    { residentId: string; messageId: string; attachmentId: string },
    { sha256: string; mime_type: string; byte_size: number; captions: string | null }
  >(`
    SELECT a.sha256, a.mime_type, a.byte_size, a.captions
      FROM message_attachments a JOIN messages m ON m.message_id = a.message_id AND m.resident_id = @residentId
     WHERE a.message_id = @messageId AND a.attachment_id = @attachmentId AND a.status = 'delivered' AND a.downloaded = 1
       AND m.status IN ('delivered', 'read')`);
  const selectReturnStampHeld = db.prepare<[string, string], { n: number }>(`
    SELECT count(*) AS n FROM mail_outgoing g JOIN outbox o ON ${outboxOf('g')}
     WHERE g.resident_id = ? AND g.reply_to_message_id = ? AND g.use_return_stamp = 1
       AND (o.status = 'pending' OR (o.status = 'applied' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = g.message_id)))`);
  // Once the hub answered and its copy of the message (and the balance that paid for it) arrived, the balance says it all.
  const selectStampsHeld = db.prepare<[string], { n: number }>(`
    SELECT coalesce(sum(g.own_stamps), 0) AS n FROM mail_outgoing g JOIN outbox o ON ${outboxOf('g')}
     WHERE g.resident_id = ?
       AND (o.status = 'pending' OR (o.status = 'applied' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = g.message_id)))`);
  const selectBalance = db.prepare<[string], { stamps: number }>('SELECT stamps FROM balances WHERE resident_id = ?');
  // A device serves one site; its rules are the one row the hub sent.
  const selectRules = db.prepare<[], { characters_per_stamp: number; stamps_per_attachment: number; refund_stamps_on_rejection: number }>(
    'SELECT characters_per_stamp, stamps_per_attachment, refund_stamps_on_rejection FROM site_rules ORDER BY site_id LIMIT 1',
  );
  const insertOutgoingRow = db.prepare(`
    INSERT INTO mail_outgoing (message_id, resident_id, contact_id, body, written_at, reply_to_message_id, use_return_stamp, own_stamps)
    VALUES (@messageId, @residentId, @contactId, @body, @writtenAt, @replyToMessageId, @useReturnStamp, @ownStamps)`);
  const selectDrafts = db.prepare<[string], DraftSqlRow>('SELECT * FROM mail_drafts WHERE resident_id = ? ORDER BY updated_at DESC, draft_id');
  const selectDraft = db.prepare<[string, string], DraftSqlRow>('SELECT * FROM mail_drafts WHERE resident_id = ? AND draft_id = ?');
  const selectDraftOwner = db.prepare<[string], { resident_id: string }>('SELECT resident_id FROM mail_drafts WHERE draft_id = ?');
  const upsertDraft = db.prepare(`
    INSERT INTO mail_drafts (draft_id, resident_id, contact_id, reply_to_message_id, body, updated_at)
    VALUES (@draftId, @residentId, @contactId, @replyToMessageId, @body, @updatedAt)
    ON CONFLICT (draft_id) DO UPDATE SET contact_id = excluded.contact_id, reply_to_message_id = excluded.reply_to_message_id,
      body = excluded.body, updated_at = excluded.updated_at
    WHERE mail_drafts.resident_id = excluded.resident_id`);
  const deleteDraftRow = db.prepare('DELETE FROM mail_drafts WHERE resident_id = ? AND draft_id = ?');
  const selectSearch = db.prepare<{ residentId: string; match: string; limit: number }, { message_id: string; snippet: string }>(`
    SELECT message_id, snippet(mail_search, 2, '', '', '…', 16) AS snippet
      FROM mail_search
     WHERE mail_search MATCH @match AND resident_id = @residentId
     ORDER BY rank
     LIMIT @limit`);

  return {
    contacts: (residentId) => selectContacts.all(residentId).map(toContact),
    contact: (residentId, contactId) => {
      const row = selectContact.get(residentId, contactId);
      return row ? toContact(row) : null;
    },
    conversations: (residentId) => {
      const facts = new Map(selectConversationFacts.all({ residentId }).map((row) => [row.contact_id, row]));
      return selectContacts.all(residentId).map((row) => {
        const fact = facts.get(row.contact_id);
        return { contact: toContact(row), unread: fact?.unread ?? 0, lastMessageAt: fact?.last_at ?? null, lastMessageBody: fact?.last_body ?? null };
      });
    },
    conversationSize: (residentId, contactId) => selectConversationSize.get({ residentId, contactId })?.n ?? 0,
    conversationPosition: (residentId, contactId, messageId) => selectConversationPosition.get({ residentId, contactId, messageId })?.position ?? null,
    messagesWith: (residentId, contactId, { offset, limit }) => selectMessagesWith.all({ residentId, contactId, offset, limit }).map(toMessage),
    message: (residentId, messageId) => {
      const row = selectMessage.get({ residentId, messageId });
      return row ? toMessage(row) : null;
    },
    attachmentsOfMessages: (residentId, messageIds) =>
      messageIds.length === 0 ? [] : selectAttachmentsOfMessages.all({ residentId, messageIds: JSON.stringify(messageIds) }).map(toAttachment),
    attachmentsOf: (residentId, messageId) => selectAttachmentsOf.all({ residentId, messageId }).map(toAttachment),
    attachmentContent: (residentId, messageId, attachmentId) => {
      const row = selectAttachmentContent.get({ residentId, messageId, attachmentId });
      return row ? { sha256: row.sha256, mimeType: row.mime_type, byteSize: row.byte_size, captions: row.captions } : null;
    },
    returnStampHeldHere: (residentId, messageId) => (selectReturnStampHeld.get(residentId, messageId)?.n ?? 0) > 0,
    stampsHeldHere: (residentId) => selectStampsHeld.get(residentId)?.n ?? 0,
    confirmedStamps: (residentId) => selectBalance.get(residentId)?.stamps ?? null,
    stampRules: () => {
      const row = selectRules.get();
      return row
        ? {
            charactersPerStamp: row.characters_per_stamp,
            stampsPerAttachment: row.stamps_per_attachment,
            refundStampsOnRejection: row.refund_stamps_on_rejection === 1,
          }
        : null;
    },
    insertOutgoing: (row) => {
      insertOutgoingRow.run({ ...row, useReturnStamp: row.useReturnStamp ? 1 : 0 });
    },
    drafts: (residentId) => selectDrafts.all(residentId).map(toDraft),
    draft: (residentId, draftId) => {
      const row = selectDraft.get(residentId, draftId);
      return row ? toDraft(row) : null;
    },
    saveDraft: (residentId, draft) => {
      const owner = selectDraftOwner.get(draft.draftId);
      if (owner !== undefined && owner.resident_id !== residentId) return false;
      upsertDraft.run({ ...draft, residentId });
      return true;
    },
    deleteDraft: (residentId, draftId) => {
      deleteDraftRow.run(residentId, draftId);
    },
    search: (residentId, match, limit) =>
      // The person's own documents first (an indexed column since migration 0009), so FTS5 ranks only theirs; the
      // words match the letter's text only. The resident_id comparison stays as the rule that cannot be got wrong.
      selectSearch
        .all({ residentId, match: `resident_id : "${residentId.replaceAll('"', '""')}" AND body : (${match})`, limit })
        .map((row) => ({ messageId: row.message_id, snippet: row.snippet })),
  };
}
