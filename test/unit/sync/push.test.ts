// Push against a hub that follows the rule of docs/sync.md §7 "Push and exactly-once" (skip ids it has seen, refuse a gap, apply the next): every mutation
// is applied exactly once or refused with a reason, lost answers are harmless, and disagreements stop with an error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MutationResult, PushRequest, PushResponse } from '../../../hub/protocol';
import type { HubClient, HubResult } from '../../../main/sync/hub-client';
import { recordMutation } from '../../../main/sync/outbox';
import { pushPending } from '../../../main/sync/push';
import { outboxQueries } from '../../../main/store/outbox';
import { tempStore, type TempStore } from './fixtures';

/** The hub's side of push, as docs/sync.md §7 "Push and exactly-once" states it. */
class HubLedgerOfMutations {
  lastMutationId = 0;
  readonly appliedIds: number[] = [];
  refuse = new Set<number>();
  /** Answers that get lost on the way back (the hub still did the work). */
  loseNextAnswers = 0;
  requests: PushRequest[] = [];
  /** Answer a gap with the id expected next, as the real hub does (older hubs did not). */
  saysExpectedId = false;

  push(request: PushRequest): HubResult<PushResponse> {
    this.requests.push(request);
    const results: MutationResult[] = [];
    for (const mutation of request.mutations) {
      if (mutation.id <= this.lastMutationId) continue;
      if (mutation.id > this.lastMutationId + 1) {
        const expected = this.saysExpectedId ? { expectedMutationId: this.lastMutationId + 1 } : {};
        return { ok: false, failure: { kind: 'http', status: 409, code: 'mutationGap', message: `expected ${this.lastMutationId + 1}`, ...expected } };
      }
      if (this.refuse.has(mutation.id)) results.push({ id: mutation.id, status: 'refused', code: 'notEnoughStamps', reason: 'No stamps left.' });
      else {
        this.appliedIds.push(mutation.id);
        results.push({ id: mutation.id, status: 'applied' });
      }
      this.lastMutationId = mutation.id;
    }
    if (this.loseNextAnswers > 0) {
      this.loseNextAnswers -= 1;
      return { ok: false, failure: { kind: 'network' } };
    }
    return { ok: true, value: { lastMutationId: this.lastMutationId, results } };
  }
}

function clientFor(push: (request: PushRequest) => HubResult<PushResponse>): HubClient {
  const unused = async (): Promise<never> => {
    throw new Error('not used in push tests');
  };
  return {
    hubUrl: 'http://127.0.0.1/',
    enroll: unused,
    pull: unused,
    fetchBlob: unused,
    fetchUpdateMetadata: unused,
    fetchUpdateFile: unused,
    assignTablet: unused,
    releaseTablet: unused,
    push: async (request) => push(request),
  };
}

let store: TempStore;
let hub: HubLedgerOfMutations;
beforeEach(() => {
  store = tempStore();
  hub = new HubLedgerOfMutations();
});
afterEach(() => store.cleanup());

const record = (count: number) => {
  for (let index = 0; index < count; index += 1) {
    recordMutation(store.db, 'markRead', { residentId: 'r1', messageId: `m${index}`, readAt: index }, () => undefined, { now: index });
  }
};
const push = (batchSize = 200) =>
  pushPending(
    store.db,
    clientFor((request) => hub.push(request)),
    { deviceId: 'dev-1', now: () => 99, batchSize },
  );
const statuses = () => store.db.prepare('SELECT mutation_id AS id, status, result_code AS code FROM outbox ORDER BY mutation_id').all();

describe('pushPending', () => {
  it('sends pending mutations in id order, in batches, and records each answer', async () => {
    record(5);
    hub.refuse.add(3);
    await expect(push(2)).resolves.toEqual({ ok: true, value: { sent: 5, applied: 4, refused: 1, resent: 0 } });
    expect(hub.requests.map((request) => request.mutations.map((mutation) => mutation.id))).toEqual([[1, 2], [3, 4], [5]]);
    expect(hub.requests.every((request) => request.deviceId === 'dev-1')).toBe(true);
    expect(statuses()).toEqual([
      { id: 1, status: 'applied', code: null },
      { id: 2, status: 'applied', code: null },
      { id: 3, status: 'refused', code: 'notEnoughStamps' },
      { id: 4, status: 'applied', code: null },
      { id: 5, status: 'applied', code: null },
    ]);
    expect(outboxQueries(store.db).byId(3)).toMatchObject({ resultReason: 'No stamps left.', settledAt: 99 });
    // Nothing pending: no request at all.
    await push();
    expect(hub.requests).toHaveLength(3);
  });

  it('a lost answer changes nothing: the retry is skipped at the hub and marked done here, each applied once', async () => {
    record(3);
    hub.loseNextAnswers = 1;
    await expect(push()).resolves.toMatchObject({ ok: false, error: { kind: 'hub', failure: { kind: 'network' } } });
    expect(statuses().map((row) => (row as { status: string }).status)).toEqual(['pending', 'pending', 'pending']);
    record(1);
    await expect(push()).resolves.toMatchObject({ ok: true, value: { sent: 4, applied: 4 } });
    expect(hub.appliedIds).toEqual([1, 2, 3, 4]);
    expect(statuses().map((row) => (row as { status: string }).status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('a hub that stops part way is resumed from where it stopped', async () => {
    record(4);
    let calls = 0;
    const client = clientFor((request) => {
      calls += 1;
      // First answer: only the first two were done (lastMutationId 2).
      if (calls === 1)
        return {
          ok: true,
          value: {
            lastMutationId: 2,
            results: [
              { id: 1, status: 'applied' },
              { id: 2, status: 'applied' },
            ],
          },
        };
      return hub.push(request);
    });
    hub.lastMutationId = 2;
    await expect(pushPending(store.db, client, { deviceId: 'dev-1', now: () => 1 })).resolves.toMatchObject({ ok: true, value: { applied: 4 } });
    expect(calls).toBe(2);
  });

  it('a gap is an error, logged and shown; nothing is marked and nothing is retried in a loop', async () => {
    record(3);
    hub.lastMutationId = 0;
    outboxQueries(store.db).settle(1, { status: 'applied' }, 1);
    let requests = 0;
    const result = await pushPending(
      store.db,
      clientFor((request) => {
        requests += 1;
        return hub.push(request);
      }),
      { deviceId: 'dev-1', now: () => 1 },
    );
    expect(result).toEqual({ ok: false, error: { kind: 'mutationGap' }, partial: { sent: 0, applied: 0, refused: 0, resent: 0 } });
    expect(requests).toBe(1);
    expect(statuses().filter((row) => (row as { status: string }).status === 'pending')).toHaveLength(2);
  });

  it('re-sends, from the id the hub expected, the answered mutations a hub that went back in time lost — each applied once', async () => {
    record(4);
    outboxQueries(store.db).settle(1, { status: 'applied' }, 1);
    outboxQueries(store.db).settle(2, { status: 'applied' }, 1);
    // Restored from a backup taken after mutation 1: the hub lost mutation 2, which this device was told was done.
    hub.lastMutationId = 1;
    hub.saysExpectedId = true;
    const result = await pushPending(
      store.db,
      clientFor((request) => hub.push(request)),
      { deviceId: 'dev-1', now: () => 1 },
    );
    expect(result).toEqual({ ok: true, value: { sent: 3, applied: 3, refused: 0, resent: 1 } });
    expect(hub.appliedIds).toEqual([2, 3, 4]);
    expect(statuses().every((row) => (row as { status: string }).status === 'applied')).toBe(true);
  });

  it('probes a hub that may have gone back in time with the newest answered mutation, even with nothing pending', async () => {
    record(2);
    outboxQueries(store.db).settle(1, { status: 'applied' }, 1);
    outboxQueries(store.db).settle(2, { status: 'applied' }, 1);
    hub.lastMutationId = 0;
    hub.saysExpectedId = true;
    const result = await pushPending(
      store.db,
      clientFor((request) => hub.push(request)),
      { deviceId: 'dev-1', now: () => 1, probeSettled: true },
    );
    expect(result).toMatchObject({ ok: true, value: { resent: 2 } });
    expect(hub.appliedIds).toEqual([1, 2]);
    // A hub that still has everything only skips the probe: nothing is applied twice.
    const again = await pushPending(
      store.db,
      clientFor((request) => hub.push(request)),
      { deviceId: 'dev-1', now: () => 1, probeSettled: true },
    );
    expect(again).toMatchObject({ ok: true, value: { resent: 1 } });
    expect(hub.appliedIds).toEqual([1, 2]);
  });

  it('a hub that claims more than was sent is not believed: nothing is marked', async () => {
    record(2);
    const result = await pushPending(
      store.db,
      clientFor(() => ({ ok: true, value: { lastMutationId: 9, results: [] } })),
      { deviceId: 'dev-1', now: () => 1 },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'hubAheadOfDevice', hubLastMutationId: 9, highestSent: 2 } });
    expect(outboxQueries(store.db).pendingCount()).toBe(2);
  });

  it('an answer that does nothing stops the push instead of spinning', async () => {
    record(2);
    let requests = 0;
    const result = await pushPending(
      store.db,
      clientFor(() => {
        requests += 1;
        return { ok: true, value: { lastMutationId: 0, results: [] } };
      }),
      { deviceId: 'dev-1', now: () => 1 },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'noProgress' } });
    expect(requests).toBe(1);
  });

  it('a stored mutation that no longer fits the protocol goes as a notSent note under its id, and the queue moves on', async () => {
    record(2);
    store.db.prepare('UPDATE outbox SET args = \'{"residentId":"r1"}\' WHERE mutation_id = 1').run();
    await expect(push()).resolves.toMatchObject({ ok: true, value: { sent: 2, applied: 2 } });
    expect(hub.requests[0]?.mutations[0]).toEqual({ id: 1, name: 'notSent', args: { originalName: 'markRead', reason: 'unreadableOnDevice' } });
    expect(hub.requests[0]?.mutations[1]).toMatchObject({ id: 2, name: 'markRead' });
  });

  it('cuts batches by bytes: no request is larger than the byte limit, and every mutation goes, in order', async () => {
    record(6);
    const oneMarkRead = JSON.stringify({ id: 1, name: 'markRead', args: { residentId: 'r1', messageId: 'm0', readAt: 0 } }).length;
    const batchBytes = 60 + oneMarkRead * 2;
    await expect(
      pushPending(
        store.db,
        clientFor((request) => hub.push(request)),
        { deviceId: 'dev-1', now: () => 99, batchBytes },
      ),
    ).resolves.toMatchObject({ ok: true, value: { sent: 6 } });
    for (const request of hub.requests) expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThanOrEqual(batchBytes);
    expect(hub.requests.length).toBeGreaterThan(1);
    expect(hub.requests.flatMap((request) => request.mutations.map((mutation) => mutation.id))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a mutation larger than any request goes as a notSent note under its id, and the ones after it are sent', async () => {
    recordMutation(store.db, 'markRead', { residentId: 'r1', messageId: 'm'.repeat(60), readAt: 1 }, () => undefined, { now: 1 });
    record(1);
    await expect(
      pushPending(
        store.db,
        clientFor((request) => hub.push(request)),
        { deviceId: 'dev-1', now: () => 99, mutationBytes: 90 },
      ),
    ).resolves.toMatchObject({ ok: true, value: { sent: 2 } });
    expect(hub.requests[0]?.mutations).toEqual([
      { id: 1, name: 'notSent', args: { originalName: 'markRead', reason: 'tooLargeToSend' } },
      expect.objectContaining({ id: 2, name: 'markRead' }),
    ]);
  });
});
