// Migrations on both backends: tracked in schema_migrations, applied once, each in its own transaction (a failing
// one leaves nothing behind), and safe when two hubs migrate the same database at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, type Migration } from '../../../hub/db/index';
import { freshHubDatabase, hubBackends, useHubDatabases, type TestHubDatabase } from '../../support/hub-databases';

useHubDatabases();

describe.each(hubBackends)('hub migrations (%s)', (backend) => {
  let testDatabase: TestHubDatabase;

  beforeEach(async () => {
    testDatabase = await freshHubDatabase(backend);
  });
  afterEach(async () => testDatabase.dispose());

  // After the highest version, not the count: while slices of one issue land in turn, the numbers may have a gap.
  const nextVersion = Math.max(...migrations.map((migration) => migration.version)) + 1;
  const probe: Migration = {
    version: nextVersion,
    name: 'probe',
    sql: 'CREATE TABLE migration_probe (probe_id integer PRIMARY KEY); INSERT INTO migration_probe VALUES (1);',
  };

  async function tableExists(name: string): Promise<boolean> {
    const [row] = await testDatabase.database.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
    return row?.present === true;
  }

  it('records every migration once and applies nothing to a current schema', async () => {
    const recorded = await testDatabase.database.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded).toEqual(migrations.map((migration) => ({ version: migration.version, name: migration.name })));
    expect(await migrate(testDatabase.database)).toEqual([]);
    for (const table of ['residents', 'change_log', 'stamp_ledger', 'debit_ledger', 'device_mutations', 'blobs']) expect(await tableExists(table)).toBe(true);
  });

  it('applies a new migration once, even when two hubs migrate at the same moment', async () => {
    const [first, second] = await Promise.all([migrate(testDatabase.database, [...migrations, probe]), migrate(testDatabase.database, [...migrations, probe])]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([probe.version]);
    expect(await testDatabase.database.query('SELECT probe_id FROM migration_probe')).toEqual([{ probe_id: 1 }]);
  });

  it('rolls a failing migration back whole, leaving no table and no record of it', async () => {
    const broken: Migration = { version: nextVersion, name: 'broken', sql: 'CREATE TABLE half_done (x integer); SELECT 1 / 0;' };
    await expect(migrate(testDatabase.database, [...migrations, broken])).rejects.toThrow(/division by zero/);
    expect(await tableExists('half_done')).toBe(false);
    expect(await testDatabase.database.query('SELECT version FROM schema_migrations WHERE version = $1', [broken.version])).toEqual([]);
  });
});
