// Push (SYNC.md): a device's mutations, each applied exactly once in one transaction with its effects, in id order.
// A business refusal is a recorded result that advances lastMutationId just like an applied mutation, so one bad
// mutation never blocks the queue; a retry of anything at or below lastMutationId gets the recorded result back.
//
// A gap (an id beyond lastMutationId + 1) stops the batch there. Mutations of the same batch before the gap stay
// applied — each one committed in its own transaction — and the device learns their results on its next push, when
// they come back as "already applied".
//
// No input stops the queue. A mutation that does not fit the protocol is refused under its id with a code (its text
// breaks the text rule, or a field is malformed), and so is one whose write the database refuses: its transaction is
// rolled back whole and the refusal recorded in a new one, so a value PostgreSQL will not store costs that one
// mutation, never the batch and never a 500 the device would meet on every push.
import {
  characterCount,
  isTooLong,
  messageCost,
  PushedMutation,
  RefusalFigures,
  textProblemOf,
  type BuyStampsArgs,
  type MarkReadArgs,
  type MutationResult,
  type NotSentArgs,
  type RefusalCode,
  type SendMessageArgs,
  type TextProblem,
} from '../protocol/index';
import type { SqlExecutor } from '../db/database';
import { appendAuditEntry } from './audit';
import type { HubContext } from './context';
import { lockDevice, type DeviceRow } from './devices';
import { appendLedgerEntries } from './ledgers';
import { maxMessageCharacters } from '../protocol/index';
import { loadAttachments, loadMessage, loadSiteRules, messageChange, messageColumns, type MessageRow, type ResidentRow } from './records';
import { lockResident, publishForResident } from './residents';

type Refusal = { readonly status: 'refused'; readonly code: RefusalCode; readonly reason: string; readonly figures?: RefusalFigures };
type Outcome = { readonly status: 'applied' } | Refusal;

const applied: Outcome = { status: 'applied' };

/** `reason` is English for logs and staff; the device words a refusal from `code` and `figures` in the person's language. */
function refuse(code: RefusalCode, reason: string, figures?: RefusalFigures): Refusal {
  return figures === undefined ? { status: 'refused', code, reason } : { status: 'refused', code, reason, figures };
}

/** Whether a device may act for (and see) a resident: housed in the kiosk's unit, or the tablet's own resident. */
export function residentInScope(device: Pick<DeviceRow, 'site_id' | 'kind' | 'housing_unit_id' | 'assigned_resident_id'>, resident: Pick<ResidentRow, 'resident_id' | 'site_id' | 'status' | 'housing_unit_id'>): boolean {
  if (resident.site_id !== device.site_id || resident.status !== 'active') return false;
  switch (device.kind) {
    case 'kiosk':
      return resident.housing_unit_id !== null && resident.housing_unit_id === device.housing_unit_id;
    case 'tablet':
      return device.assigned_resident_id === resident.resident_id;
    default: {
      const unknownKind: never = device.kind;
      throw new Error(`unknown device kind ${String(unknownKind)}`);
    }
  }
}

/** Locks the resident the mutation names, or refuses: unknown here, or outside this device's scope. */
async function residentForMutation(tx: SqlExecutor, device: DeviceRow, residentId: string): Promise<ResidentRow | Refusal> {
  const resident = await lockResident(tx, residentId);
  if (resident === null || resident.site_id !== device.site_id) return refuse('residentNotFound', 'This person is not known at this facility.');
  if (!residentInScope(device, resident)) return refuse('outOfScope', 'This device does not serve this person any more, so the hub did not accept this.');
  return resident;
}

function isRefusal(value: ResidentRow | Refusal): value is Refusal {
  return 'status' in value && value.status === 'refused';
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

async function sendMessage(tx: SqlExecutor, device: DeviceRow, args: SendMessageArgs, now: number): Promise<Outcome> {
  const resident = await residentForMutation(tx, device, args.residentId);
  if (isRefusal(resident)) return resident;
  const [existing] = await tx.query('SELECT 1 FROM messages WHERE message_id = $1', [args.messageId]);
  if (existing !== undefined) return refuse('duplicateMessageId', 'A message with this id was already received, so this one was not sent again.');
  const [contact] = await tx.query<{ approved: boolean; display_name: string }>('SELECT approved, display_name FROM contacts WHERE contact_id = $1 AND resident_id = $2', [args.contactId, resident.resident_id]);
  if (contact === undefined) return refuse('contactNotFound', 'This contact is not on your list.');
  if (!contact.approved) return refuse('contactNotApproved', `${contact.display_name} is not an approved contact yet, so the message was not sent.`);
  const characters = characterCount(args.body);
  if (characters > maxMessageCharacters) return refuse('messageTooLong', `A message can be at most ${maxMessageCharacters} characters; this one has ${characters}.`, { maxCharacters: maxMessageCharacters, characters });

  let repliedTo: MessageRow | null = null;
  if (args.replyToMessageId !== null) {
    const target = await loadMessage(tx, args.replyToMessageId, { forUpdate: true });
    const answerable = target !== null && target.resident_id === resident.resident_id && target.direction === 'inbound' && (target.status === 'delivered' || target.status === 'read');
    if (!answerable) return refuse('replyTargetNotFound', 'The message you answered could not be found.');
    if (target.contact_id !== args.contactId) return refuse('replyTargetNotFound', 'The message you answered came from someone else.');
    repliedTo = target;
  }
  if (args.useReturnStamp) {
    if (repliedTo === null) return refuse('returnStampUnavailable', 'A return stamp can pay only for a reply.');
    if (!repliedTo.carries_return_stamp) return refuse('returnStampUnavailable', 'The message you answered did not come with a return stamp.');
    if (repliedTo.return_stamp_used) return refuse('returnStampUnavailable', 'The return stamp of that message has already been used.');
  }

  const rules = await loadSiteRules(tx, resident.site_id);
  if (rules === null) throw new Error(`resident ${resident.resident_id} has no site`);
  const cost = messageCost(args.body, 0, args.useReturnStamp, rules.record);
  if (cost.fromOwnStamps > resident.stamp_balance) {
    return refuse('notEnoughStamps', `This message needs ${plural(cost.fromOwnStamps, 'stamp', 'stamps')} and you have ${plural(resident.stamp_balance, 'stamp', 'stamps')}.`, {
      neededStamps: cost.fromOwnStamps,
      availableStamps: resident.stamp_balance,
    });
  }

  // Every check passed: from here on, only writes.
  const [message] = await tx.query<MessageRow>(
    `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
                           reply_to_message_id, paid_with_return_stamp, stamps_charged, sent_by_device_id)
     VALUES ($1, $2, $3, 'outbound', $4, $5, $6, 'inReview', $6, $7, $8, $9, $10) RETURNING ${messageColumns}`,
    [args.messageId, resident.resident_id, args.contactId, args.body, args.writtenAt, now, args.replyToMessageId, args.useReturnStamp, cost.fromOwnStamps, device.device_id],
  );
  if (message === undefined) throw new Error('INSERT ... RETURNING returned no row');
  const changes = [messageChange(message, [])];
  if (args.useReturnStamp && repliedTo !== null) {
    const [spent] = await tx.query<MessageRow>(`UPDATE messages SET return_stamp_used = true, version = version + 1 WHERE message_id = $1 RETURNING ${messageColumns}`, [repliedTo.message_id]);
    if (spent !== undefined) changes.push(messageChange(spent, await loadAttachments(tx, spent.message_id)));
  }
  if (cost.fromOwnStamps > 0) {
    await appendLedgerEntries(tx, resident, [{ ledger: 'stamps', kind: 'messageSent', amount: -cost.fromOwnStamps, reference: message.message_id }], now);
  }
  await publishForResident(tx, resident, changes, now);
  return applied;
}

async function markRead(tx: SqlExecutor, device: DeviceRow, args: MarkReadArgs, now: number): Promise<Outcome> {
  const resident = await residentForMutation(tx, device, args.residentId);
  if (isRefusal(resident)) return resident;
  const message = await loadMessage(tx, args.messageId, { forUpdate: true });
  const readable = message !== null && message.resident_id === resident.resident_id && message.direction === 'inbound' && (message.status === 'delivered' || message.status === 'read');
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

/** stamp_books.stamps is an integer column: no book the hub sells is larger. */
const largestBookSize = 2_147_483_647;

const sameRequest = (earlier: { resident_id: string; book_size: number }, residentId: string, bookSize: number): boolean =>
  earlier.resident_id === residentId && Number(earlier.book_size) === bookSize;

const requestIdReused = (): Outcome =>
  refuse('requestIdReused', 'This purchase request was already used for a different purchase. Nothing was charged; please try the purchase again.');

async function buyStamps(tx: SqlExecutor, device: DeviceRow, args: BuyStampsArgs, now: number): Promise<Outcome> {
  const resident = await residentForMutation(tx, device, args.residentId);
  if (isRefusal(resident)) return resident;
  // Checked under the resident's lock, so two devices sending the same request at once are charged once. The same
  // request again (a retry) is the purchase already made; the same id for a different purchase is refused in words.
  const [earlier] = await tx.query<{ resident_id: string; book_size: number }>('SELECT resident_id, book_size FROM stamp_purchases WHERE request_id = $1', [args.requestId]);
  if (earlier !== undefined) return sameRequest(earlier, resident.resident_id, args.bookSize) ? applied : requestIdReused();
  // The protocol's schema stops these at the HTTP door; the service refuses them too, rather than hand the database a
  // size no integer column can hold (which would throw, and fail the device's queue on every retry).
  if (!Number.isInteger(args.bookSize) || args.bookSize <= 0 || args.bookSize > largestBookSize) {
    return refuse('unknownBookSize', `A book holds a whole number of stamps, one or more; ${String(args.bookSize)} is not one.`, Number.isSafeInteger(args.bookSize) ? { bookSize: args.bookSize } : undefined);
  }
  const [book] = await tx.query<{ price_cents: number }>('SELECT price_cents FROM stamp_books WHERE site_id = $1 AND stamps = $2', [resident.site_id, args.bookSize]);
  if (book === undefined) return refuse('unknownBookSize', `This facility does not sell a book of ${plural(args.bookSize, 'stamp', 'stamps')}.`, { bookSize: args.bookSize });
  if (book.price_cents > resident.debit_balance_cents) {
    return refuse('notEnoughMoney', `A book of ${plural(args.bookSize, 'stamp', 'stamps')} costs ${dollars(book.price_cents)} and your account has ${dollars(resident.debit_balance_cents)}.`, {
      neededCents: book.price_cents,
      availableCents: resident.debit_balance_cents,
      bookSize: args.bookSize,
    });
  }
  // Two people's purchases under one request id hold different resident locks: the key decides, and the second
  // (waiting on the first's commit) inserts nothing and is refused, charged nothing.
  const [recorded] = await tx.query(
    `INSERT INTO stamp_purchases (request_id, resident_id, book_size, price_cents, device_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
    [args.requestId, resident.resident_id, args.bookSize, book.price_cents, device.device_id, now],
  );
  if (recorded === undefined) return requestIdReused();
  await appendLedgerEntries(
    tx,
    resident,
    [
      { ledger: 'debit', kind: 'stampPurchase', amount: -book.price_cents, reference: args.requestId },
      { ledger: 'stamps', kind: 'purchase', amount: args.bookSize, reference: args.requestId },
    ],
    now,
  );
  return applied;
}

/** The device gave up sending a mutation and says why; the hub records the refusal under its id. */
function notSent(args: NotSentArgs): Outcome {
  switch (args.reason) {
    case 'tooLargeToSend':
      return refuse('tooLargeToSend', 'This was too large to send to the facility, so it was not sent.');
    case 'unreadableOnDevice':
      return refuse('unreadableOnDevice', 'This could not be read back on the device, so it was not sent.');
    default: {
      const unknownReason: never = args.reason;
      throw new Error(`unknown not-sent reason ${String(unknownReason)}`);
    }
  }
}

function applyMutation(tx: SqlExecutor, device: DeviceRow, mutation: PushedMutation, now: number): Promise<Outcome> {
  switch (mutation.name) {
    case 'appendAuditEntry':
      return appendAuditEntry(tx, device, mutation.id, mutation.args, now);
    case 'sendMessage':
      return sendMessage(tx, device, mutation.args, now);
    case 'markRead':
      return markRead(tx, device, mutation.args, now);
    case 'buyStamps':
      return buyStamps(tx, device, mutation.args, now);
    case 'notSent':
      return Promise.resolve(notSent(mutation.args));
    default: {
      const unknownMutation: never = mutation;
      throw new Error(`unknown mutation ${JSON.stringify(unknownMutation)}`);
    }
  }
}

function resultOf(id: number, outcome: Outcome): MutationResult {
  if (outcome.status === 'applied') return { id, status: 'applied' };
  return outcome.figures === undefined ? { id, status: 'refused', code: outcome.code, reason: outcome.reason } : { id, status: 'refused', code: outcome.code, reason: outcome.reason, figures: outcome.figures };
}

type Step = { readonly kind: 'done'; readonly result: MutationResult; readonly lastMutationId: number } | { readonly kind: 'gap'; readonly lastMutationId: number };

/** A mutation as the envelope read it: its id and name are known; the rest is checked here, one mutation at a time. */
export interface ReceivedMutation {
  readonly id: number;
  readonly name: string;
}

function textRefusalCode(problem: TextProblem): RefusalCode {
  switch (problem) {
    case 'controlCharacter':
      return 'textControlCharacter';
    case 'invalidUnicode':
      return 'textInvalidUnicode';
    case 'invisibleCharacter':
      return 'textInvisibleCharacter';
    default: {
      const unknownProblem: never = problem;
      throw new Error(`unknown text problem ${String(unknownProblem)}`);
    }
  }
}

/** The mutation as the protocol defines it, or the refusal that takes its place. Never echoes the mutation's content. */
function readMutation(received: ReceivedMutation): PushedMutation | Refusal {
  const parsed = PushedMutation.safeParse(received);
  if (parsed.success) return parsed.data;
  const problem = textProblemOf(parsed.error);
  if (problem !== null) {
    const first = parsed.error.issues.find((issue) => issue.code === 'custom');
    return refuse(textRefusalCode(problem), first?.message ?? 'The text of this could not be accepted.');
  }
  if (isTooLong(parsed.error)) return refuse('messageTooLong', `A message can be at most ${maxMessageCharacters} characters, so this one was not sent.`);
  const issue = parsed.error.issues[0];
  // Only the schema's own field names go into the reason: a key the device sent could carry anything.
  const where = issue === undefined || issue.path.length === 0 ? 'the mutation' : issue.path.map((part) => (typeof part === 'number' || /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(String(part)) ? String(part) : '…')).join('.');
  return refuse('malformedMutation', `This did not fit what the facility accepts (${where}: ${issue?.code ?? 'invalid'}), so it was not applied.`.slice(0, 500));
}

const pushedMutationNames: ReadonlySet<string> = new Set(PushedMutation.options.map((option) => option.shape.name.value));

function isReadRefusal(value: PushedMutation | Refusal): value is Refusal {
  return 'status' in value;
}

async function recordedResult(tx: SqlExecutor, deviceId: string, mutationId: number): Promise<MutationResult> {
  const [row] = await tx.query<{ status: 'applied' | 'refused'; refusal_code: RefusalCode | null; reason: string | null; refusal_figures: unknown }>(
    'SELECT status, refusal_code, reason, refusal_figures FROM device_mutations WHERE device_id = $1 AND mutation_id = $2',
    [deviceId, mutationId],
  );
  if (row === undefined || row.status === 'applied' || row.refusal_code === null) return { id: mutationId, status: 'applied' };
  // The answer to a retry is the answer first given, figures included; a row from before figures were kept has none.
  const figures = RefusalFigures.safeParse(row.refusal_figures);
  const recorded = { id: mutationId, status: 'refused', code: row.refusal_code, reason: row.reason ?? '' } as const;
  return figures.success ? { ...recorded, figures: figures.data } : recorded;
}

/**
 * SQLSTATE classes that mean "this value cannot be stored", not "try again": data exceptions (22: a NUL or an invalid
 * byte sequence in text, a number out of range), integrity constraints (23: a CHECK, a unique key), program limits
 * (54: a row or index entry too large). Anything else — a lost connection, a full disk — is the hub's trouble, not the
 * mutation's, and stays an error the device retries.
 */
const unstorableClasses = new Set(['22', '23', '54']);

export function isUnstorableValueError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'string') return false;
  return error.code.length === 5 && unstorableClasses.has(error.code.slice(0, 2));
}

/** Under the device lock: skip what is done, refuse a gap, else run `decide` and record its outcome under the id. */
async function settleNext(hub: HubContext, deviceId: string, mutationId: number, name: string, decide: (tx: SqlExecutor, device: DeviceRow, now: number) => Promise<Outcome>): Promise<Step> {
  return hub.database.transaction(async (tx): Promise<Step> => {
    // The device row is the lock that makes two pushes from one device (a retry racing the original) take turns.
    const device = await lockDevice(tx, deviceId);
    if (device === null) throw new Error(`device ${deviceId} vanished`);
    const lastMutationId = device.last_mutation_id;
    if (mutationId <= lastMutationId) return { kind: 'done', result: await recordedResult(tx, deviceId, mutationId), lastMutationId };
    if (mutationId > lastMutationId + 1) return { kind: 'gap', lastMutationId };
    const now = hub.now();
    const result = resultOf(mutationId, await decide(tx, device, now));
    await tx.query(
      'INSERT INTO device_mutations (device_id, mutation_id, name, status, refusal_code, reason, refusal_figures, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        deviceId,
        mutationId,
        name,
        result.status,
        result.status === 'refused' ? result.code : null,
        result.status === 'refused' ? result.reason : null,
        result.status === 'refused' && result.figures !== undefined ? JSON.stringify(result.figures) : null,
        now,
      ],
    );
    await tx.query('UPDATE devices SET last_mutation_id = $2 WHERE device_id = $1', [deviceId, mutationId]);
    return { kind: 'done', result, lastMutationId: mutationId };
  });
}

async function pushOne(hub: HubContext, deviceId: string, received: ReceivedMutation): Promise<Step> {
  const mutation = readMutation(received);
  // The name is stored with the result; one the protocol does not know is stored as such, never as the device sent it
  // (it could hold a NUL, which the database would refuse, failing the push again on every retry).
  if (isReadRefusal(mutation)) return settleNext(hub, deviceId, received.id, pushedMutationNames.has(received.name) ? received.name : 'unknown', async () => mutation);
  try {
    return await settleNext(hub, deviceId, mutation.id, mutation.name, (tx, device, now) => applyMutation(tx, device, mutation, now));
  } catch (error) {
    if (!isUnstorableValueError(error)) throw error;
    // Everything the attempt wrote was rolled back with its transaction; the refusal goes in a new one, under the same
    // checks (another push may have settled this id meanwhile).
    return settleNext(hub, deviceId, mutation.id, mutation.name, async () => refuse('hubCouldNotStore', 'The facility could not store this, so it was not applied. Nothing was charged.'));
  }
}

export type PushOutcome =
  | { readonly kind: 'accepted'; readonly lastMutationId: number; readonly results: readonly MutationResult[] }
  /** Refused from `receivedId` on: the hub expected `lastMutationId + 1`. Results of the mutations before it are in `results`. */
  | { readonly kind: 'gap'; readonly lastMutationId: number; readonly receivedId: number; readonly results: readonly MutationResult[] };

export async function applyPush(hub: HubContext, deviceId: string, mutations: readonly ReceivedMutation[]): Promise<PushOutcome> {
  const results: MutationResult[] = [];
  let lastMutationId = 0;
  for (const mutation of mutations) {
    const step = await pushOne(hub, deviceId, mutation);
    if (step.kind === 'gap') return { kind: 'gap', lastMutationId: step.lastMutationId, receivedId: mutation.id, results };
    results.push(step.result);
    lastMutationId = Math.max(lastMutationId, step.lastMutationId);
  }
  return { kind: 'accepted', lastMutationId, results };
}
