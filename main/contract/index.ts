// The one list of every call and event between the renderer and the device runtime.
// The Electron preload and IPC handlers, the web host's WebSocket bridge and the renderer's client
// are all derived from these objects, so a channel name is written exactly once: here.
import { z } from 'zod';
import {
  Ack,
  EnrollInput,
  EnrollResult,
  EnrollmentStatus,
  ComposeInput,
  Conversation,
  ConversationPageRequest,
  DeviceLogs,
  LogExport,
  ServiceOverview,
  ServiceRead,
  ServiceReaders,
  SyncNowResult,
  ResidentSyncNowResult,
  ConversationSummary,
  CostResult,
  DeviceError,
  DeviceInfo,
  Empty,
  HomeSummary,
  KeyboardReadInput,
  LanguageCode,
  CaptionsChoice,
  MailDraft,
  MailId,
  MailSearchHit,
  BuyStampsResult,
  MoneyView,
  StampPurchase,
  StampsView,
  StoppedLetter,
  VisitsView,
  PinInput,
  ReaderStatus,
  SaveDraftInput,
  SendResult,
  SessionView,
  SyncStatus,
  BookingNumberInput,
  TabletAssignResult,
  TabletUnassignResult,
} from './schemas';

export * from './schemas';
// What the screens need of the text rule: the longest letter, counting characters as the hub does, byte counting.
export { characterCount, maxMessageCharacters, utf8ByteLength } from '../../rules/text';
import { checkedText, maxLetterJsonBytes } from '../../rules/text';

/**
 * Who may make a call. The runtime checks this against its own session before it runs anything:
 * `anyone` — no one need be signed in (attract, PIN pad, language);
 * `resident` — a signed-in resident, and only for their own records;
 * `staff` — a signed-in staff member in service mode.
 */
export type CallAccess = 'anyone' | 'resident' | 'staff';

interface CallDefinition<I extends z.ZodType, O extends z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: CallAccess;
  /** One line for readers of the contract; also shown in service-mode diagnostics. */
  readonly summary: string;
}

function defineCall<I extends z.ZodType, O extends z.ZodType>(definition: CallDefinition<I, O>): CallDefinition<I, O> {
  return definition;
}

export const deviceCalls = {
  'device.info': defineCall({ input: Empty, output: DeviceInfo, access: 'anyone', summary: 'Site, mode, languages and version of this device' }),
  'device.readers': defineCall({ input: Empty, output: z.array(ReaderStatus), access: 'anyone', summary: 'Connection state of each card reader' }),
  'device.setLanguage': defineCall({
    input: z.object({ language: LanguageCode }).strict(),
    output: DeviceInfo,
    access: 'anyone',
    summary: 'Switch the screen language; a signed-in resident keeps it as their preference',
  }),
  'display.captions': defineCall({
    input: Empty,
    output: CaptionsChoice,
    access: 'resident',
    summary: 'Whether the signed-in resident asked for captions on videos (kept for them on this device)',
  }),
  'display.setCaptions': defineCall({
    input: CaptionsChoice,
    output: CaptionsChoice,
    access: 'resident',
    summary: 'Turn captions on videos on or off for the signed-in resident; kept for them on this device across sign-ins',
  }),
  'device.keyboardRead': defineCall({
    input: KeyboardReadInput,
    output: Ack,
    access: 'anyone',
    summary: 'A read (or a burst that was not one) the page took off the keyboard for the keyboard-mode card reader',
  }),
  'session.current': defineCall({ input: Empty, output: SessionView, access: 'anyone', summary: 'What the screen should show now' }),
  'session.enterPin': defineCall({
    input: z.object({ pin: PinInput }).strict(),
    output: SessionView,
    access: 'anyone',
    summary: 'Check the PIN for the card just read',
  }),
  'session.cancel': defineCall({ input: Empty, output: SessionView, access: 'anyone', summary: 'Leave PIN entry or the lockout message' }),
  'session.activity': defineCall({ input: Empty, output: Ack, access: 'anyone', summary: 'The person touched the screen: restart the idle timer' }),
  'session.signOut': defineCall({ input: Empty, output: SessionView, access: 'resident', summary: 'Sign the current resident out' }),
  'sync.status': defineCall({
    input: Empty,
    output: SyncStatus,
    access: 'anyone',
    summary: 'Sync with the hub: state, last success, mutations waiting and the last error (counts, times and codes only)',
  }),
  'sync.now': defineCall({
    // 'asked': the resident pressed "Sync now"; 'networkBack': their screen saw the network return (navigator online).
    input: z.object({ reason: z.enum(['asked', 'networkBack']) }).strict(),
    output: ResidentSyncNowResult,
    access: 'resident',
    summary: 'Start a sync with the hub now for the signed-in resident (rate-limited); progress follows in sync.statusChanged',
  }),
  'tablet.syncNow': defineCall({
    input: Empty,
    output: ResidentSyncNowResult,
    // Nobody is signed in on a tablet locked for sync age; the runtime answers only in that phase (rate-limited, it only
    // wakes the engine), so the lock screen can offer "Try to sync now" to the person standing at a Wi-Fi spot.
    access: 'anyone',
    summary: 'Start a sync now from a tablet locked because it has not synced for too long (rate-limited)',
  }),
  'home.summary': defineCall({
    input: Empty,
    output: HomeSummary,
    access: 'resident',
    summary: 'The signed-in resident’s unread mail, and stamps and money as the hub last confirmed them',
  }),
  'mail.conversations': defineCall({
    input: Empty,
    output: z.array(ConversationSummary),
    access: 'resident',
    summary: 'The signed-in resident’s contacts with their mail, newest first, with unread counts',
  }),
  'mail.conversation': defineCall({
    input: z.object({ contactId: MailId, page: ConversationPageRequest }).strict(),
    output: Conversation,
    access: 'resident',
    summary: 'One page of the messages between the resident and one of their contacts, oldest first, with each sent message’s timeline',
  }),
  'mail.markRead': defineCall({
    input: z.object({ messageId: MailId }).strict(),
    output: Ack,
    access: 'resident',
    summary: 'The resident opened one of their messages',
  }),
  'mail.cost': defineCall({
    input: ComposeInput,
    output: CostResult,
    access: 'resident',
    summary: 'What a message would cost in stamps before it is sent, and the site’s refund rule',
  }),
  'mail.send': defineCall({
    input: ComposeInput.extend({ draftId: z.uuid().nullable() }).strict(),
    output: SendResult,
    access: 'resident',
    summary: 'Send a message to an approved contact (a reply spends the return stamp first); the draft it came from is removed',
  }),
  'mail.saveDraft': defineCall({ input: SaveDraftInput, output: MailDraft, access: 'resident', summary: 'Save what the resident is typing' }),
  'mail.drafts': defineCall({ input: Empty, output: z.array(MailDraft), access: 'resident', summary: 'The resident’s saved drafts, newest first' }),
  'mail.deleteDraft': defineCall({ input: z.object({ draftId: z.uuid() }).strict(), output: Ack, access: 'resident', summary: 'Throw a draft away' }),
  'mail.search': defineCall({
    // Words to find, through the text rule like every text the person types (a NUL is refused in words).
    input: z.object({ query: checkedText('line', { maxCharacters: 200, field: 'The search' }) }).strict(),
    output: z.array(MailSearchHit),
    access: 'resident',
    summary: 'Search the words of the resident’s own mail',
  }),
  'mail.stoppedLetters': defineCall({
    input: Empty,
    output: z.array(StoppedLetter),
    access: 'resident',
    summary: 'Letters to the signed-in resident the facility stopped: who sent each and the reviewer’s reason, never the letter, newest first',
  }),
  'mail.stoppedLettersSeen': defineCall({
    input: Empty,
    output: Ack,
    access: 'resident',
    summary: 'The resident has had their stopped-letter notices on screen: the home screen stops counting them',
  }),
  'visits.list': defineCall({
    input: Empty,
    output: VisitsView,
    access: 'resident',
    summary: 'The signed-in resident’s visits as the facility last sent them: under way and upcoming, and recent past ones',
  }),
  'money.stamps': defineCall({
    input: Empty,
    output: StampsView,
    access: 'resident',
    summary: 'The resident’s stamps as last confirmed, the site’s books, purchases asked for here, and the history',
  }),
  'money.buyStamps': defineCall({
    input: z.object({ requestId: z.uuid(), bookSize: z.number().int().positive().max(1000) }).strict(),
    output: BuyStampsResult,
    access: 'resident',
    summary: 'Ask to buy a book of stamps from the debit account; the same request id is charged once',
  }),
  'money.purchase': defineCall({
    input: z.object({ requestId: z.uuid() }).strict(),
    output: StampPurchase,
    access: 'resident',
    summary: 'What became of a purchase asked for on this device',
  }),
  'money.account': defineCall({
    input: z.object({ page: z.number().int().nonnegative().max(100_000) }).strict(),
    output: MoneyView,
    access: 'resident',
    summary: 'The debit account as last confirmed, with one page of its history and totals',
  }),
  // ---- Service mode: a staff member signed in with their badge and PIN (main/service-mode) ----
  'service.overview': defineCall({
    input: Empty,
    output: ServiceOverview,
    access: 'staff',
    summary: 'Device id, site, mode, version, hub address, enrollment, storage used and the site file in force',
  }),
  'service.readers': defineCall({
    input: Empty,
    output: ServiceReaders,
    access: 'staff',
    summary: 'Each reader’s state and its last reads, as role and reason only: never a card’s text or id',
  }),
  'service.sync': defineCall({
    input: Empty,
    output: SyncStatus,
    access: 'staff',
    summary: 'Sync with the hub: state, last success, what waits to go, the last error',
  }),
  'service.syncNow': defineCall({
    input: Empty,
    output: SyncNowResult,
    access: 'staff',
    summary: 'Start a sync with the hub now; progress follows in sync.statusChanged',
  }),
  'service.logs': defineCall({
    input: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    output: DeviceLogs,
    access: 'staff',
    summary: 'The last lines of the device log (which never holds PINs, message bodies or card data)',
  }),
  'service.exportLogs': defineCall({
    input: Empty,
    output: LogExport,
    access: 'staff',
    summary: 'Write a support bundle (the log with device, reader and sync facts) to the export folder',
  }),
  'service.restart': defineCall({
    input: Empty,
    output: Ack,
    access: 'staff',
    summary: 'Restart the app (the shell starts it again); signs the staff member out first',
  }),
  'service.signOut': defineCall({ input: Empty, output: SessionView, access: 'staff', summary: 'Leave service mode' }),
  // ---- Enrollment (docs/sync.md §2 "Identity and enrollment") and the destructive service actions; rules in main/device-actions.ts ----
  'enrollment.status': defineCall({
    input: Empty,
    output: EnrollmentStatus,
    access: 'anyone',
    summary: 'Whether this device holds a hub credential, and whether it shows the enrollment screen',
  }),
  'enrollment.enroll': defineCall({
    input: EnrollInput,
    output: EnrollResult,
    // The runtime narrows this: anyone only while the enrollment screen is shown (no credential, nobody in the store);
    // on an enrolled device the call is refused, and staff re-enroll with service.reenroll.
    access: 'anyone',
    summary: 'Enroll this device with the hub at an address, with a one-time code from the hub',
  }),
  'service.reenroll': defineCall({
    input: EnrollInput,
    output: EnrollResult,
    access: 'staff',
    summary: 'Enroll again with a new code (another hub or a new device id); what residents did here and has not reached the hub is kept',
  }),
  'service.wipeDevice': defineCall({
    input: z.object({ confirm: z.literal('wipe') }).strict(),
    output: Ack,
    access: 'staff',
    summary: 'Remove every person’s data and the hub credential; the device restarts at the enrollment screen',
  }),
  // ---- A tablet's assignment (main/tablet/tablet-assignment.ts); a kiosk answers notATablet ----
  'service.assignTablet': defineCall({
    // The staff member types their PIN again: the hub checks it (the runtime keeps no PIN after sign-in to reuse).
    input: z.object({ bookingNumber: BookingNumberInput, staffPin: PinInput }).strict(),
    output: TabletAssignResult,
    access: 'staff',
    summary: 'Give this tablet to the resident with this booking number, on the staff member’s PIN; their mail, stamps and money follow by sync',
  }),
  'service.unassignTablet': defineCall({
    input: z.object({ confirm: z.literal('unassign'), staffPin: PinInput }).strict(),
    output: TabletUnassignResult,
    access: 'staff',
    summary: 'Send what the person did here, take the tablet back at the hub and remove their data from this tablet',
  }),
} as const;

export type DeviceCalls = typeof deviceCalls;
export type CallName = keyof DeviceCalls;
export type CallInput<N extends CallName> = z.input<DeviceCalls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<DeviceCalls[N]['output']>;
export const callNames = Object.keys(deviceCalls) as CallName[];

export const deviceEvents = {
  'session.changed': SessionView,
  'device.readersChanged': z.array(ReaderStatus),
  'device.infoChanged': DeviceInfo,
  'sync.statusChanged': SyncStatus,
  /** A reader read something while service mode is open (sent only then): the live "test your card here" view. */
  'service.readSeen': ServiceRead,
  /** After enrolling, re-enrolling or a wipe: the screens switch between enrollment and attract. */
  'enrollment.changed': EnrollmentStatus,
} as const;

export type DeviceEvents = typeof deviceEvents;
export type EventName = keyof DeviceEvents;
export type EventPayload<N extends EventName> = z.output<DeviceEvents[N]>;
export const eventNames = Object.keys(deviceEvents) as EventName[];

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(deviceCalls, name);
}

/** The typed API the renderer sees, whichever shell carries it. */
export interface DeviceApi {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}

/** Electron IPC: one channel for calls, one for events; the call name travels inside. */
export const ipcChannels = {
  call: 'dayroom:call',
  event: 'dayroom:event',
} as const;

/** Name of the object the Electron preload exposes on `window`. */
export const preloadGlobalName = 'dayroomBridge';

// ---- WebSocket frames for the web host (same calls and events, another carrier) ----

export const CallResultFrame = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: DeviceError }),
]);

export const ClientFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(64),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), result: CallResultFrame }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('refused'), error: DeviceError }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/**
 * The largest frame the page may send the web host: the largest letter in its worst JSON form (maxLetterJsonBytes: 6
 * bytes a character) and room for the call around it — ids of a draft, a contact and a letter answered, the frame's
 * own fields. Derived from the longest letter, so a legal letter in any script always fits, and the host and the
 * page use the same number.
 */
export const maxCallFrameBytes = maxLetterJsonBytes + 16 * 1024;

/** Query parameter that carries the web host's per-launch token. */
export const hostTokenParam = 'token';
/** Path of the web host's WebSocket. */
export const hostSocketPath = '/bridge';

/**
 * Where the screens load an attachment's bytes: the web host's route and the Electron app protocol's path alike. The
 * renderer names a message and one of its attachments, never a file; the runtime decides what, if anything, to serve.
 */
export const attachmentRoute = {
  prefix: '/attachments/',
  path: (messageId: string, attachmentId: string): string => `/attachments/${encodeURIComponent(messageId)}/${encodeURIComponent(attachmentId)}`,
  /** A video's caption track in one language, for a <track> element (text/vtt). */
  captionsPath: (messageId: string, attachmentId: string, language: string): string =>
    `${attachmentRoute.path(messageId, attachmentId)}/captions/${encodeURIComponent(language)}`,
  /** The ids named by a path under the prefix (and the captions' language, if it names a caption track), or null if it is not one. */
  parse(pathname: string): { messageId: string; attachmentId: string; captions?: LanguageCode } | null {
    const match = /^\/attachments\/([^/]{1,200})\/([^/]{1,200})(?:\/captions\/([^/]{1,40}))?$/.exec(pathname);
    if (!match) return null;
    try {
      const messageId = decodeURIComponent(match[1] ?? '');
      const attachmentId = decodeURIComponent(match[2] ?? '');
      const captions = match[3] === undefined ? null : LanguageCode.safeParse(decodeURIComponent(match[3]));
      if (captions !== null && !captions.success) return null;
      return messageId.length > 0 && attachmentId.length > 0 && messageId.length <= 64 && attachmentId.length <= 64
        ? { messageId, attachmentId, ...(captions === null ? {} : { captions: captions.data }) }
        : null;
    } catch {
      return null;
    }
  },
} as const;
