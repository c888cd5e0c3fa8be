// Opens the hub's database — a real PostgreSQL server when a URL is given, otherwise PGlite in a folder or in
// memory — and brings its schema up to date.
import type { HubDatabase } from './database';
import { migrate } from './migrate';
import { openPgliteDatabase } from './pglite';
import { openPostgresDatabase } from './postgres';

export interface OpenHubDatabaseOptions {
  /** PGlite data folder; ignored when `databaseUrl` is set; omit both for an in-memory database. */
  readonly dataDir?: string;
  /** postgres://… — use a PostgreSQL server (DATABASE_URL). */
  readonly databaseUrl?: string;
  /**
   * A PGlite data folder image (PGlite's dumpDataDir) to start a NEW PGlite database from, instead of running initdb
   * and every migration in WebAssembly; tests start dozens of hubs, and the image saves each one seconds. Ignored for
   * PostgreSQL; migrations after the image's still run.
   */
  readonly pgliteImage?: Blob;
}

export async function openHubDatabase(options: OpenHubDatabaseOptions = {}): Promise<HubDatabase> {
  const database =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? openPostgresDatabase({ databaseUrl: options.databaseUrl })
      : await openPgliteDatabase({
          ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
          ...(options.pgliteImage === undefined ? {} : { loadDataDir: options.pgliteImage }),
        });
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
