export type { HubDatabase, HubDatabaseBackend, HubTransaction, SqlExecutor, SqlValue } from './database';
export { openHubDatabase, type OpenHubDatabaseOptions } from './open';
export { openPgliteDatabase, pgliteDatabase } from './pglite';
export { openPostgresDatabase } from './postgres';
export { migrate } from './migrate';
export { migrations, type Migration } from './migrations/index';
