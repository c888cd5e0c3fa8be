// A pull with changes is one database round trip (issue 20; docs/sync.md §5 "Pull"): the page, the device's scope, the
// cursor's row and the site's end come from one statement when the scope this process presumed is still the
// device's. When it is not — a tablet reassigned since — the page is read again for the real scope, and the answer is
// the one a pull that knew nothing would have given. A page holding references of a fresh scope (scope-references.ts)
// takes one load more per kind of record they name (two for letters, with their attachments; two for the site's
// rules, with its stamp books). Statements are counted by wrapping the hub's database handle.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDatabase, HubTransaction } from '../../../hub/db/database';
import { assignTablet, unassignTablet } from '../../../hub/services/index';
import { changeFingerprint } from '../../../hub/services/log-position';
import { reviewMessage, sendFamilyMessage } from '../../../hub/services/messages';
import type { SyncedEntity } from '../../../hub/protocol/index';
import { pullChanges, type PulledPage, type PullOutcome } from '../../../hub/services/pull';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

/** The hub's database, counting every statement sent through it, in a transaction or not. */
function counting(inner: HubDatabase): { database: HubDatabase; statements: () => number } {
  let statements = 0;
  const counted = (tx: HubTransaction): HubTransaction => ({
    exec: (script) => tx.exec(script),
    announceLog: (site, keys, seq) => tx.announceLog(site, keys, seq),
    announceDevice: (deviceId) => tx.announceDevice(deviceId),
    query: (sql, params) => {
      statements += 1;
      return tx.query(sql, params);
    },
  });
  const database: HubDatabase = {
    backend: inner.backend,
    query: (sql, params) => {
      statements += 1;
      return inner.query(sql, params);
    },
    transaction: (fn) => inner.transaction((tx) => fn(counted(tx))),
    watchCommits: (watcher) => inner.watchCommits(watcher),
    close: () => inner.close(),
  };
  return { database, statements: () => statements };
}

function pageOf(outcome: PullOutcome): PulledPage {
  if (outcome.kind !== 'page') throw new Error(`expected a page, got ${outcome.kind}`);
  return outcome.page;
}

function positionAfter(page: PulledPage): { seq: number; fingerprint: string | null } {
  return { seq: page.lastSeq, fingerprint: page.lastChange === null ? null : changeFingerprint(page.lastChange) };
}

describe.each(hubBackends)('a pull with changes is one round trip (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
  }, 60_000);
  afterEach(async () => testHub.close());

  const now = (): number => testHub.clock.now();

  it('reads a new letter for a kiosk whose scope it presumed in exactly one statement', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const first = pageOf(await pullChanges(testHub.hub.database, { deviceId: kiosk.deviceId, after: null, limit: 500, now: now(), presumedScope: null }));
    expect(first.hasMore).toBe(false);
    expect(first.scope).not.toBeNull();

    const letter = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Feliz cumpleaños' });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });

    const db = counting(testHub.hub.database);
    const next = pageOf(
      await pullChanges(db.database, { deviceId: kiosk.deviceId, after: positionAfter(first), limit: 500, now: now(), presumedScope: first.scope }),
    );
    expect(db.statements()).toBe(1);
    expect(next.changes.some((change) => change.entity === 'message' && change.id === letter.message_id)).toBe(true);
    expect(next.lastSeq).toBeGreaterThan(first.lastSeq);
    expect(next.scope).toEqual(first.scope);

    // The same pull without a presumption reads the device row first: the same page, one statement more.
    const unpresumed = counting(testHub.hub.database);
    const same = pageOf(
      await pullChanges(unpresumed.database, { deviceId: kiosk.deviceId, after: positionAfter(first), limit: 500, now: now(), presumedScope: null }),
    );
    expect(unpresumed.statements()).toBe(2);
    expect(same).toEqual(next);
  });

  it('reads again for the real scope when the presumed one is stale: a reassigned tablet gets the evict and its new person, as a fresh read would', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const first = pageOf(await pullChanges(testHub.hub.database, { deviceId: tablet.deviceId, after: null, limit: 500, now: now(), presumedScope: null }));
    expect(first.scope?.assigned_resident_id).toBe(facility.ana.resident_id);

    await unassignTablet(testHub.hub, { deviceId: tablet.deviceId });
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ben.resident_id });

    const stale = counting(testHub.hub.database);
    const read = pageOf(
      await pullChanges(stale.database, { deviceId: tablet.deviceId, after: positionAfter(first), limit: 500, now: now(), presumedScope: first.scope }),
    );
    expect(stale.statements()).toBe(2);
    expect(read.scope?.assigned_resident_id).toBe(facility.ben.resident_id);
    expect(read.changes.filter((change) => change.op === 'evict').map((change) => change.id)).toContain(facility.ana.resident_id);
    const fresh = pageOf(
      await pullChanges(testHub.hub.database, { deviceId: tablet.deviceId, after: positionAfter(first), limit: 500, now: now(), presumedScope: null }),
    );
    expect(read).toEqual(fresh);
  });

  it('reads a page of references in one statement and one load per kind of record on it (two for letters and for the rules)', async () => {
    const letter = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Feliz cumpleaños' });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    // One reference a page: the fresh pull's own (its transaction writes the references) is not counted.
    let page = pageOf(await pullChanges(testHub.hub.database, { deviceId: kiosk.deviceId, after: null, limit: 1, now: now(), presumedScope: null }));
    const loads: Partial<Record<SyncedEntity, number>> = { siteRules: 2, message: 2 };
    const seen = new Set<string>();
    while (page.hasMore) {
      const db = counting(testHub.hub.database);
      page = pageOf(await pullChanges(db.database, { deviceId: kiosk.deviceId, after: positionAfter(page), limit: 1, now: now(), presumedScope: page.scope }));
      const [change] = page.changes;
      if (change === undefined) continue;
      seen.add(change.entity);
      expect(db.statements()).toBe(1 + (loads[change.entity] ?? 1));
    }
    expect(seen).toEqual(new Set(['staff', 'resident', 'balance', 'contact', 'message']));
    // Read on past the references, a page is one statement again.
    const letterAfter = await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Otra carta' });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: letterAfter.message_id, reviewer: 'Officer Grant' });
    const db = counting(testHub.hub.database);
    const next = pageOf(
      await pullChanges(db.database, { deviceId: kiosk.deviceId, after: positionAfter(page), limit: 500, now: now(), presumedScope: page.scope }),
    );
    expect(next.changes.some((change) => change.id === letterAfter.message_id)).toBe(true);
    expect(db.statements()).toBe(1);
  });

  it('answers a cursor whose position the log no longer holds with positionLost, in the same one statement', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const first = pageOf(await pullChanges(testHub.hub.database, { deviceId: kiosk.deviceId, after: null, limit: 500, now: now(), presumedScope: null }));
    const db = counting(testHub.hub.database);
    // The same seq, another change's fingerprint: what a device that saw a history this hub lost holds.
    const outcome = await pullChanges(db.database, {
      deviceId: kiosk.deviceId,
      after: { seq: first.lastSeq, fingerprint: changeFingerprint({ entity: 'message', id: 'from-another-history', version: 1, op: 'upsert' }) },
      limit: 500,
      now: now(),
      presumedScope: first.scope,
    });
    expect(outcome.kind).toBe('positionLost');
    expect(db.statements()).toBe(1);
    // A position past the log's end is lost too.
    const beyond = await pullChanges(testHub.hub.database, {
      deviceId: kiosk.deviceId,
      after: { seq: first.lastSeq + 1_000, fingerprint: null },
      limit: 500,
      now: now(),
      presumedScope: first.scope,
    });
    expect(beyond.kind).toBe('positionLost');
  });
});
