// The hub reads a PostgreSQL server's durability settings at start and says in words what is unsafe (issue 15): a
// server with fsync or synchronous_commit off acknowledges pushes a power cut can still take away.
import { afterAll, describe, expect, it } from 'vitest';
import { durabilityWarnings } from '../../../hub/db/durability-check';
import { openPostgresDatabase } from '../../../hub/db/postgres';
import { startPostgresServer, type PostgresServer } from '../../support/postgres-server';

const startTimeoutMs = 120_000;

describe('the PostgreSQL durability check', () => {
  const servers: PostgresServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it(
    'names every unsafe setting of a server that acknowledges commits before they are on disk',
    async () => {
      const server = await startPostgresServer({ durable: false });
      servers.push(server);
      const database = openPostgresDatabase({ databaseUrl: server.url('postgres') });
      try {
        const warnings = await durabilityWarnings(database);
        expect(warnings).toHaveLength(3);
        expect(warnings.join('\n')).toMatch(/fsync is off.*Set fsync = on/);
        expect(warnings.join('\n')).toMatch(/synchronous_commit is off/);
      } finally {
        await database.close();
      }
    },
    startTimeoutMs,
  );

  it(
    'has nothing to say about a server with fsync and synchronous commits on',
    async () => {
      const server = await startPostgresServer({ durable: true });
      servers.push(server);
      const database = openPostgresDatabase({ databaseUrl: server.url('postgres') });
      try {
        expect(await durabilityWarnings(database)).toEqual([]);
      } finally {
        await database.close();
      }
    },
    startTimeoutMs,
  );
});
