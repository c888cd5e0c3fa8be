// Both hub database backends for describe.each: PGlite and a real PostgreSQL server. Each test gets a fresh,
// migrated database — a PGlite loaded from a migrated template image, or CREATE DATABASE ... TEMPLATE on the cluster
// the whole run shares (test/support/global-postgres.ts). PostgreSQL is never skipped: without its binaries, the tests fail with the command to run.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, inject } from 'vitest';
import { migrate, migrations, openPgliteDatabase, openPostgresDatabase, pgliteDatabase, type HubDatabase } from '../../hub/db/index';
import { adminQuery, sharedTemplateName } from './shared-postgres';

export type HubBackend = 'pglite' | 'postgres';
export const hubBackends: readonly HubBackend[] = ['pglite', 'postgres'];

export interface TestHubDatabase {
  readonly backend: HubBackend;
  readonly database: HubDatabase;
  /** The PostgreSQL database's connection URL, for a second hub on the same database; null for PGlite (one process). */
  readonly url: string | null;
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
  /** A connection URL for one database of the run's shared cluster. */
  readonly url: (database: string) => string;
}

let cluster: Cluster | null = null;
let databaseCounter = 0;
/** The next test's database, created while the current test runs (the server works on another core meanwhile). */
let preparedDatabase: Promise<string> | null = null;
/** Drops still running in the background; the file waits for them when it ends. */
const pendingDrops = new Set<Promise<void>>();

/** The run's cluster (test/support/global-postgres.ts); a cluster that could not start fails the test with its reason. */
function sharedCluster(): Cluster {
  if (cluster !== null) return cluster;
  const shared = inject('sharedPostgres');
  if (shared.kind === 'failed') throw new Error(`the shared PostgreSQL cluster did not start: ${shared.problem}`);
  cluster = { url: (database) => `postgres://postgres@${shared.host}:${shared.port}/${encodeURIComponent(database)}` };
  return cluster;
}

async function createFromTemplate(shared: Cluster): Promise<string> {
  databaseCounter += 1;
  // The worker's pid keeps two files running at once from choosing the same name.
  const name = `hub_test_${process.pid}_${databaseCounter}`;
  await adminQuery(shared.url('postgres'), `CREATE DATABASE ${name} TEMPLATE ${sharedTemplateName}`);
  return name;
}

/** A migrated database of its own for one test; starts preparing the one after it. */
async function takePostgresDatabase(): Promise<{ shared: Cluster; name: string }> {
  const shared = sharedCluster();
  const name = await (preparedDatabase ?? createFromTemplate(shared));
  const next = createFromTemplate(shared);
  // If no test takes it, stopHubDatabases drops it; a failure surfaces when (if) it is taken.
  next.catch(() => undefined);
  preparedDatabase = next;
  return { shared, name };
}

function dropLater(shared: Cluster, name: string): void {
  // Dropping waits for the closed connections' server processes to exit; nothing needs to wait for that.
  const drop = adminQuery(shared.url('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  pendingDrops.add(drop);
  void drop.finally(() => pendingDrops.delete(drop));
}

export async function freshHubDatabase(backend: HubBackend): Promise<TestHubDatabase> {
  switch (backend) {
    case 'pglite': {
      const database = idlePglite ?? (await openPgliteDatabase({ loadDataDir: await migratedPgliteImage() }));
      idlePglite = null;
      await migrate(database);
      pgliteFingerprint ??= await schemaFingerprint(database);
      return { backend, database, url: null, dispose: () => parkPglite(database) };
    }
    case 'postgres': {
      const { shared, name } = await takePostgresDatabase();
      const database = openPostgresDatabase({ databaseUrl: shared.url(name) });
      await migrate(database);
      return {
        backend,
        database,
        url: shared.url(name),
        async dispose() {
          await database.close();
          dropLater(shared, name);
        },
      };
    }
    default: {
      const unknownBackend: never = backend;
      throw new Error(`unknown hub backend ${String(unknownBackend)}`);
    }
  }
}

/** Closes the file's idle PGlite, and drops the file's PostgreSQL databases. useHubDatabases calls it after the file. */
export async function stopHubDatabases(): Promise<void> {
  const idle = idlePglite;
  idlePglite = null;
  pgliteFingerprint = null;
  await idle?.close();
  const prepared = preparedDatabase;
  const shared = cluster;
  preparedDatabase = null;
  if (prepared !== null && shared !== null) {
    const name = await prepared.catch(() => null);
    if (name !== null) dropLater(shared, name);
  }
  await Promise.allSettled([...pendingDrops]);
}

/**
 * Call once at the top of a test file that uses describe.each(hubBackends): after the file, its idle PGlite is closed
 * and its PostgreSQL databases dropped. The cluster is the run's (test/support/global-postgres.ts); one that could
 * not start (PostgreSQL not installed) fails every PostgreSQL test with the reason; nothing is skipped.
 */
export function useHubDatabases(): void {
  afterAll(stopHubDatabases);
}
