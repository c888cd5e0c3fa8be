// The load generator's device clients (device-fleet.ts), apart from its process so a unit test can drive them: keep-alive
// pools, a fetch over a chosen pool, and the light device — the device's real stream reader and hub client's pull,
// with no store.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Agent, fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import { z } from 'zod';
import type { Logger } from '../../main/logging';
import { openChangeStream, type ChangeStream } from '../../main/sync/change-stream';
import type { HubClient } from '../../main/sync/hub-client';

/** Every letter the live benchmarks approve begins so (hub-seed.ts approveLetters); a device looks for it. */
export const liveLetterPrefix = 'Live bench letter';

export interface LightDeviceSpec {
  readonly deviceId: string;
  readonly secret: string;
}

/** Keep-alive pools: one for pulls (and the health baseline), sized to what is in flight at once, one for streams. */
export interface Pools {
  readonly pulls: Dispatcher;
  readonly streams: Dispatcher;
}

/** Pull connections at most; a storm's 5,000 pulls queue here rather than open 5,000 more sockets. */
const pullConnections = Number(process.env.BENCH_LIVE_PULL_CONNECTIONS ?? '512');

export function makePools(): Pools {
  return {
    pulls: new Agent({ connections: pullConnections, pipelining: 1, keepAliveTimeout: 60_000 }),
    // Each stream holds its connection for as long as it is open: no cap, and no body timeout (heartbeats are 25 s apart).
    streams: new Agent({ connections: null, pipelining: 1, bodyTimeout: 0, headersTimeout: 120_000 }),
  };
}

/** The global fetch's signature over undici's own fetch with a chosen pool (the device code takes `typeof fetch`). */
export function fetchVia(dispatcher: Dispatcher): typeof fetch {
  const viaPool = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : input;
    // undici's RequestInit and Response are the ones Node's fetch is built on; only their declared types differ.
    return undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher }) as unknown as Promise<Response>;
  };
  return viaPool;
}

/** A pino logger that drops lines but counts the stream's "no change stream" ones (a refused or failed attempt). */
export function countingLogger(counter: { streamFailures: number }): Logger {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.includes('no change stream from the hub')) counter.streamFailures += 1;
        done();
      },
    }),
  );
}

/** A light device checks each change no further than this: is it one of the benchmark's letters (the engine parses it all). */
const LetterChange = z.object({ entity: z.literal('message'), op: z.literal('upsert'), id: z.string(), data: z.object({ body: z.string() }) });

export class LightDevice {
  cursor: string | null = null;
  stream: ChangeStream | null = null;
  readyAt = Number.NaN;
  upToDateAt = Number.NaN;
  changesSinceMark = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private wakePending = false;

  constructor(
    readonly spec: LightDeviceSpec,
    readonly client: HubClient,
    private readonly onLetter: (messageId: string, deviceId: string) => void,
  ) {}

  /** One pull request, after whatever this device is already doing (a device pulls one page at a time). */
  pullOnce(): Promise<{ ok: boolean; hasMore: boolean; ms: number }> {
    const run = async (): Promise<{ ok: boolean; hasMore: boolean; ms: number }> => {
      const sent = performance.now();
      const answer = await this.client.pull({ cursor: this.cursor, limit: 500 }).catch(() => null);
      const ms = performance.now() - sent;
      if (answer === null || !answer.ok) return { ok: false, hasMore: false, ms };
      this.cursor = answer.value.cursor;
      this.changesSinceMark += answer.value.changes.length;
      for (const change of answer.value.changes) {
        const letter = LetterChange.safeParse(change);
        if (letter.success && letter.data.data.body.startsWith(liveLetterPrefix)) this.onLetter(letter.data.id, this.spec.deviceId);
      }
      return { ok: true, hasMore: answer.value.hasMore, ms };
    };
    const result = this.chain.then(run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Pulls until the hub says there is no more; true if every page came. */
  async pullToEnd(): Promise<boolean> {
    for (;;) {
      const page = await this.pullOnce();
      if (!page.ok) return false;
      if (!page.hasMore) return true;
    }
  }

  /** Opens the device's change stream with the device's own reader: `changes` makes it pull; `ready` calls `onReady`. */
  listen(hubUrl: string, streamFetch: typeof fetch, logger: Logger, onReady: () => void): void {
    this.stream = openChangeStream({
      hubUrl,
      secret: this.spec.secret,
      logger,
      fetch: streamFetch,
      onReady: () => {
        this.readyAt = performance.now();
        onReady();
      },
      onChanges: () => this.wake(),
      onLost: () => undefined,
    });
  }

  /** The stream said `ready` or `changes`: pull to the end once, and again if it spoke meanwhile. */
  wake(onDone?: (ok: boolean) => void): void {
    if (this.wakePending) return;
    this.wakePending = true;
    void this.chain.then(async () => {
      this.wakePending = false;
      const ok = await this.pullToEnd();
      onDone?.(ok);
    });
  }
}
