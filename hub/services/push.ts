// Push (docs/sync.md §7 "Push and exactly-once"): a device's mutations, each applied exactly once in one transaction with its effects, in id order.
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
//
// Only that machinery is here. What a mutation means — sending and charging a message, marking it read, buying stamps —
// is the messages and ledgers services' (messages.ts, ledgers.ts); push checks the device may act for the resident,
// locks them, and calls the service.
import {
  isTooLong,
  maxMessageCharacters,
  PushedMutation,
  RefusalFigures,
  textProblemOf,
  type MutationResult,
  type NotSentArgs,
  type RefusalCode,
  type TextProblem,
} from '../protocol/index';
import type { SqlExecutor, HubTransaction } from '../db/database';
import { appendAuditEntry } from './audit';
import type { HubContext } from './context';
import { lockDevice, type DeviceRow } from './devices';
import { buyStampBook } from './ledgers';
import { markReadByResident, sendResidentMessage } from './messages';
import { refuse, type Outcome, type Refusal } from './mutation-outcome';
import { chooseResidentLanguage } from './resident-language';
import type { ResidentRow } from './records';
import { lockResident } from './residents';

/** Whether a device may act for (and see) a resident: housed in the kiosk's unit, or the tablet's own resident. */
export function residentInScope(
  device: Pick<DeviceRow, 'site_id' | 'kind' | 'housing_unit_id' | 'assigned_resident_id'>,
  resident: Pick<ResidentRow, 'resident_id' | 'site_id' | 'status' | 'housing_unit_id'>,
): boolean {
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

/** Runs a service for the resident a mutation names, once that resident is locked and in this device's scope. */
async function forResident(tx: HubTransaction, device: DeviceRow, residentId: string, service: (resident: ResidentRow) => Promise<Outcome>): Promise<Outcome> {
  const resident = await residentForMutation(tx, device, residentId);
  return isRefusal(resident) ? resident : service(resident);
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

function applyMutation(tx: HubTransaction, device: DeviceRow, mutation: PushedMutation, now: number): Promise<Outcome> {
  switch (mutation.name) {
    case 'appendAuditEntry':
      return appendAuditEntry(tx, device, mutation.id, mutation.args, now);
    case 'sendMessage':
      return forResident(tx, device, mutation.args.residentId, (resident) => sendResidentMessage(tx, resident, device.device_id, mutation.args, now));
    case 'markRead':
      return forResident(tx, device, mutation.args.residentId, (resident) => markReadByResident(tx, resident, mutation.args, now));
    case 'buyStamps':
      return forResident(tx, device, mutation.args.residentId, (resident) => buyStampBook(tx, resident, device.device_id, mutation.args, now));
    case 'chooseLanguage':
      return forResident(tx, device, mutation.args.residentId, (resident) => chooseResidentLanguage(tx, device, mutation.id, resident, mutation.args, now));
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
  return outcome.figures === undefined
    ? { id, status: 'refused', code: outcome.code, reason: outcome.reason }
    : { id, status: 'refused', code: outcome.code, reason: outcome.reason, figures: outcome.figures };
}

type Step =
  { readonly kind: 'done'; readonly result: MutationResult; readonly lastMutationId: number } | { readonly kind: 'gap'; readonly lastMutationId: number };

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
  const where =
    issue === undefined || issue.path.length === 0
      ? 'the mutation'
      : issue.path.map((part) => (typeof part === 'number' || /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(String(part)) ? String(part) : '…')).join('.');
  return refuse(
    'malformedMutation',
    `This did not fit what the facility accepts (${where}: ${issue?.code ?? 'invalid'}), so it was not applied.`.slice(0, 500),
  );
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
async function settleNext(
  hub: HubContext,
  deviceId: string,
  mutationId: number,
  name: string,
  decide: (tx: HubTransaction, device: DeviceRow, now: number) => Promise<Outcome>,
): Promise<Step> {
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
  if (isReadRefusal(mutation))
    return settleNext(hub, deviceId, received.id, pushedMutationNames.has(received.name) ? received.name : 'unknown', async () => mutation);
  try {
    return await settleNext(hub, deviceId, mutation.id, mutation.name, (tx, device, now) => applyMutation(tx, device, mutation, now));
  } catch (error) {
    if (!isUnstorableValueError(error)) throw error;
    // Everything the attempt wrote was rolled back with its transaction; the refusal goes in a new one, under the same
    // checks (another push may have settled this id meanwhile).
    return settleNext(hub, deviceId, mutation.id, mutation.name, async () =>
      refuse('hubCouldNotStore', 'The facility could not store this, so it was not applied. Nothing was charged.'),
    );
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
