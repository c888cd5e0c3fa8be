// The outbox: every action the hub must learn of becomes a mutation, written in the same transaction as its local
// effect, with an id one higher than the last this device handed out (Replicache's per-client mutation ids). What is
// in the outbox and not yet answered is what the screens show as "waiting on this device".
import { Mutation, type MutationArgs, type MutationName } from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import type { OutboxEntry, OutboxStatus } from '../store/outbox';
import { storeQueriesOf } from '../store/store-queries';

/**
 * Whose action a mutation is: the person its arguments name, or null for the device's own audit entries — which are
 * nobody's "waiting on this device", and which an evict of a person must never touch.
 */
function residentOfMutation(mutation: Mutation): string | null {
  switch (mutation.name) {
    case 'sendMessage':
    case 'markRead':
    case 'buyStamps':
    case 'chooseLanguage':
      return mutation.args.residentId;
    case 'appendAuditEntry':
      return null;
    default: {
      const unknownMutation: never = mutation;
      throw new Error(`unknown mutation ${JSON.stringify(unknownMutation)}`);
    }
  }
}

/** A service asked for a mutation the protocol would refuse: a bug in the caller, caught before anything is written. */
export class MutationArgsError extends Error {
  override readonly name = 'MutationArgsError';
}

export interface RecordedMutation<T> {
  readonly mutationId: number;
  /** Whatever the local effect returned. */
  readonly effect: T;
}

/** How a service records a mutation: the sync engine's (which also wakes sync) once the device is enrolled. */
export type RecordMutation = <N extends MutationName, T>(
  name: N,
  args: MutationArgs<N>,
  localEffect: (db: DeviceDatabase, mutationId: number) => T,
) => RecordedMutation<T>;

/**
 * Runs the local effect and appends the mutation in one transaction: both are on disk, or neither is. The effect gets
 * the mutation's id, so a local row (a message waiting to be sent) can name the mutation that will deliver it.
 */
export function recordMutation<N extends MutationName, T>(
  db: DeviceDatabase,
  name: N,
  args: MutationArgs<N>,
  localEffect: (db: DeviceDatabase, mutationId: number) => T,
  options: { readonly now?: number } = {},
): RecordedMutation<T> {
  // Checked with the very schema the hub uses, so a mutation the hub would refuse as malformed never enters the queue
  // (it could never leave it: ids must reach the hub in order).
  const checked = Mutation.safeParse({ id: 1, name, args });
  if (!checked.success) {
    const first = checked.error.issues[0];
    throw new MutationArgsError(`${name}: ${first ? `${first.path.join('.')}: ${first.code}` : 'invalid arguments'}`);
  }
  const outbox = storeQueriesOf(db).outbox;
  const syncState = storeQueriesOf(db).syncState;
  const createdAt = options.now ?? Date.now();
  return db.transaction((): RecordedMutation<T> => {
    const mutationId = syncState.allocateMutationId();
    const effect = localEffect(db, mutationId);
    outbox.insert({ mutationId, name, argsJson: JSON.stringify(checked.data.args), residentId: residentOfMutation(checked.data), createdAt });
    return { mutationId, effect };
  })();
}

/** The oldest pending mutations as the hub expects them; an entry that no longer parses is reported by id. */
export function pendingMutations(db: DeviceDatabase, limit: number): { ok: true; mutations: Mutation[] } | { ok: false; unreadableId: number } {
  return parsedEntries(storeQueriesOf(db).outbox.pending(limit));
}

/**
 * Mutations from `fromId` on, answered or not, as the hub expects them: what this device re-sends to a hub that went
 * back in time. Answered mutations stay in the outbox (only an evict or a new identity removes them), which is what
 * makes this possible.
 */
export function mutationsFrom(db: DeviceDatabase, fromId: number, limit: number): { ok: true; mutations: Mutation[] } | { ok: false; unreadableId: number } {
  return parsedEntries(storeQueriesOf(db).outbox.from(fromId, limit));
}

function parsedEntries(entries: readonly OutboxEntry[]): { ok: true; mutations: Mutation[] } | { ok: false; unreadableId: number } {
  const mutations: Mutation[] = [];
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed) return { ok: false, unreadableId: entry.mutationId };
    mutations.push(parsed);
  }
  return { ok: true, mutations };
}

function parseEntry(entry: OutboxEntry): Mutation | null {
  try {
    const parsed = Mutation.safeParse({ id: entry.mutationId, name: entry.name, args: JSON.parse(entry.argsJson) });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A mutation's fate as the person should see it. */
export type MutationOutcome =
  | { readonly status: 'pending' }
  | { readonly status: 'applied'; readonly settledAt: number }
  /** `code` is the hub's RefusalCode, which the screens translate; `reason` is the hub's sentence. */
  | { readonly status: 'refused'; readonly code: string; readonly reason: string; readonly settledAt: number };

export interface ResidentMutation {
  readonly mutationId: number;
  readonly name: MutationName;
  readonly createdAt: number;
  readonly outcome: MutationOutcome;
}

function outcomeOf(entry: OutboxEntry): MutationOutcome {
  const status: OutboxStatus = entry.status;
  switch (status) {
    case 'pending':
      return { status: 'pending' };
    case 'applied':
      return { status: 'applied', settledAt: entry.settledAt ?? entry.createdAt };
    case 'refused':
      return { status: 'refused', code: entry.resultCode ?? '', reason: entry.resultReason ?? '', settledAt: entry.settledAt ?? entry.createdAt };
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

const mutationNames: ReadonlySet<string> = new Set(Mutation.options.map((option) => option.shape.name.value));
const isMutationName = (name: string): name is MutationName => mutationNames.has(name);

/** The resident's recent mutations, newest first: what their screens show as waiting, done or refused with a reason. */
export function residentMutations(db: DeviceDatabase, residentId: string, limit = 50): ResidentMutation[] {
  return storeQueriesOf(db)
    .outbox.recentFor(residentId, limit)
    .flatMap((entry) =>
      isMutationName(entry.name) ? [{ mutationId: entry.mutationId, name: entry.name, createdAt: entry.createdAt, outcome: outcomeOf(entry) }] : [],
    );
}

export function pendingMutationCount(db: DeviceDatabase): number {
  return storeQueriesOf(db).outbox.pendingCount();
}
