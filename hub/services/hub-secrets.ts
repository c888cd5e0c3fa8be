// Secrets the hub keeps in its own database, created on first use: today only the key that signs pull cursors.
import { randomBytes } from 'node:crypto';
import type { SqlExecutor } from '../db/database';

/** The HMAC key for pull cursors. Two hubs starting at once agree on one key (ON CONFLICT keeps the first). */
export async function cursorKey(db: SqlExecutor): Promise<Buffer> {
  await db.query('INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', ['cursorKey', randomBytes(32)]);
  const [row] = await db.query<{ value: Uint8Array }>('SELECT value FROM hub_secrets WHERE name = $1', ['cursorKey']);
  if (row === undefined) throw new Error('the cursor key could not be stored');
  return Buffer.from(row.value);
}
