// Sends the outbox to the hub in id order and records what the hub answered for each mutation. The hub applies a
// mutation exactly once (it skips ids it has seen, refuses a gap), so sending the same batch again after a lost
// answer is safe; the device marks done exactly what the hub says is done, and nothing else.
import { maxPushMutations, type MutationResult } from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import { outboxQueries } from '../store/outbox';
import type { HubClient, HubFailure } from './hub-client';
import { pendingMutations } from './outbox';

export type PushError =
  | { readonly kind: 'hub'; readonly failure: HubFailure }
  /** The hub has not seen the mutations before the ones sent: the device and the hub disagree about this device's past. */
  | { readonly kind: 'mutationGap' }
  /** The hub says it has done mutations this device never sent; marking ours done would lose them. */
  | { readonly kind: 'hubAheadOfDevice'; readonly hubLastMutationId: number; readonly highestSent: number }
  /** The hub answered without doing the first mutation sent, or refusing it. */
  | { readonly kind: 'noProgress'; readonly hubLastMutationId: number }
  /** A stored mutation no longer fits the protocol; nothing after it can be sent either (ids must arrive in order). */
  | { readonly kind: 'unreadableMutation'; readonly mutationId: number };

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
}

export async function pushPending(db: DeviceDatabase, client: HubClient, options: PushOptions): Promise<PushOutcome> {
  const outbox = outboxQueries(db);
  const batchSize = Math.min(options.batchSize ?? maxPushMutations, maxPushMutations);
  const totals = { sent: 0, applied: 0, refused: 0 };

  for (;;) {
    const pending = pendingMutations(db, batchSize);
    if (!pending.ok) return { ok: false, error: { kind: 'unreadableMutation', mutationId: pending.unreadableId }, partial: totals };
    const mutations = pending.mutations;
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
