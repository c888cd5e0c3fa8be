// A pull from a fresh cursor (docs/sync.md §5 "Pull", hub/services/scope-references.ts): the hub starts the device's
// scope and writes references to its records — ids and versions, never the records' data — and pull serves them as
// the records' current state, skipping any no longer in the device's scope. Whatever happens between the scope start
// and the device reading the references (a resident moved or released, a tablet reassigned, a letter withdrawn, staff
// moved to another unit), the device ends holding exactly its current scope, as test/support/hub-scope-digest.ts
// reads it from the hub's tables with its own SQL, applying changes by the device's rules (main/sync/apply-pull.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, SyncedEntity } from '../../../hub/protocol/index';
import { assignTablet, moveResident, releaseResident, setStaffUnits, listStaff } from '../../../hub/services/index';
import { changeFingerprint } from '../../../hub/services/log-position';
import { reviewMessage, sendFamilyMessage, withdrawMessage } from '../../../hub/services/messages';
import { pullChanges, type CursorPosition, type PulledPage, type PullOutcome } from '../../../hub/services/pull';
import type { ReplicaRecord } from '../../../main/sync/replica-digest';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { hubScopeRecords } from '../../support/hub-scope-digest';
import { enroll, seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

/** A device's records applied as apply-pull applies them: newest version wins, for upserts and deletes alike. */
class VersionedReplica {
  readonly records = new Map<string, ReplicaRecord>();
  private readonly tombstones = new Map<string, number>();

  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      const key = `${change.entity}:${change.id}`;
      const held = this.records.get(key)?.version ?? this.tombstones.get(key) ?? null;
      switch (change.op) {
        case 'upsert':
          if (held !== null && held >= change.version) break;
          this.tombstones.delete(key);
          this.records.set(key, { entity: change.entity, id: change.id, version: change.version, data: change.data });
          break;
        case 'delete':
          if (held !== null && held >= change.version) break;
          this.records.delete(key);
          this.tombstones.set(key, change.version);
          break;
        case 'evict':
          for (const [recordKey, record] of this.records) if (residentOf(record) === change.id) this.records.delete(recordKey);
          break;
        default: {
          const unknownChange: never = change;
          throw new Error(`unknown change ${JSON.stringify(unknownChange)}`);
        }
      }
    }
  }

  sorted(): ReplicaRecord[] {
    return [...this.records.values()].sort((a, b) => (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function residentOf(record: ReplicaRecord): string | null {
  if (record.entity === 'resident') return record.id;
  const data = record.data;
  if (typeof data === 'object' && data !== null && 'residentId' in data && typeof data.residentId === 'string') return data.residentId;
  return null;
}

function pageOf(outcome: PullOutcome): PulledPage {
  if (outcome.kind !== 'page') throw new Error(`expected a page, got ${outcome.kind}`);
  return outcome.page;
}

interface ChangeLogRow {
  readonly audience_device: string | null;
  readonly audience_unit: string | null;
  readonly audience_resident: string | null;
  readonly entity: SyncedEntity;
  readonly op: string;
  readonly by_reference: boolean;
  readonly data_bytes: number | null;
}

describe.each(hubBackends)('a pull from a fresh cursor (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    // Letters in both of unit A's residents' records, so a kiosk's scope has words to copy if anything copied them.
    for (const [contactId, body] of [
      [facility.anaMom, 'Te quiero mucho'],
      [facility.anaMom, 'Nos vemos el domingo'],
      [facility.benBrother, 'Hang in there'],
    ] as const) {
      const letter = await sendFamilyMessage(testHub.hub, { contactId, body });
      await reviewMessage(testHub.hub, { decision: 'approve', messageId: letter.message_id, reviewer: 'Officer Grant' });
    }
  }, 60_000);
  afterEach(async () => testHub.close());

  const now = (): number => testHub.clock.now();

  async function logEnd(): Promise<number> {
    const [end] = await testHub.hub.database.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::bigint AS seq FROM change_log');
    return Number(end?.seq ?? 0);
  }

  async function rowsAfter(seq: number): Promise<ChangeLogRow[]> {
    return testHub.hub.database.query<ChangeLogRow>(
      `SELECT audience_device, audience_unit, audience_resident, entity, op, by_reference, octet_length(data::text) AS data_bytes
         FROM change_log WHERE seq > $1 ORDER BY seq`,
      [seq],
    );
  }

  /** Pulls pages of `limit` from `after` (null: fresh); `between` runs after the first page, before the rest. */
  async function catchUp(
    deviceId: string,
    limit: number,
    between: () => Promise<void> = async () => {},
  ): Promise<{ replica: VersionedReplica; pages: number }> {
    const replica = new VersionedReplica();
    let page = pageOf(await pullChanges(testHub.hub.database, { deviceId, after: null, limit, now: now(), presumedScope: null }));
    replica.apply(page.changes);
    await between();
    let pages = 1;
    while (page.hasMore) {
      const after: CursorPosition = { seq: page.lastSeq, fingerprint: page.lastChange === null ? null : changeFingerprint(page.lastChange) };
      page = pageOf(await pullChanges(testHub.hub.database, { deviceId, after, limit, now: now(), presumedScope: page.scope }));
      replica.apply(page.changes);
      pages += 1;
    }
    return { replica, pages };
  }

  async function expectExactlyCurrentScope(deviceId: string, replica: VersionedReplica): Promise<void> {
    expect(replica.sorted()).toEqual(await hubScopeRecords(testHub.hub.database, deviceId));
  }

  it('writes references to the kiosk alone — no record data — and serves them as the records themselves', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const before = await logEnd();
    const { replica } = await catchUp(kiosk.deviceId, 4);
    const written = await rowsAfter(before);
    expect(written.length).toBeGreaterThan(10);
    for (const row of written) {
      expect(row).toMatchObject({
        audience_device: kiosk.deviceId,
        audience_unit: null,
        audience_resident: null,
        op: 'upsert',
        by_reference: true,
        data_bytes: null,
      });
    }
    expect(written.filter((row) => row.entity === 'message')).toHaveLength(3);
    await expectExactlyCurrentScope(kiosk.deviceId, replica);
    expect(replica.sorted().filter((record) => record.entity === 'message')).toHaveLength(3);
  });

  it('a retry from a fresh cursor writes references again, no data, and ends in the same scope', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const first = await logEnd();
    await catchUp(kiosk.deviceId, 500);
    const second = await logEnd();
    const { replica } = await catchUp(kiosk.deviceId, 500);
    const bothRows = await rowsAfter(first);
    const retryRows = await rowsAfter(second);
    expect(bothRows.every((row) => row.by_reference && row.data_bytes === null)).toBe(true);
    expect(retryRows.length * 2).toBe(bothRows.length);
    await expectExactlyCurrentScope(kiosk.deviceId, replica);
  });

  it('a resident moved out of the kiosk’s unit after its scope start leaves nothing of theirs on it', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    // One record a page: the first page is the site's rules, everything of Ben's is served after his move.
    const { replica } = await catchUp(kiosk.deviceId, 1, async () => {
      await moveResident(testHub.hub, { residentId: facility.ben.resident_id, housingUnitId: facility.unitB });
    });
    expect([...replica.records.values()].some((record) => residentOf(record) === facility.ben.resident_id)).toBe(false);
    await expectExactlyCurrentScope(kiosk.deviceId, replica);
  });

  it('a resident moved out after the kiosk read their records is evicted by the log after the references', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    // A page big enough for every reference: Ben's records are on the kiosk, then his move's evict follows.
    const first = pageOf(await pullChanges(testHub.hub.database, { deviceId: kiosk.deviceId, after: null, limit: 500, now: now(), presumedScope: null }));
    const replica = new VersionedReplica();
    replica.apply(first.changes);
    expect([...replica.records.values()].some((record) => residentOf(record) === facility.ben.resident_id)).toBe(true);
    await moveResident(testHub.hub, { residentId: facility.ben.resident_id, housingUnitId: facility.unitB });
    await releaseResident(testHub.hub, { residentId: facility.ana.resident_id });
    const after: CursorPosition = { seq: first.lastSeq, fingerprint: first.lastChange === null ? null : changeFingerprint(first.lastChange) };
    const next = pageOf(await pullChanges(testHub.hub.database, { deviceId: kiosk.deviceId, after, limit: 500, now: now(), presumedScope: first.scope }));
    replica.apply(next.changes);
    expect(next.hasMore).toBe(false);
    expect(replica.sorted().some((record) => residentOf(record) !== null)).toBe(false);
    await expectExactlyCurrentScope(kiosk.deviceId, replica);
  });

  it('a released resident, a withdrawn letter and staff moved to another unit after the scope start never reach the kiosk', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const [staff] = await listStaff(testHub.hub.database, facility.siteId);
    if (staff === undefined) throw new Error('the facility has no staff');
    const [anaLetter] = await testHub.hub.database.query<{ message_id: string }>(
      "SELECT message_id FROM messages WHERE resident_id = $1 AND direction = 'inbound' ORDER BY message_id LIMIT 1",
      [facility.ana.resident_id],
    );
    if (anaLetter === undefined) throw new Error('Ana has no letter');
    const { replica } = await catchUp(kiosk.deviceId, 1, async () => {
      // Staff moved to unit B: unit A is told with a delete at a version below their record's new one, so serving
      // the new record from the reference would outlive that delete. It must be skipped.
      await setStaffUnits(testHub.hub, { staffId: staff.staff_id, housingUnitIds: [facility.unitB] });
      await withdrawMessage(testHub.hub, { messageId: anaLetter.message_id, reviewer: 'Officer Grant', reason: 'Missed in review' });
      await releaseResident(testHub.hub, { residentId: facility.ben.resident_id });
    });
    expect(replica.records.has(`staff:${staff.staff_id}`)).toBe(false);
    expect(replica.records.has(`message:${anaLetter.message_id}`)).toBe(false);
    expect([...replica.records.values()].some((record) => residentOf(record) === facility.ben.resident_id)).toBe(false);
    await expectExactlyCurrentScope(kiosk.deviceId, replica);
  });

  it('a tablet reassigned mid-catch-up ends with its new resident only, never the first one’s records', async () => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
    const { replica } = await catchUp(tablet.deviceId, 1, async () => {
      await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ben.resident_id });
    });
    expect([...replica.records.values()].some((record) => residentOf(record) === facility.ana.resident_id)).toBe(false);
    await expectExactlyCurrentScope(tablet.deviceId, replica);
  });
});
