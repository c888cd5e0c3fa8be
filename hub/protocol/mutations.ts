// Mutations: what a device asks the hub to do on a person's behalf. Each carries a per-device id that increases by
// one, and is applied exactly once (docs/sync.md §7 "Push and exactly-once"). A business refusal is a result with a code and a reason, never a
// lost mutation. Pure zod; no I/O.
import { z } from 'zod';
import { AuditEntry } from './audit';
import { Id, Timestamp } from './records';
import { checkedText, maxMessageCharacters } from '../../rules/text';
import { LanguageTag } from '../../rules/language';

/** A mutation's id: one more than the device's previous one. */
export const MutationId = z.number().int().positive();

export const SendMessageArgs = z
  .object({
    /** Chosen on the device, so the device's row and the hub's row are the same message. */
    messageId: z.string().uuid(),
    residentId: Id,
    contactId: Id,
    body: checkedText('letter', { minCharacters: 1, maxCharacters: maxMessageCharacters, field: 'The message' }),
    writtenAt: Timestamp,
    replyToMessageId: Id.nullable(),
    /** Spend the return stamp of the message being answered instead of the resident's own stamps. */
    useReturnStamp: z.boolean(),
  })
  .strict();
export type SendMessageArgs = z.infer<typeof SendMessageArgs>;

export const MarkReadArgs = z.object({ residentId: Id, messageId: Id, readAt: Timestamp }).strict();
export type MarkReadArgs = z.infer<typeof MarkReadArgs>;

export const BuyStampsArgs = z
  .object({
    residentId: Id,
    /** Chosen on the device: the same request sent twice is charged once. */
    requestId: z.string().uuid(),
    bookSize: z.number().int().positive().max(1000),
  })
  .strict();
export type BuyStampsArgs = z.infer<typeof BuyStampsArgs>;

/**
 * A person chose the language their screens speak to them in (docs/languages.md §5 "Where a choice is kept"). The hub
 * keeps the newest choice: this one, or a staff edit of the record made after `chosenAt`. Any tag of valid shape is
 * kept, offered at the site or not, since a site's offer changes and the person's choice should outlast that.
 */
export const ChooseLanguageArgs = z
  .object({
    residentId: Id,
    language: LanguageTag,
    /** When the person chose it, by the device's clock: what orders it against staff edits made at the hub. */
    chosenAt: Timestamp,
  })
  .strict();
export type ChooseLanguageArgs = z.infer<typeof ChooseLanguageArgs>;

/** Why a device gave up sending one of its mutations; the hub records it as a refusal with this code. */
export const NotSentReason = z.enum([
  /** Larger than any push request the hub accepts (maxMutationJsonBytes). */
  'tooLargeToSend',
  /** Its stored arguments no longer fit the protocol (written by an older version, or damaged). */
  'unreadableOnDevice',
]);
export type NotSentReason = z.infer<typeof NotSentReason>;

/**
 * Takes the place of a mutation the device cannot send, under its id: the hub needs every id in order, so without it
 * one oversize or unreadable mutation would hold back everything after it for good. The original stays on the device,
 * settled as refused with this code, and the person is told in words.
 */
export const NotSentArgs = z.object({ originalName: z.string().min(1).max(64), reason: NotSentReason }).strict();
export type NotSentArgs = z.infer<typeof NotSentArgs>;

const mutationOf = <N extends string, A extends z.ZodType>(name: N, args: A) => z.object({ id: MutationId, name: z.literal(name), args }).strict();

export const Mutation = z.discriminatedUnion('name', [
  mutationOf('sendMessage', SendMessageArgs),
  mutationOf('markRead', MarkReadArgs),
  mutationOf('buyStamps', BuyStampsArgs),
  mutationOf('chooseLanguage', ChooseLanguageArgs),
  /** One entry of the device's hash-chained audit log (audit.ts); the hub keeps the device's chain. */
  mutationOf('appendAuditEntry', AuditEntry),
]);
export type Mutation = z.infer<typeof Mutation>;
export type MutationName = Mutation['name'];
export type MutationArgs<N extends MutationName> = Extract<Mutation, { name: N }>['args'];

/** What a push carries under each id: a mutation the device recorded, or the note that it could not send one. */
export const PushedMutation = z.discriminatedUnion('name', [...Mutation.options, mutationOf('notSent', NotSentArgs)]);
export type PushedMutation = z.infer<typeof PushedMutation>;

/** Why the hub refused a mutation; the device shows each in words. */
export const RefusalCode = z.enum([
  'outOfScope',
  /**
   * A kiosk spoke for a person its own audit chain does not show signed in on it when it did (a language choice): a
   * kiosk serves everyone in its unit, so only the person at the screen may change their record from it.
   */
  'notSignedInOnDevice',
  'residentNotFound',
  'contactNotApproved',
  'contactNotFound',
  'notEnoughStamps',
  'notEnoughMoney',
  'unknownBookSize',
  'messageTooLong',
  'replyTargetNotFound',
  'returnStampUnavailable',
  'messageNotFound',
  'duplicateMessageId',
  /** A purchase request id already used for a different purchase (another person or book size). */
  'requestIdReused',
  /** Staff paused the person's messaging (a suspension) until `pausedUntil`; nothing was charged. */
  'messagingSuspended',
  /**
   * An audit entry that does not continue the device's chain at the hub. The hub still stores it (hub/README.md) and
   * verify-audit names the seq; these say which link broke: a seq that is not the next one, a prev_hash that is not
   * the stored head's hash, or fields that do not hash to the entry's hash.
   */
  'auditSeqNotNext',
  'auditPrevHashMismatch',
  'auditHashMismatch',
  /** A different entry under a seq the hub already holds; kept aside, never in place of the first. */
  'auditSeqTaken',
  /** An entry hashed under another device's id; kept aside. */
  'auditOtherDevice',
  // Text the text rule refuses (text.ts): a control character such as NUL or ESC; broken Unicode (a lone surrogate).
  'textControlCharacter',
  'textInvalidUnicode',
  /** Never sent by the hub for a mutation (no mutation carries a name), but every text problem has its code. */
  'textInvisibleCharacter',
  /** A mutation that does not fit the protocol (a missing or malformed field). */
  'malformedMutation',
  /** A value the hub's database would not store (it refused the write); nothing of the mutation was kept. */
  'hubCouldNotStore',
  // The device gave up sending it (NotSentReason), and says so under its id.
  'tooLargeToSend',
  'unreadableOnDevice',
]);
export type RefusalCode = z.infer<typeof RefusalCode>;

/**
 * The numbers behind a refusal, so the device can word it in the person's language ("a book costs $4.50 and your
 * account has $2.00") instead of showing `reason`, which is the hub's English for logs and staff. Which figures come
 * with which code is the hub's one rule (services/push.ts); every figure is optional here so that a device can still
 * read a result recorded before figures existed.
 */
export const RefusalFigures = z
  .object({
    neededCents: z.number().int().nonnegative(),
    availableCents: z.number().int().nonnegative(),
    neededStamps: z.number().int().nonnegative(),
    availableStamps: z.number().int().nonnegative(),
    maxCharacters: z.number().int().positive(),
    characters: z.number().int().nonnegative(),
    bookSize: z.number().int(),
    /** messagingSuspended: when the pause ends (epoch ms). */
    pausedUntil: z.number().int().nonnegative(),
  })
  .partial()
  .strict();
export type RefusalFigures = z.infer<typeof RefusalFigures>;

export const MutationResult = z.discriminatedUnion('status', [
  z.object({ id: z.number().int().positive(), status: z.literal('applied') }),
  z.object({
    id: z.number().int().positive(),
    status: z.literal('refused'),
    code: RefusalCode,
    reason: z.string().max(500),
    figures: RefusalFigures.optional(),
  }),
]);
export type MutationResult = z.infer<typeof MutationResult>;
