// The resident's mail on this device: conversations, reading, replying at a cost shown first, drafts, the timeline of
// each sent message and search. Domain rules only; SQL is in store/mail.ts and the outbox in sync/outbox.ts. Every
// method takes the resident from the session (never from the screen) and refuses anything that is not theirs.
import { newRecordId } from '../../hub/protocol';
import { isAnswerable, messageCost, returnStampStanding } from '../../rules/stamps';
import { characterCount, maxMessageCharacters } from '../../rules/text';
import {
  conversationPageSize,
  type Conversation,
  type ConversationPageRequest,
  type ConversationSummary,
  type CostResult,
  type MailContact,
  type MailCostPreview,
  type MailAttachment,
  type MailDraft,
  type MailMessage,
  type MailRefusal,
  type MailSearchHit,
  type SendResult,
  type SentStep,
  type SentTimeline,
} from '../contract';
import type { DeviceDatabase } from '../store/database';
import { type MailAttachmentRow, type MailContactRow, type MailMessageRow } from '../store/mail';
import { hubRefusalOf } from '../sync/hub-refusal';
import { recordMutation, type RecordMutation } from '../sync/outbox';
import { storeQueriesOf } from '../store/store-queries';

export { maxMessageCharacters };
const previewCharacters = 120;
const searchLimit = 50;

/** The id names nothing of this resident's (it may be someone else's): refused without saying which. */
export class MailAccessError extends Error {
  override readonly name = 'MailAccessError';
}

export interface ComposeRequest {
  readonly contactId: string;
  readonly body: string;
  readonly replyToMessageId: string | null;
}

export interface MailService {
  conversations(residentId: string): ConversationSummary[];
  /** One page of the conversation (the newest unless asked otherwise): see conversationPageSize. */
  conversation(residentId: string, contactId: string, page?: ConversationPageRequest): Conversation;
  markRead(residentId: string, messageId: string): void;
  cost(residentId: string, request: ComposeRequest): CostResult;
  send(residentId: string, request: ComposeRequest & { readonly draftId: string | null }): SendResult;
  saveDraft(residentId: string, draft: { draftId: string; contactId: string; replyToMessageId: string | null; body: string }): MailDraft;
  drafts(residentId: string): MailDraft[];
  deleteDraft(residentId: string, draftId: string): void;
  search(residentId: string, query: string): MailSearchHit[];
}

export interface MailServiceOptions {
  readonly db: DeviceDatabase;
  readonly now: () => number;
  /** Default: straight into the outbox, for a device with no sync engine yet (and for tests). */
  readonly recordMutation?: RecordMutation;
  readonly newMessageId?: () => string;
}

const contactOf = (row: MailContactRow): MailContact => ({ ...row });

const steps: readonly SentStep[] = ['written', 'waitingOnDevice', 'receivedByFacility', 'inReview', 'delivered', 'read'];

/** The journey of a message the person sent: the outbox row says what this device knows, the hub's copy the rest. */
export function sentTimeline(message: MailMessageRow): SentTimeline {
  const at: Record<SentStep, number | null> = {
    written: message.writtenAt,
    waitingOnDevice: message.outbox?.createdAt ?? null,
    receivedByFacility: message.receivedAt ?? (message.outbox?.status === 'applied' ? message.outbox.settledAt : null),
    inReview: message.receivedAt ?? (message.outbox?.status === 'applied' ? message.outbox.settledAt : null),
    // Once read, statusChangedAt is the reading; when it was delivered is no longer known here.
    delivered: message.status === 'delivered' ? message.statusChangedAt : null,
    read: message.readAt,
  };
  const reached = ((): SentStep => {
    switch (message.status) {
      case 'read':
        return 'read';
      case 'delivered':
        return 'delivered';
      case 'inReview':
      case 'rejected':
        return 'inReview';
      case null:
        // Only this device knows it, or the hub accepted it and its copy has not arrived yet.
        return message.outbox?.status === 'applied' ? 'inReview' : message.outbox?.status === 'pending' ? 'waitingOnDevice' : 'written';
      default: {
        const unreachable: never = message.status;
        return unreachable;
      }
    }
  })();
  const reachedIndex = steps.indexOf(reached);
  const refused = message.outbox?.status === 'refused' && message.status === null;
  const state: SentTimeline['state'] = refused ? 'notAccepted' : message.status === 'rejected' ? 'rejected' : reached;
  const ended = state === 'rejected' || state === 'notAccepted';
  const shownSteps = ended ? steps.slice(0, reachedIndex + 1) : steps;
  return {
    state,
    steps: shownSteps.map((step, index) => ({ step, done: index <= reachedIndex, at: index <= reachedIndex ? at[step] : null })),
    endedAt: refused ? (message.outbox?.settledAt ?? null) : message.status === 'rejected' ? message.statusChangedAt : null,
    reason: message.status === 'rejected' && !refused ? message.rejectionReason : null,
    refusal: refused ? hubRefusalOf(message.outbox?.resultCode ?? null, message.outbox?.resultFigures ?? null) : null,
    stampsReturned: message.stampsReturned ?? 0,
  };
}

/** The person's words as an FTS5 query: each word a quoted prefix, all of them required; nothing of FTS5's syntax gets through. */
export function searchExpression(query: string): string | null {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 12)
    .map((word) => `"${word}"*`)
    .join(' ');
}

function toMailAttachment(row: MailAttachmentRow): MailAttachment {
  return {
    attachmentId: row.attachmentId,
    kind: row.kind,
    mimeType: row.mimeType,
    state: row.status === 'rejected' ? 'withheld' : row.downloaded ? 'ready' : 'downloading',
    withheldReason: row.status === 'rejected' ? row.rejectionReason : null,
    // A withheld video plays nowhere, so it offers no captions either.
    ...(row.status === 'delivered' && row.captionLanguages.length > 0 ? { captionLanguages: [...row.captionLanguages] } : {}),
  };
}

export function createMailService(options: MailServiceOptions): MailService {
  const { db, now } = options;
  const queries = storeQueriesOf(db).mail;
  const searchIndex = storeQueriesOf(db).mailSearch;
  const newMessageId = options.newMessageId ?? (() => newRecordId(now()));
  const record: RecordMutation = options.recordMutation ?? ((name, args, localEffect) => recordMutation(db, name, args, localEffect, { now: now() }));

  const ownContact = (residentId: string, contactId: string): MailContactRow => {
    const contact = queries.contact(residentId, contactId);
    if (contact === null) throw new MailAccessError('There is no such contact on your list.');
    return contact;
  };
  const ownMessage = (residentId: string, messageId: string): MailMessageRow => {
    const message = queries.message(residentId, messageId);
    if (message === null) throw new MailAccessError('There is no such message in your mail.');
    return message;
  };

  const isRead = (message: MailMessageRow): boolean => message.readAt !== null || message.status === 'read' || message.markedReadHere;
  // The shared rule (rules/stamps.ts), and a stamp this device has spent but not yet told the hub about counts as used.
  const returnStampAvailable = (residentId: string, message: MailMessageRow): boolean =>
    returnStampStanding(message) === 'available' && !queries.returnStampHeldHere(residentId, message.messageId);

  const toMailMessage = (residentId: string, message: MailMessageRow, attachments: readonly MailAttachmentRow[] = []): MailMessage => ({
    messageId: message.messageId,
    direction: message.direction,
    body: message.body,
    writtenAt: message.writtenAt,
    receivedAt: message.receivedAt,
    read: message.direction === 'inbound' && isRead(message),
    returnStampAvailable: returnStampAvailable(residentId, message),
    replyToMessageId: message.replyToMessageId,
    timeline: message.direction === 'outbound' ? sentTimeline(message) : null,
    attachments: attachments.map(toMailAttachment),
  });

  /** Checks a message before it costs anything; the reply target, if any, must be a delivered letter from that contact. */
  const priced = (
    residentId: string,
    request: ComposeRequest,
  ): { ok: true; cost: MailCostPreview; useReturnStamp: boolean } | { ok: false; refusal: MailRefusal } => {
    const contact = ownContact(residentId, request.contactId);
    let useReturnStamp = false;
    if (request.replyToMessageId !== null) {
      // The letter being answered may have gone since the reply was started (withdrawn by the facility, or the person
      // moved): said in words, and the draft stays. Another person's message id is refused the same way, saying nothing.
      const target = queries.message(residentId, request.replyToMessageId);
      if (target === null || !isAnswerable(target) || target.contactId !== contact.contactId) {
        return { ok: false, refusal: { reason: 'replyTargetGone' } };
      }
      useReturnStamp = returnStampAvailable(residentId, target);
    }
    if (!contact.approved) return { ok: false, refusal: { reason: 'contactNotApproved' } };
    const characters = characterCount(request.body);
    if (characters > maxMessageCharacters) return { ok: false, refusal: { reason: 'tooLong', maxCharacters: maxMessageCharacters } };
    const rules = queries.stampRules();
    if (rules === null) return { ok: false, refusal: { reason: 'rulesNotSynced' } };
    const cost = messageCost(request.body, 0, useReturnStamp, rules);
    const confirmed = queries.confirmedStamps(residentId);
    const stampsAvailable = confirmed === null ? null : Math.max(0, confirmed - queries.stampsHeldHere(residentId));
    return {
      ok: true,
      useReturnStamp,
      cost: {
        characters,
        charactersPerStamp: rules.charactersPerStamp,
        charactersUntilNextStamp: cost.charactersUntilNextStamp,
        totalStamps: cost.textStamps + cost.attachmentStamps,
        coveredByReturnStamp: cost.coveredByReturnStamp,
        fromOwnStamps: cost.fromOwnStamps,
        stampsAvailable,
        enoughStamps: cost.fromOwnStamps <= (stampsAvailable ?? 0),
        refundOnRejection: rules.refundStampsOnRejection,
        maxCharacters: maxMessageCharacters,
      },
    };
  };

  const toDraft = (
    residentId: string,
    draft: { draftId: string; contactId: string; replyToMessageId: string | null; body: string; updatedAt: number },
  ): MailDraft => ({
    ...draft,
    contactName: queries.contact(residentId, draft.contactId)?.displayName ?? '',
  });

  return {
    conversations: (residentId) =>
      queries
        .conversations(residentId)
        .map((row) => ({
          contact: contactOf(row.contact),
          unread: row.unread,
          lastMessageAt: row.lastMessageAt,
          preview: row.lastMessageBody === null ? null : [...row.lastMessageBody].slice(0, previewCharacters).join(''),
        }))
        // Newest first; contacts with no mail yet after, by name.
        .sort((a, b) => (b.lastMessageAt ?? -1) - (a.lastMessageAt ?? -1) || a.contact.displayName.localeCompare(b.contact.displayName)),

    conversation: (residentId, contactId, page = { kind: 'newest' }) => {
      const contact = ownContact(residentId, contactId);
      const total = queries.conversationSize(residentId, contactId);
      const newestPage = Math.max(0, total - conversationPageSize);
      const firstPosition = ((): number => {
        switch (page.kind) {
          case 'newest':
            return newestPage;
          case 'around': {
            // The letter asked for a few letters into its page, so the person sees what came just before it too; a
            // letter no longer in the conversation (moved, withdrawn) opens at the newest.
            const position = queries.conversationPosition(residentId, contactId, page.messageId);
            return position === null ? newestPage : Math.min(newestPage, Math.max(0, position - Math.floor(conversationPageSize / 4)));
          }
          case 'from':
            return Math.min(newestPage, page.position);
          default: {
            const unreachable: never = page;
            return unreachable;
          }
        }
      })();
      const rows = queries.messagesWith(residentId, contactId, { offset: firstPosition, limit: conversationPageSize });
      // One query for the page's attachments rather than one per letter.
      const attachments = new Map<string, MailAttachmentRow[]>();
      for (const attachment of queries.attachmentsOfMessages(
        residentId,
        rows.map((row) => row.messageId),
      )) {
        const list = attachments.get(attachment.messageId);
        if (list) list.push(attachment);
        else attachments.set(attachment.messageId, [attachment]);
      }
      const newest = firstPosition + rows.length === total ? rows.at(-1) : queries.messagesWith(residentId, contactId, { offset: total - 1, limit: 1 })[0];
      return {
        contact: contactOf(contact),
        total,
        firstPosition,
        messages: rows.map((message) => toMailMessage(residentId, message, attachments.get(message.messageId))),
        newestMessageId: newest?.messageId ?? null,
      };
    },

    markRead: (residentId, messageId) => {
      const message = ownMessage(residentId, messageId);
      if (message.direction !== 'inbound' || message.status !== 'delivered' || isRead(message)) return;
      // The outbox row is the local effect: until the hub's copy says "read", it is what makes the message count as read.
      record('markRead', { residentId, messageId, readAt: now() }, () => undefined);
    },

    cost: (residentId, request) => {
      const result = priced(residentId, request);
      return result.ok ? { ok: true, cost: result.cost } : result;
    },

    send: (residentId, request) => {
      const result = priced(residentId, request);
      if (!result.ok) return result;
      if (request.body.trim() === '') return { ok: false, refusal: { reason: 'emptyMessage' } };
      const { cost, useReturnStamp } = result;
      if (!cost.enoughStamps) return { ok: false, refusal: { reason: 'notEnoughStamps', needed: cost.fromOwnStamps, available: cost.stampsAvailable ?? 0 } };
      const messageId = newMessageId();
      const writtenAt = now();
      record(
        'sendMessage',
        { messageId, residentId, contactId: request.contactId, body: request.body, writtenAt, replyToMessageId: request.replyToMessageId, useReturnStamp },
        () => {
          queries.insertOutgoing({
            messageId,
            residentId,
            contactId: request.contactId,
            body: request.body,
            writtenAt,
            replyToMessageId: request.replyToMessageId,
            useReturnStamp,
            ownStamps: cost.fromOwnStamps,
          });
          // Sent and draft gone together: a crash can leave neither a lost message nor a stale draft.
          if (request.draftId !== null) queries.deleteDraft(residentId, request.draftId);
        },
      );
      return { ok: true, message: toMailMessage(residentId, ownMessage(residentId, messageId), queries.attachmentsOf(residentId, messageId)) };
    },

    saveDraft: (residentId, draft) => {
      ownContact(residentId, draft.contactId);
      if (draft.replyToMessageId !== null) ownMessage(residentId, draft.replyToMessageId);
      const saved = { ...draft, updatedAt: now() };
      if (!queries.saveDraft(residentId, saved)) throw new MailAccessError('There is no such draft.');
      return toDraft(residentId, saved);
    },

    drafts: (residentId) => queries.drafts(residentId).map((draft) => toDraft(residentId, draft)),

    deleteDraft: (residentId, draftId) => {
      queries.deleteDraft(residentId, draftId);
    },

    search: (residentId, query) => {
      const expression = searchExpression(query);
      if (expression === null) return [];
      // Their mail may still be waiting for the background indexer (a catch-up just landed): index it first.
      searchIndex.indexFor(residentId);
      const names = new Map(queries.contacts(residentId).map((contact) => [contact.contactId, contact.displayName]));
      return queries.search(residentId, expression, searchLimit).flatMap((hit) => {
        const message = queries.message(residentId, hit.messageId);
        if (message === null) return [];
        return [
          {
            messageId: message.messageId,
            contactId: message.contactId,
            contactName: names.get(message.contactId) ?? '',
            direction: message.direction,
            at: message.receivedAt ?? message.writtenAt,
            snippet: hit.snippet,
          },
        ];
      });
    },
  };
}
