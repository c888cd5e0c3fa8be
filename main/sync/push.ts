// Sends the outbox to the hub in id order and records what the hub answered for each mutation. The hub applies a
// mutation exactly once (it skips ids it has seen, refuses a gap), so sending the same batch again after a lost
// answer is safe; the device marks done exactly what the hub says is done, and nothing else.
//
// Batches are cut by bytes as well as by count, to the hub's own body limit (rules/text.ts), so a tablet that
// comes back with dozens of long letters sends them in several requests instead of one the hub refuses for its size on
// every push. A mutation that could never be sent — larger than any request, or no longer readable — is not allowed to
// hold back the ones after it: a `notSent` note goes under its id and the hub records it refused with the reason.
import {
  maxMutationJsonBytes,
  maxPushMutations,
  maxRequestBytes,
  Mutation,
  utf8ByteLength,
  type MutationResult,
  type PushedMutation,
} from '../../hub/protocol';
import type { DeviceDatabase } from '../store/database';
import { type OutboxEntry, type OutboxQueries, type OutboxSettlement } from '../store/outbox';
import type { HubClient, HubFailure } from './hub-client';
import { storeQueriesOf } from '../store/store-queries';

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
  /** Bytes per request; the hub's body limit unless a test wants smaller requests. */
  readonly batchBytes?: number;
  /** Bytes one mutation may take; the protocol's largest mutation unless a test wants a smaller one. */
  readonly mutationBytes?: number;
  /**
   * The hub went back in time (pull found its cursor gone): send the newest answered mutation again first. The hub
   * skips it if it still has it, or answers a gap naming the first id it lost, from which this device re-sends.
   */
  readonly probeSettled?: boolean;
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
 * The next mutations that fit one request: at most `count`, and at most `bytes` of JSON with the envelope — the oldest
 * pending ones, or, while replaying to a hub that lost them, everything from `replayFrom` on, answered or not. Never
 * empty while any is left: every wire mutation is at most maxMutationJsonBytes, which one request holds.
 */
export function nextPushBatch(
  db: DeviceDatabase,
  deviceId: string,
  limits: { readonly count: number; readonly bytes: number; readonly mutationBytes: number },
  replayFrom: number | null = null,
): PushedMutation[] {
  let used = utf8ByteLength(JSON.stringify({ deviceId, mutations: [] }));
  const batch: PushedMutation[] = [];
  const outbox = storeQueriesOf(db).outbox;
  for (const entry of replayFrom === null ? outbox.pending(limits.count) : outbox.from(replayFrom, limits.count)) {
    const mutation = wireMutationOf(entry, limits.mutationBytes);
    const size = utf8ByteLength(JSON.stringify(mutation)) + (batch.length === 0 ? 0 : 1);
    if (batch.length > 0 && used + size > limits.bytes) break;
    batch.push(mutation);
    used += size;
  }
  return batch;
}

export async function pushPending(db: DeviceDatabase, client: HubClient, options: PushOptions): Promise<PushOutcome> {
  const outbox = storeQueriesOf(db).outbox;
  const limits = {
    count: Math.min(options.batchSize ?? maxPushMutations, maxPushMutations),
    bytes: Math.min(options.batchBytes ?? maxRequestBytes, maxRequestBytes),
    mutationBytes: Math.min(options.mutationBytes ?? maxMutationJsonBytes, maxMutationJsonBytes),
  };
  const totals = { sent: 0, applied: 0, refused: 0, resent: 0 };
  // While set, the batch is read from here on whatever the hub had answered: the hub lost those mutations.
  let replayFrom: number | null = options.probeSettled === true && outbox.maxSettledId() > 0 ? outbox.maxSettledId() : null;

  for (;;) {
    const mutations = nextPushBatch(db, options.deviceId, limits, replayFrom);
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
        const settlement: OutboxSettlement =
          result?.status === 'refused'
            ? { status: 'refused', code: result.code, reason: result.reason, figures: result.figures ?? null }
            : { status: 'applied' };
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
