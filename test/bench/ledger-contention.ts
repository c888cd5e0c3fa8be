// ledger-contention (issue 5): 50 devices buying stamps for the same 10 people at once. The hub runs in a process of
// its own — this file again, started with LEDGER_CONTENTION_HUB=1 — over PGlite (a fresh data folder) and then over a
// throwaway PostgreSQL server, with the real startHub and the production logger at info writing to /dev/null. One
// housing unit of 50 residents, each with a deposit; 40 kiosks of that unit and 10 tablets, one assigned to each of
// the 10 people under contention, every device really enrolled with a one-time code over loopback HTTP.
//
// Each device is a loop — the real hub client with its bearer secret, no store — that pushes one buyStamps mutation
// per request (a fresh request id, its next mutation id, a book of 5, 10 or 20 from a seeded draw), waits for the
// answer, and goes again, all 50 starting together:
// - contended (the figure): the kiosks buy round-robin for the 10 people, each tablet for its own person — five
//   devices per person, every purchase queuing on that person's row;
// - uncontended (the same-run baseline): the same loops, but every device buys for a person no other device touches
//   (the 40 kiosks for 40 other residents, each tablet for its own person) — the same work without the row lock
//   contention;
// - GET /v1/health (the second baseline, as in hub-fanout): the same loops, no database.
// The money runs out part-way — before each run every person gets $2.00 per purchase that will be asked for them, 40 %
// of the average book's price — so both runs have both answers, applied and refused notEnoughMoney, in the same mix.
// Afterwards the hub audits every one of the 10 people: each balance equals the sum of its entries and is not negative
// (auditLedgers), the balances replayed in commit order (change-log order) never went below zero, no request id was
// charged twice, and the number of purchases the hub recorded equals the number of "applied" answers. The RESULT line
// says so (balanced=yes negative=no charged_once=yes).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { openHubDatabase } from '../../hub/db/open';
import { createHubLogger } from '../../hub/logger';
import { hubPaths } from '../../hub/protocol';
import { startHub } from '../../hub/server';
import {
  addHousingUnit,
  addResident,
  assignTablet,
  auditLedgers,
  createSite,
  deposit,
  issueEnrollmentCode,
  maxDepositCents,
  type HubContext,
} from '../../hub/services/index';
import { createHubClient, hubEndpoint, type HubClient } from '../../main/sync/hub-client';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { makeTempDir } from '../support/temp-dir';
import { benchCount, machineLoad } from './bench-env';
import { forkWithRequests, serveParentRequests } from './child-ipc';
import { percentile, printResult } from './stats';
import { seededRandom } from '../support/seeded-random';

const people = 10;
const kiosks = 40;
const tablets = 10;
const devices = kiosks + tablets;
/** Residents only the uncontended baseline buys for, one per kiosk. */
const otherResidents = kiosks;
const bookSizes = [5, 10, 20] as const;
/**
 * Money per purchase asked for, deposited before each run: 40 % of the average book's price ($5.00), so in both runs
 * the money runs out part-way and the same share of the pushes is refused — the same work in each.
 */
const centsPerPush = 200;
/** Per run: loops stop starting requests after this. */
const deadlineMs = 45_000;

// ---- the hub's process ----

type HubRequest =
  | { readonly command: 'seed' }
  | { readonly command: 'assignTablets'; readonly deviceIds: readonly string[]; readonly residentIds: readonly string[] }
  | { readonly command: 'deposit'; readonly residentIds: readonly string[]; readonly amountCents: number }
  | { readonly command: 'audit'; readonly residentIds: readonly string[] }
  | { readonly command: 'stop' };

interface Seeded {
  readonly residentIds: readonly string[];
  readonly otherResidentIds: readonly string[];
  readonly codes: readonly string[];
}

interface PersonAudit {
  readonly stampBalance: number;
  readonly debitBalanceCents: number;
  readonly balanced: boolean;
  /** The lowest each balance ever was, replaying the entries in commit (change-log) order. */
  readonly minRunningStamps: number;
  readonly minRunningCents: number;
  readonly purchases: number;
  /** Request ids with more than one charge (or more than one stamp credit). */
  readonly chargedTwice: number;
}

interface Replies {
  seed: Seeded;
  assignTablets: number;
  deposit: number;
  audit: PersonAudit[];
  stop: null;
}

/** scrypt at the tests' cost: it only hashes the seeded residents' PINs, which this benchmark does not measure. */
const seedingPinCost = { N: 1 << 10, r: 8, p: 1 } as const;

async function seed(hub: HubContext): Promise<Seeded> {
  const site = await createSite(hub, { name: 'Riverbend County Detention Center' });
  const unit = await addHousingUnit(hub, { siteId: site.siteId, name: 'A-Pod' });
  const residentIds: string[] = [];
  for (let index = 0; index < people + otherResidents; index += 1) {
    const resident = await addResident(hub, {
      housingUnitId: unit.housingUnitId,
      credentialId: `B${1001 + index}`,
      displayName: `Resident ${index + 1}`,
      pin: '4821',
    });
    residentIds.push(resident.resident_id);
  }
  const codes: string[] = [];
  for (let index = 0; index < kiosks; index += 1)
    codes.push((await issueEnrollmentCode(hub, { siteId: site.siteId, kind: 'kiosk', housingUnitId: unit.housingUnitId, validForMs: 3600_000 })).code);
  for (let index = 0; index < tablets; index += 1)
    codes.push((await issueEnrollmentCode(hub, { siteId: site.siteId, kind: 'tablet', validForMs: 3600_000 })).code);
  return { residentIds: residentIds.slice(0, people), otherResidentIds: residentIds.slice(people), codes };
}

async function audit(hub: HubContext, residentId: string): Promise<PersonAudit> {
  const ledgers = await auditLedgers(hub.database, residentId);
  const running = async (entity: 'stampEntry' | 'debitEntry', table: 'stamp_ledger' | 'debit_ledger'): Promise<number> => {
    // Each entry at its first appearance in the log (a tablet's backfill logs it again); the log's order is commit order.
    const [row] = await hub.database.query<{ lowest: number | null }>(
      `SELECT min(running)::bigint AS lowest FROM (
         SELECT sum(l.amount) OVER (ORDER BY c.first_seq) AS running
           FROM (SELECT record_id, min(seq) AS first_seq FROM change_log WHERE entity = $2 AND op = 'upsert' GROUP BY record_id) c
           JOIN ${table} l ON l.entry_id = c.record_id
          WHERE l.resident_id = $1
       ) replay`,
      [residentId, entity],
    );
    return Math.min(0, row?.lowest ?? 0);
  };
  const [counts] = await hub.database.query<{ purchases: number; charged_twice: number }>(
    `SELECT (SELECT count(*) FROM stamp_purchases WHERE resident_id = $1)::bigint AS purchases,
            ((SELECT count(*) FROM (SELECT reference FROM debit_ledger WHERE resident_id = $1 AND kind = 'stampPurchase' GROUP BY reference HAVING count(*) > 1) d)
           + (SELECT count(*) FROM (SELECT reference FROM stamp_ledger WHERE resident_id = $1 AND kind = 'purchase' GROUP BY reference HAVING count(*) > 1) s))::bigint AS charged_twice`,
    [residentId],
  );
  return {
    stampBalance: ledgers.stampBalance,
    debitBalanceCents: ledgers.debitBalanceCents,
    balanced: ledgers.balanced,
    minRunningStamps: await running('stampEntry', 'stamp_ledger'),
    minRunningCents: await running('debitEntry', 'debit_ledger'),
    purchases: counts?.purchases ?? -1,
    chargedTwice: counts?.charged_twice ?? -1,
  };
}

async function hubMain(): Promise<void> {
  const dataDir = process.env.BENCH_HUB_DATA_DIR;
  const databaseUrl = process.env.DATABASE_URL;
  const database = await openHubDatabase(databaseUrl ? { databaseUrl } : dataDir ? { dataDir } : {});
  const logger = createHubLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const hub = await startHub({ database, logger, pinCost: seedingPinCost });
  const context = hub.context;

  async function handle(request: HubRequest): Promise<unknown> {
    switch (request.command) {
      case 'seed':
        return seed(context);
      case 'assignTablets':
        for (const [index, deviceId] of request.deviceIds.entries()) await assignTablet(context, { deviceId, residentId: request.residentIds[index]! });
        return request.deviceIds.length;
      case 'deposit':
        for (const residentId of request.residentIds) {
          // In deposits the money office may take (maxDepositCents each).
          for (let left = request.amountCents; left > 0; left -= maxDepositCents)
            await deposit(context, { residentId, amountCents: Math.min(left, maxDepositCents), source: 'online' });
        }
        return request.residentIds.length;
      case 'audit': {
        const audits: PersonAudit[] = [];
        for (const residentId of request.residentIds) audits.push(await audit(context, residentId));
        return audits;
      }
      case 'stop':
        await hub.close();
        await database.close();
        setImmediate(() => process.exit(0));
        return null;
      default: {
        const unknown: never = request;
        throw new Error(`unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  serveParentRequests<HubRequest>(handle, { url: hub.url });
}

if (process.env.LEDGER_CONTENTION_HUB === '1') {
  hubMain().catch((error: unknown) => {
    console.error(`ledger-contention hub: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}

// ---- the benchmark's side ----

type HubBackend = 'pglite' | 'postgres';

interface ContentionHub {
  readonly url: string;
  call<C extends HubRequest['command']>(request: Extract<HubRequest, { command: C }>): Promise<Replies[C]>;
  stop(): Promise<void>;
}

const thisScript = fileURLToPath(import.meta.url);
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

async function startContentionHub(backend: HubBackend): Promise<ContentionHub> {
  const dir = makeTempDir('dayroom-bench-ledger-');
  let postgres: PostgresServer | null = null;
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_CONTENTION_HUB: '1' };
  delete env.DATABASE_URL;
  if (backend === 'postgres') {
    postgres = await startPostgresServer();
    const admin = new pg.Client({ connectionString: postgres.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE dayroom_bench');
    await admin.end();
    env.DATABASE_URL = postgres.url('dayroom_bench');
  } else {
    env.BENCH_HUB_DATA_DIR = join(dir.path, 'pglite');
  }
  const cleanup = async (): Promise<void> => {
    await postgres?.stop();
    postgres = null;
    dir.remove();
  };
  const forked = await forkWithRequests<{ url: string }>(thisScript, { cwd: repositoryRoot, env, label: 'the bench hub' }).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  return {
    url: forked.ready.url,
    // The child answers each command with its Replies type (above); IPC carries it untyped.
    call: forked.call as ContentionHub['call'],
    async stop() {
      await forked.stop({ command: 'stop' });
      await cleanup();
    },
  };
}

interface Device {
  readonly deviceId: string;
  readonly kind: 'kiosk' | 'tablet';
  readonly client: HubClient;
  nextMutationId: number;
}

type Outcome = 'applied' | 'notEnoughMoney' | 'otherRefusal' | 'failed';

interface Load {
  readonly latencies: number[];
  readonly outcomes: Record<Outcome, number>;
  readonly wallMs: number;
  readonly complete: boolean;
}

/** Starts one loop per device at once; each makes `requestsEach` requests in sequence (or stops at the deadline). */
async function runLoops(count: number, requestsEach: number, request: (index: number, made: number) => Promise<Outcome>): Promise<Load> {
  const latencies: number[] = [];
  const outcomes: Record<Outcome, number> = { applied: 0, notEnoughMoney: 0, otherRefusal: 0, failed: 0 };
  let complete = true;
  const started = performance.now();
  const deadline = started + deadlineMs;
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      for (let made = 0; made < requestsEach; made += 1) {
        if (performance.now() > deadline) {
          complete = false;
          return;
        }
        const sent = performance.now();
        const outcome = await request(index, made);
        latencies.push(performance.now() - sent);
        outcomes[outcome] += 1;
      }
    }),
  );
  return { latencies, outcomes, wallMs: performance.now() - started, complete };
}

async function buy(device: Device, residentId: string, bookSize: number): Promise<Outcome> {
  const id = device.nextMutationId;
  device.nextMutationId += 1;
  const answer = await device.client.push({
    deviceId: device.deviceId,
    mutations: [{ id, name: 'buyStamps', args: { residentId, requestId: randomUUID(), bookSize } }],
  });
  if (!answer.ok) return 'failed';
  const [result] = answer.value.results;
  if (result === undefined) return 'failed';
  if (result.status === 'applied') return 'applied';
  return result.code === 'notEnoughMoney' ? 'notEnoughMoney' : 'otherRefusal';
}

const perSecond = (load: Load): number => (load.latencies.length / load.wallMs) * 1000;

async function runBackend(backend: HubBackend, pushesEach: number, note: Record<string, string | number>): Promise<void> {
  const hub = await startContentionHub(backend);
  try {
    const seeded = await hub.call({ command: 'seed' });
    const enrolling = createHubClient({ hubUrl: hub.url, timeoutMs: 60_000 });
    const enrolled: Device[] = [];
    for (const code of seeded.codes) {
      const answer = await enrolling.enroll({ code, deviceName: 'bench device', appVersion: '0.1.0' });
      if (!answer.ok) throw new Error(`enrollment failed: ${JSON.stringify(answer.failure)}`);
      enrolled.push({
        deviceId: answer.value.deviceId,
        kind: answer.value.kind,
        client: createHubClient({ hubUrl: hub.url, secret: answer.value.secret, timeoutMs: 60_000 }),
        nextMutationId: 1,
      });
    }
    const kioskDevices = enrolled.filter((device) => device.kind === 'kiosk');
    const tabletDevices = enrolled.filter((device) => device.kind === 'tablet');
    if (kioskDevices.length !== kiosks || tabletDevices.length !== tablets) throw new Error('enrolled the wrong devices');
    await hub.call({ command: 'assignTablets', deviceIds: tabletDevices.map((device) => device.deviceId), residentIds: seeded.residentIds });
    const loops = [...kioskDevices, ...tabletDevices];
    const random = seededRandom(backend === 'pglite' ? 505 : 506);
    const bookSize = (): number => bookSizes[Math.floor(random() * bookSizes.length)]!;

    const health = hubEndpoint(hub.url, hubPaths.health);
    const healthRequest = async (): Promise<Outcome> => {
      const response = await fetch(health).catch(() => null);
      if (response === null) return 'failed';
      await response.arrayBuffer();
      return response.ok ? 'applied' : 'failed';
    };
    // Warm-up, not measured: every loop opens its connection, and the hub's HTTP path gets compiled.
    await runLoops(devices, 3, healthRequest);
    const baselineHealth = await runLoops(devices, pushesEach, healthRequest);

    // Uncontended: each device buys for a person no other device buys for.
    await hub.call({ command: 'deposit', residentIds: [...seeded.residentIds, ...seeded.otherResidentIds], amountCents: centsPerPush * pushesEach });
    const uncontended = await runLoops(devices, pushesEach, (index) => {
      const device = loops[index]!;
      const residentId = index < kiosks ? seeded.otherResidentIds[index]! : seeded.residentIds[index - kiosks]!;
      return buy(device, residentId, bookSize());
    });

    // Contended: five devices per person — four kiosks round-robin over the 10, and the person's tablet.
    await hub.call({ command: 'deposit', residentIds: seeded.residentIds, amountCents: (centsPerPush * pushesEach * devices) / people });
    const before = await hub.call({ command: 'audit', residentIds: seeded.residentIds });
    const contended = await runLoops(devices, pushesEach, (index, made) => {
      const device = loops[index]!;
      const residentId = index < kiosks ? seeded.residentIds[(index + made) % people]! : seeded.residentIds[index - kiosks]!;
      return buy(device, residentId, bookSize());
    });

    const audits = await hub.call({ command: 'audit', residentIds: seeded.residentIds });
    const purchasesRecorded = audits.reduce((sum, person) => sum + person.purchases, 0) - before.reduce((sum, person) => sum + person.purchases, 0);
    const purchasesPerSecond = perSecond(contended);
    const uncontendedPerSecond = perSecond(uncontended);
    const healthPerSecond = perSecond(baselineHealth);
    printResult('ledger-contention', {
      backend,
      devices,
      kiosks,
      tablets,
      people,
      pushes_each: pushesEach,
      purchases: contended.latencies.length,
      applied: contended.outcomes.applied,
      refused_not_enough_money: contended.outcomes.notEnoughMoney,
      refused_other: contended.outcomes.otherRefusal,
      failures: contended.outcomes.failed + uncontended.outcomes.failed + baselineHealth.outcomes.failed,
      complete: contended.complete && uncontended.complete && baselineHealth.complete ? 'yes' : 'no',
      wall_s: contended.wallMs / 1000,
      purchases_per_s: purchasesPerSecond,
      applied_per_s: (contended.outcomes.applied / contended.wallMs) * 1000,
      p50_ms: percentile(contended.latencies, 50),
      p99_ms: percentile(contended.latencies, 99),
      max_ms: Math.max(...contended.latencies),
      balanced: audits.every((person) => person.balanced) ? 'yes' : 'no',
      negative: audits.some((person) => person.stampBalance < 0 || person.debitBalanceCents < 0 || person.minRunningStamps < 0 || person.minRunningCents < 0)
        ? 'yes'
        : 'no',
      charged_once: audits.every((person) => person.chargedTwice === 0) && purchasesRecorded === contended.outcomes.applied ? 'yes' : 'no',
      min_balance_cents: Math.min(...audits.map((person) => person.debitBalanceCents)),
      baseline_uncontended_purchases_per_s: uncontendedPerSecond,
      baseline_uncontended_p50_ms: percentile(uncontended.latencies, 50),
      baseline_uncontended_p99_ms: percentile(uncontended.latencies, 99),
      baseline_uncontended_applied: uncontended.outcomes.applied,
      baseline_uncontended_refused: uncontended.outcomes.notEnoughMoney + uncontended.outcomes.otherRefusal,
      ratio_to_uncontended: purchasesPerSecond / uncontendedPerSecond,
      baseline_health_requests_per_s: healthPerSecond,
      baseline_health_p99_ms: percentile(baselineHealth.latencies, 99),
      ratio_to_health: purchasesPerSecond / healthPerSecond,
      ...note,
    });
  } finally {
    await hub.stop();
  }
}

export async function ledgerContention(): Promise<void> {
  const pushesEach = benchCount('BENCH_LEDGER_PUSHES_EACH', 100);
  const backends = (process.env.BENCH_LEDGER_BACKENDS ?? 'pglite,postgres')
    .split(',')
    .filter((name): name is HubBackend => name === 'pglite' || name === 'postgres');
  // Taken before this benchmark's own processes start, so it shows what else the machine was doing.
  const note = { ...machineLoad(), ...pushesEach.note };
  for (const backend of backends) await runBackend(backend, pushesEach.value, note);
}
