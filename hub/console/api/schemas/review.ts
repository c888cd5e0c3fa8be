// Review, as the mailroom's pages and the hub's review routes exchange it: the queue and its filters, one letter with
// the watch list's matches, decisions, the search of reviewed mail, the standard reasons, the watch list and messaging
// pauses. Imports only zod and rules/ (the console app parses with these same schemas).
import { z } from 'zod';
import { LanguageTag } from '../../../../rules/language';

const Id = z.string().min(1).max(64);
const Timestamp = z.number().int().nonnegative();
/** A query-string flag: "true" or "false". */
const Flag = z.enum(['true', 'false']).transform((value) => value === 'true');
/** A query-string time: epoch milliseconds as digits. */
const QueryTimestamp = z
  .string()
  .regex(/^\d{1,15}$/, 'epoch milliseconds')
  .transform(Number);
/**
 * A reason as typed. Bounded well above the hub's own limit (2,000 characters), so a long reason reaches the service
 * and is refused there in words ("A reason is at most 2000 characters; this one has 10000.") with nothing changed.
 */
const TypedReason = z.string().max(20_000);

export const LetterDirection = z.enum(['inbound', 'outbound']);
export type LetterDirection = z.infer<typeof LetterDirection>;
export const LetterStatus = z.enum(['inReview', 'delivered', 'read', 'rejected']);

export const QueueQuery = z.strictObject({
  /** Only an administrator may name a site; everyone else is held to their own. */
  siteId: Id.optional(),
  housingUnitId: Id.optional(),
  residentId: Id.optional(),
  contactId: Id.optional(),
  hasAttachments: Flag.optional(),
  flagged: Flag.optional(),
  direction: LetterDirection.optional(),
  cursor: z.string().max(400).optional(),
});
export type QueueQuery = z.input<typeof QueueQuery>;

export const QueueLetter = z.object({
  messageId: Id,
  siteId: Id,
  direction: LetterDirection,
  residentId: Id,
  residentName: z.string(),
  credentialId: z.string(),
  housingUnitName: z.string().nullable(),
  contactId: Id,
  contactName: z.string(),
  receivedAt: Timestamp,
  characters: z.number().int().nonnegative(),
  preview: z.string(),
  attachmentCount: z.number().int().nonnegative(),
  flagged: z.boolean(),
});
export type QueueLetter = z.infer<typeof QueueLetter>;

export const QueuePage = z.object({
  letters: z.array(QueueLetter).readonly(),
  total: z.number().int().nonnegative(),
  flaggedTotal: z.number().int().nonnegative(),
  nextCursor: z.string().nullable(),
});
export type QueuePage = z.infer<typeof QueuePage>;

/** What the queue's filters offer at a site: its units, residents and their contacts. */
export const QueueFilterChoices = z.object({
  housingUnits: z.array(z.object({ housingUnitId: Id, name: z.string() })).readonly(),
  residents: z.array(z.object({ residentId: Id, displayName: z.string(), credentialId: z.string() })).readonly(),
  contacts: z.array(z.object({ contactId: Id, residentId: Id, displayName: z.string() })).readonly(),
});
export type QueueFilterChoices = z.infer<typeof QueueFilterChoices>;

export const SiteQuery = z.strictObject({ siteId: Id.optional() });

export const LetterIdParams = z.strictObject({ messageId: Id });
export const AttachmentIdParams = z.strictObject({ attachmentId: Id });

export const WatchMatch = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), term: z.string() });

export const MessagingPauseView = z.object({
  suspensionId: Id,
  residentId: Id,
  residentName: z.string(),
  siteId: Id,
  startsAt: Timestamp,
  endsAt: Timestamp,
  reason: z.string(),
  suspendedBy: z.string(),
  liftedAt: Timestamp.nullable(),
  liftedBy: z.string().nullable(),
  active: z.boolean(),
});
export type MessagingPauseView = z.infer<typeof MessagingPauseView>;

export const LetterView = z.object({
  messageId: Id,
  siteId: Id,
  direction: LetterDirection,
  status: LetterStatus,
  residentId: Id,
  residentName: z.string(),
  credentialId: z.string(),
  housingUnitName: z.string().nullable(),
  contactId: Id,
  contactName: z.string(),
  contactRelationship: z.string(),
  body: z.string(),
  writtenAt: Timestamp,
  receivedAt: Timestamp,
  statusChangedAt: Timestamp,
  rejectionReason: z.string().nullable(),
  flagged: z.boolean(),
  matches: z.array(WatchMatch).readonly(),
  attachments: z
    .array(
      z.object({
        attachmentId: Id,
        position: z.number().int().nonnegative(),
        kind: z.enum(['photo', 'ecard', 'video']),
        mimeType: z.enum(['image/jpeg', 'image/png', 'video/mp4', 'video/webm']),
        byteSize: z.number().int().positive(),
        status: z.enum(['inReview', 'delivered', 'rejected']),
        rejectionReason: z.string().nullable(),
        /** A video's caption tracks (plain WebVTT the hub checked); the screen shows their words as text. */
        captions: z.array(z.object({ language: LanguageTag, text: z.string().max(64 * 1024) })).readonly(),
      }),
    )
    .readonly(),
  decisions: z
    .array(
      z.object({
        decision: z.enum(['approved', 'rejected']),
        attachmentId: Id.nullable(),
        reason: z.string().nullable(),
        reviewer: z.string(),
        decidedAt: Timestamp,
      }),
    )
    .readonly(),
  familyNotice: z.object({ kind: z.enum(['notDelivered', 'withdrawn']), reason: z.string(), at: Timestamp }).nullable(),
  suspension: MessagingPauseView.nullable(),
});
export type LetterView = z.infer<typeof LetterView>;

/** One of the site's standard reasons by id, or the reviewer's own words. */
export const ReasonChoice = z.union([z.strictObject({ reasonId: Id }), z.strictObject({ text: TypedReason })]);
export type ReasonChoice = z.infer<typeof ReasonChoice>;

export const ApproveRequest = z.strictObject({
  /** Attachments withheld, each with its reason; the rest are delivered. */
  withheld: z.array(z.strictObject({ attachmentId: Id, reason: ReasonChoice })).max(10),
});
export type ApproveRequest = z.infer<typeof ApproveRequest>;

export const RejectRequest = z.strictObject({ reason: ReasonChoice });
export type RejectRequest = z.infer<typeof RejectRequest>;

export const DecisionResult = z.object({ messageId: Id, status: LetterStatus });

export const SearchQuery = z.strictObject({
  siteId: Id.optional(),
  residentId: Id.optional(),
  contactId: Id.optional(),
  words: z.string().max(200).optional(),
  from: QueryTimestamp.optional(),
  to: QueryTimestamp.optional(),
  direction: LetterDirection.optional(),
  cursor: z.string().max(400).optional(),
});
export type SearchQuery = z.input<typeof SearchQuery>;

export const SearchPage = z.object({
  letters: z
    .array(
      z.object({
        messageId: Id,
        siteId: Id,
        direction: LetterDirection,
        status: LetterStatus,
        residentName: z.string(),
        contactName: z.string(),
        receivedAt: Timestamp,
        preview: z.string(),
        rejectionReason: z.string().nullable(),
      }),
    )
    .readonly(),
  nextCursor: z.string().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;

export const StandardReason = z.object({ reasonId: Id, siteId: Id, text: z.string(), position: z.number().int() });
export const StandardReasonList = z.object({ reasons: z.array(StandardReason).readonly() });
export type StandardReasonList = z.infer<typeof StandardReasonList>;
export const ReasonRequest = z.strictObject({ siteId: Id.optional(), text: TypedReason });
export const ReasonIdParams = z.strictObject({ reasonId: Id });
export const SiteChoice = z.strictObject({ siteId: Id.optional() });

export const WatchTermView = z.object({ termId: Id, siteId: Id, term: z.string(), addedBy: z.string(), addedAt: Timestamp });
export const WatchTermList = z.object({ terms: z.array(WatchTermView).readonly() });
export type WatchTermList = z.infer<typeof WatchTermList>;
export const WatchTermRequest = z.strictObject({ siteId: Id.optional(), term: z.string().max(1000) });
export const TermIdParams = z.strictObject({ termId: Id });

export const PauseList = z.object({ pauses: z.array(MessagingPauseView).readonly() });
export type PauseList = z.infer<typeof PauseList>;
export const PauseRequest = z.strictObject({ residentId: Id, endsAt: Timestamp, reason: z.string().max(5_000) });
export const PauseIdParams = z.strictObject({ suspensionId: Id });
