// A fingerprint of everything a device store holds: every table's rows (the search index's own tables too), hashed
// in an order that does not depend on how SQLite happened to lay them out. Two equal digests mean no row was added,
// removed or changed — what the hardening tests need to show that a refused call wrote nothing.
import { createHash } from 'node:crypto';
import type { DeviceDatabase } from '../../main/store/database';

/** Row values as JSON can carry them: blobs as hex, so bytes compare by content. */
function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? `blob:${value.toString('hex')}` : value));
}

export function storeDigest(db: DeviceDatabase): string {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((table) => table.name);
  const hash = createHash('sha256');
  // The schema version too: a migration run by accident is a change of state.
  hash.update(`user_version=${String(db.pragma('user_version', { simple: true }))}\n`);
  for (const table of tables) {
    const quoted = `"${table.replace(/"/g, '""')}"`;
    const rows = db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${quoted}`).all().map(rowText).sort();
    hash.update(`table ${table} ${rows.length}\n`);
    for (const row of rows) hash.update(`${row}\n`);
  }
  return hash.digest('hex');
}
