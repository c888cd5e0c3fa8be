// Attachment bytes, fetched by content hash after a pull (text never waits on photos), verified while they stream,
// and stored content-addressed at <dataDir>/blobs/<first two hex>/<sha256>. A file appears at its final path only
// whole and verified: bytes go to a temp file, which is fsynced and renamed into place; anything else is discarded.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Sha256Hex } from '../../hub/protocol';
import { doublingStep } from '../../rules/backoff';
import type { DeviceDatabase } from '../store/database';
import type { HubClient, HubFailure } from './hub-client';
import { storeQueriesOf } from '../store/store-queries';

export type BlobFailure =
  /** The bytes that arrived are not the ones the hash names. They were discarded. */
  | { readonly kind: 'hashMismatch' }
  /** Larger than the attachment's declared size or the site's limit. Stopped and discarded. */
  | { readonly kind: 'tooLarge'; readonly limit: number }
  | { readonly kind: 'hub'; readonly failure: HubFailure }
  /** The device's own disk refused the write. */
  | { readonly kind: 'writeFailed'; readonly problem: string };

export type BlobDownload = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly error: BlobFailure };

export interface BlobStore {
  readonly dir: string;
  pathOf(sha256: string): string;
  has(sha256: string): boolean;
  remove(sha256: string): void;
  /** A fresh temp path for a download in progress; temp files never survive a restart (see sweep). */
  tempPathFor(sha256: string): string;
  /**
   * Removes what a crash can leave behind: temp files of interrupted downloads, and files that no attachment refers
   * to any more (an evict committed just before the process died).
   */
  sweep(isReferenced: (sha256: string) => boolean): { readonly temporary: number; readonly unreferenced: number };
}

const ignoreMissing = (error: unknown): void => {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
};

/** Makes a rename or unlink inside `dir` durable: the directory entry itself must reach the disk. */
function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function openBlobStore(dataDir: string): BlobStore {
  const dir = join(dataDir, 'blobs');
  const tempDir = join(dir, 'tmp');
  mkdirSync(tempDir, { recursive: true, mode: 0o700 });
  const checked = (sha256: string): string => {
    // The hash becomes a path: only a well-formed hash may, so no name can walk out of the blob folder.
    if (!Sha256Hex.safeParse(sha256).success) throw new TypeError('a blob is named by a lowercase hex SHA-256');
    return sha256;
  };
  const pathOf = (sha256: string): string => join(dir, checked(sha256).slice(0, 2), sha256);
  return {
    dir,
    pathOf,
    has: (sha256) => {
      try {
        return statSync(pathOf(sha256)).isFile();
      } catch {
        return false;
      }
    },
    remove: (sha256) => {
      try {
        unlinkSync(pathOf(sha256));
      } catch (error) {
        ignoreMissing(error);
      }
    },
    tempPathFor: (sha256) => join(tempDir, `${checked(sha256)}.${randomBytes(6).toString('hex')}.part`),
    sweep: (isReferenced) => {
      let temporary = 0;
      let unreferenced = 0;
      for (const name of readdirSync(tempDir)) {
        rmSync(join(tempDir, name), { force: true, recursive: true });
        temporary += 1;
      }
      for (const prefix of readdirSync(dir)) {
        if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
        for (const name of readdirSync(join(dir, prefix))) {
          if (Sha256Hex.safeParse(name).success && name.startsWith(prefix) && isReferenced(name)) continue;
          rmSync(join(dir, prefix, name), { force: true, recursive: true });
          unreferenced += 1;
        }
      }
      return { temporary, unreferenced };
    },
  };
}

/** Downloads one blob, checking its size as it streams and its hash at the end; leaves no partial file anywhere. */
export async function downloadBlob(
  client: HubClient,
  store: BlobStore,
  request: { readonly sha256: string; readonly maxBytes: number; readonly signal?: AbortSignal },
): Promise<BlobDownload> {
  const { sha256, maxBytes } = request;
  const tempPath = store.tempPathFor(sha256);
  let file: FileHandle | null = null;
  // Set by the sink when it refuses more bytes; an object so the callbacks below can write it.
  const stopped: { reason: BlobFailure | null } = { reason: null };
  const discard = async (failure: BlobFailure): Promise<BlobDownload> => {
    await file?.close().catch(() => undefined);
    file = null;
    await unlink(tempPath).catch(() => undefined);
    return { ok: false, error: failure };
  };

  try {
    file = await open(tempPath, 'wx', 0o600);
  } catch (error) {
    return { ok: false, error: { kind: 'writeFailed', problem: (error as NodeJS.ErrnoException).code ?? 'open failed' } };
  }
  const hash = createHash('sha256');
  let received = 0;
  const result = await client.fetchBlob(
    sha256,
    {
      start: (contentLength) => {
        if (contentLength !== null && contentLength > maxBytes) {
          stopped.reason = { kind: 'tooLarge', limit: maxBytes };
          return 'stop';
        }
        return 'continue';
      },
      write: async (chunk) => {
        received += chunk.byteLength;
        // Checked per chunk, so a hub sending endless bytes costs at most one chunk past the limit, never the disk.
        if (received > maxBytes) {
          stopped.reason = { kind: 'tooLarge', limit: maxBytes };
          return 'stop';
        }
        hash.update(chunk);
        try {
          await file?.write(chunk);
          return 'continue';
        } catch (error) {
          stopped.reason = { kind: 'writeFailed', problem: (error as NodeJS.ErrnoException).code ?? 'write failed' };
          return 'stop';
        }
      },
    },
    request.signal,
  );
  if (!result.ok) return discard({ kind: 'hub', failure: result.failure });
  if (stopped.reason) return discard(stopped.reason);
  if (hash.digest('hex') !== sha256) return discard({ kind: 'hashMismatch' });

  try {
    await file.sync();
    await file.close();
    file = null;
    const finalPath = store.pathOf(sha256);
    const folder = join(store.dir, sha256.slice(0, 2));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    await rename(tempPath, finalPath);
    fsyncDirectory(folder);
  } catch (error) {
    return discard({ kind: 'writeFailed', problem: (error as NodeJS.ErrnoException).code ?? 'write failed' });
  }
  return { ok: true, bytes: received };
}

/**
 * Remembers blobs that failed for a reason retrying soon will not fix (wrong hash, too large, refused), so each is
 * tried again only after a growing wait instead of on every sync.
 */
export class BlobRetryPolicy {
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
  constructor(
    private readonly firstWaitMs = 60_000,
    private readonly maxWaitMs = 24 * 60 * 60_000,
  ) {}

  failed(sha256: string, now: number): void {
    const count = (this.failures.get(sha256)?.count ?? 0) + 1;
    const wait = doublingStep(count - 1, { first: this.firstWaitMs, cap: this.maxWaitMs });
    this.failures.set(sha256, { count, retryAt: now + wait });
  }

  succeeded(sha256: string): void {
    this.failures.delete(sha256);
  }

  mayTry(sha256: string, now: number): boolean {
    const entry = this.failures.get(sha256);
    return !entry || entry.retryAt <= now;
  }

  get waiting(): number {
    return this.failures.size;
  }
}

export interface BlobFetchSummary {
  readonly downloaded: number;
  readonly failures: ReadonlyArray<{ readonly sha256: string; readonly error: BlobFailure }>;
  /** Set when the phase stopped early because the hub or the disk is unavailable; the rest waits for the next sync. */
  readonly stoppedBy: BlobFailure | null;
  readonly remaining: number;
}

/** How many blobs one phase looks at; the rest wait for the next sync. */
const blobsPerPhase = 500;

export async function fetchMissingBlobs(
  db: DeviceDatabase,
  client: HubClient,
  store: BlobStore,
  options: { readonly now: () => number; readonly retries: BlobRetryPolicy; readonly signal?: AbortSignal },
): Promise<BlobFetchSummary> {
  const attachments = storeQueriesOf(db).attachments;
  const siteLimit = attachments.maxAttachmentBytes();
  let downloaded = 0;
  const failures: Array<{ sha256: string; error: BlobFailure }> = [];
  let stoppedBy: BlobFailure | null = null;

  // The list is taken once, so blobs that fail are not met again in the same phase.
  for (const blob of attachments.toFetch(blobsPerPhase)) {
    if (options.signal?.aborted) break;
    if (!options.retries.mayTry(blob.sha256, options.now())) continue;
    // A crash after the rename and before the row was marked leaves the file in place: it is already verified.
    if (store.has(blob.sha256)) {
      attachments.markDownloaded(blob.sha256);
      continue;
    }
    const maxBytes = siteLimit === null ? blob.byteSize : Math.min(blob.byteSize, siteLimit);
    const result = await downloadBlob(client, store, { sha256: blob.sha256, maxBytes, ...(options.signal ? { signal: options.signal } : {}) });
    if (result.ok) {
      attachments.markDownloaded(blob.sha256);
      options.retries.succeeded(blob.sha256);
      downloaded += 1;
      continue;
    }
    failures.push({ sha256: blob.sha256, error: result.error });
    if (stopsThePhase(result.error)) {
      stoppedBy = result.error;
      break;
    }
    options.retries.failed(blob.sha256, options.now());
  }
  return { downloaded, failures, stoppedBy, remaining: attachments.toFetchCount() };
}

/** Network trouble and a failing disk stop the phase (every other blob would fail the same way); a bad blob does not. */
function stopsThePhase(error: BlobFailure): boolean {
  switch (error.kind) {
    case 'hashMismatch':
    case 'tooLarge':
      return false;
    case 'writeFailed':
      return true;
    case 'hub':
      // A refusal of this one blob (missing, out of scope) is about the blob; anything else is about the hub.
      return !(
        error.failure.kind === 'http' &&
        error.failure.status >= 400 &&
        error.failure.status < 500 &&
        error.failure.status !== 429 &&
        error.failure.status !== 401
      );
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}
