// The sync engine end to end on the device side: a real store on disk, real blob files, real HTTP to a scripted
// stand-in hub. Pull in batches, push exactly once across outages and restarts, attachments after text, a bad batch
// refused whole, and logs that carry no secret, no message body and no PIN hash.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Change } from '../../../hub/protocol';
import { syncStateQueries } from '../../../main/store/sync-state';
import { openBlobStore } from '../../../main/sync/blobs';
import { startSyncEngine, syncSettingsOf, type SyncEngine } from '../../../main/sync/engine';
import { digestOfRecords, replicaDigest, type ReplicaRecord } from '../../../main/sync/replica-digest';
import { homeSummaryQueries } from '../../../main/store/home-summary';
import { attachment, balance, contact, evict, message, resident, sha256Of, siteRules, tempStore, upsert, type TempStore } from '../../unit/sync/fixtures';
import { reply } from '../../unit/sync/stand-in-hub';
import { ScriptedHub } from './scripted-hub';

let store: TempStore;
let hub: ScriptedHub;
let engine: SyncEngine | null = null;
let logText = '';

beforeEach(async () => {
  store = tempStore();
  hub = await new ScriptedHub().start();
  logText = '';
});
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await hub.close();
  store.cleanup();
});

const logger = () =>
  pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText += chunk.toString();
        done();
      },
    }),
  );

function start(secret = hub.secret, options: { readonly blobTimeoutMs?: number; readonly fetch?: typeof fetch } = {}): SyncEngine {
  engine = startSyncEngine({
    db: store.db,
    dataDir: store.dir,
    credential: { deviceId: hub.deviceId, secret, hubUrl: hub.url, siteId: 'site-1', siteName: 'Riverbend', kind: 'kiosk', housingUnitId: 'B', enrolledAt: 1 },
    settings: {
      ...syncSettingsOf(undefined, 'kiosk'),
      pullLimit: 2,
      requestTimeoutMs: 5_000,
      ...(options.blobTimeoutMs === undefined ? {} : { blobTimeoutMs: options.blobTimeoutMs }),
    },
    logger: logger(),
    now: Date.now,
    random: () => 0.5,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return engine;
}

async function restart(secret = hub.secret): Promise<SyncEngine> {
  await engine?.stop();
  store.reopen();
  return start(secret);
}

/** The hub's view: the newest version of each record in its log. */
function hubView(log: readonly Change[]): ReplicaRecord[] {
  const newest = new Map<string, ReplicaRecord>();
  for (const change of log) {
    if (change.op !== 'upsert') continue;
    const key = `${change.entity}:${change.id}`;
    if ((newest.get(key)?.version ?? 0) < change.version) newest.set(key, { entity: change.entity, id: change.id, version: change.version, data: change.data });
  }
  return [...newest.values()];
}

const photo = Buffer.alloc(40_000, 3);
const privateBody = 'Te extraño mucho, mijo. The dog misses you too.';
const pinHash = 'scrypt:1024:8:1:c2VjcmV0c2FsdA==:cGluLWhhc2gtdGhhdC1tdXN0LW5vdC1iZS1sb2dnZWQ=';

function seedHub() {
  hub.log.push(
    upsert('siteRules', siteRules(), 1),
    upsert('resident', resident('r1', { pinHash }), 1),
    upsert('contact', contact('c1', 'r1'), 1),
    upsert('message', message('m1', 'r1', { body: privateBody, attachments: [attachment('a1', photo)] }), 1),
    upsert('message', message('m2', 'r1'), 1),
    upsert('balance', balance('r1', { stamps: 7 }), 1),
    upsert('balance', balance('r1', { stamps: 6 }), 2),
  );
  hub.blobs.set(sha256Of(photo), photo);
}

const markRead = (sync: SyncEngine, messageId: string) => sync.recordMutation('markRead', { residentId: 'r1', messageId, readAt: 5 }, () => undefined);

/**
 * The network as the long crash run met it: attachment bytes start to arrive and then stop, on a stream that no abort
 * reaches and nothing ever ends. Everything else goes to the scripted hub.
 */
function stallingAttachments(): { readonly fetch: typeof fetch; readonly stalled: () => boolean } {
  let stalled = false;
  return {
    stalled: () => stalled,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.includes('/v1/blobs/')) return fetch(input, init);
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(photo.subarray(0, 1000));
          },
          pull: () => {
            stalled = true;
            return new Promise<void>(() => undefined);
          },
        }),
        { status: 200, headers: { 'content-type': 'application/octet-stream' } },
      );
    },
  };
}

const partFiles = (): string[] => readdirSync(join(openBlobStore(store.dir).dir, 'tmp'));

describe('sync engine', () => {
  it('pulls the log in batches, fetches attachments after text, and ends equal to the hub’s view', async () => {
    seedHub();
    const sync = start();
    const status = await sync.whenResting();
    expect(status).toMatchObject({ state: 'idle', pendingMutations: 0, blobsWaiting: 0, lastError: null });
    expect(status.lastSuccessAt).not.toBeNull();
    expect(hub.pulls).toBe(4);
    expect(replicaDigest(store.db)).toBe(digestOfRecords(hubView(hub.log)));
    expect(existsSync(openBlobStore(store.dir).pathOf(sha256Of(photo)))).toBe(true);
    expect(homeSummaryQueries(store.db).forResident('r1')).toMatchObject({ unreadMessages: 2, balance: { stamps: 6 } });
  });

  it('a mutation recorded during an outage is pushed once when the network returns, across a restart', async () => {
    seedHub();
    let sync = start();
    await sync.whenResting();
    hub.outage = reply.raw(503, 'Service Unavailable');
    markRead(sync, 'm1');
    const failed = await sync.whenResting();
    expect(failed).toMatchObject({ state: 'backingOff', pendingMutations: 1, lastError: { code: 'hubError' } });
    expect(homeSummaryQueries(store.db).forResident('r1')).toMatchObject({ unreadMessages: 1, waitingOnThisDevice: 1 });

    sync = await restart();
    await sync.whenResting();
    expect(sync.status()).toMatchObject({ state: 'backingOff', pendingMutations: 1 });
    hub.outage = null;
    sync.send({ type: 'NETWORK_UP' });
    await sync.whenResting();
    expect(sync.status()).toMatchObject({ state: 'idle', pendingMutations: 0, lastError: null });
    expect(hub.applied.map((mutation) => [mutation.id, mutation.name])).toEqual([[1, 'markRead']]);

    // A lost answer: the hub applies, the device never hears and retries; the hub skips it, the device settles it.
    hub.losesNextPushAnswer = true;
    markRead(sync, 'm2');
    await expect(sync.whenResting()).resolves.toMatchObject({ state: 'backingOff', pendingMutations: 1 });
    sync.send({ type: 'SYNC_NOW' });
    await expect(sync.whenResting()).resolves.toMatchObject({ state: 'idle', pendingMutations: 0 });
    expect(hub.applied.map((mutation) => mutation.id)).toEqual([1, 2]);
    expect(store.db.prepare('SELECT mutation_id, status FROM outbox ORDER BY mutation_id').all()).toEqual([
      { mutation_id: 1, status: 'applied' },
      { mutation_id: 2, status: 'applied' },
    ]);
  });

  it('a refusal reaches the outbox with its code and reason', async () => {
    seedHub();
    hub.refuse = (mutation) => (mutation.name === 'buyStamps' ? { code: 'notEnoughMoney', reason: 'Your balance is $1.20; a book costs $2.50.' } : null);
    const sync = start();
    await sync.whenResting();
    sync.recordMutation('buyStamps', { residentId: 'r1', requestId: randomUUID(), bookSize: 5 }, () => undefined);
    await sync.whenResting();
    expect(store.db.prepare('SELECT status, result_code, result_reason FROM outbox').get()).toEqual({
      status: 'refused',
      result_code: 'notEnoughMoney',
      result_reason: 'Your balance is $1.20; a book costs $2.50.',
    });
  });

  it('a batch that breaks the protocol is refused whole and counted; sync resumes once the hub is fixed', async () => {
    seedHub();
    const sync = start();
    await sync.whenResting();
    const before = replicaDigest(store.db);
    const cursorBefore = syncStateQueries(store.db).get().cursor;
    // A stamp balance below zero cannot exist: the whole batch (with the good change before it) is refused.
    hub.sendsUncheckedChanges = true;
    hub.log.push(upsert('contact', contact('c2', 'r1'), 1), { ...upsert('balance', balance('r1'), 3), data: { ...balance('r1'), stamps: -2 } } as Change);
    sync.send({ type: 'SYNC_NOW' });
    const refused = await sync.whenResting();
    expect(refused).toMatchObject({ state: 'backingOff', lastError: { code: 'invalidBatch' }, errorCounts: { invalidBatch: 1 } });
    expect(replicaDigest(store.db)).toBe(before);
    expect(syncStateQueries(store.db).get().cursor).toBe(cursorBefore);

    hub.log.splice(hub.log.length - 1, 1, upsert('balance', balance('r1', { stamps: 2 }), 3));
    sync.send({ type: 'SYNC_NOW' });
    await sync.whenResting();
    expect(sync.status()).toMatchObject({ state: 'idle', lastError: null });
    expect(replicaDigest(store.db)).toBe(digestOfRecords(hubView(hub.log)));
  });

  it('an evict removes the person and their photo files, keeps their unpushed mutation, and pushes it', async () => {
    seedHub();
    const sync = start();
    await sync.whenResting();
    hub.outage = reply.raw(503, 'down');
    markRead(sync, 'm1');
    await sync.whenResting();
    hub.outage = null;
    hub.log.push(evict('r1'));
    sync.send({ type: 'SYNC_NOW' });
    await sync.whenResting();
    expect(replicaDigest(store.db)).toBe(digestOfRecords(hubView(hub.log).filter((record) => record.entity === 'siteRules')));
    expect(existsSync(openBlobStore(store.dir).pathOf(sha256Of(photo)))).toBe(false);
    expect(hub.applied.map((mutation) => mutation.name)).toEqual(['markRead']);
  });

  it('a credential the hub does not accept is reported in words, and the last success survives a restart', async () => {
    seedHub();
    let sync = start();
    const ok = await sync.whenResting();
    const deviceSecret = hub.secret;
    hub.secret = 'rotated'.padEnd(48, 'y');
    sync = await restart(deviceSecret);
    const refused = await sync.whenResting();
    expect(refused).toMatchObject({ state: 'backingOff', lastSuccessAt: ok.lastSuccessAt, lastError: { code: 'deviceNotRecognized' } });
  });

  it('logs carry codes and counts, never the secret, a message body or a PIN hash', async () => {
    seedHub();
    const sync = start();
    await sync.whenResting();
    markRead(sync, 'm1');
    await sync.whenResting();
    hub.outage = reply.raw(500, 'boom');
    sync.send({ type: 'SYNC_NOW' });
    await sync.whenResting();
    expect(logText).toContain('pull batch applied');
    expect(logText).not.toContain(hub.secret);
    expect(logText).not.toContain(privateBody);
    expect(logText).not.toContain(pinHash);
  });

  // The long crash run's last start hung in stop() on such a download; without the hub client's own deadline on each
  // read, both of these waited forever. The bounds are the tests' timeouts, far above the blob timeout.
  it('an attachment download that stalls mid-body ends at the blob timeout with a coded error and no partial file', { timeout: 20_000 }, async () => {
    seedHub();
    const network = stallingAttachments();
    const sync = start(hub.secret, { blobTimeoutMs: 300, fetch: network.fetch });
    const status = await sync.whenResting();
    expect(network.stalled()).toBe(true);
    expect(status).toMatchObject({ state: 'idle', blobsWaiting: 1, lastError: { code: 'hubTimeout' } });
    expect(partFiles()).toEqual([]);
    expect(existsSync(openBlobStore(store.dir).pathOf(sha256Of(photo)))).toBe(false);
  });

  it('stop() during a stalled attachment download resolves and leaves no partial file', { timeout: 20_000 }, async () => {
    seedHub();
    const network = stallingAttachments();
    const sync = start(hub.secret, { blobTimeoutMs: 3_600_000, fetch: network.fetch });
    await vi.waitFor(() => {
      expect(network.stalled()).toBe(true);
      expect(sync.status().state).toBe('fetchingBlobs');
    });
    await sync.stop();
    engine = null;
    expect(partFiles()).toEqual([]);
  });
});
