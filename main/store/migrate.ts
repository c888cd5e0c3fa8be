// Numbered migrations, each in its own transaction; the schema version lives in PRAGMA user_version.
import type Database from 'better-sqlite3-multiple-ciphers';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

export class StoreMigrationError extends Error {
  override readonly name = 'StoreMigrationError';
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrateToLatest(db: Database.Database, migrations: readonly Migration[], upToVersion?: number): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreMigrationError(`migration ${migration.name} has version ${migration.version}; expected ${index + 1}`);
    }
  });
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    // A store written by a newer build: refuse rather than guess, so nothing is lost.
    throw new StoreMigrationError(`the store is at schema version ${current}, newer than this app knows (${latest})`);
  }
  const target = upToVersion ?? latest;
  for (const migration of migrations.slice(current, target)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
