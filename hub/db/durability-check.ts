// A PostgreSQL server that acknowledges commits before they are on disk makes the devices' "done" a promise the hub
// cannot keep after a power cut (issue 15). The hub cannot change the server's settings; it reads them at start and
// says in words what is wrong, so whoever runs it can fix postgresql.conf.
import { z } from 'zod';
import type { HubDatabase } from './database';

const SettingRow = z.object({ name: z.string(), setting: z.string() });

/** Each setting that must be on for an acknowledged push to survive a power cut, with what to do when it is not. */
const requiredSettings: Readonly<Record<string, string>> = {
  fsync: 'fsync is off on the PostgreSQL server: a power cut can lose actions devices were told are done. Set fsync = on in postgresql.conf.',
  synchronous_commit:
    'synchronous_commit is off on the PostgreSQL server: a power cut can lose the last actions devices were told are done. Set synchronous_commit = on in postgresql.conf.',
  full_page_writes:
    'full_page_writes is off on the PostgreSQL server: a power cut during a write can corrupt tables. Set full_page_writes = on in postgresql.conf.',
};

/** Sentences for staff, one per unsafe setting; empty when the server makes every commit durable. */
export async function durabilityWarnings(database: HubDatabase): Promise<string[]> {
  const rows = await database.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')",
  );
  const settings = new Map(rows.map((row) => SettingRow.parse(row)).map((row) => [row.name, row.setting]));
  return Object.entries(requiredSettings).flatMap(([name, warning]) => (settings.get(name) === 'off' ? [warning] : []));
}
