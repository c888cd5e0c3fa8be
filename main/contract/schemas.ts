// Shapes that cross the renderer ↔ runtime boundary. Pure zod: no Node, no DOM.
import { z } from 'zod';
// The one text rule and the longest letter, shared with the hub (the lint allows the contract this one protocol file).
import { checkedText, maxMessageCharacters } from '../../rules/text';
// A language is a tag checked by shape, never a list: which languages exist is the locale files' business (docs/languages.md).
import { LanguageTag } from '../../rules/language';
export { baseLanguage, LocaleBlock } from '../../rules/language';

export const LanguageCode = LanguageTag;
export type LanguageCode = LanguageTag;

export const DeviceMode = z.enum(['kiosk', 'tablet']);
export type DeviceMode = z.infer<typeof DeviceMode>;

/** A PIN as typed on the pad: digits only; the site decides the length. */
export const PinInput = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

/** Why the attract screen shows a message, if it does. */
export const AttractNotice = z.enum([
  'cardNotRecognized',
  'staffCardNotAccepted',
  'signedOut',
  'signedOutIdle',
  'sessionTimeLimit',
  'pinEntryTimedOut',
  /** A resident's card on a tablet nobody is assigned to: only staff can do anything here until they assign it. */
  'tabletNotAssigned',
]);
export type AttractNotice = z.infer<typeof AttractNotice>;

export const PinNotice = z.enum(['wrongPin']);
export type PinNotice = z.infer<typeof PinNotice>;

export const ResidentSummary = z.object({
  id: z.string(),
  displayName: z.string(),
  language: LanguageCode,
});
export type ResidentSummary = z.infer<typeof ResidentSummary>;

/** A staff member in service mode: their record id and name, never their badge. */
export const StaffSummary = z.object({ id: z.string(), displayName: z.string() });
export type StaffSummary = z.infer<typeof StaffSummary>;

/** Whose PIN the pad is asking for: a resident's (their own screens) or a staff member's (service mode). */
export const PinSubject = z.enum(['resident', 'staff']);
export type PinSubject = z.infer<typeof PinSubject>;

/**
 * What the screen should show for the session. Times are epoch milliseconds from the runtime's clock,
 * so the renderer can draw countdowns without owning any timer that matters.
 */
export const SessionView = z.discriminatedUnion('phase', [
  /** noticeLanguage: the language of the person a sign-out notice is for (null: the device's). */
  z.object({ phase: z.literal('attract'), notice: AttractNotice.nullable(), noticeLanguage: LanguageCode.nullable() }),
  z.object({
    phase: z.literal('pinEntry'),
    subject: PinSubject,
    pinLength: z.number().int().min(4).max(8),
    attemptsLeft: z.number().int().min(0),
    notice: PinNotice.nullable(),
    checking: z.boolean(),
    expiresAt: z.number(),
  }),
  z.object({ phase: z.literal('lockedOut'), until: z.number() }),
  z.object({
    phase: z.literal('signedIn'),
    resident: ResidentSummary,
    sessionEndsAt: z.number(),
    /** Set while the idle warning counts down; null while the person is active. */
    idleWarningEndsAt: z.number().nullable(),
  }),
  /** A staff member in service mode: idle warning and idle sign-out as in any session; no resident is signed in. */
  z.object({ phase: z.literal('service'), staff: StaffSummary, idleWarningEndsAt: z.number().nullable() }),
  /**
   * A tablet's lock screen (issue 8): its assignee signs in with the PIN alone. `sessionHeld` when the person's session
   * was locked, not ended (idle, or the sync rule): the PIN unlocks it, and the screens come back where they were. The
   * screen names the person by first name only (DeviceInfo.tablet); nothing else of theirs is in this view.
   */
  z.object({
    phase: z.literal('tabletLock'),
    sessionHeld: z.boolean(),
    pinLength: z.number().int().min(4).max(8),
    checking: z.boolean(),
    /** Why the last session ended, as on a kiosk's attract screen; null when there is nothing to say. */
    notice: AttractNotice.nullable(),
    pinNotice: PinNotice.nullable(),
    /** Tries left before a lockout, known after a wrong PIN; null before. */
    attemptsLeft: z.number().int().min(0).nullable(),
    /** Set while too many wrong PINs keep the pad from being checked. */
    lockedUntil: z.number().nullable(),
  }),
  /** A tablet locked for want of a sync (DeviceInfo.tablet.sync says how long); staff badges still open service mode. */
  z.object({ phase: z.literal('syncLocked'), sessionHeld: z.boolean() }),
  /**
   * The device could not start because its disk is full: the shell serves this instead of crashing into a restart loop,
   * and starts the device by itself once space is freed. Nobody can sign in meanwhile; the screen says so in words.
   */
  z.object({ phase: z.literal('deviceFull') }),
]);
export type SessionView = z.infer<typeof SessionView>;
export type SessionPhase = SessionView['phase'];

export const ReaderConnection = z.enum(['connected', 'disconnected', 'connecting']);

/**
 * Why bytes, a report or a key burst from a reader were not a read: the one list of stable codes every driver
 * emits and service mode counts. Words for people live in the renderer (a person hears only "Card not
 * recognized — try again"; staff see the reason).
 */
export const ReadRejectionReason = z.enum([
  // Framing, every line-based reader.
  'oversizeFrame', // more bytes than the longest frame without a suffix: a flood, a stuck reader or a wrong suffix setting
  'unprintable', // control or binary bytes inside a frame: line noise, wrong baud rate
  'emptyFrame', // just a suffix
  // Barcode scanners.
  'badSymbologyIdentifier', // the scanner should send ]cm but did not
  // RFID badge readers (pcProx-style lines, raw Wiegand).
  'missingDelimiter', // a facility-code delimiter is configured but the line has none
  'invalidDigits', // not digits of the configured base: noise, or a reader set to another output
  'invalidBitCount',
  'unsupportedWiegandLength', // no configured Wiegand format has this many bits
  'invalidBitString',
  'invalidLength',
  'wrongLength',
  'valueOutOfRange',
  'parityError', // a Wiegand parity bit is wrong: a bad read, or a card of another format
  // Magstripe readers.
  'reportTooShort',
  'unexpectedReportLength',
  'trackLengthBeyondField',
  'unprintableTrackData',
  'decodeError', // the reader flagged the track: half a swipe, too fast, a worn stripe
  'blankCard', // nothing encoded
  'trackMissing', // other tracks read, the configured one is empty: another kind of card
  'badTrack', // sentinels, characters, LRC or the ISO layout of the track are wrong
  // Keyboard-mode readers.
  'unframedBurst', // keys far faster than typing that did not make a read: the reader's prefix/suffix setting is wrong
]);
export type ReadRejectionReason = z.infer<typeof ReadRejectionReason>;

export const ReaderStatus = z.object({
  readerId: z.string(),
  kind: z.string(),
  connection: ReaderConnection,
  goodReads: z.number().int(),
  badReads: z.number().int(),
  /** Bad reads by reason since the device started; reasons never seen are left out. */
  badReadsByReason: z.partialRecord(ReadRejectionReason, z.number().int().nonnegative()),
  /**
   * Reads a reader made well that no credential rule accepted (a bank card, a badge from another facility code).
   * Counted by the runtime, not the driver: only the site's rules know.
   */
  unrecognizedReads: z.number().int().nonnegative(),
  /** Why the reader is not working, in words for staff, or null. Never card data. */
  problem: z.string().nullable(),
  lastEventAt: z.number().nullable(),
});
export type ReaderStatus = z.infer<typeof ReaderStatus>;

/**
 * How the page must take a keyboard-mode card reader's reads off the keyboard (hardware/keyboard/wedge-detector.ts
 * options, as the site file set them). Sent only when the page is where detection happens (the web host); in the
 * Electron shell the main process detects and the page never sees card keys, so DeviceInfo says null there.
 */
export const KeyboardWedgeDetection = z.object({
  detectIn: z.literal('page'),
  maxGapMs: z.number().positive(),
  idleTimeoutMs: z.number().positive(),
  minFrameLength: z.number().int().positive(),
  maxFrameLength: z.number().int().positive(),
  /** KeyboardEvent.key values the reader sends before each read; empty for none. */
  prefix: z.array(z.string().min(1)),
  /** KeyboardEvent.key values that end each read. */
  suffix: z.array(z.string().min(1)).min(1),
});
export type KeyboardWedgeDetection = z.infer<typeof KeyboardWedgeDetection>;

/** What the page's detector hands the runtime: a read, or a burst faster than a person that was not one. */
export const KeyboardReadInput = z.union([
  // A read is secret: never logged, never shown; the runtime maps it to a person like any reader's scan.
  z.object({ text: z.string().min(1).max(4096) }).strict(),
  z.object({ rejected: z.enum(['unframedBurst', 'oversizeFrame']) }).strict(),
]);
export type KeyboardReadInput = z.infer<typeof KeyboardReadInput>;

/**
 * Where a tablet stands with the lock rule (main/tablet/sync-lock.ts): `warning` from the site's warning threshold on,
 * `locked` from its lock threshold on. Days are whole days; `daysLeft` rounds up ("sync within 2 days").
 */
export const TabletSyncStanding = z.object({
  state: z.enum(['ok', 'warning', 'locked']),
  /** The last successful sync, or the assignment if it has not synced since: what the days count from. */
  since: z.number(),
  daysWithoutSync: z.number().int().min(0),
  daysLeft: z.number().int().min(0),
});
export type TabletSyncStanding = z.infer<typeof TabletSyncStanding>;

export const DeviceInfo = z.object({
  deviceName: z.string(),
  siteName: z.string(),
  mode: DeviceMode,
  appVersion: z.string(),
  languages: z.array(LanguageCode).min(1),
  defaultLanguage: LanguageCode,
  /** Present while no one is signed in; the language the attract screen uses. */
  language: LanguageCode,
  /** Set when the page must detect a keyboard-mode reader's reads; null when there is none or the shell detects. */
  keyboardWedge: KeyboardWedgeDetection.nullable(),
  /**
   * On a tablet, whether it is assigned to someone (the attract screen of an unassigned one says so and asks for staff);
   * null on a kiosk. Anyone at the screen may read this, so of the person it holds only what their own lock screen shows
   * anyway: a first name.
   */
  tablet: z
    .object({
      assigned: z.boolean(),
      /** The assignee's first name, which the lock screen shows above its PIN pad; nothing else of them. */
      assigneeFirstName: z.string().nullable(),
      /** The lock rule's standing while the tablet serves someone; null while it serves nobody. */
      sync: TabletSyncStanding.nullable(),
    })
    .nullable(),
  /** The site's IANA time zone (site file): times on screens are the facility's local time, not the device's. */
  timeZone: z.string().min(1).max(64),
  /**
   * The runtime's clock (epoch ms) when this was made. The screens' countdowns count against the runtime's deadlines,
   * so the page follows this clock rather than its own; they agree on one machine, but a clock the runtime was given
   * (tests move it by days) must not turn "4 minutes left" into thousands.
   */
  clockAt: z.number(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/** Error codes a caller can show in words (the renderer translates by code). */
export const DeviceErrorCode = z.enum([
  'invalidInput',
  'unknownCall',
  'notSignedIn',
  'notAuthorized',
  'wrongPhase',
  'languageNotOffered',
  'noKeyboardReader', // device.keyboardRead, where the site has no keyboard-mode reader or the shell detects it itself
  'unavailable', // this device or shell cannot do it (service.restart where the shell gave no way to restart)
  'timeout',
  'disconnected',
  // The device's disk is full: a draft is not saved (the text stays on the screen), sync and sign-out still work.
  'deviceFull',
  'internal',
]);
export type DeviceErrorCode = z.infer<typeof DeviceErrorCode>;

export const DeviceError = z.object({ code: DeviceErrorCode, message: z.string() });
export type DeviceError = z.infer<typeof DeviceError>;

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: DeviceError };

export const Empty = z.object({}).strict();
export const Ack = z.object({ done: z.literal(true) });

// ---- Sync with the hub (docs/sync.md) ----

/** What the sync engine is doing. `notEnrolled`: the device has no hub credential yet. */
export const SyncState = z.enum(['notEnrolled', 'idle', 'pulling', 'pushing', 'fetchingBlobs', 'backingOff']);
export type SyncState = z.infer<typeof SyncState>;

/** Why the last sync step failed; the renderer and service mode show each in words. */
export const SyncErrorCode = z.enum([
  'hubUnreachable',
  'hubTimeout',
  'hubError',
  'deviceNotRecognized',
  // The hub withdrew this device's credential (revoke-device, or it was enrolled again elsewhere): enroll it again.
  'deviceRevoked',
  // Withdrawn, and the device was reported lost: it wipes itself and shows the enrollment screen.
  'deviceWipeOrdered',
  'outOfScope',
  'invalidResponse',
  'invalidBatch',
  'storeFailed',
  /** The device's disk is full: sync waits, retries with backoff and carries on by itself when space returns. */
  'storageFull',
  'pullStalled',
  'mutationGap',
  'hubAheadOfDevice',
  'pushStalled',
  'unreadableMutation',
  'blobHashMismatch',
  'blobTooLarge',
  'blobUnavailable',
  'blobWriteFailed',
  'internal',
]);
export type SyncErrorCode = z.infer<typeof SyncErrorCode>;

export const SyncError = z.object({ code: SyncErrorCode, message: z.string(), at: z.number() });
export type SyncError = z.infer<typeof SyncError>;

/** Counts, times and error codes only: nothing personal, so anyone at the screen may see it. */
export const SyncStatus = z.object({
  state: SyncState,
  lastSuccessAt: z.number().nullable(),
  /** Mutations recorded on this device that the hub has not answered yet. */
  pendingMutations: z.number().int().nonnegative(),
  lastError: SyncError.nullable(),
  /** While backing off: when the next attempt starts. */
  nextAttemptAt: z.number().nullable(),
  /** Attachments whose bytes are not on this device yet. */
  blobsWaiting: z.number().int().nonnegative(),
  /** How often each error happened since the device started. */
  errorCounts: z.partialRecord(SyncErrorCode, z.number().int().nonnegative()),
  /**
   * When this device found the hub gone back in time (restored from a backup, or commits lost in a power cut) since it
   * started: it pulled everything again and re-sent what the hub had lost. Staff see it in service mode.
   */
  hubRestoredAt: z.number().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Money and stamps as the hub last confirmed them, with when; the device never works a balance out itself. */
export const ConfirmedBalance = z.object({
  stamps: z.number().int().nonnegative(),
  availableCents: z.number().int().nonnegative(),
  holdsCents: z.number().int().nonnegative(),
  confirmedAt: z.number(),
});
export type ConfirmedBalance = z.infer<typeof ConfirmedBalance>;

// ---- Visits (main/visits) ----

/** A visit the facility scheduled, as the person sees it. Times are epoch ms; the screen shows them in the site's zone. */
export const Visit = z.object({
  visitId: z.string(),
  /** As the facility wrote it: any script, shown as text and wrapped, never cut. */
  visitorName: z.string(),
  kind: z.enum(['onSite', 'video']),
  startsAt: z.number(),
  durationMinutes: z.number().int().positive(),
  cancelled: z.boolean(),
  /** Why staff cancelled it, in their words (shown as written, labelled as theirs); null when not cancelled or none given. */
  cancellationReason: z.string().nullable(),
  /** Against the runtime's clock when the list was made. */
  timing: z.enum(['upcoming', 'underway', 'past']),
});
export type Visit = z.infer<typeof Visit>;

export const VisitsView = z.object({
  /** Under way and upcoming, earliest first; cancelled ones stay, marked. */
  upcoming: z.array(Visit),
  /** Ended within the last `recentPastDays` days, newest first. */
  recentPast: z.array(Visit),
  recentPastDays: z.number().int().positive(),
});
export type VisitsView = z.infer<typeof VisitsView>;

// ---- Stopped letters (a family member's letter the facility did not deliver, or took back) ----

export const StoppedLetter = z.object({
  noticeId: z.string(),
  /** Who wrote it, as the facility knows them. */
  senderName: z.string(),
  /** The reviewer's own words: a person's reason about a letter, shown as written and labelled as the reviewer's. */
  reviewerReason: z.string(),
  stoppedAt: z.number(),
  /** It had been delivered here and was taken back; its words and pictures are gone from this device. */
  afterDelivery: z.boolean(),
  /** The person has had this notice on screen before (on this device). */
  seen: z.boolean(),
});
export type StoppedLetter = z.infer<typeof StoppedLetter>;

/** The signed-in resident's home screen at a glance. */
export const HomeSummary = z.object({
  unreadMessages: z.number().int().nonnegative(),
  /** Null until the hub has confirmed a balance for this resident. */
  balance: ConfirmedBalance.nullable(),
  /** Their actions saved on this device and not yet answered by the facility. */
  waitingOnThisDevice: z.number().int().nonnegative(),
  /** The next visit that will happen (under way or upcoming, not cancelled); null when none is scheduled. */
  nextVisit: Visit.nullable(),
  /** Letters to them the facility stopped that they have not yet seen the notice of. */
  stoppedLetters: z.number().int().nonnegative(),
  /** Staff paused their messaging until `pausedUntil`, for `reason` (staff's words, shown as written); null when not paused. */
  messagingPause: z.object({ pausedUntil: z.number(), reason: z.string() }).nullable(),
});
export type HomeSummary = z.infer<typeof HomeSummary>;

// ---- Mail (main/mail) ----

export const MailId = z.string().min(1).max(64);
/**
 * A letter as the person wrote it, through the text rule: NUL, ESC and other controls and broken Unicode are refused in
 * words (invalidInput), line endings become `\n` and the text NFC, so the device stores what the hub will accept. The
 * length is counted in characters as people count them: 30,000 emoji are a legal letter.
 */
export const MailBody = checkedText('letter', { maxCharacters: maxMessageCharacters, field: 'The message' });

export const MailContact = z.object({
  contactId: z.string(),
  displayName: z.string(),
  relationship: z.string(),
  /** Only approved contacts can be written to. */
  approved: z.boolean(),
});
export type MailContact = z.infer<typeof MailContact>;

export const ConversationSummary = z.object({
  contact: MailContact,
  unread: z.number().int().nonnegative(),
  lastMessageAt: z.number().nullable(),
  /** The start of the newest message, as plain text. */
  preview: z.string().nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

// ---- Refusals from the hub (issue 13, item 7) ----

const count = z.number().int().nonnegative();
/**
 * Why the facility's hub did not accept something the person did here (a purchase, a letter), as a code with the
 * figures behind it. The screens word each from their locale files in the person's language; the hub's own sentence
 * (English, for staff and logs) never crosses to the screen. `other`: a code the screens have no words for, or a
 * refusal whose figures did not come with it — said as "the facility did not accept this", never left blank.
 */
export const HubRefusal = z.discriminatedUnion('code', [
  z.object({ code: z.literal('notEnoughMoney'), neededCents: count, availableCents: count }),
  z.object({ code: z.literal('notEnoughStamps'), neededStamps: count, availableStamps: count }),
  z.object({ code: z.literal('messageTooLong'), maxCharacters: count, characters: count }),
  z.object({ code: z.literal('unknownBookSize'), bookSize: z.number().int() }),
  z.object({ code: z.literal('contactNotApproved') }),
  z.object({ code: z.literal('contactNotFound') }),
  z.object({ code: z.literal('replyTargetNotFound') }),
  z.object({ code: z.literal('returnStampUnavailable') }),
  /** The person is no longer served by this device (moved to another unit, the tablet handed back). */
  z.object({ code: z.literal('outOfScope') }),
  z.object({ code: z.literal('residentNotFound') }),
  z.object({ code: z.literal('duplicateMessageId') }),
  z.object({ code: z.literal('requestIdReused') }),
  /** Staff paused the person's messaging until `pausedUntil` (epoch ms); nothing was charged. */
  z.object({ code: z.literal('messagingPaused'), pausedUntil: count }),
  /** A control character (NUL, ESC…), broken or invisible text: the text rule (rules/text.ts) refused it. */
  z.object({ code: z.literal('textNotAllowed') }),
  /** The device could not read it back, or it was larger than anything the facility accepts. */
  z.object({ code: z.literal('unreadable') }),
  /** The facility's database would not store it; nothing was charged. */
  z.object({ code: z.literal('facilityCouldNotStore') }),
  z.object({ code: z.literal('other') }),
]);
export type HubRefusal = z.infer<typeof HubRefusal>;

/**
 * Where a message the person sent is: written → waiting on this device → received by the facility → in review →
 * delivered → read; or rejected by review (with the reviewer's reason), or not accepted by the hub (with its reason).
 */
export const SentStep = z.enum(['written', 'waitingOnDevice', 'receivedByFacility', 'inReview', 'delivered', 'read']);
export type SentStep = z.infer<typeof SentStep>;

export const SentTimeline = z.object({
  /** The step reached, or how it ended badly. */
  state: z.enum([...SentStep.options, 'rejected', 'notAccepted']),
  /** The steps reached; a message that ended badly lists only those it reached, never "delivered — not yet". */
  steps: z.array(z.object({ step: SentStep, done: z.boolean(), at: z.number().nullable() })),
  /** When it was rejected or not accepted, where known; null while it is still on its way or was delivered. */
  endedAt: z.number().nullable(),
  /** Rejected: the reviewer's reason in their own words (a person's words about the letter, shown as written). */
  reason: z.string().nullable(),
  /** Not accepted: why the hub refused it, as a code with figures for the screen to word. */
  refusal: HubRefusal.nullable(),
  stampsReturned: z.number().int().nonnegative(),
});
export type SentTimeline = z.infer<typeof SentTimeline>;

/** Whether a person wants captions shown on videos (docs/screens.md §17). */
export const CaptionsChoice = z.object({ wanted: z.boolean() }).strict();
export type CaptionsChoice = z.infer<typeof CaptionsChoice>;

/** What the person sees of an attachment; its bytes come from the attachment route (main/mail/attachment-content.ts). */
export const MailAttachment = z.object({
  attachmentId: z.string(),
  kind: z.enum(['photo', 'ecard', 'video']),
  mimeType: z.string(),
  /**
   * ready: the verified bytes are on this device; downloading: not yet (the text never waits for them);
   * withheld: review held this attachment back and delivered the rest (`withheldReason` says why).
   */
  state: z.enum(['ready', 'downloading', 'withheld']),
  withheldReason: z.string().nullable(),
  /** A video's caption tracks by language, each served at attachmentRoute.captionsPath; absent for none. */
  captionLanguages: z.array(LanguageCode).optional(),
});
export type MailAttachment = z.infer<typeof MailAttachment>;

export const MailMessage = z.object({
  messageId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  /** Plain text: shown as text, never as HTML or links. */
  body: z.string(),
  writtenAt: z.number(),
  /** When it reached the facility (the hub), or null while only this device has it. */
  receivedAt: z.number().nullable(),
  /** Inbound: the person has opened it. */
  read: z.boolean(),
  /** Inbound: the sender paid for a reply and it has not been used. */
  returnStampAvailable: z.boolean(),
  replyToMessageId: z.string().nullable(),
  /** Outbound only. */
  timeline: SentTimeline.nullable(),
  attachments: z.array(MailAttachment),
});
export type MailMessage = z.infer<typeof MailMessage>;

/**
 * How many letters one answer of `mail.conversation` carries. A conversation can hold thousands of letters of up to
 * 30,000 characters each; the screen shows a handful, so the runtime sends a page around what is on screen and the
 * screen asks for the next page as the person scrolls (the inbox-open bench measures the difference).
 */
export const conversationPageSize = 24;

/** Which letters of a conversation to send: the newest page, the page around one letter (a search hit), or from a position. */
export const ConversationPageRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('newest') }).strict(),
  z.object({ kind: z.literal('around'), messageId: MailId }).strict(),
  /** Position 0 is the oldest letter; a position past the end answers the newest page. */
  z.object({ kind: z.literal('from'), position: z.number().int().nonnegative().max(10_000_000) }).strict(),
]);
export type ConversationPageRequest = z.infer<typeof ConversationPageRequest>;

/**
 * One page of a conversation, oldest first: `messages[0]` sits at `firstPosition` among `total` letters, so the screen
 * can hold a place for every letter it has not fetched yet and scroll as if all were there.
 */
export const Conversation = z.object({
  contact: MailContact,
  total: z.number().int().nonnegative(),
  firstPosition: z.number().int().nonnegative(),
  messages: z.array(MailMessage),
  /** The newest letter's id (null with no letters), so the screen knows when a new one arrived without fetching it. */
  newestMessageId: z.string().nullable(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ComposeInput = z
  .object({
    contactId: MailId,
    body: MailBody,
    /** The message being answered, if any: its unused return stamp pays first. */
    replyToMessageId: MailId.nullable(),
  })
  .strict();

/** The cost of a message before it is sent, from the site's rules as the hub last sent them. */
export const MailCostPreview = z.object({
  characters: z.number().int().nonnegative(),
  charactersPerStamp: z.number().int().positive(),
  /** Characters left before the next stamp starts. */
  charactersUntilNextStamp: z.number().int().nonnegative(),
  totalStamps: z.number().int().nonnegative(),
  coveredByReturnStamp: z.number().int().nonnegative(),
  fromOwnStamps: z.number().int().nonnegative(),
  /** Confirmed stamps less what replies waiting on this device will take; null before the hub confirmed a balance. */
  stampsAvailable: z.number().int().nonnegative().nullable(),
  enoughStamps: z.boolean(),
  /** Whether stamps come back if review rejects it (the site's rule). */
  refundOnRejection: z.boolean(),
  maxCharacters: z.number().int().positive(),
});
export type MailCostPreview = z.infer<typeof MailCostPreview>;

/** Why a message could not be sent; the screen says each in words. */
export const MailRefusal = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('notEnoughStamps'), needed: z.number().int(), available: z.number().int() }),
  z.object({ reason: z.literal('contactNotApproved') }),
  z.object({ reason: z.literal('emptyMessage') }),
  z.object({ reason: z.literal('tooLong'), maxCharacters: z.number().int() }),
  /** The site's stamp rules have not reached this device yet. */
  z.object({ reason: z.literal('rulesNotSynced') }),
  /** The letter being answered is no longer on this device; the text can still go as a new letter. */
  z.object({ reason: z.literal('replyTargetGone') }),
]);
export type MailRefusal = z.infer<typeof MailRefusal>;

export const CostResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), cost: MailCostPreview }),
  z.object({ ok: z.literal(false), refusal: MailRefusal }),
]);
export type CostResult = z.infer<typeof CostResult>;

export const SendResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), message: MailMessage }),
  z.object({ ok: z.literal(false), refusal: MailRefusal }),
]);
export type SendResult = z.infer<typeof SendResult>;

export const MailDraft = z.object({
  draftId: z.string(),
  contactId: z.string(),
  contactName: z.string(),
  replyToMessageId: z.string().nullable(),
  body: z.string(),
  updatedAt: z.number(),
});
export type MailDraft = z.infer<typeof MailDraft>;

export const SaveDraftInput = z.object({ draftId: z.uuid(), contactId: MailId, replyToMessageId: MailId.nullable(), body: MailBody }).strict();

export const MailSearchHit = z.object({
  messageId: z.string(),
  contactId: z.string(),
  contactName: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  at: z.number(),
  /** Plain text around the words found. */
  snippet: z.string(),
});
export type MailSearchHit = z.infer<typeof MailSearchHit>;

// ---- Money: stamps and the debit account (main/money) ----

export const StampBook = z.object({ stamps: z.number().int().positive(), priceCents: z.number().int().positive() });
export type StampBook = z.infer<typeof StampBook>;

/** A receipt for a completed purchase: the reference is what staff look the purchase up by. */
export const PurchaseReceipt = z.object({
  reference: z.string(),
  requestId: z.string(),
  bookSize: z.number().int().positive(),
  priceCents: z.number().int().nonnegative().nullable(),
  at: z.number(),
});
export type PurchaseReceipt = z.infer<typeof PurchaseReceipt>;

/** A purchase asked for on this device and what became of it: waiting for the facility, done, or refused with why. */
export const StampPurchase = z.object({
  requestId: z.string(),
  bookSize: z.number().int().positive(),
  /** The site's price when it was asked for, if the book is still on the list. */
  priceCents: z.number().int().positive().nullable(),
  requestedAt: z.number(),
  outcome: z.discriminatedUnion('state', [
    z.object({ state: z.literal('pending') }),
    z.object({ state: z.literal('completed'), receipt: PurchaseReceipt, balanceUpdated: z.boolean() }),
    z.object({ state: z.literal('refused'), refusal: HubRefusal }),
  ]),
});
export type StampPurchase = z.infer<typeof StampPurchase>;

export const StampHistoryKind = z.enum(['purchase', 'familyTransfer', 'messageSent', 'rejectionRefund', 'returnStampReceived', 'returnStampUsed', 'other']);
export type StampHistoryKind = z.infer<typeof StampHistoryKind>;
export const StampHistoryEntry = z.object({
  id: z.string(),
  at: z.number(),
  kind: StampHistoryKind,
  /** Stamps added (positive) or spent (negative); return stamps count 1 and belong to one reply. */
  stamps: z.number().int(),
  reference: z.string(),
});
export type StampHistoryEntry = z.infer<typeof StampHistoryEntry>;

export const StampsView = z.object({
  balance: ConfirmedBalance.nullable(),
  books: z.array(StampBook),
  /** Newest first; waiting ones first of all. */
  purchases: z.array(StampPurchase),
  history: z.array(StampHistoryEntry),
});
export type StampsView = z.infer<typeof StampsView>;

/** Why a purchase was not even asked for; the screen says each in words. Nothing was charged. */
export const PurchaseRefusal = z.discriminatedUnion('reason', [
  z.object({ reason: z.literal('unknownBook') }),
  z.object({ reason: z.literal('notEnoughMoney'), neededCents: z.number().int(), availableCents: z.number().int() }),
]);
export type PurchaseRefusal = z.infer<typeof PurchaseRefusal>;

export const BuyStampsResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), purchase: StampPurchase }),
  z.object({ ok: z.literal(false), refusal: PurchaseRefusal }),
]);
export type BuyStampsResult = z.infer<typeof BuyStampsResult>;

export const DepositSource = z.enum(['online', 'lobbyKiosk', 'moneyOrder']);
export const MoneyEntry = z.object({
  id: z.string(),
  at: z.number(),
  kind: z.enum(['deposit', 'stampPurchase', 'fee', 'other']),
  /** Deposits: where the money came from. */
  source: DepositSource.nullable(),
  amountCents: z.number().int(),
  reference: z.string(),
});
export type MoneyEntry = z.infer<typeof MoneyEntry>;

export const MoneyView = z.object({
  balance: ConfirmedBalance.nullable(),
  entries: z.array(MoneyEntry),
  page: z.number().int().nonnegative(),
  pageCount: z.number().int().nonnegative(),
  totals: z.object({ depositsCents: z.number().int(), purchasesCents: z.number().int(), feesCents: z.number().int() }),
});
export type MoneyView = z.infer<typeof MoneyView>;

// ---- Service mode (main/service-mode): staff diagnostics. Counts, codes, sizes and times; never a card's text or id ----

/** What kind of credential a read came from (the site file's CredentialFormat). */
export const ReadFormat = z.enum(['barcode', 'rfid', 'magstripe', 'keyboard']);
export type ReadFormat = z.infer<typeof ReadFormat>;

/**
 * One read as the "test your card here" view shows it. A good read says which role the site's rules gave it and whether
 * someone with that card is known on this device; a bad one says why. No card text, no id, no name: a staff member
 * testing a reader learns whether the card would work, and nothing about whose it is.
 */
export const ServiceRead = z.object({
  /** Increases by one per read since the device started, so the screen can tell new reads from ones it has. */
  sequence: z.number().int().nonnegative(),
  at: z.number(),
  readerId: z.string(),
  outcome: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('read'), format: ReadFormat, role: z.enum(['resident', 'staff', 'unknown']), knownHere: z.boolean() }),
    z.object({ kind: z.literal('rejected'), reason: ReadRejectionReason }),
  ]),
});
export type ServiceRead = z.infer<typeof ServiceRead>;

export const ServiceReaders = z.object({ readers: z.array(ReaderStatus), recentReads: z.array(ServiceRead) });
export type ServiceReaders = z.infer<typeof ServiceReaders>;

/**
 * How full the data folder's disk is: `low` is the warning before it runs out (under a tenth of the disk or four
 * reserves' worth free); `full` means drafts and pulls wait while the reserve keeps sync's pushes and sign-outs working.
 */
export const StorageLevel = z.enum(['ok', 'low', 'full']);
export type StorageLevel = z.infer<typeof StorageLevel>;

export const StorageUse = z.object({
  storeBytes: z.number().int().nonnegative(),
  /** SQLite's write-ahead log beside the store: large and growing means checkpoints are not keeping up. */
  walBytes: z.number().int().nonnegative(),
  attachmentsBytes: z.number().int().nonnegative(),
  logsBytes: z.number().int().nonnegative(),
  /** Free bytes on the data folder's file system for this app (the reserve not counted), and its size. */
  freeBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** Whether the reserve file is in place (given back when a write met a full disk). */
  reserveHeld: z.boolean(),
  level: StorageLevel,
});
export type StorageUse = z.infer<typeof StorageUse>;

/**
 * Why the device store is not encrypted at rest, as a code the screen words (renderer/locales):
 * - noKeyStore: this shell has no OS key store to seal a key with (the web host, development, tests: plain Node);
 * - safeStorageUnavailable: Electron's safeStorage reports no encryption on this machine;
 * - safeStorageBasicText: on Linux, safeStorage found no keyring and would use a key built into Chromium (no protection);
 * - safeStorageBackendUnknown: safeStorage was asked before it knew its backend;
 * - keyUnreadable: a sealed store key exists but could not be unsealed (another machine's or user's keychain), and
 *   the store was not yet encrypted with it;
 * - encryptionFailed: there is a key, but encrypting the existing store failed at this start (a full disk, say); it
 *   stays as it was, readable, and the next start tries again.
 */
export const StoreEncryptionOffReason = z.enum([
  'noKeyStore',
  'safeStorageUnavailable',
  'safeStorageBasicText',
  'safeStorageBackendUnknown',
  'keyUnreadable',
  'encryptionFailed',
]);
export type StoreEncryptionOffReason = z.infer<typeof StoreEncryptionOffReason>;

/** Whether device.sqlite is encrypted at rest (issue 14 item 9); 'on' means with a key sealed by the OS keychain. */
export const StoreEncryption = z.discriminatedUnion('state', [
  z.object({ state: z.literal('on') }),
  z.object({ state: z.literal('off'), reason: StoreEncryptionOffReason }),
]);
export type StoreEncryption = z.infer<typeof StoreEncryption>;

/** The person a tablet serves, as staff see them in service mode: name and booking number, to check against the wristband. */
export const TabletAssignee = z.object({ residentId: z.string(), displayName: z.string(), bookingNumber: z.string() });
export type TabletAssignee = z.infer<typeof TabletAssignee>;

/** Why a device did not take an app update from the hub (main/update/update-agent.ts): the log and service mode carry the code. */
export const UpdateRefusal = z.enum([
  'unreadableMetadata',
  'inconsistentMetadata',
  'otherApp',
  'otherBuild',
  'badSignature',
  'refusedBefore',
  'sizeMismatch',
  'hashMismatch',
  'notInstallable',
]);
export type UpdateRefusal = z.infer<typeof UpdateRefusal>;

/** What an update check came to. */
export const UpdateCheckOutcomeKind = z.enum(['notEnrolled', 'nothingPublished', 'upToDate', 'hubFailure', 'refused', 'waitingForIdle', 'installed']);
export type UpdateCheckOutcomeKind = z.infer<typeof UpdateCheckOutcomeKind>;

/** The app's updates as staff see them in service mode: when the hub was last asked, what came of it, what waits. */
export const AppUpdateStatus = z.object({
  lastCheckAt: z.number().nullable(),
  lastOutcome: UpdateCheckOutcomeKind.nullable(),
  /** The last update refused, with why; it stays until a later check takes or is refused another. */
  lastRefusal: z.object({ refusal: UpdateRefusal, version: z.string().nullable() }).nullable(),
  /** A verified download, or an installed update whose restart waits, for no one to be signed in. */
  stagedVersion: z.string().nullable(),
});
export type AppUpdateStatus = z.infer<typeof AppUpdateStatus>;

export const ServiceOverview = z.object({
  deviceName: z.string(),
  /** The hub's id for this device; null before it was first enrolled. */
  deviceId: z.string().nullable(),
  siteName: z.string(),
  mode: DeviceMode,
  appVersion: z.string(),
  /** The hub it syncs with once enrolled, otherwise the one the site file offers; null when neither names one. */
  hubUrl: z.string().nullable(),
  enrolled: z.boolean(),
  storage: StorageUse,
  storeEncryption: StoreEncryption,
  /** The site file in force, as parsed (defaults filled in), pretty-printed JSON. It holds no secret: the hub credential lives elsewhere. */
  siteConfig: z.string(),
  /** On a tablet, who it serves (null while nobody); always null on a kiosk. */
  tabletAssignee: TabletAssignee.nullable(),
  /** Null where this installation does not update itself (not started by the launcher, or no updates in the site file). */
  appUpdates: AppUpdateStatus.nullable(),
});
export type ServiceOverview = z.infer<typeof ServiceOverview>;

export const SyncNowResult = z.object({
  /** False on a device that is not enrolled: there is no hub to sync with. */
  started: z.boolean(),
  status: SyncStatus,
});
export type SyncNowResult = z.infer<typeof SyncNowResult>;

/**
 * What a resident's "Sync now" (or their screen noticing the network came back) did. Rate-limited so a person tapping
 * the button cannot hammer a hub that is failing: `tooSoon` says when the next one is allowed.
 */
export const ResidentSyncNowResult = z.object({
  outcome: z.enum(['started', 'alreadySyncing', 'tooSoon', 'notEnrolled']),
  /** With tooSoon: when another may start. Null otherwise. */
  retryAt: z.number().nullable(),
  status: SyncStatus,
});
export type ResidentSyncNowResult = z.infer<typeof ResidentSyncNowResult>;

export const DeviceLogLine = z.object({
  at: z.number().nullable(),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown']),
  message: z.string(),
  /** The line's other fields, as compact JSON (ids, codes, counts: the logger never writes PINs, bodies or card data). */
  fields: z.string(),
});
export type DeviceLogLine = z.infer<typeof DeviceLogLine>;

export const DeviceLogs = z.object({ lines: z.array(DeviceLogLine), totalBytes: z.number().int().nonnegative() });
export type DeviceLogs = z.infer<typeof DeviceLogs>;

export const LogExport = z.object({
  /** The file's name, as the screen shows it to the staff member. */
  fileName: z.string(),
  /** The folder it was written to (the site file's service.exportDirectory, or the data folder's exports/). */
  directory: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type LogExport = z.infer<typeof LogExport>;

// ---- Enrollment and the destructive service actions (docs/sync.md §2 "Identity and enrollment"; issue 7) ----

/**
 * Why an enrollment did not happen, one code per thing staff can do something about; the screens say each in words.
 * `notAHub`: something answered at the address, but not a Dayroom hub (a router page, a wrong path, a redirect).
 * `tlsProblem`: the hub's certificate is not trusted by this device (self-signed, expired, another name).
 */
export const EnrollmentErrorCode = z.enum([
  'badHubUrl',
  'badCode',
  'codeExpired',
  'codeUsed',
  'hubUnreachable',
  'tlsProblem',
  'notAHub',
  'hubRefused',
  'saveFailed',
]);
export type EnrollmentErrorCode = z.infer<typeof EnrollmentErrorCode>;

export const EnrollmentStatus = z.object({
  /** 'unreadable': a credential file is there but cannot be used (damaged, or sealed by another machine's key). */
  /** 'revoked': the hub answered that it withdrew this device's credential (deviceRevoked). */
  credential: z.enum(['none', 'unreadable', 'enrolled', 'revoked']),
  /**
   * The device shows the enrollment screen instead of the attract screen: it has no usable credential and nobody in
   * its store, or the hub withdrew its credential. Only then may enrollment.enroll be called without a staff session.
   */
  showEnrollment: z.boolean(),
  /** The address to offer: the hub this device is enrolled with, else the site file's hub.url, else null. */
  suggestedHubUrl: z.string().nullable(),
  /** The facility that enrolled this device, when it is enrolled. */
  siteName: z.string().nullable(),
  deviceName: z.string(),
});
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

export const EnrollInput = z
  .object({
    hubUrl: z.string().max(2048),
    /** As typed: the runtime forgives spaces and lower case. */
    code: z.string().max(64),
  })
  .strict();
export type EnrollInput = z.infer<typeof EnrollInput>;

export const EnrollResult = z.discriminatedUnion('enrolled', [
  z.object({ enrolled: z.literal(true), siteName: z.string(), kind: DeviceMode }),
  z.object({ enrolled: z.literal(false), error: EnrollmentErrorCode }),
]);
export type EnrollResult = z.infer<typeof EnrollResult>;

// ---- A tablet's assignment (service mode on a tablet; main/tablet/tablet-assignment.ts) ----

/** What staff type on the number pad: the booking number off the wristband (the site's credential id for the person). */
export const BookingNumberInput = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a booking number is 1 to 64 letters, digits or dashes');

/**
 * Why an assignment did not happen, one code per thing staff can act on; the screen says each in words.
 * `alreadyAssigned`: this tablet serves someone (here or, per the hub, someone whose data has not arrived): unassign first.
 * `staffPinWrong` / `staffLockedOut`: the hub checked the PIN staff re-entered (a staff id alone proves nothing) and
 * counts wrong ones per staff member; `deviceRevoked`: the hub withdrew this tablet's credential.
 */
/** With staffPinWrong, the tries the hub still allows; with staffLockedOut, until when. */
const StaffPinRefusalDetails = {
  attemptsLeft: z.number().int().nonnegative().optional(),
  lockedUntil: z.number().int().nonnegative().optional(),
};

export const TabletAssignError = z.enum([
  'notATablet',
  'notEnrolled',
  'alreadyAssigned',
  'bookingNumberUnknown',
  'residentReleased',
  'staffNotKnown',
  'staffPinWrong',
  'staffLockedOut',
  'deviceRevoked',
  'tooManyAttempts',
  'hubUnreachable',
  'hubRefused',
]);
export type TabletAssignError = z.infer<typeof TabletAssignError>;

export const TabletAssignResult = z.discriminatedUnion('assigned', [
  z.object({
    assigned: z.literal(true),
    assignee: TabletAssignee,
    /** Whether the person's records reached the tablet in the sync that followed; if not, the next sync brings them. */
    recordsArrived: z.boolean(),
  }),
  z.object({ assigned: z.literal(false), error: TabletAssignError, ...StaffPinRefusalDetails }),
]);
export type TabletAssignResult = z.infer<typeof TabletAssignResult>;

/**
 * Why an unassignment did not happen. `unsentItems`: the hub was reached but did not take everything the person did
 * here; `hubUnreachable`: it could not be reached. In both, nothing was removed: `unsent` says how much would be lost.
 */
export const TabletUnassignError = z.enum([
  'notATablet',
  'notEnrolled',
  'notAssigned',
  'unsentItems',
  'hubUnreachable',
  'staffNotKnown',
  'staffPinWrong',
  'staffLockedOut',
  'deviceRevoked',
  'tooManyAttempts',
  'hubRefused',
]);
export type TabletUnassignError = z.infer<typeof TabletUnassignError>;

export const TabletUnassignResult = z.discriminatedUnion('unassigned', [
  z.object({ unassigned: z.literal(true), previous: TabletAssignee }),
  z.object({ unassigned: z.literal(false), error: TabletUnassignError, unsent: z.number().int().nonnegative(), ...StaffPinRefusalDetails }),
]);
export type TabletUnassignResult = z.infer<typeof TabletUnassignResult>;
