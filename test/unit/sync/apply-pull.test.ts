// apply-pull on real SQLite files: a batch lands whole or not at all, twice is the same as once, versions decide,
// and an evict removes everything of the person except what the hub has not yet received.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPull } from '../../../main/sync/apply-pull';
import { openBlobStore, type BlobStore } from '../../../main/sync/blobs';
import { recordMutation } from '../../../main/sync/outbox';
import { replicaDigest, replicaRecords } from '../../../main/sync/replica-digest';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { pinLockoutQueries } from '../../../main/store/pin-lockouts';
import { residentQueries } from '../../../main/store/residents';
import { syncStateQueries } from '../../../main/store/sync-state';
import { outboxQueries } from '../../../main/store/outbox';
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
  sha256Of,
  siteRules,
  staff,
  tempStore,
  upsert,
  visit,
  type TempStore,
} from './fixtures';

let store: TempStore;
let blobs: BlobStore;
beforeEach(() => {
  store = tempStore();
  blobs = openBlobStore(store.dir);
});
afterEach(() => store.cleanup());

const apply = (batch: unknown) => applyPull(store.db, batch, { now: 50_000, blobs });

/** Puts verified bytes where the blob fetcher would have, and marks them downloaded as it would. */
function placeBlob(bytes: string): string {
  const sha256 = sha256Of(bytes);
  mkdirSync(join(blobs.dir, sha256.slice(0, 2)), { recursive: true });
  writeFileSync(blobs.pathOf(sha256), bytes);
  store.db.prepare('UPDATE message_attachments SET downloaded = 1 WHERE sha256 = ?').run(sha256);
  return sha256;
}

const everyEntity = () => [
  upsert('resident', resident('r1'), 1),
  upsert('staff', staff('s1'), 1),
  upsert('contact', contact('c1', 'r1'), 1),
  upsert(
    'message',
    message('m1', 'r1', { attachments: [attachment('a1', 'photo-1'), attachment('a2', 'photo-2', { status: 'rejected', rejectionReason: 'not allowed' })] }),
    1,
  ),
  upsert('stampEntry', ledgerEntry('se1', 'r1', 5), 1),
  upsert('debitEntry', ledgerEntry('de1', 'r1', 2_000), 1),
  upsert('balance', balance('r1'), 1),
  upsert('visit', visit('v1', 'r1'), 1),
  upsert('siteRules', siteRules(), 1),
];

describe('applyPull', () => {
  it('writes every entity and stores the cursor in the same transaction', () => {
    const result = apply(pullBatch(everyEntity(), 'cursor-1'));
    expect(result).toMatchObject({ ok: true, value: { applied: 9, unchanged: 0, evicted: 0, cursor: 'cursor-1', hasMore: false } });
    expect(syncStateQueries(store.db).get().cursor).toBe('cursor-1');
    const records = replicaRecords(store.db);
    expect(records.map((record) => `${record.entity}:${record.id}`)).toEqual([
      'balance:r1',
      'contact:c1',
      'debitEntry:de1',
      'message:m1',
      'resident:r1',
      'siteRules:site-1',
      'staff:s1',
      'stampEntry:se1',
      'visit:v1',
    ]);
    // The store gives back exactly what the hub sent.
    for (const change of everyEntity()) {
      if (change.op !== 'upsert') continue;
      expect(records.find((record) => record.entity === change.entity && record.id === change.id)?.data).toEqual(change.data);
    }
    // The resident can sign in with the credential the hub sent.
    expect(residentQueries(store.db).byCredential('cred-r1')).toMatchObject({ residentId: 'r1', housingUnit: 'B' });
  });

  it('applying the same batch twice changes nothing', () => {
    const batch = pullBatch(everyEntity(), 'cursor-1');
    apply(batch);
    const once = replicaDigest(store.db);
    const again = apply(batch);
    expect(again).toMatchObject({ ok: true, value: { applied: 0, unchanged: 9 } });
    expect(replicaDigest(store.db)).toBe(once);
  });

  it('keeps the newest version: an older upsert is ignored, a newer one replaces', () => {
    apply(pullBatch([upsert('balance', balance('r1', { availableCents: 500 }), 3)], 'c1'));
    apply(pullBatch([upsert('balance', balance('r1', { availableCents: 100 }), 2)], 'c2'));
    expect(homeSummaryQueries(store.db).forResident('r1').balance?.availableCents).toBe(500);
    apply(pullBatch([upsert('balance', balance('r1', { availableCents: 900 }), 4)], 'c3'));
    expect(homeSummaryQueries(store.db).forResident('r1').balance?.availableCents).toBe(900);
    // Within one batch too: the newest wins whatever the order.
    apply(pullBatch([upsert('visit', visit('v1', 'r1', { visitorName: 'New' }), 6), upsert('visit', visit('v1', 'r1', { visitorName: 'Old' }), 5)], 'c4'));
    expect(replicaRecords(store.db).find((record) => record.entity === 'visit')?.data).toMatchObject({ visitorName: 'New' });
  });

  it('a delete removes the record, and an older upsert seen again cannot bring it back', () => {
    apply(pullBatch([upsert('contact', contact('c1', 'r1'), 1)], 'c1'));
    apply(pullBatch([remove('contact', 'c1', 2)], 'c2'));
    expect(replicaRecords(store.db)).toEqual([]);
    apply(pullBatch([upsert('contact', contact('c1', 'r1'), 1)], 'c1'));
    expect(replicaRecords(store.db)).toEqual([]);
    // A newer version (the hub wrote it again) does come back.
    apply(pullBatch([upsert('contact', contact('c1', 'r1', { displayName: 'Back' }), 3)], 'c3'));
    expect(replicaRecords(store.db)).toMatchObject([{ entity: 'contact', id: 'c1', version: 3, data: { displayName: 'Back' } }]);
    // A stale delete does not remove a newer record.
    apply(pullBatch([remove('contact', 'c1', 2)], 'c4'));
    expect(replicaRecords(store.db)).toHaveLength(1);
  });

  it('a message update keeps a downloaded photo marked, and removes the file of a photo it dropped', () => {
    apply(pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', 'photo-1'), attachment('a2', 'photo-2')] }), 1)], 'c1'));
    const kept = placeBlob('photo-1');
    const dropped = placeBlob('photo-2');
    const result = apply(pullBatch([upsert('message', message('m1', 'r1', { status: 'read', attachments: [attachment('a1', 'photo-1')] }), 2)], 'c2'));
    expect(result).toMatchObject({ ok: true, value: { releasedBlobs: [dropped] } });
    expect(existsSync(blobs.pathOf(kept))).toBe(true);
    expect(existsSync(blobs.pathOf(dropped))).toBe(false);
    expect(store.db.prepare('SELECT attachment_id, downloaded FROM message_attachments').all()).toEqual([{ attachment_id: 'a1', downloaded: 1 }]);
  });

  it('a new attachment with bytes already on disk for another message starts downloaded, and shared bytes stay while referenced', () => {
    apply(pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', 'same-photo')] }), 1)], 'c1'));
    const sha = placeBlob('same-photo');
    apply(pullBatch([upsert('message', message('m2', 'r2', { attachments: [attachment('a9', 'same-photo')] }), 1)], 'c2'));
    expect(store.db.prepare("SELECT downloaded FROM message_attachments WHERE message_id = 'm2'").get()).toEqual({ downloaded: 1 });
    apply(pullBatch([evict('r1')], 'c3'));
    expect(existsSync(blobs.pathOf(sha))).toBe(true);
    apply(pullBatch([remove('message', 'm2', 2)], 'c4'));
    expect(existsSync(blobs.pathOf(sha))).toBe(false);
  });

  describe('evict', () => {
    function seedTwoResidents() {
      const forResident = (id: string) => [
        upsert('resident', resident(id), 1),
        upsert('contact', contact(`c-${id}`, id), 1),
        upsert('message', message(`m-${id}`, id, { attachments: [attachment(`a-${id}`, `photo-${id}`)] }), 1),
        upsert('stampEntry', ledgerEntry(`se-${id}`, id, 5), 1),
        upsert('debitEntry', ledgerEntry(`de-${id}`, id, 700), 1),
        upsert('balance', balance(id), 1),
        upsert('visit', visit(`v-${id}`, id), 1),
      ];
      apply(pullBatch([...forResident('r1'), ...forResident('r2'), upsert('staff', staff('s1'), 1), upsert('siteRules', siteRules(), 1)], 'c1'));
      pinLockoutQueries(store.db).put('resident', 'r1', { failedAttempts: 2, lockouts: 0, lockedUntil: null });
      pinLockoutQueries(store.db).put('resident', 'r2', { failedAttempts: 1, lockouts: 0, lockedUntil: null });
      return { r1Photo: placeBlob('photo-r1'), r2Photo: placeBlob('photo-r2') };
    }

    const markRead = (residentId: string, messageId: string) =>
      recordMutation(store.db, 'markRead', { residentId, messageId, readAt: 9 }, () => undefined, { now: 9 }).mutationId;

    it('deletes everything of that resident — and only theirs — except mutations not yet pushed', () => {
      const { r1Photo, r2Photo } = seedTwoResidents();
      const pushed = markRead('r1', 'm-r1');
      outboxQueries(store.db).settle(pushed, { status: 'applied' }, 10);
      const unpushed = markRead('r1', 'm-r1');
      const otherResident = markRead('r2', 'm-r2');
      outboxQueries(store.db).settle(otherResident, { status: 'refused', code: 'messageNotFound', reason: 'gone', figures: null }, 10);

      const result = apply(pullBatch([evict('r1')], 'c2'));
      expect(result).toMatchObject({ ok: true, value: { evicted: 1, releasedBlobs: [r1Photo] } });

      const left = replicaRecords(store.db).map((record) => `${record.entity}:${record.id}`);
      expect(left).toEqual([
        'balance:r2',
        'contact:c-r2',
        'debitEntry:de-r2',
        'message:m-r2',
        'resident:r2',
        'siteRules:site-1',
        'staff:s1',
        'stampEntry:se-r2',
        'visit:v-r2',
      ]);
      expect(store.db.prepare('SELECT count(*) AS n FROM message_attachments a JOIN messages m USING (message_id) WHERE m.resident_id = ?').get('r1')).toEqual({
        n: 0,
      });
      expect(pinLockoutQueries(store.db).get('resident', 'r1')).toEqual({ failedAttempts: 0, lockouts: 0, lockedUntil: null });
      expect(pinLockoutQueries(store.db).get('resident', 'r2').failedAttempts).toBe(1);
      expect(existsSync(blobs.pathOf(r1Photo))).toBe(false);
      expect(existsSync(blobs.pathOf(r2Photo))).toBe(true);
      // The unpushed mutation stays for the hub; the answered one of the evicted resident goes; other residents' stay.
      expect(store.db.prepare('SELECT mutation_id, status FROM outbox ORDER BY mutation_id').all()).toEqual([
        { mutation_id: unpushed, status: 'pending' },
        { mutation_id: otherResident, status: 'refused' },
      ]);
    });

    it('is idempotent, and the person can come back (backfill) with the same versions', () => {
      seedTwoResidents();
      apply(pullBatch([evict('r1')], 'c2'));
      const afterEvict = replicaDigest(store.db);
      expect(apply(pullBatch([evict('r1')], 'c3'))).toMatchObject({ ok: true });
      expect(replicaDigest(store.db)).toBe(afterEvict);
      apply(pullBatch([upsert('resident', resident('r1'), 1), upsert('balance', balance('r1'), 1)], 'c4'));
      expect(
        replicaRecords(store.db)
          .filter((record) => record.id === 'r1')
          .map((record) => record.entity),
      ).toEqual(['balance', 'resident']);
    });
  });

  describe('a batch with anything wrong is refused whole', () => {
    function expectNothingApplied(before: string, cursor: string | null) {
      expect(replicaDigest(store.db)).toBe(before);
      expect(syncStateQueries(store.db).get().cursor).toBe(cursor);
    }

    it.each([
      [
        'a record that fails its schema',
        { ...upsert('balance', balance('r2'), 1), data: { ...balance('r2'), availableCents: -5 } },
        1,
        /balance upsert: .*availableCents/,
      ],
      [
        'fractional cents',
        { ...upsert('debitEntry', ledgerEntry('d2', 'r2', 1), 1), data: { ...ledgerEntry('d2', 'r2', 1), amount: 1.5 } },
        1,
        /debitEntry upsert/,
      ],
      ['an unknown entity', { entity: 'inmateFile', id: 'x', version: 1, op: 'upsert', data: {} }, 1, /inmateFile upsert/],
      ['an unknown operation', { entity: 'visit', id: 'v2', version: 1, op: 'merge' }, 1, /visit merge/],
      ['a version of zero', { ...upsert('visit', visit('v2', 'r2'), 1), version: 0 }, 1, /version/],
      ['an id that is not the record’s', { ...upsert('visit', visit('v2', 'r2'), 1), id: 'v3' }, 1, /does not have the change's id/],
      [
        'a message listing one attachment twice',
        upsert('message', message('m2', 'r2', { attachments: [attachment('a1', 'x'), attachment('a1', 'y')] }), 1),
        1,
        /same attachment twice/,
      ],
    ])('%s', (_name, bad, index, problem) => {
      apply(pullBatch([upsert('resident', resident('r1'), 1)], 'c1'));
      const before = replicaDigest(store.db);
      const result = apply({ changes: [upsert('visit', visit('v9', 'r1'), 1), bad], cursor: 'c2', hasMore: false, serverTime: 1 });
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalidBatch', changeIndex: index } });
      if (!result.ok && result.error.kind === 'invalidBatch') expect(result.error.problem).toMatch(problem);
      expectNothingApplied(before, 'c1');
    });

    it('an envelope without a cursor', () => {
      const before = replicaDigest(store.db);
      expect(apply({ changes: [upsert('visit', visit('v9', 'r1'), 1)], hasMore: false, serverTime: 1 })).toMatchObject({
        ok: false,
        error: { kind: 'invalidBatch', changeIndex: null },
      });
      expect(apply('not a batch')).toMatchObject({ ok: false, error: { kind: 'invalidBatch' } });
      expectNothingApplied(before, null);
    });

    it('a write the store refuses rolls back the earlier changes of the batch and the cursor', () => {
      const before = replicaDigest(store.db);
      // A trigger standing in for a store failure (a full disk) half-way through the batch.
      store.db.exec("CREATE TEMP TRIGGER refuse_visit BEFORE INSERT ON visits WHEN NEW.visit_id = 'v-bad' BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
      const result = apply(pullBatch([upsert('resident', resident('r5'), 1), upsert('visit', visit('v-bad', 'r5'), 1)], 'c9'));
      expect(result).toMatchObject({ ok: false, error: { kind: 'storeFailed' } });
      expectNothingApplied(before, null);
    });

    it('the problem names the field, never its value', () => {
      const secret = 'the text of a private letter';
      const result = apply({
        changes: [{ ...upsert('message', message('m1', 'r1'), 1), data: { ...message('m1', 'r1'), body: secret, status: 'teleported' } }],
        cursor: 'c',
        hasMore: false,
        serverTime: 1,
      });
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain('teleported');
    });
  });

  it('a resident from the hub takes the credential of a row seeded on the device', () => {
    residentQueries(store.db).upsert({ residentId: 'seeded', credentialId: '100001', displayName: 'Seed', pinHash: 'h', housingUnit: 'B', language: 'en' }, 1);
    const result = apply(pullBatch([upsert('resident', resident('res-100001', { credentialId: '100001' }), 1)], 'c1'));
    expect(result.ok).toBe(true);
    expect(residentQueries(store.db).byCredential('100001')?.residentId).toBe('res-100001');
  });

  it('a seeded resident (version 0) is replaced by the hub’s first version of them', () => {
    residentQueries(store.db).upsert({ residentId: 'r1', credentialId: 'cred-r1', displayName: 'Seed', pinHash: 'h', housingUnit: 'B', language: 'es' }, 1);
    apply(pullBatch([upsert('resident', resident('r1', { displayName: 'From hub' }), 1)], 'c1'));
    expect(residentQueries(store.db).byId('r1')).toMatchObject({ displayName: 'From hub', language: 'en' });
  });

  it('keeps a language the person chose here until the hub has heard it; then the hub’s record decides', () => {
    apply(pullBatch([upsert('resident', resident('r1', { language: 'es' }), 1)], 'c1'));
    const { mutationId } = recordMutation(
      store.db,
      'chooseLanguage',
      { residentId: 'r1', language: 'vi', chosenAt: 9 },
      (db) => residentQueries(db).setLanguage('r1', 'vi'),
      { now: 9 },
    );
    // An update the hub made before hearing the choice (a move, a staff edit) does not undo it here.
    apply(pullBatch([upsert('resident', resident('r1', { language: 'en', displayName: 'Moved' }), 2)], 'c2'));
    expect(residentQueries(store.db).byId('r1')).toMatchObject({ displayName: 'Moved', language: 'vi' });
    // Once answered, the hub's next record is the truth, whichever choice it kept.
    outboxQueries(store.db).settle(mutationId, { status: 'applied' }, 10);
    apply(pullBatch([upsert('resident', resident('r1', { language: 'ar' }), 3)], 'c3'));
    expect(residentQueries(store.db).byId('r1')?.language).toBe('ar');
  });
});
