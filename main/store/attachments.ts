// Queries for the blob fetcher: which attachment bytes the device still needs, and marking them on disk.
// Blobs are content-addressed, so everything here is keyed by sha256: one download serves every attachment row
// that carries the same bytes.
import type { DeviceDatabase } from './database';

export interface BlobToFetch {
  readonly sha256: string;
  /** The size the hub declared for these bytes (the smallest, if attachments disagree). */
  readonly byteSize: number;
}

export interface AttachmentQueries {
  /** Delivered attachments whose bytes are not on disk yet, oldest first. Rejected ones are never fetched. */
  toFetch(limit: number): BlobToFetch[];
  toFetchCount(): number;
  markDownloaded(sha256: string): number;
  isReferenced(sha256: string): boolean;
  /** The site's attachment size limit, once its rules have synced. */
  maxAttachmentBytes(): number | null;
}

export function attachmentQueries(db: DeviceDatabase): AttachmentQueries {
  const selectToFetch = db.prepare<[number], { sha256: string; byte_size: number }>(`
    SELECT sha256, min(byte_size) AS byte_size FROM message_attachments
    WHERE downloaded = 0 AND status = 'delivered'
    GROUP BY sha256 ORDER BY min(rowid) LIMIT ?`);
  const countToFetch = db.prepare<[], { n: number }>(
    "SELECT count(DISTINCT sha256) AS n FROM message_attachments WHERE downloaded = 0 AND status = 'delivered'",
  );
  const updateDownloaded = db.prepare('UPDATE message_attachments SET downloaded = 1 WHERE sha256 = ? AND downloaded = 0');
  const selectReferenced = db.prepare<[string], { found: number }>('SELECT EXISTS (SELECT 1 FROM message_attachments WHERE sha256 = ?) AS found');
  const selectMaxBytes = db.prepare<[], { n: number | null }>('SELECT max(max_attachment_bytes) AS n FROM site_rules');
  return {
    toFetch: (limit) => selectToFetch.all(limit).map((row) => ({ sha256: row.sha256, byteSize: row.byte_size })),
    toFetchCount: () => countToFetch.get()?.n ?? 0,
    markDownloaded: (sha256) => updateDownloaded.run(sha256).changes,
    isReferenced: (sha256) => selectReferenced.get(sha256)?.found === 1,
    maxAttachmentBytes: () => selectMaxBytes.get()?.n ?? null,
  };
}
