// The Visits service on a real store: which visits a person sees, in what order, and how each is marked — against the
// runtime's clock, at the edges (a visit that starts or ends exactly now, one just outside the 14 days), and never
// another person's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { letterNoticeQueries } from '../../../main/store/letter-notices';
import { applyPull } from '../../../main/sync/apply-pull';
import { createVisitsService, recentPastVisitDays } from '../../../main/visits/visits-service';
import { letterStopped, pullBatch, resident, tempStore, upsert, visit, type TempStore } from '../sync/fixtures';

const minute = 60_000;
const day = 24 * 60 * minute;
const now = 100 * day;

let store: TempStore;
beforeEach(() => {
  store = tempStore();
  const changes = [
    upsert('resident', resident('r1'), 1),
    upsert('resident', resident('r2'), 1),
    upsert('visit', visit('starts-now', 'r1', { startsAt: now, durationMinutes: 30 }), 1),
    upsert('visit', visit('ends-now', 'r1', { startsAt: now - 30 * minute, durationMinutes: 30, visitorName: 'Ends now' }), 1),
    upsert('visit', visit('tomorrow', 'r1', { startsAt: now + day, kind: 'onSite' }), 1),
    upsert('visit', visit('cancelled-sooner', 'r1', { startsAt: now + 60 * minute, status: 'cancelled' }), 1),
    upsert('visit', visit('last-week', 'r1', { startsAt: now - 7 * day }), 1),
    upsert('visit', visit('too-old', 'r1', { startsAt: now - recentPastVisitDays * day - 31 * minute }), 1),
    upsert('visit', visit('someone-else', 'r2', { startsAt: now + 2 * minute }), 1),
  ];
  expect(applyPull(store.db, pullBatch(changes, 'c1'), { now }).ok).toBe(true);
});
afterEach(() => store.cleanup());

describe('visits on the device', () => {
  it('lists under way and upcoming visits earliest first, then the last 14 days newest first, each marked', () => {
    const view = createVisitsService({ db: store.db, now: () => now }).list('r1');
    expect(view.upcoming.map((shown) => [shown.visitId, shown.timing, shown.cancelled, shown.kind])).toEqual([
      ['starts-now', 'underway', false, 'video'],
      ['cancelled-sooner', 'upcoming', true, 'video'],
      ['tomorrow', 'upcoming', false, 'onSite'],
    ]);
    // A visit ending this very minute is over; one a few minutes older than 14 days has dropped off.
    expect(view.recentPast.map((shown) => [shown.visitId, shown.timing])).toEqual([
      ['ends-now', 'past'],
      ['last-week', 'past'],
    ]);
    expect(view.recentPastDays).toBe(recentPastVisitDays);
  });

  it('offers the next visit that will happen: never a cancelled one, never one that is over', () => {
    expect(createVisitsService({ db: store.db, now: () => now }).next('r1')?.visitId).toBe('starts-now');
    expect(createVisitsService({ db: store.db, now: () => now + 30 * minute }).next('r1')?.visitId).toBe('tomorrow');
    expect(createVisitsService({ db: store.db, now: () => now + 2 * day }).next('r1')).toBeNull();
    expect(createVisitsService({ db: store.db, now: () => now }).next('r2')?.visitId).toBe('someone-else');
  });

  it('counts stopped-letter notices until the person has seen them, and keeps "seen" when the hub corrects one', () => {
    const notices = letterNoticeQueries(store.db);
    expect(applyPull(store.db, pullBatch([upsert('letterStopped', letterStopped('n1', 'r1'), 1)], 'c2'), { now }).ok).toBe(true);
    expect(notices.unseenCount('r1')).toBe(1);
    expect(notices.unseenCount('r2')).toBe(0);
    notices.markAllSeen('r1', now);
    expect(applyPull(store.db, pullBatch([upsert('letterStopped', letterStopped('n1', 'r1', { reason: 'Corrected reason.' }), 2)], 'c3'), { now }).ok).toBe(
      true,
    );
    expect(notices.forResident('r1')).toMatchObject([{ reason: 'Corrected reason.', seen: true }]);
    expect(notices.unseenCount('r1')).toBe(0);
  });
});
