// Sends the outbox to the hub in id order and records what the hub answered for each mutation. The hub applies a
// mutation exactly once (it skips ids it has seen, refuses a gap), so sending the same batch again after a lost
// answer is safe; the device marks done exactly what the hub says is done, and nothing else.
import { maxPushMutations, type MutationResult } from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import { outboxQueries, type OutboxQueries, type OutboxSettlement } from '../store/outbox';
import type { HubClient, HubFailure } from './hub-client';
import { mutationsFrom, pendingMutations } from './outbox';

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
  /** Mutations the hub had answered before and lost (it went back in time), sent again and answered again. */
  readonly resent: number;
}

export type PushOutcome = { readonly ok: true; readonly value: PushSummary } | { readonly ok: false; readonly error: PushError; readonly partial: PushSummary };

export interface PushOptions {
  readonly deviceId: string;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** Mutations per request; the protocol's maximum unless a test wants smaller batches. */
  readonly batchSize?: number;
  /**
   * The hub went back in time (pull found its cursor gone): send the newest answered mutation again first. The hub
   * skips it if it still has it, or answers a gap naming the first id it lost, from which this device re-sends.
   */
  readonly probeSettled?: boolean;
}

export async function pushPending(db: DeviceDatabase, client: HubClient, options: PushOptions): Promise<PushOutcome> {
  const outbox = outboxQueries(db);
  const batchSize = Math.min(options.batchSize ?? maxPushMutations, maxPushMutations);
  const totals = { sent: 0, applied: 0, refused: 0, resent: 0 };
  // While set, the batch is read from here on whatever the hub had answered: the hub lost those mutations.
  let replayFrom: number | null = options.probeSettled === true && outbox.maxSettledId() > 0 ? outbox.maxSettledId() : null;

  for (;;) {
    const pending = replayFrom === null ? pendingMutations(db, batchSize) : mutationsFrom(db, replayFrom, batchSize);
    if (!pending.ok) return { ok: false, error: { kind: 'unreadableMutation', mutationId: pending.unreadableId }, partial: totals };
    const mutations = pending.mutations;
    const first = mutations[0];
    const last = mutations[mutations.length - 1];
    if (!first || !last) return { ok: true, value: totals };

    const answer = await client.push({ deviceId: options.deviceId, mutations }, options.signal);
    if (!answer.ok) {
      const { failure } = answer;
      if (failure.kind === 'http' && failure.status === 409 && failure.code === 'mutationGap') {
        const resendFrom = lostMutationsToResend(failure.expectedMutationId, first.id, outbox);
        if (resendFrom === null) return { ok: false, error: { kind: 'mutationGap' }, partial: totals };
        replayFrom = resendFrom;
        continue;
      }
      return { ok: false, error: { kind: 'hub', failure }, partial: totals };
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
        // No result for an id at or below lastMutationId: the hub did it on an earlier push whose answer was lost,
        // and skipped it this time. It is done; its effects arrive with the next pull.
        const settlement: OutboxSettlement = result?.status === 'refused' ? { status: 'refused', code: result.code, reason: result.reason } : { status: 'applied' };
        const wasAnswered = outbox.byId(mutation.id)?.status !== 'pending';
        if (wasAnswered) {
          // Sent again to a hub that had lost it: the hub's new answer is the truth the screens must show. A result the
          // hub repeats for an id it still had is the same answer, so this changes nothing then.
          if (result !== undefined) outbox.resettle(mutation.id, settlement, settledAt);
          totals.resent += 1;
        } else {
          outbox.settle(mutation.id, settlement, settledAt);
        }
        if (settlement.status === 'refused') totals.refused += 1;
        else totals.applied += 1;
      }
    })();
    if (replayFrom !== null) replayFrom = lastMutationId + 1 <= outbox.maxSettledId() ? lastMutationId + 1 : null;
    // When the hub stopped part way (lastMutationId < last.id), the next loop starts just after it: progress was made,
    // so this cannot spin.
  }
}

/**
 * Where to re-send from after a gap, or null when this device cannot fill it. A hub that went back in time (a restore,
 * a commit lost before the hub flushed its disk) expects an id this device was told was done; the device still holds
 * every answered mutation, so it sends them again from there — the hub applies each exactly once, by id. Null when the
 * hub does not say what it expected, when the device no longer holds them all (an evict removed a person's answered
 * ones). It cannot loop: a gap means the hub expected an id below the first one sent, so each re-send starts lower.
 */
function lostMutationsToResend(expectedId: number | undefined, firstSentId: number, outbox: OutboxQueries): number | null {
  if (expectedId === undefined || expectedId >= firstSentId) return null;
  const lost = firstSentId - expectedId;
  return outbox.countBetween(expectedId, firstSentId - 1) === lost ? expectedId : null;
}
