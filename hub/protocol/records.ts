// The records the hub sends to devices in pull batches: one schema per entity, shared by the hub (which writes
// them into the change log) and the device (which applies them). Pure zod; no I/O.
import { z } from 'zod';
import { letterLength } from '../../rules/text';
import { LanguageTag, SiteLanguages } from '../../rules/language';
import { checkCaptions, maxCaptionBytes, maxCaptionTracks } from './captions';

export const Id = z.string().min(1).max(64);
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
/** Epoch milliseconds. */
export const Timestamp = z.number().int().nonnegative();
/** A language tag by shape (rules/language.ts): a site may offer a new language without a protocol change. */
export const Language = LanguageTag;
/**
 * The longest reason a reviewer may give for stopping a letter or an attachment. A reviewer explains in their own
 * words (and language); 2,000 characters leaves room for a careful explanation, which the screens wrap, never cut.
 */
export const maxReviewReasonLength = 2000;

export const ResidentRecord = z.object({
  residentId: Id,
  /** What the site's credential rule extracts from the wristband or ID card (e.g. the booking number). */
  credentialId: z.string().min(1).max(64),
  displayName: z.string().min(1).max(120),
  /** scrypt:N:r:p:salt:hash — the device checks PINs offline. */
  pinHash: z.string().min(1).max(300),
  language: Language,
  housingUnitId: Id.nullable(),
  /**
   * The lockout the hub computed from the person's wrong PINs on all their devices (rules/pin-lockout.ts): a
   * device refuses their PIN until then, as it does for a lockout of its own. Null when none.
   */
  lockedUntil: Timestamp.nullable(),
  /** When staff last cleared the person's lockout at the hub: a device that sees a newer one forgets its own count. */
  lockoutClearedAt: Timestamp.nullable(),
});
export type ResidentRecord = z.infer<typeof ResidentRecord>;

export const StaffRecord = z.object({
  staffId: Id,
  displayName: z.string().min(1).max(120),
  /** sha256 hex of the staff badge id as the site's credential rule extracts it (never the badge id itself). */
  badgeHash: Sha256Hex,
  pinHash: z.string().min(1).max(300),
});
export type StaffRecord = z.infer<typeof StaffRecord>;

export const ContactRecord = z.object({
  contactId: Id,
  residentId: Id,
  displayName: z.string().min(1).max(120),
  relationship: z.string().max(60),
  /** Only approved contacts can be written to. */
  approved: z.boolean(),
});
export type ContactRecord = z.infer<typeof ContactRecord>;

/**
 * A video's caption track in one language, carried whole: a few kilobytes of plain WebVTT that the hub checked and
 * rewrote (captions.ts). The device checks it again before serving it, so a record can never smuggle markup to a player.
 */
export const CaptionTrack = z.object({
  language: LanguageTag,
  text: z
    .string()
    .max(maxCaptionBytes)
    .refine((text) => checkCaptions(new TextEncoder().encode(text)).ok, 'a plain WebVTT caption track'),
});
export type CaptionTrack = z.infer<typeof CaptionTrack>;

export const AttachmentKind = z.enum(['photo', 'ecard', 'video']);
export const AttachmentRecord = z.object({
  attachmentId: Id,
  kind: AttachmentKind,
  sha256: Sha256Hex,
  byteSize: z.number().int().positive(),
  mimeType: z.enum(['image/jpeg', 'image/png', 'video/mp4', 'video/webm']),
  /** A reviewer may reject one attachment and deliver the rest. */
  status: z.enum(['delivered', 'rejected']),
  rejectionReason: z.string().max(maxReviewReasonLength).nullable(),
  /** A video's caption tracks, one per language; absent when it has none (and from records written before captions existed). */
  captions: z.array(CaptionTrack).min(1).max(maxCaptionTracks).optional(),
});
export type AttachmentRecord = z.infer<typeof AttachmentRecord>;

/**
 * A message's journey as the hub knows it. The device adds the earlier steps it alone knows
 * (draft, waiting on this device) from its outbox.
 */
export const MessageStatus = z.enum(['inReview', 'delivered', 'read', 'rejected']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const MessageRecord = z.object({
  messageId: Id,
  residentId: Id,
  contactId: Id,
  /** inbound: family → resident; outbound: resident → family. */
  direction: z.enum(['inbound', 'outbound']),
  /** Counted in characters as people count them: a letter of 30,000 emoji is 60,000 UTF-16 units and still legal. */
  body: letterLength,
  /** When the sender wrote it (the device's clock for outbound messages). */
  writtenAt: Timestamp,
  /** When the hub received it. */
  receivedAt: Timestamp,
  status: MessageStatus,
  statusChangedAt: Timestamp,
  rejectionReason: z.string().max(maxReviewReasonLength).nullable(),
  /** Inbound only: the sender paid for one reply. */
  carriesReturnStamp: z.boolean(),
  returnStampUsed: z.boolean(),
  replyToMessageId: Id.nullable(),
  stampsCharged: z.number().int().nonnegative(),
  stampsReturned: z.number().int().nonnegative(),
  readAt: Timestamp.nullable(),
  attachments: z.array(AttachmentRecord).max(10),
});
export type MessageRecord = z.infer<typeof MessageRecord>;

export const LedgerEntryRecord = z.object({
  entryId: Id,
  residentId: Id,
  /** Stamps: a count; debit: integer cents. Positive adds, negative spends. */
  amount: z.number().int(),
  kind: z.string().min(1).max(40),
  reference: z.string().max(120),
  createdAt: Timestamp,
});
export type LedgerEntryRecord = z.infer<typeof LedgerEntryRecord>;

/** Balances are decided at the hub and sent as they are, so the device never has to invent one. */
export const BalanceRecord = z.object({
  residentId: Id,
  stamps: z.number().int().nonnegative(),
  availableCents: z.number().int().nonnegative(),
  holdsCents: z.number().int().nonnegative(),
  confirmedAt: Timestamp,
});
export type BalanceRecord = z.infer<typeof BalanceRecord>;

export const VisitRecord = z.object({
  visitId: Id,
  residentId: Id,
  visitorName: z.string().min(1).max(120),
  kind: z.enum(['onSite', 'remote']),
  startsAt: Timestamp,
  durationMinutes: z.number().int().positive().max(600),
  status: z.enum(['scheduled', 'cancelled']),
  /**
   * Why staff cancelled it, in their words, for the resident's Visits screen. Absent when none was given (and in
   * records written before reasons were kept), so a device and the hub agree on a record either way.
   */
  cancellationReason: z.string().min(1).max(500).optional(),
});
export type VisitRecord = z.infer<typeof VisitRecord>;

/**
 * A family member's letter the facility stopped, told to the resident (by the site's rule
 * notifyResidentOfRejectedMail): who sent it, the reviewer's reason and when — never a word of the letter itself.
 * `afterDelivery`: the letter had reached the resident and was withdrawn; its copy is deleted in the same change batch.
 */
export const LetterStoppedRecord = z.object({
  noticeId: Id,
  residentId: Id,
  contactId: Id,
  senderName: z.string().min(1).max(120),
  reason: z.string().min(1).max(maxReviewReasonLength),
  stoppedAt: Timestamp,
  afterDelivery: z.boolean(),
});
export type LetterStoppedRecord = z.infer<typeof LetterStoppedRecord>;

/** The longest reason staff may give a person for pausing their messaging (their screens show it whole). */
export const maxMessagingPauseReasonLength = 500;

/**
 * Staff paused the resident's messaging until `pausedUntil`, for `reason` (staff's own words, shown to the person as
 * theirs). The hub refuses the person's letters while it holds; the device says so before they write, on the home and
 * compose screens. A pause lifted early is deleted from the devices (a delete change), so a device that saw the lift
 * and one that takes the person afresh hold the same records.
 */
export const MessagingPauseRecord = z.object({
  pauseId: Id,
  residentId: Id,
  pausedUntil: Timestamp,
  reason: z.string().min(1).max(maxMessagingPauseReasonLength),
});
export type MessagingPauseRecord = z.infer<typeof MessagingPauseRecord>;

/**
 * The site's money and stamp rules. They are decided at the hub (which charges) and synced to devices (which show
 * the cost before sending), so the two can never disagree.
 */
export const SiteRulesRecord = z.object({
  siteId: Id,
  siteName: z.string().min(1),
  charactersPerStamp: z.number().int().min(100).max(100_000),
  stampsPerAttachment: z.number().int().min(0).max(10),
  maxAttachments: z.number().int().min(0).max(10),
  maxAttachmentBytes: z.number().int().positive(),
  /** Whether stamps come back when review rejects a message; shown to the person before they send. */
  refundStampsOnRejection: z.boolean(),
  stampBooks: z.array(z.object({ stamps: z.number().int().positive(), priceCents: z.number().int().positive() })).min(1),
  /**
   * The languages the site offers residents and its default, as staff set them at the hub. Absent until they do (and
   * from a hub older than this field): the device keeps its site file's `languages` meanwhile.
   */
  languages: SiteLanguages.optional(),
});
export type SiteRulesRecord = z.infer<typeof SiteRulesRecord>;

/** Every entity a pull can carry, with the schema of its `data`. */
export const syncedEntities = {
  resident: ResidentRecord,
  staff: StaffRecord,
  contact: ContactRecord,
  message: MessageRecord,
  stampEntry: LedgerEntryRecord,
  debitEntry: LedgerEntryRecord,
  balance: BalanceRecord,
  visit: VisitRecord,
  letterStopped: LetterStoppedRecord,
  messagingPause: MessagingPauseRecord,
  siteRules: SiteRulesRecord,
} as const;
export type SyncedEntity = keyof typeof syncedEntities;
export const SyncedEntityName = z.enum(Object.keys(syncedEntities) as [SyncedEntity, ...SyncedEntity[]]);
