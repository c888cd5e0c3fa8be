// A hub that went back in time (issue 15): its data folder is put back to a snapshot taken earlier — what a restore
// from last night's backup does, and what a power cut did before commits were durable — while a device holds work
// the hub had acknowledged after the snapshot. The device must notice (its cursor names a position the restored log
// no longer holds), pull again from the start, and re-send what the hub lost, which the hub applies exactly once: 0
// lost, 0 doubled, and a letter approved after the restore arrives. No "staff must check the device" dead end.
// On PGlite the snapshot is a copy of the hub's data folder; on PostgreSQL (a cluster with fsync on) a copy of the
// hub's database (CREATE DATABASE … TEMPLATE), restored by dropping the database and copying the snapshot back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openHubDatabase } from '../../../hub/db/open';
import type { HubDatabase } from '../../../hub/db/database';
import { startHub, type RunningHub } from '../../../hub/server';
import { deposit, issueEnrollmentCode } from '../../../hub/services/index';
import { checkExactlyOnce, hubLastMutationId } from '../../support/hub-audit';
import { enrollSyncedDevice, silentLogger, syncToQuiet, type SyncedDevice } from '../../support/synced-device';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';
import { makeTempDir } from '../../support/temp-dir';
import { seedFacility, testPinCost, type Facility } from '../hub/fixture';
import { familyMessage } from './harness';

/** Creating and reopening PGlite folders is WebAssembly work: tens of seconds each on a loaded machine. */
const hubTimeoutMs = 600_000;

/** Where the hub keeps its data, and how a test takes a snapshot of it and puts it back. */
interface HubStorage {
  open(): Promise<HubDatabase>;
  /** With the hub stopped. */
  snapshot(): Promise<void>;
  /** With the hub stopped: its data becomes the snapshot again. */
  restore(): Promise<void>;
  dispose(): Promise<void>;
}

function pgliteFolder(): HubStorage {
  const folder = makeTempDir('dayroom-hub-rollback-');
  const dataDir = join(folder.path, 'hub');
  const snapshotDir = join(folder.path, 'snapshot');
  return {
    open: () => openHubDatabase({ dataDir }),
    snapshot: async () => cpSync(dataDir, snapshotDir, { recursive: true }),
    restore: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      cpSync(snapshotDir, dataDir, { recursive: true });
    },
    dispose: async () => folder.remove(),
  };
}

function postgresDatabase(): HubStorage {
  let server: PostgresServer | null = null;
  const admin = async (sql: string): Promise<void> => {
    server ??= await startPostgresServer({ durable: true });
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let created = false;
  return {
    open: async () => {
      if (!created) await admin('CREATE DATABASE hub');
      created = true;
      if (server === null) throw new Error('the PostgreSQL server did not start');
      return openHubDatabase({ databaseUrl: server.url('hub') });
    },
    snapshot: () => admin('CREATE DATABASE hub_snapshot TEMPLATE hub'),
    restore: async () => {
      await admin('DROP DATABASE hub');
      await admin('CREATE DATABASE hub TEMPLATE hub_snapshot');
    },
    dispose: async () => {
      await server?.stop();
    },
  };
}

describe.each([
  ['PGlite folder', pgliteFolder],
  ['PostgreSQL database', postgresDatabase],
] as const)('a device across a hub restored from an earlier snapshot (%s)', (_name, makeStorage) => {
  const storage = makeStorage();
  let database: HubDatabase;
  let running: RunningHub;
  let port = 0;
  let device: SyncedDevice;
  let facility: Facility;

  async function startHubOnFolder(): Promise<void> {
    database = await storage.open();
    running = await startHub({ database, port, logger: silentLogger(), pinCost: testPinCost });
    port = running.port;
  }
  async function stopHub(): Promise<void> {
    await running.close();
    await database.close();
  }

  beforeAll(async () => {
    await startHubOnFolder();
    facility = await seedFacility(running.context);
    await deposit(running.context, { residentId: facility.ana.resident_id, amountCents: 10_000, source: 'online' });
    const issued = await issueEnrollmentCode(running.context, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    device = await enrollSyncedDevice({ name: 'kiosk A', hubUrl: running.url, code: issued.code });
  }, hubTimeoutMs);
  afterAll(async () => {
    await device?.stop();
    await stopHub();
    await storage.dispose();
  });

  const letter = (body: string): number =>
    device.act('sendMessage', {
      messageId: randomUUID(),
      residentId: facility.ana.resident_id,
      contactId: facility.anaMom,
      body,
      writtenAt: Date.now(),
      replyToMessageId: null,
      useReturnStamp: false,
    });
  const purchase = (): number => device.act('buyStamps', { residentId: facility.ana.resident_id, requestId: randomUUID(), bookSize: 5 });

  it(
    're-sends what the hub lost, exactly once, pulls again from the start, and receives a letter approved after the restore',
    async () => {
      // Settled work before the snapshot.
      letter('Before the backup');
      purchase();
      await syncToQuiet(device);

      await stopHub();
      await storage.snapshot();
      await startHubOnFolder();

      // Work the hub acknowledges after the snapshot: these are what the restore takes away.
      letter('After the backup, one');
      purchase();
      letter('After the backup, two');
      const acknowledged = await syncToQuiet(device);
      expect(acknowledged).toMatchObject({ pendingMutations: 0, lastError: null });
      const highestAcknowledged = await hubLastMutationId(database, device.deviceId);
      expect(highestAcknowledged).toBeGreaterThanOrEqual(5);

      // The restore: the hub's folder goes back to the snapshot.
      await stopHub();
      await storage.restore();
      await startHubOnFolder();
      expect(await hubLastMutationId(database, device.deviceId)).toBeLessThan(highestAcknowledged);

      // Staff approve a family letter on the restored hub: its change takes log positions the device had passed.
      const approvedAfter = await familyMessage(running.context, facility.anaMom, 'Written after the restore');

      const quiet = await syncToQuiet(device);
      expect(quiet).toMatchObject({ state: 'idle', pendingMutations: 0, lastError: null });
      expect(quiet.hubRestoredAt).toEqual(expect.any(Number));

      const report = await checkExactlyOnce(database, device, { complete: true });
      expect(report.problems).toEqual([]);
      expect(await hubLastMutationId(database, device.deviceId)).toBe(highestAcknowledged);
      expect(device.records().some((record) => record.entity === 'message' && record.id === approvedAfter)).toBe(true);
      // Two books of stamps were bought, each charged once.
      const [charges] = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM debit_ledger WHERE resident_id = $1 AND kind = 'stampPurchase'", [
        facility.ana.resident_id,
      ]);
      expect(charges?.n).toBe(2);
    },
    hubTimeoutMs,
  );
});
