// One PostgreSQL cluster for the whole test run (vitest globalSetup, vitest.config.ts), with a migrated template
// database: every hub test file on the PostgreSQL backend makes its databases from it (test/support/hub-databases.ts)
// rather than starting a cluster of its own, which cost each of some forty files about three seconds of a core.
// Tests that need a cluster of their own — durable ones that are killed, two clusters for a restore — still start one.
import type { TestProject } from 'vitest/node';
import { migrate, openPostgresDatabase } from '../../hub/db/index';
import { adminQuery, sharedTemplateName, type SharedPostgres } from './shared-postgres';
import { startPostgresServer } from './postgres-server';

export default async function startSharedPostgres(project: TestProject): Promise<() => Promise<void>> {
  let shared: SharedPostgres;
  let stop = async (): Promise<void> => undefined;
  try {
    const server = await startPostgresServer();
    stop = () => server.stop();
    await adminQuery(server.url('postgres'), `CREATE DATABASE ${sharedTemplateName}`);
    const database = openPostgresDatabase({ databaseUrl: server.url(sharedTemplateName), maxConnections: 2 });
    await migrate(database);
    await database.close();
    shared = { kind: 'running', host: server.host, port: server.port };
  } catch (error) {
    // Said by every PostgreSQL test that needs it, rather than failing tests that do not.
    shared = { kind: 'failed', problem: error instanceof Error ? error.message : String(error) };
  }
  project.provide('sharedPostgres', shared);
  return stop;
}
