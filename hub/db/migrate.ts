// Applies the migrations a database lacks, each in its own transaction together with its row in schema_migrations.
// An advisory lock makes two hubs starting at once against one PostgreSQL server take turns instead of racing.
import type { HubDatabase } from './database';
import { migrations as allMigrations, type Migration } from './migrations/index';

/** An arbitrary constant shared by every hub process: the key of the migration advisory lock. */
const migrationLockKey = 7_304_117_001;

/** Returns the versions applied now (empty when the schema was already current). */
export async function migrate(database: HubDatabase, migrations: readonly Migration[] = allMigrations, now: () => number = Date.now): Promise<number[]> {
  await database.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const didApply = await database.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
      const existing = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (existing.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}
