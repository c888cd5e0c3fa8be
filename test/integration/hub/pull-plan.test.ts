// The pull statement must cost a page, not a history: on a database with statistics (as autovacuum leaves a production
// server), a device catching up from the start of a long change log reads at most a page per audience branch. Checked
// with EXPLAIN ANALYZE on both backends: every change_log row the plan touched (returned or filtered out) is counted.
// The former query, with the device's audiences in subqueries, read the log from the cursor and filtered it — this
// test counted tens of thousands of rows for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignTablet } from '../../../hub/services/index';
import { pullStatement } from '../../../hub/services/pull';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, seedFacility, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}

/** Every scan of change_log in the plan, with the rows it produced and the rows it read and threw away. */
function changeLogScans(node: PlanNode): Array<{ nodeType: string; index: string | null; rowsTouched: number }> {
  const own =
    node['Relation Name'] === 'change_log'
      ? [
          {
            nodeType: node['Node Type'],
            index: node['Index Name'] ?? null,
            rowsTouched:
              ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * (node['Actual Loops'] ?? 1),
          },
        ]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(changeLogScans)];
}

const historyPerAudience = 20_000;
const pageSize = 500;

describe.each(hubBackends)('pull query plan on an analysed change log (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  // One long history per backend, shared by the file's tests: building and analysing 80,000 changes is most of the
  // file's time, and each test only enrolls a device of its own and reads plans, which no other test's device changes.
  beforeAll(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    // A long history, interleaved as a busy facility writes it: unit A, unit B, site-wide, Ana's records (a quarter of
    // the log: she gets a lot of mail) and Ben's (one change in 400).
    await testHub.hub.database.query(
      `INSERT INTO change_log (site_id, audience_unit, audience_resident, audience_device, entity, record_id, version, op, data, created_at)
       SELECT $1,
              CASE WHEN n % 400 = 3 THEN $2 WHEN n % 4 = 0 THEN $2 WHEN n % 4 = 1 THEN $3 WHEN n % 4 = 2 THEN $2 ELSE NULL END,
              CASE WHEN n % 400 = 3 THEN $5 WHEN n % 4 = 2 THEN $4 ELSE NULL END,
              NULL, 'visit', 'v' || n, 1, 'delete', NULL, n
         FROM generate_series(1, $6::integer) AS n`,
      [facility.siteId, facility.unitA, facility.unitB, facility.ana.resident_id, facility.ben.resident_id, historyPerAudience * 4],
    );
    await testHub.hub.database.query('ANALYZE change_log');
  });
  afterAll(async () => testHub.close());

  async function scansFor(deviceId: string, afterSeq: number): Promise<Array<{ nodeType: string; index: string | null; rowsTouched: number }>> {
    const [device] = await testHub.hub.database.query<{
      site_id: string;
      housing_unit_id: string | null;
      assigned_resident_id: string | null;
      scope_start_seq: number;
    }>('SELECT site_id, housing_unit_id, assigned_resident_id, scope_start_seq FROM devices WHERE device_id = $1', [deviceId]);
    if (device === undefined) throw new Error('no such device');
    const query = pullStatement(deviceId, device, afterSeq, pageSize);
    const [explained] = await testHub.hub.database.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> | string }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`,
      query.params,
    );
    const plan = explained?.['QUERY PLAN'];
    const parsed = typeof plan === 'string' ? (JSON.parse(plan) as Array<{ Plan: PlanNode }>) : plan;
    const root = parsed?.[0]?.Plan;
    if (root === undefined) throw new Error('EXPLAIN returned no plan');
    return changeLogScans(root);
  }

  /** What a page may cost: each branch reads at most a page and one more, and a walk in seq order may also pass over
   * a few rows of other audiences; the statement also reads the cursor's row and the site's last row. What it must
   * never do is grow with the history behind the cursor. */
  const pageBudget = 3 * 4 * (pageSize + 1) + 2;

  it('a kiosk catching up from the start reads a page per branch, never the history', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    for (const afterSeq of [0, historyPerAudience * 2]) {
      const scans = await scansFor(kiosk.deviceId, afterSeq);
      expect(scans.filter((scan) => scan.nodeType === 'Seq Scan')).toEqual([]);
      const touched = scans.reduce((sum, scan) => sum + scan.rowsTouched, 0);
      expect(touched).toBeLessThanOrEqual(pageBudget);
      expect(touched).toBeGreaterThanOrEqual(pageSize);
    }
  });

  it.each([
    ['Ana, a quarter of the log', 'ana'],
    ['Ben, one change in 400', 'ben'],
  ] as const)("a tablet catching up for %s reads a page's worth, never the history", async (_label, who) => {
    const tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility[who].resident_id });
    const scans = await scansFor(tablet.deviceId, 0);
    expect(scans.filter((scan) => scan.nodeType === 'Seq Scan')).toEqual([]);
    const touched = scans.reduce((sum, scan) => sum + scan.rowsTouched, 0);
    expect(touched).toBeLessThanOrEqual(pageBudget);
  });
});
