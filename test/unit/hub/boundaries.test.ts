// Small pure pieces of the hub's boundaries: attachment type sniffing, issue messages that name the field, and the
// change log's refusal to write a record that does not match the protocol.
import { describe, expect, it } from 'vitest';
import { PushRequest } from '../../../hub/protocol/index';
import type { HubTransaction, SqlValue } from '../../../hub/db/database';
import { describeIssues } from '../../../hub/http/errors';
import { sniffMimeType } from '../../../hub/protocol/media';
import { appendChanges, appendEvict } from '../../../hub/services/change-log';
import { residentInScope } from '../../../hub/services/push';

interface RecordingTransaction extends HubTransaction {
  readonly statements: { sql: string; params: readonly SqlValue[] }[];
  readonly announced: { site: string; keys: readonly string[]; seq: number }[];
}

/** Records statements and announcements; a change-log INSERT answers with seqs counting up from 100. */
function recordingExecutor(): RecordingTransaction {
  const statements: { sql: string; params: readonly SqlValue[] }[] = [];
  const announced: { site: string; keys: readonly string[]; seq: number }[] = [];
  let nextSeq = 100;
  return {
    statements,
    announced,
    async query<Row extends object>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      statements.push({ sql, params });
      if (!sql.includes('INSERT INTO change_log')) return [];
      const rows = params.length / 10;
      return Array.from({ length: rows }, () => ({ seq: nextSeq++ }) as unknown as Row);
    },
    exec: async () => undefined,
    announceLog: (site, keys, seq) => announced.push({ site, keys, seq }),
    announceDevice: () => undefined,
  };
}

describe('attachment sniffing', () => {
  it('trusts magic numbers, not claims', () => {
    expect(sniffMimeType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0]))).toBe('image/jpeg');
    expect(sniffMimeType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMimeType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBe('video/webm');
    expect(sniffMimeType(Buffer.from('\0\0\0\x18ftypmp42', 'latin1'))).toBe('video/mp4');
    expect(sniffMimeType(Buffer.from('<svg onload=alert(1)>'))).toBeNull();
    expect(sniffMimeType(Buffer.alloc(0))).toBeNull();
  });
});

describe('issue messages', () => {
  it('name the field first', () => {
    const parsed = PushRequest.safeParse({ deviceId: 'd', mutations: [{ id: 0, name: 'buyStamps', args: { residentId: 'r', requestId: 'x', bookSize: 5 } }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(describeIssues(parsed.error)).toMatch(/^mutations\.0\.(id|args\.requestId): /);
  });
});

describe('change log', () => {
  it('refuses a record that does not match its protocol schema before writing anything', async () => {
    const tx = recordingExecutor();
    const bad = { residentId: 'r1', stamps: -1, availableCents: 0, holdsCents: 0, confirmedAt: 0 };
    await expect(appendChanges(tx, { kind: 'site', siteId: 's' }, [{ entity: 'balance', id: 'r1', version: 1, op: 'upsert', data: bad }], 0)).rejects.toThrow(
      /invalid balance r1: stamps/,
    );
    expect(tx.statements).toEqual([]);
  });

  it('writes each audience into its own columns, and evicts only to a unit or a device', async () => {
    const tx = recordingExecutor();
    const visit = { visitId: 'v1', residentId: 'r1', visitorName: 'Maria', kind: 'remote', startsAt: 0, durationMinutes: 30, status: 'scheduled' } as const;
    await appendChanges(
      tx,
      { kind: 'resident', siteId: 's', residentId: 'r1', housingUnitId: 'unit-a' },
      [{ entity: 'visit', id: 'v1', version: 1, op: 'upsert', data: visit }],
      5,
    );
    await appendEvict(tx, { kind: 'housingUnit', siteId: 's', housingUnitId: 'unit-a' }, 'r1', 2, 6);
    await appendEvict(tx, { kind: 'device', siteId: 's', deviceId: 'tablet-1' }, 'r1', 2, 7);
    const inserts = tx.statements.filter((statement) => statement.sql.includes('INSERT INTO change_log'));
    expect(inserts.map((statement) => statement.params.slice(0, 4))).toEqual([
      ['s', 'unit-a', 'r1', null],
      ['s', 'unit-a', null, null],
      ['s', null, null, 'tablet-1'],
    ]);
    // The advisory lock comes before every append, so commit order is seq order.
    expect(tx.statements[0]?.sql).toContain('pg_advisory_xact_lock');
    // Each append announces the keys its rows reach, at the last seq it took: a resident's row reaches their tablets
    // and their unit's kiosks.
    expect(tx.announced).toEqual([
      { site: 's', keys: ['u:unit-a', 'r:r1'], seq: 100 },
      { site: 's', keys: ['u:unit-a'], seq: 101 },
      { site: 's', keys: ['d:tablet-1'], seq: 102 },
    ]);
  });
});

describe('device scope', () => {
  const resident = { resident_id: 'r1', site_id: 's', status: 'active' as const, housing_unit_id: 'unit-a' };
  it('covers the residents of a kiosk’s unit and a tablet’s own resident, active ones only, in the same site', () => {
    expect(residentInScope({ site_id: 's', kind: 'kiosk', housing_unit_id: 'unit-a', assigned_resident_id: null }, resident)).toBe(true);
    expect(residentInScope({ site_id: 's', kind: 'kiosk', housing_unit_id: 'unit-b', assigned_resident_id: null }, resident)).toBe(false);
    expect(residentInScope({ site_id: 's', kind: 'tablet', housing_unit_id: null, assigned_resident_id: 'r1' }, resident)).toBe(true);
    expect(residentInScope({ site_id: 's', kind: 'tablet', housing_unit_id: null, assigned_resident_id: 'r2' }, resident)).toBe(false);
    expect(residentInScope({ site_id: 'other', kind: 'tablet', housing_unit_id: null, assigned_resident_id: 'r1' }, resident)).toBe(false);
    expect(
      residentInScope(
        { site_id: 's', kind: 'kiosk', housing_unit_id: 'unit-a', assigned_resident_id: null },
        { ...resident, status: 'released', housing_unit_id: null },
      ),
    ).toBe(false);
  });
});
