// The outbox on a real store: a mutation and its local effect are written together or not at all, ids go up by one
// per device (even across evicts and restarts), and what is pending is what the person sees as waiting here.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPull } from '../../../main/sync/apply-pull';
import { MutationArgsError, pendingMutationCount, pendingMutations, recordMutation, residentMutations } from '../../../main/sync/outbox';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { outboxQueries } from '../../../main/store/outbox';
import { adoptDeviceIdentity } from '../../../main/sync/identity';
import { syncStateQueries } from '../../../main/store/sync-state';
import { balance, evict, message, pullBatch, resident, tempStore, upsert, type TempStore } from './fixtures';

let store: TempStore;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

const markRead = (residentId: string, messageId = 'm1', effect: () => void = () => undefined) =>
  recordMutation(store.db, 'markRead', { residentId, messageId, readAt: 7 }, effect, { now: 7 });

const sendMessage = (residentId: string) =>
  recordMutation(
    store.db,
    'sendMessage',
    { messageId: randomUUID(), residentId, contactId: 'c1', body: 'Hola, mamá', writtenAt: 5, replyToMessageId: null, useReturnStamp: false },
    () => undefined,
    { now: 8 },
  );

describe('recordMutation', () => {
  it('numbers mutations 1, 2, 3… and keeps them pending, in order, exactly as the hub will receive them', () => {
    expect(markRead('r1').mutationId).toBe(1);
    expect(sendMessage('r1').mutationId).toBe(2);
    expect(recordMutation(store.db, 'buyStamps', { residentId: 'r2', requestId: randomUUID(), bookSize: 5 }, () => 'ok').effect).toBe('ok');
    const pending = pendingMutations(store.db, 10);
    expect(pending.ok && pending.mutations.map((mutation) => [mutation.id, mutation.name])).toEqual([
      [1, 'markRead'],
      [2, 'sendMessage'],
      [3, 'buyStamps'],
    ]);
    expect(pendingMutationCount(store.db)).toBe(3);
  });

  it('writes the local effect and the mutation in one transaction: a failing effect leaves neither', () => {
    store.db.exec('CREATE TABLE drafts (id INTEGER PRIMARY KEY, mutation_id INTEGER NOT NULL) STRICT');
    const insertDraft = store.db.prepare('INSERT INTO drafts (mutation_id) VALUES (?)');
    recordMutation(store.db, 'markRead', { residentId: 'r1', messageId: 'm1', readAt: 1 }, (_db, mutationId) => insertDraft.run(mutationId));
    expect(() =>
      recordMutation(store.db, 'markRead', { residentId: 'r1', messageId: 'm2', readAt: 1 }, (_db, mutationId) => {
        insertDraft.run(mutationId);
        throw new Error('the local effect failed');
      }),
    ).toThrow('the local effect failed');
    expect(store.db.prepare('SELECT mutation_id FROM drafts').all()).toEqual([{ mutation_id: 1 }]);
    expect(pendingMutationCount(store.db)).toBe(1);
    // The id of the rolled-back mutation is handed out again: the hub never saw it.
    expect(markRead('r1').mutationId).toBe(2);
  });

  it('refuses arguments the hub would refuse as malformed, before writing anything', () => {
    expect(() => recordMutation(store.db, 'buyStamps', { residentId: 'r1', requestId: 'not-a-uuid', bookSize: 5 }, () => undefined)).toThrow(MutationArgsError);
    expect(() =>
      recordMutation(
        store.db,
        'sendMessage',
        { messageId: randomUUID(), residentId: 'r1', contactId: 'c1', body: '', writtenAt: 1, replyToMessageId: null, useReturnStamp: false },
        () => undefined,
      ),
    ).toThrow(/body/);
    expect(pendingMutationCount(store.db)).toBe(0);
    expect(markRead('r1').mutationId).toBe(1);
  });

  it('never hands out an id twice, even after the newest row is removed by an evict', () => {
    markRead('r1');
    const newest = markRead('r2').mutationId;
    outboxQueries(store.db).settle(newest, { status: 'applied' }, 9);
    applyPull(store.db, pullBatch([evict('r2')], 'c1'), { now: 9 });
    expect(outboxQueries(store.db).maxMutationId()).toBe(1);
    expect(markRead('r1').mutationId).toBe(3);
    store.reopen();
    expect(markRead('r1').mutationId).toBe(4);
  });

  it('what the person sees: waiting, done, or refused with the hub’s reason', () => {
    const done = markRead('r1').mutationId;
    const refused = sendMessage('r1').mutationId;
    markRead('r1', 'm2');
    markRead('r2');
    const outbox = outboxQueries(store.db);
    outbox.settle(done, { status: 'applied' }, 20);
    outbox.settle(refused, { status: 'refused', code: 'notEnoughStamps', reason: 'You need 1 more stamp.', figures: null }, 21);
    // A settled mutation keeps its first answer.
    outbox.settle(refused, { status: 'applied' }, 22);
    expect(residentMutations(store.db, 'r1')).toEqual([
      { mutationId: 3, name: 'markRead', createdAt: 7, outcome: { status: 'pending' } },
      {
        mutationId: 2,
        name: 'sendMessage',
        createdAt: 8,
        outcome: { status: 'refused', code: 'notEnoughStamps', reason: 'You need 1 more stamp.', settledAt: 21 },
      },
      { mutationId: 1, name: 'markRead', createdAt: 7, outcome: { status: 'applied', settledAt: 20 } },
    ]);
  });
});

describe('home summary from the outbox and the replica', () => {
  it('counts unread mail, treats a pending markRead as read, and shows the hub’s balance or null', () => {
    applyPull(
      store.db,
      pullBatch(
        [
          upsert('resident', resident('r1'), 1),
          upsert('message', message('m1', 'r1'), 1),
          upsert('message', message('m2', 'r1'), 1),
          upsert('message', message('m3', 'r1', { status: 'inReview' }), 1),
          upsert('message', message('m4', 'r1', { direction: 'outbound' }), 1),
          upsert('message', message('m5', 'r1', { status: 'read', readAt: 3 }), 1),
          upsert('message', message('m6', 'r2'), 1),
        ],
        'c1',
      ),
      { now: 1 },
    );
    const summaries = homeSummaryQueries(store.db);
    expect(summaries.forResident('r1')).toEqual({ unreadMessages: 2, balance: null, waitingOnThisDevice: 0 });
    markRead('r1', 'm1');
    expect(summaries.forResident('r1')).toEqual({ unreadMessages: 1, balance: null, waitingOnThisDevice: 1 });
    applyPull(store.db, pullBatch([upsert('balance', balance('r1', { stamps: 3, availableCents: 1999, holdsCents: 100, confirmedAt: 77 }), 1)], 'c2'), {
      now: 2,
    });
    expect(summaries.forResident('r1').balance).toEqual({ stamps: 3, availableCents: 1999, holdsCents: 100, confirmedAt: 77 });
    expect(summaries.forResident('r2')).toEqual({ unreadMessages: 1, balance: null, waitingOnThisDevice: 0 });
  });
});

describe('a new device identity', () => {
  it('keeps pending mutations renumbered from 1, drops answered ones, the replica and the cursor', () => {
    adoptDeviceIdentity(store.db, { deviceId: 'dev-old', hubUrl: 'https://hub.example/' });
    applyPull(store.db, pullBatch([upsert('resident', resident('r1'), 1), upsert('balance', balance('r1'), 1)], 'c1'), { now: 1 });
    const answered = markRead('r1').mutationId;
    outboxQueries(store.db).settle(answered, { status: 'applied' }, 2);
    markRead('r1', 'm2');
    markRead('r1', 'm3');
    expect(adoptDeviceIdentity(store.db, { deviceId: 'dev-old', hubUrl: 'https://hub.example/' })).toBe('unchanged');
    expect(adoptDeviceIdentity(store.db, { deviceId: 'dev-new', hubUrl: 'https://hub.example/' })).toBe('replaced');
    const pending = pendingMutations(store.db, 10);
    expect(pending.ok && pending.mutations.map((mutation) => [mutation.id, mutation.name === 'markRead' ? mutation.args.messageId : ''])).toEqual([
      [1, 'm2'],
      [2, 'm3'],
    ]);
    expect(syncStateQueries(store.db).get()).toMatchObject({ deviceId: 'dev-new', cursor: null, lastMutationId: 2 });
    expect(homeSummaryQueries(store.db).forResident('r1').balance).toBeNull();
    expect(markRead('r1').mutationId).toBe(3);
  });
});
