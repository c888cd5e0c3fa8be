// Attachment bytes from a real HTTP server into a real blob folder: verified by hash and size while streaming, stored
// content-addressed, and never left half-written — not after a wrong hash, an oversize body or a cut connection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPull } from '../../../main/sync/apply-pull';
import { BlobRetryPolicy, downloadBlob, fetchMissingBlobs, openBlobStore, type BlobStore } from '../../../main/sync/blobs';
import { createHubClient, type HubClient } from '../../../main/sync/hub-client';
import { attachment, message, pullBatch, sha256Of, siteRules, tempStore, upsert, type TempStore } from './fixtures';
import { reply, startStandInHub, type HubReply, type StandInHub } from './stand-in-hub';

let store: TempStore;
let blobs: BlobStore;
let hub: StandInHub;
let client: HubClient;
/** What the stand-in hub serves, by hash. */
let served: Map<string, HubReply>;

beforeEach(async () => {
  store = tempStore();
  blobs = openBlobStore(store.dir);
  served = new Map();
  hub = await startStandInHub((request) => served.get(request.path.split('/').pop() ?? '') ?? reply.error(404, 'notFound'));
  client = createHubClient({ hubUrl: hub.url, secret: 'x'.repeat(40) });
});
afterEach(async () => {
  await hub.close();
  store.cleanup();
});

const photo = Buffer.alloc(50_000, 1);
const photoSha = sha256Of(photo);

/** Every file under the blob folder, temp files included. */
function filesOnDisk(): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.push(`${prefix}${entry.name}`);
    }
  };
  walk(blobs.dir, '');
  return files;
}

describe('downloadBlob', () => {
  it('stores verified bytes at blobs/<first two>/<sha256>, and nothing else', async () => {
    served.set(photoSha, reply.bytes(photo));
    await expect(downloadBlob(client, blobs, { sha256: photoSha, maxBytes: photo.byteLength })).resolves.toEqual({ ok: true, bytes: photo.byteLength });
    expect(blobs.pathOf(photoSha)).toBe(join(store.dir, 'blobs', photoSha.slice(0, 2), photoSha));
    expect(readFileSync(blobs.pathOf(photoSha)).equals(photo)).toBe(true);
    expect(filesOnDisk()).toEqual([`${photoSha.slice(0, 2)}/${photoSha}`]);
  });

  it('bytes that do not match the hash are a typed error, and are discarded', async () => {
    served.set(photoSha, reply.bytes(Buffer.alloc(50_000, 2)));
    await expect(downloadBlob(client, blobs, { sha256: photoSha, maxBytes: 100_000 })).resolves.toEqual({ ok: false, error: { kind: 'hashMismatch' } });
    expect(filesOnDisk()).toEqual([]);
  });

  it('a body longer than allowed is stopped while streaming and discarded, with or without a length header', async () => {
    for (const contentLength of [null, photo.byteLength]) {
      served.set(photoSha, reply.bytes(photo, contentLength));
      await expect(downloadBlob(client, blobs, { sha256: photoSha, maxBytes: 20_000 })).resolves.toEqual({
        ok: false,
        error: { kind: 'tooLarge', limit: 20_000 },
      });
      expect(filesOnDisk()).toEqual([]);
    }
  });

  it('a download cut off part way leaves no partial file, in place or in temp', async () => {
    served.set(photoSha, { kind: 'cutOff', body: photo, after: 20_000 });
    await expect(downloadBlob(client, blobs, { sha256: photoSha, maxBytes: 100_000 })).resolves.toEqual({
      ok: false,
      error: { kind: 'hub', failure: { kind: 'network' } },
    });
    expect(filesOnDisk()).toEqual([]);
  });

  it('a hash can never name a path outside the blob folder', () => {
    expect(() => blobs.pathOf('../../etc/passwd')).toThrow(TypeError);
    expect(() => blobs.tempPathFor('ab/../../x')).toThrow(TypeError);
  });
});

describe('fetchMissingBlobs', () => {
  const now = { value: 1_000 };
  const fetchAll = (retries = new BlobRetryPolicy()) => fetchMissingBlobs(store.db, client, blobs, { now: () => now.value, retries });
  const downloadedFlags = () => store.db.prepare('SELECT attachment_id, downloaded FROM message_attachments ORDER BY attachment_id').all();

  it('fetches each delivered attachment once by hash, marks every row with it, and never fetches a rejected one', async () => {
    const rejected = Buffer.from('rejected photo');
    applyPull(
      store.db,
      pullBatch(
        [
          upsert(
            'message',
            message('m1', 'r1', { attachments: [attachment('a1', photo), attachment('a2', rejected, { status: 'rejected', rejectionReason: 'not allowed' })] }),
            1,
          ),
          upsert('message', message('m2', 'r2', { attachments: [attachment('a3', photo)] }), 1),
        ],
        'c1',
      ),
      { now: 1 },
    );
    served.set(photoSha, reply.bytes(photo));
    served.set(sha256Of(rejected), reply.bytes(rejected));
    await expect(fetchAll()).resolves.toEqual({ downloaded: 1, failures: [], stoppedBy: null, remaining: 0 });
    expect(downloadedFlags()).toEqual([
      { attachment_id: 'a1', downloaded: 1 },
      { attachment_id: 'a2', downloaded: 0 },
      { attachment_id: 'a3', downloaded: 1 },
    ]);
    expect(hub.requests.map((request) => request.path)).toEqual([`/v1/blobs/${photoSha}`]);
  });

  it('holds a photo to the site’s size limit as well as its declared size', async () => {
    applyPull(
      store.db,
      pullBatch(
        [
          upsert('siteRules', siteRules('site-1', { maxAttachmentBytes: 10_000 }), 1),
          upsert('message', message('m1', 'r1', { attachments: [attachment('a1', photo)] }), 1),
        ],
        'c1',
      ),
      { now: 1 },
    );
    served.set(photoSha, reply.bytes(photo));
    const summary = await fetchAll();
    expect(summary.failures).toEqual([{ sha256: photoSha, error: { kind: 'tooLarge', limit: 10_000 } }]);
    expect(summary.stoppedBy).toBeNull();
    expect(filesOnDisk()).toEqual([]);
  });

  it('a damaged photo does not stop the others, and is retried only after a growing wait', async () => {
    const good = Buffer.from('good photo');
    applyPull(store.db, pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', photo), attachment('a2', good)] }), 1)], 'c1'), {
      now: 1,
    });
    served.set(photoSha, reply.bytes(Buffer.alloc(50_000, 9)));
    served.set(sha256Of(good), reply.bytes(good));
    const retries = new BlobRetryPolicy(60_000, 3_600_000);
    const first = await fetchAll(retries);
    expect(first).toMatchObject({ downloaded: 1, failures: [{ sha256: photoSha, error: { kind: 'hashMismatch' } }], stoppedBy: null, remaining: 1 });
    const requestsAfterFirst = hub.requests.length;
    now.value += 59_000;
    await fetchAll(retries);
    expect(hub.requests.length).toBe(requestsAfterFirst);
    now.value += 1_000;
    served.set(photoSha, reply.bytes(photo));
    await expect(fetchAll(retries)).resolves.toMatchObject({ downloaded: 1, failures: [], remaining: 0 });
  });

  it('an unreachable hub stops the phase at the first photo; the rest wait for the next sync', async () => {
    applyPull(store.db, pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', 'one'), attachment('a2', 'two')] }), 1)], 'c1'), {
      now: 1,
    });
    await hub.close();
    const summary = await fetchAll();
    expect(summary).toMatchObject({ downloaded: 0, stoppedBy: { kind: 'hub', failure: { kind: 'network' } }, remaining: 2 });
    expect(summary.failures).toHaveLength(1);
    hub = await startStandInHub(() => reply.error(404, 'notFound'));
  });

  it('bytes already on disk (a crash after the rename) are marked without a download', async () => {
    applyPull(store.db, pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', photo)] }), 1)], 'c1'), { now: 1 });
    mkdirSync(join(blobs.dir, photoSha.slice(0, 2)), { recursive: true });
    writeFileSync(blobs.pathOf(photoSha), photo);
    await expect(fetchAll()).resolves.toMatchObject({ downloaded: 0, remaining: 0 });
    expect(hub.requests).toEqual([]);
  });
});

describe('sweep', () => {
  it('removes temp files of interrupted downloads and files nothing refers to', () => {
    applyPull(store.db, pullBatch([upsert('message', message('m1', 'r1', { attachments: [attachment('a1', photo)] }), 1)], 'c1'), { now: 1 });
    const orphan = sha256Of('orphan');
    for (const sha of [photoSha, orphan]) {
      mkdirSync(join(blobs.dir, sha.slice(0, 2)), { recursive: true });
      writeFileSync(blobs.pathOf(sha), 'x');
    }
    writeFileSync(blobs.tempPathFor(photoSha), 'half');
    const referenced = new Set([photoSha]);
    expect(blobs.sweep((sha) => referenced.has(sha))).toEqual({ temporary: 1, unreferenced: 1 });
    expect(existsSync(blobs.pathOf(photoSha))).toBe(true);
    expect(existsSync(blobs.pathOf(orphan))).toBe(false);
  });
});
