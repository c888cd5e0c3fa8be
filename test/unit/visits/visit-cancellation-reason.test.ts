// A cancellation's reason on the device: the visit record brings it, the store keeps it, the Visits screen's view
// carries it for a cancelled visit only; a record without one (an older hub, or none given) shows none. The replica
// gives the record back as the hub sent it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replicaRecords } from '../../../main/sync/replica-digest';
import { applyPull } from '../../../main/sync/apply-pull';
import { createVisitsService } from '../../../main/visits/visits-service';
import { pullBatch, resident, tempStore, upsert, visit, type TempStore } from '../sync/fixtures';

const day = 24 * 60 * 60_000;
const now = 100 * day;

let store: TempStore;
beforeEach(() => {
  store = tempStore();
  const changes = [
    upsert('resident', resident('r1'), 1),
    upsert('visit', visit('with-reason', 'r1', { startsAt: now + day, status: 'cancelled', cancellationReason: 'The unit is on lockdown.' }), 2),
    upsert('visit', visit('without-reason', 'r1', { startsAt: now + 2 * day, status: 'cancelled' }), 2),
    upsert('visit', visit('scheduled', 'r1', { startsAt: now + 3 * day }), 1),
  ];
  expect(applyPull(store.db, pullBatch(changes, 'c1'), { now }).ok).toBe(true);
});
afterEach(() => store.cleanup());

describe("a visit's cancellation reason on the device", () => {
  it('reaches the Visits view for the cancelled visit that has one, and nowhere else', () => {
    const view = createVisitsService({ db: store.db, now: () => now }).list('r1');
    expect(view.upcoming.map((shown) => [shown.visitId, shown.cancelled, shown.cancellationReason])).toEqual([
      ['with-reason', true, 'The unit is on lockdown.'],
      ['without-reason', true, null],
      ['scheduled', false, null],
    ]);
  });

  it('is kept as the hub sent it: present when given, absent otherwise', () => {
    const visits = replicaRecords(store.db).filter((record) => record.entity === 'visit');
    expect(visits.find((record) => record.id === 'with-reason')?.data).toMatchObject({ cancellationReason: 'The unit is on lockdown.' });
    expect(visits.find((record) => record.id === 'without-reason')?.data).not.toHaveProperty('cancellationReason');
  });
});
