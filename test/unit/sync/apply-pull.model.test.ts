// Model-based test of apply-pull: random sequences of batches (upserts, deletes, evicts), batches replayed, invalid
// batches, and local mutations recorded and answered, applied both to a real store on disk and to a small in-memory
// model of what docs/sync.md §5 "Pull" says should happen. After every step the store's replica digest equals the model's, and so
// do the cursor and the outbox.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Change, SyncedEntity } from '../../../hub/protocol';
import { applyPull } from '../../../main/sync/apply-pull';
import { recordMutation } from '../../../main/sync/outbox';
import { digestOfRecords, replicaDigest, type ReplicaRecord } from '../../../main/sync/replica-digest';
import { outboxQueries } from '../../../main/store/outbox';
import { syncStateQueries } from '../../../main/store/sync-state';
import { propertyRuns, propertyTimeout } from '../../support/property-runs';
import {
  attachment,
  balance,
  contact,
  evict,
  ledgerEntry,
  message,
  pullBatch,
  remove,
  resident,
  siteRules,
  staff,
  tempStore,
  upsert,
  visit,
  type TempStore,
} from './fixtures';

const residentIds = ['r1', 'r2', 'r3'] as const;
const anyResident = fc.constantFrom(...residentIds);
const version = fc.integer({ min: 1, max: 6 });
const name = fc.constantFrom('Ana', 'Marcus', 'Zoë 😀', 'O’Brien');
const small = (prefix: string) => fc.constantFrom(`${prefix}1`, `${prefix}2`, `${prefix}3`);

const upsertChange: fc.Arbitrary<Change> = fc.oneof(
  fc
    .tuple(anyResident, name, fc.constantFrom('en', 'es' as const), fc.option(fc.constantFrom('A', 'B'), { nil: null }), version)
    .map(([id, displayName, language, housingUnitId, v]) => upsert('resident', resident(id, { displayName, language, housingUnitId }), v)),
  fc.tuple(small('s'), name, version).map(([id, displayName, v]) => upsert('staff', staff(id, { displayName }), v)),
  fc.tuple(small('c'), anyResident, fc.boolean(), version).map(([id, owner, approved, v]) => upsert('contact', contact(id, owner, { approved }), v)),
  fc
    .tuple(
      small('m'),
      anyResident,
      fc.constantFrom('inReview', 'delivered', 'read', 'rejected' as const),
      fc.array(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 3 }),
      name,
      version,
    )
    .map(([id, owner, status, photos, body, v]) =>
      upsert('message', message(id, owner, { status, body, attachments: [...new Set(photos)].map((photo, index) => attachment(`a${index}`, photo)) }), v),
    ),
  fc
    .tuple(small('se'), anyResident, fc.integer({ min: -20, max: 20 }), version)
    .map(([id, owner, amount, v]) => upsert('stampEntry', ledgerEntry(id, owner, amount), v)),
  fc
    .tuple(small('de'), anyResident, fc.integer({ min: -50_000, max: 50_000 }), version)
    .map(([id, owner, amount, v]) => upsert('debitEntry', ledgerEntry(id, owner, amount), v)),
  fc
    .tuple(anyResident, fc.nat({ max: 100 }), fc.nat({ max: 100_000 }), version)
    .map(([owner, stamps, availableCents, v]) => upsert('balance', balance(owner, { stamps, availableCents }), v)),
  fc
    .tuple(small('v'), anyResident, fc.constantFrom('scheduled', 'cancelled' as const), version)
    .map(([id, owner, status, v]) => upsert('visit', visit(id, owner, { status }), v)),
  fc
    .tuple(
      fc.constantFrom(3000, 6000),
      fc.array(fc.record({ stamps: fc.integer({ min: 1, max: 20 }), priceCents: fc.integer({ min: 1, max: 2000 }) }), { minLength: 1, maxLength: 3 }),
      version,
    )
    .map(([charactersPerStamp, stampBooks, v]) => upsert('siteRules', siteRules('site-1', { charactersPerStamp, stampBooks }), v)),
);

const deleteChange: fc.Arbitrary<Change> = fc
  .tuple(
    fc.constantFrom<[SyncedEntity, string]>(
      ['resident', 'r'],
      ['staff', 's'],
      ['contact', 'c'],
      ['message', 'm'],
      ['stampEntry', 'se'],
      ['debitEntry', 'de'],
      ['balance', 'r'],
      ['visit', 'v'],
      ['siteRules', 'site-'],
    ),
    fc.constantFrom('1', '2', '3'),
    version,
  )
  .map(([[entity, prefix], n, v]) => remove(entity, `${prefix}${n}`, v));

const change = fc.oneof(
  { weight: 6, arbitrary: upsertChange },
  { weight: 2, arbitrary: deleteChange },
  { weight: 1, arbitrary: anyResident.map((id) => evict(id)) },
);

type Step =
  | { kind: 'batch'; changes: Change[] }
  | { kind: 'replay'; which: number }
  | { kind: 'invalid'; changes: Change[]; at: number }
  | { kind: 'mutate'; residentId: string }
  | { kind: 'answer' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.array(change, { maxLength: 8 }).map((changes): Step => ({ kind: 'batch', changes })) },
  { weight: 2, arbitrary: fc.nat().map((which): Step => ({ kind: 'replay', which })) },
  { weight: 1, arbitrary: fc.tuple(fc.array(change, { maxLength: 5 }), fc.nat()).map(([changes, at]): Step => ({ kind: 'invalid', changes, at })) },
  { weight: 1, arbitrary: anyResident.map((residentId): Step => ({ kind: 'mutate', residentId })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'answer' }) },
);

/** What docs/sync.md §5 "Pull" says the replica should hold: the newest version of each record, deletions remembered, evicts total. */
class ReplicaModel {
  readonly rows = new Map<string, ReplicaRecord>();
  readonly tombstones = new Map<string, number>();
  readonly outbox: Array<{ id: number; residentId: string; status: 'pending' | 'applied' }> = [];
  cursor: string | null = null;
  private lastMutationId = 0;

  private known(key: string): number | null {
    const row = this.rows.get(key)?.version ?? null;
    const tombstone = this.tombstones.get(key) ?? null;
    if (row === null) return tombstone;
    return tombstone === null ? row : Math.max(row, tombstone);
  }

  apply(changes: readonly Change[], cursor: string): void {
    for (const change of changes) {
      const key = `${change.entity}:${change.id}`;
      const known = this.known(key);
      switch (change.op) {
        case 'upsert':
          if (known !== null && known >= change.version) break;
          this.rows.set(key, { entity: change.entity, id: change.id, version: change.version, data: change.data });
          this.tombstones.delete(key);
          break;
        case 'delete':
          if (known !== null && known >= change.version) break;
          this.rows.delete(key);
          this.tombstones.set(key, Math.max(this.tombstones.get(key) ?? 0, change.version));
          break;
        case 'evict':
          for (const [rowKey, row] of this.rows) {
            const owner = row.entity === 'resident' ? row.id : (row.data as { residentId?: string }).residentId;
            if (owner === change.id && row.entity !== 'staff' && row.entity !== 'siteRules') this.rows.delete(rowKey);
          }
          for (let index = this.outbox.length - 1; index >= 0; index -= 1) {
            const entry = this.outbox[index];
            if (entry && entry.residentId === change.id && entry.status !== 'pending') this.outbox.splice(index, 1);
          }
          break;
      }
    }
    this.cursor = cursor;
  }

  mutate(residentId: string): number {
    this.lastMutationId += 1;
    this.outbox.push({ id: this.lastMutationId, residentId, status: 'pending' });
    return this.lastMutationId;
  }

  answerOldest(): number | null {
    const oldest = this.outbox.find((entry) => entry.status === 'pending');
    if (!oldest) return null;
    oldest.status = 'applied';
    return oldest.id;
  }
}

// Every run starts from a fresh store: a copy of one migrated store made once, not a migration per run.
let emptyStore: TempStore | null = null;
beforeAll(() => {
  emptyStore = tempStore();
  emptyStore.db.close();
});
afterAll(() => emptyStore?.cleanup());

let store: TempStore | null = null;
afterEach(() => {
  store?.cleanup();
  store = null;
});

describe('apply-pull against a model', () => {
  it(
    'the store always equals the model: digest, cursor and outbox',
    () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
          store?.cleanup();
          store = tempStore({ copyOf: emptyStore!.file });
          const { db } = store;
          const model = new ReplicaModel();
          const applied: Array<{ changes: Change[]; cursor: string }> = [];

          steps.forEach((current, index) => {
            switch (current.kind) {
              case 'batch': {
                const cursor = `cursor-${index}`;
                const result = applyPull(db, pullBatch(current.changes, cursor), { now: index });
                expect(result.ok).toBe(true);
                model.apply(current.changes, cursor);
                applied.push({ changes: current.changes, cursor });
                break;
              }
              case 'replay': {
                // The same batch again (a lost acknowledgement, a restart): it must change nothing but the cursor.
                const earlier = applied[current.which % Math.max(applied.length, 1)];
                if (!earlier) break;
                expect(applyPull(db, pullBatch(earlier.changes, earlier.cursor), { now: index }).ok).toBe(true);
                model.apply(earlier.changes, earlier.cursor);
                break;
              }
              case 'invalid': {
                const changes: unknown[] = [...current.changes];
                changes.splice(current.at % (changes.length + 1), 0, {
                  entity: 'balance',
                  id: 'r1',
                  version: 1,
                  op: 'upsert',
                  data: { residentId: 'r1', stamps: -1 },
                });
                const result = applyPull(db, { changes, cursor: `bad-${index}`, hasMore: false, serverTime: 0 }, { now: index });
                expect(result).toMatchObject({ ok: false, error: { kind: 'invalidBatch' } });
                break;
              }
              case 'mutate': {
                const { mutationId } = recordMutation(db, 'markRead', { residentId: current.residentId, messageId: 'm1', readAt: index }, () => undefined, {
                  now: index,
                });
                expect(mutationId).toBe(model.mutate(current.residentId));
                break;
              }
              case 'answer': {
                const id = model.answerOldest();
                if (id !== null) outboxQueries(db).settle(id, { status: 'applied' }, index);
                break;
              }
            }
            expect(replicaDigest(db)).toBe(digestOfRecords([...model.rows.values()]));
            expect(syncStateQueries(db).get().cursor).toBe(model.cursor);
            expect(db.prepare('SELECT mutation_id AS id, resident_id AS residentId, status FROM outbox ORDER BY mutation_id').all()).toEqual(model.outbox);
          });
        }),
        { numRuns: propertyRuns(150) },
      );
      // 150 runs of up to 30 steps, each followed by a replica digest of the store: ~10 s on a quiet 2-core machine,
      // ~28 s at load 7 before the stores were copied, ~82 s at load 22 after.
    },
    propertyTimeout(120_000),
  );
});
