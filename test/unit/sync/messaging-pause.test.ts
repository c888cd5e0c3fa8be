// A messaging pause reaches the device as a record (hub/protocol MessagingPauseRecord) on a real SQLite store: the home
// summary says it while it holds, not once ended or lifted (a delete), and an evict takes it with the rest of the person's records.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessagingPauseRecord } from '../../../hub/protocol';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { applyPull } from '../../../main/sync/apply-pull';
import { evict, pullBatch, remove, resident, tempStore, upsert, type TempStore } from './fixtures';

let store: TempStore;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

const now = 1_000_000;
const pause = (overrides: Partial<MessagingPauseRecord> = {}): MessagingPauseRecord =>
  MessagingPauseRecord.parse({ pauseId: 'p1', residentId: 'r1', pausedUntil: now + 60_000, reason: 'Threats in letters.', ...overrides });

describe('a messaging pause on the device', () => {
  it('is said while it holds, and no longer once lifted or ended', () => {
    const summaries = homeSummaryQueries(store.db);
    expect(applyPull(store.db, pullBatch([upsert('resident', resident('r1'), 1), upsert('messagingPause', pause(), 1)], 'c1'), { now }).ok).toBe(true);
    expect(summaries.messagingPause('r1', now)).toEqual({ pausedUntil: now + 60_000, reason: 'Threats in letters.' });
    expect(summaries.messagingPause('r2', now)).toBeNull();
    expect(summaries.messagingPause('r1', now + 60_000)).toBeNull();

    expect(applyPull(store.db, pullBatch([remove('messagingPause', 'p1', 2)], 'c2'), { now }).ok).toBe(true);
    expect(summaries.messagingPause('r1', now)).toBeNull();
  });

  it('leaves with the person when the hub evicts them', () => {
    const summaries = homeSummaryQueries(store.db);
    expect(applyPull(store.db, pullBatch([upsert('resident', resident('r1'), 1), upsert('messagingPause', pause(), 1)], 'c1'), { now }).ok).toBe(true);
    expect(applyPull(store.db, pullBatch([evict('r1', 2)], 'c2'), { now }).ok).toBe(true);
    expect(summaries.messagingPause('r1', now)).toBeNull();
    expect(store.db.prepare('SELECT count(*) AS n FROM messaging_pauses').get()).toEqual({ n: 0 });
  });
});
