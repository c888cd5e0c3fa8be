// The updates of the device app the hub serves (rules/app-update.ts: the format; docs/deployment.md §12). Published
// from the hub's command line (`npm run hub -- publish-update`), read by devices through GET /updates/…
import { createHash } from 'node:crypto';
import type { HubDatabase, SqlExecutor } from '../db/database';
import { type SignedUpdateFields, type UpdateVariant } from '../../rules/app-update';
import { compareVersions } from '../../rules/versions';
import { HubInputError } from './context';

/** The largest chunk of a file in one row (the table's CHECK says the same). */
export const appUpdateChunkBytes = 4 * 1024 * 1024;

export interface PublishedAppUpdate {
  readonly fields: SignedUpdateFields;
  readonly signature: string;
  readonly publishedBy: string;
  readonly publishedAt: number;
}

interface AppUpdateRow {
  variant: UpdateVariant;
  version: string;
  app_id: string;
  file_name: string;
  sha512: string;
  byte_size: number;
  release_date: string;
  signature: string;
  published_by: string;
  published_at: number;
}

const appUpdateColumns = 'variant, version, app_id, file_name, sha512, byte_size, release_date, signature, published_by, published_at';

function publishedOf(row: AppUpdateRow): PublishedAppUpdate {
  return {
    fields: {
      appId: row.app_id,
      variant: row.variant,
      version: row.version,
      fileName: row.file_name,
      sha512: row.sha512,
      size: Number(row.byte_size),
      releaseDate: row.release_date,
    },
    signature: row.signature,
    publishedBy: row.published_by,
    publishedAt: Number(row.published_at),
  };
}

/** The newest version published for a build, or null when none is. */
export async function newestAppUpdate(db: SqlExecutor, variant: UpdateVariant): Promise<PublishedAppUpdate | null> {
  const [row] = await db.query<AppUpdateRow>(
    `SELECT ${appUpdateColumns} FROM app_updates WHERE variant = $1 ORDER BY major DESC, minor DESC, patch DESC LIMIT 1`,
    [variant],
  );
  return row === undefined ? null : publishedOf(row);
}

/** One published version, or null. */
export async function findAppUpdate(db: SqlExecutor, variant: UpdateVariant, version: string): Promise<PublishedAppUpdate | null> {
  const [row] = await db.query<AppUpdateRow>(`SELECT ${appUpdateColumns} FROM app_updates WHERE variant = $1 AND version = $2`, [variant, version]);
  return row === undefined ? null : publishedOf(row);
}

/** Every published version of every build, newest first in each. */
export async function listAppUpdates(db: SqlExecutor): Promise<PublishedAppUpdate[]> {
  const rows = await db.query<AppUpdateRow>(`SELECT ${appUpdateColumns} FROM app_updates ORDER BY variant, major DESC, minor DESC, patch DESC`);
  return rows.map(publishedOf);
}

export type PublishOutcome = 'published' | 'alreadyPublished';

/**
 * Stores a signed update and its bytes in one transaction. `chunks` must yield the file's bytes, each chunk at most
 * appUpdateChunkBytes; `verifyBytes` is called after the last one with what was stored, and refuses (throws) if they
 * are not the signed file, so a file that changed while it was read is never published. Only a version newer than
 * every published one of its build may be published: devices move forward only.
 */
export async function publishAppUpdate(
  database: HubDatabase,
  update: PublishedAppUpdate,
  chunks: AsyncIterable<Uint8Array>,
  verifyBytes: (stored: { sha512: string; size: number }) => void,
): Promise<PublishOutcome> {
  const { fields } = update;
  return database.transaction(async (tx) => {
    // One publisher at a time per build: two at once could both find themselves newest.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`app-update:${fields.variant}`]);
    const same = await findAppUpdate(tx, fields.variant, fields.version);
    if (same !== null) {
      if (same.fields.sha512 === fields.sha512 && same.fields.size === fields.size) return 'alreadyPublished';
      throw new HubInputError(
        'conflict',
        `version ${fields.version} of ${fields.variant} was already published with other bytes (on ${new Date(same.publishedAt).toISOString()}); publish the new build as a newer version`,
      );
    }
    const newest = await newestAppUpdate(tx, fields.variant);
    if (newest !== null && compareVersions(fields.version, newest.fields.version) <= 0) {
      throw new HubInputError(
        'conflict',
        `version ${fields.version} is not newer than ${newest.fields.version}, the newest ${fields.variant} published; devices only move forward, so publish a newer version`,
      );
    }
    const [major, minor, patch] = fields.version.split('.').map(Number);
    await tx.query(
      `INSERT INTO app_updates (variant, version, major, minor, patch, app_id, file_name, sha512, byte_size, release_date, signature, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        fields.variant,
        fields.version,
        major ?? 0,
        minor ?? 0,
        patch ?? 0,
        fields.appId,
        fields.fileName,
        fields.sha512,
        fields.size,
        fields.releaseDate,
        update.signature,
        update.publishedBy,
        update.publishedAt,
      ],
    );
    const hash = createHash('sha512');
    let index = 0;
    let size = 0;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      if (chunk.length > appUpdateChunkBytes) throw new RangeError(`a chunk of an update is at most ${appUpdateChunkBytes} bytes`);
      hash.update(chunk);
      size += chunk.length;
      await tx.query('INSERT INTO app_update_chunks (variant, version, chunk_index, bytes) VALUES ($1, $2, $3, $4)', [
        fields.variant,
        fields.version,
        index,
        chunk,
      ]);
      index += 1;
    }
    verifyBytes({ sha512: hash.digest('base64'), size });
    return 'published';
  });
}

/** The bytes of a published update, one chunk (one query) at a time, for streaming to a device. */
export async function* appUpdateChunks(db: SqlExecutor, variant: UpdateVariant, version: string): AsyncGenerator<Uint8Array> {
  for (let index = 0; ; index += 1) {
    const [row] = await db.query<{ bytes: Uint8Array }>('SELECT bytes FROM app_update_chunks WHERE variant = $1 AND version = $2 AND chunk_index = $3', [
      variant,
      version,
      index,
    ]);
    if (row === undefined) return;
    yield row.bytes;
  }
}
