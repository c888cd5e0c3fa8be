// Both hub database backends for describe.each: PGlite and a real PostgreSQL server. Each test gets a fresh,
// migrated database — a PGlite loaded from a migrated template image, or CREATE DATABASE ... TEMPLATE on a cluster
// shared by the test file. PostgreSQL is never skipped: without its binaries, the tests fail with the command to run.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll } from 'vitest';
import { migrate, migrations, openPgliteDatabase, openPostgresDatabase, pgliteDatabase, type HubDatabase } from '../../hub/db/index';
import { startPostgresServer, type PostgresServer } from './postgres-server';

export type HubBackend = 'pglite' | 'postgres';
export const hubBackends: readonly HubBackend[] = ['pglite', 'postgres'];

export interface TestHubDatabase {
  readonly backend: HubBackend;
  readonly database: HubDatabase;
  /** Closes the database and drops it. */
  dispose(): Promise<void>;
}

let pgliteTemplate: Promise<Blob> | null = null;

/** Where the migrated image is cached between test files and runs: named by what it contains, so it never goes stale. */
function pgliteImagePath(): string {
  const pgliteVersion = (
    JSON.parse(readFileSync(join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const contents = createHash('sha256').update(pgliteVersion);
  for (const migration of migrations) contents.update(`${migration.version}:${migration.name}:${migration.sql}`);
  return join(tmpdir(), `dayroom-hub-pglite-${contents.digest('hex').slice(0, 16)}.tar`);
}

/**
 * Migrating from scratch costs seconds of WebAssembly in PGlite; loading a migrated image costs a fraction of that.
 * The image is built once and kept in the temp folder (written under a temporary name, then renamed, so a parallel
 * test file never reads half of it).
 */
export function migratedPgliteImage(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const path = pgliteImagePath();
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const pglite = await PGlite.create();
    await migrate(pgliteDatabase(pglite));
    const image = await pglite.dumpDataDir('none');
    await pglite.close();
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
    renameSync(partial, path);
    return image;
  })();
  return pgliteTemplate;
}

/**
 * The file's PGlite between two tests, emptied. Loading the migrated image still costs each test most of a second of
 * WebAssembly (PGlite's tests took nearly four times as long as the same tests on PostgreSQL); emptying every table
 * costs a tenth of that. A test that changed the schema (the migration tests) gets a fresh one instead.
 */
let idlePglite: HubDatabase | null = null;
/** The migrated schema as loaded from the image, to tell whether a test changed it. */
let pgliteFingerprint: string | null = null;

/** Tables, columns, types, functions, triggers and applied migrations of the public schema, as one hash. */
async function schemaFingerprint(database: HubDatabase): Promise<string> {
  const rows = await database.query<{ fingerprint: string }>(
    `SELECT md5(
       coalesce((SELECT string_agg(c.relname::text || ':' || c.relkind::text || ':' || coalesce(a.attname::text, '') || ':' || coalesce(format_type(a.atttypid, a.atttypmod), ''), ',' ORDER BY c.relname, a.attnum)
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  WHERE n.nspname = 'public'), '')
       || coalesce((SELECT string_agg(p.proname::text || ':' || md5(p.prosrc), ',' ORDER BY p.proname, p.oid)
                      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'), '')
       || coalesce((SELECT string_agg(t.tgname::text || ':' || t.tgrelid::regclass::text, ',' ORDER BY t.tgname, t.tgrelid::regclass::text) FROM pg_trigger t), '')
       || coalesce((SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations), '')
     ) AS fingerprint`,
  );
  const fingerprint = rows[0]?.fingerprint;
  if (fingerprint === undefined) throw new Error('the schema fingerprint query returned no row');
  return fingerprint;
}

/** Empties a test's PGlite for the next test of the file, or closes it when it cannot be reused as new. */
async function parkPglite(database: HubDatabase): Promise<void> {
  try {
    if (idlePglite !== null || pgliteFingerprint === null || (await schemaFingerprint(database)) !== pgliteFingerprint) {
      await database.close();
      return;
    }
    // Session state a test may leave on the one connection: settings, prepared statements, temporary tables,
    // advisory locks, LISTEN.
    await database.query('DISCARD ALL');
    const tables = await database.query<{ name: string }>(
      "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename",
    );
    if (tables.length > 0) await database.query(`TRUNCATE ${tables.map((table) => table.name).join(', ')} RESTART IDENTITY CASCADE`);
    idlePglite = database;
  } catch {
    // Closed by the test itself, or left unusable: the next test loads a fresh one.
    await database.close().catch(() => undefined);
  }
}

interface Cluster {
  readonly server: PostgresServer;
  readonly template: string;
}

let cluster: Promise<Cluster> | null = null;
let databaseCounter = 0;
/** The next test's database, created while the current test runs (the server works on another core meanwhile). */
let preparedDatabase: Promise<string> | null = null;
/** Drops still running in the background; the cluster waits for them before it stops. */
const pendingDrops = new Set<Promise<void>>();

async function adminQuery(server: PostgresServer, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function sharedCluster(): Promise<Cluster> {
  cluster ??= (async () => {
    // fsync off: these tests check what the hub does, not what survives a crash, and their data dies with the run.
    // The tests that depend on durability (hub-kill, hub-rollback, postgres-durability-check) start their own cluster
    // with `durable: true` — fsync, synchronous_commit and full_page_writes on, as production runs.
    const server = await startPostgresServer();
    const template = 'hub_template';
    await adminQuery(server, `CREATE DATABASE ${template}`);
    const database = openPostgresDatabase({ databaseUrl: server.url(template), maxConnections: 2 });
    await migrate(database);
    await database.close();
    return { server, template };
  })();
  return cluster;
}

async function createFromTemplate({ server, template }: Cluster): Promise<string> {
  databaseCounter += 1;
  const name = `hub_test_${process.pid}_${databaseCounter}`;
  await adminQuery(server, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return name;
}

/** A migrated database of its own for one test; starts preparing the one after it. */
async function takePostgresDatabase(): Promise<{ server: PostgresServer; name: string }> {
  const shared = await sharedCluster();
  const name = await (preparedDatabase ?? createFromTemplate(shared));
  const next = createFromTemplate(shared);
  // If no test takes it, stopHubDatabases still waits for it; a failure surfaces when (if) it is taken.
  next.catch(() => undefined);
  preparedDatabase = next;
  return { server: shared.server, name };
}

export async function freshHubDatabase(backend: HubBackend): Promise<TestHubDatabase> {
  switch (backend) {
    case 'pglite': {
      const database = idlePglite ?? (await openPgliteDatabase({ loadDataDir: await migratedPgliteImage() }));
      idlePglite = null;
      await migrate(database);
      pgliteFingerprint ??= await schemaFingerprint(database);
      return { backend, database, dispose: () => parkPglite(database) };
    }
    case 'postgres': {
      const { server, name } = await takePostgresDatabase();
      const database = openPostgresDatabase({ databaseUrl: server.url(name) });
      await migrate(database);
      return {
        backend,
        database,
        async dispose() {
          await database.close();
          // Dropping waits for the closed connections' server processes to exit; nothing needs to wait for that.
          const drop = adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
          pendingDrops.add(drop);
          void drop.finally(() => pendingDrops.delete(drop));
        },
      };
    }
    default: {
      const unknownBackend: never = backend;
      throw new Error(`unknown hub backend ${String(unknownBackend)}`);
    }
  }
}

/** Stops this file's PostgreSQL cluster (if one was started) and deletes it. useHubDatabases calls it after the file. */
export async function stopHubDatabases(): Promise<void> {
  const idle = idlePglite;
  idlePglite = null;
  pgliteFingerprint = null;
  await idle?.close();
  const running = cluster;
  const prepared = preparedDatabase;
  cluster = null;
  preparedDatabase = null;
  if (running === null) return;
  await Promise.allSettled([prepared, ...pendingDrops]);
  await (await running).server.stop();
}

/**
 * Call once at the top of a test file that uses describe.each(hubBackends). It starts the PostgreSQL cluster in the
 * background right away — initdb and the server run in their own processes, on another core, while the file's
 * PGlite tests run — and stops and deletes it after the file. A start that fails (PostgreSQL not installed) fails
 * every PostgreSQL test with the reason; nothing is skipped.
 */
export function useHubDatabases(): void {
  sharedCluster().catch(() => undefined);
  afterAll(stopHubDatabases);
}
