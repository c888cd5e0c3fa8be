// What the run's shared PostgreSQL cluster (global-postgres.ts) hands the test files, through vitest's provide/inject.
import pg from 'pg';

export type SharedPostgres = { readonly kind: 'running'; readonly host: string; readonly port: number } | { readonly kind: 'failed'; readonly problem: string };

/** The migrated database each test's database is copied from. */
export const sharedTemplateName = 'hub_template';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedPostgres: SharedPostgres;
  }
}

/** One statement as the superuser, on a connection of its own (CREATE and DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
