// Sends the outbox to the hub in id order and records what the hub answered for each mutation. The hub applies a
// mutation exactly once (it skips ids it has seen, refuses a gap), so sending the same batch again after a lost
// answer is safe; the device marks done exactly what the hub says is done, and nothing else.
//
// Batches are cut by bytes as well as by count, to the hub's own body limit (hub/protocol/text.ts), so a tablet that
// comes back with dozens of long letters sends them in several requests instead of one the hub refuses for its size on
// every push. A mutation that could never be sent — larger than any request, or no longer readable — is not allowed to
// hold back the ones after it: a `notSent` note goes under its id and the hub records it refused with the reason.
import { maxMutationJsonBytes, maxPushMutations, maxRequestBytes, Mutation, utf8ByteLength, type MutationResult, type PushedMutation } from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import { outboxQueries, type OutboxEntry } from '../store/outbox';
import type { HubClient, HubFailure } from './hub-client';

export type PushError =
  | { readonly kind: 'hub'; readonly failure: HubFailure }
  /** The hub has not seen the mutations before the ones sent: the device and the hub disagree about this device's past. */
  | { readonly kind: 'mutationGap' }
  /** The hub says it has done mutations this device never sent; marking ours done would lose them. */
  | { readonly kind: 'hubAheadOfDevice'; readonly hubLastMutationId: number; readonly highestSent: number }
  /** The hub answered without doing the first mutation sent, or refusing it. */
  | { readonly kind: 'noProgress'; readonly hubLastMutationId: number };

export interface PushSummary {
  readonly sent: number;
  readonly applied: number;
  readonly refused: number;
}

export type PushOutcome = { readonly ok: true; readonly value: PushSummary } | { readonly ok: false; readonly error: PushError; readonly partial: PushSummary };

export interface PushOptions {
  readonly deviceId: string;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** Mutations per request; the protocol's maximum unless a test wants smaller batches. */
  readonly batchSize?: number;
  /** Bytes per request; the hub's body limit unless a test wants smaller requests. */
  readonly batchBytes?: number;
  /** Bytes one mutation may take; the protocol's largest mutation unless a test wants a smaller one. */
  readonly mutationBytes?: number;
}

/** What goes under an outbox entry's id: the mutation itself, or the note that it cannot be sent and why. */
export function wireMutationOf(entry: OutboxEntry, maxBytes: number = maxMutationJsonBytes): PushedMutation {
  const notSent = (reason: 'tooLargeToSend' | 'unreadableOnDevice'): PushedMutation => ({
    id: entry.mutationId,
    name: 'notSent',
    args: { originalName: entry.name.slice(0, 64) || 'unknown', reason },
  });
  let args: unknown;
  try {
    args = JSON.parse(entry.argsJson);
  } catch {
    return notSent('unreadableOnDevice');
  }
  const parsed = Mutation.safeParse({ id: entry.mutationId, name: entry.name, args });
  if (!parsed.success) return notSent('unreadableOnDevice');
  return utf8ByteLength(JSON.stringify(parsed.data)) > maxBytes ? notSent('tooLargeToSend') : parsed.data;
}

/**
 * The oldest pending mutations that fit one request: at most `count`, and at most `bytes` of JSON with the envelope.
 * Never empty while anything is pending: every wire mutation is at most maxMutationJsonBytes, which one request holds.
 */
export function nextPushBatch(db: DeviceDatabase, deviceId: string, limits: { readonly count: number; readonly bytes: number; readonly mutationBytes: number }): PushedMutation[] {
  let used = utf8ByteLength(JSON.stringify({ deviceId, mutations: [] }));
  const batch: PushedMutation[] = [];
  for (const entry of outboxQueries(db).pending(limits.count)) {
    const mutation = wireMutationOf(entry, limits.mutationBytes);
    const size = utf8ByteLength(JSON.stringify(mutation)) + (batch.length === 0 ? 0 : 1);
    if (batch.length > 0 && used + size > limits.bytes) break;
    batch.push(mutation);
    used += size;
  }
  return batch;
}

export async function pushPending(db: DeviceDatabase, client: HubClient, options: PushOptions): Promise<PushOutcome> {
  const outbox = outboxQueries(db);
  const limits = {
    count: Math.min(options.batchSize ?? maxPushMutations, maxPushMutations),
    bytes: Math.min(options.batchBytes ?? maxRequestBytes, maxRequestBytes),
    mutationBytes: Math.min(options.mutationBytes ?? maxMutationJsonBytes, maxMutationJsonBytes),
  };
  const totals = { sent: 0, applied: 0, refused: 0 };

  for (;;) {
    const mutations = nextPushBatch(db, options.deviceId, limits);
    const first = mutations[0];
    const last = mutations[mutations.length - 1];
    if (!first || !last) return { ok: true, value: totals };

    const answer = await client.push({ deviceId: options.deviceId, mutations }, options.signal);
    if (!answer.ok) {
      const { failure } = answer;
      const error: PushError = failure.kind === 'http' && failure.status === 409 && failure.code === 'mutationGap' ? { kind: 'mutationGap' } : { kind: 'hub', failure };
      return { ok: false, error, partial: totals };
    }
    totals.sent += mutations.length;
    const { lastMutationId, results } = answer.value;
    if (lastMutationId > last.id) {
      return { ok: false, error: { kind: 'hubAheadOfDevice', hubLastMutationId: lastMutationId, highestSent: last.id }, partial: totals };
    }
    if (lastMutationId < first.id) return { ok: false, error: { kind: 'noProgress', hubLastMutationId: lastMutationId }, partial: totals };

    const resultById = new Map<number, MutationResult>(results.map((result) => [result.id, result]));
    const settledAt = options.now();
    db.transaction(() => {
      for (const mutation of mutations) {
        if (mutation.id > lastMutationId) break;
        const result = resultById.get(mutation.id);
        if (result?.status === 'refused') {
          outbox.settle(mutation.id, { status: 'refused', code: result.code, reason: result.reason, figures: result.figures ?? null }, settledAt);
          totals.refused += 1;
        } else {
          // No result for an id at or below lastMutationId: the hub did it on an earlier push whose answer was lost,
          // and skipped it this time. It is done; its effects arrive with the next pull.
          outbox.settle(mutation.id, { status: 'applied' }, settledAt);
          totals.applied += 1;
        }
      }
    })();
    // When the hub stopped part way (lastMutationId < last.id), the next loop starts just after it: progress was made,
    // so this cannot spin.
  }
}
