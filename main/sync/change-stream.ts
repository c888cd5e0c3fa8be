// The device's end of the hub's change stream (hubPaths.changes; docs/sync.md §11 "Live changes"): one long-lived
// request that the hub writes to when one of this device's audiences moves, so a letter approved at the hub is pulled
// at once instead of at the next poll. The stream carries no data — only `ready` (pull: changes may have been missed
// while there was no stream) and `changes` (pull) — so nothing read from it is trusted with anything but waking sync.
//
// When it cannot be had (the hub is older and has no such route, a proxy buffers it, the hub is full or gone) the
// device polls as before; the stream is tried again after a wait that grows with each failure (full jitter), and
// after a stream that ends (a hub process restarted, every device at once) after a short random wait, so thousands of
// devices do not come back in the same second.
import { hubPaths } from '../../hub/protocol';
import type { Logger } from '../logging';

export interface ChangeStreamOptions {
  readonly hubUrl: string;
  readonly secret: string;
  readonly logger: Logger;
  /** The stream is open and the hub said `ready`. */
  readonly onReady: () => void;
  /** The hub says this device has changes to pull. */
  readonly onChanges: () => void;
  /** An open stream ended or failed: until the next onReady, only polling finds changes. */
  readonly onLost: () => void;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  readonly retry?: Partial<ChangeStreamRetry>;
}

export interface ChangeStreamRetry {
  /** After a failed attempt: a wait between half of and all of firstMs × 2^(failures-1), never more than maxMs. */
  readonly firstMs: number;
  readonly maxMs: number;
  /** After an open stream ended: a random wait up to this, so a restarted hub is not met by every device at once. */
  readonly afterEndMaxMs: number;
  /** No byte for this long (the hub sends a heartbeat every 25 s): the connection is dead; start again. */
  readonly idleMs: number;
}

export const defaultChangeStreamRetry: ChangeStreamRetry = { firstMs: 2_000, maxMs: 300_000, afterEndMaxMs: 10_000, idleMs: 75_000 };

/** More than this between two events is not a stream the hub sent: give up on it. */
const maxPendingBytes = 64 * 1024;

export interface ChangeStream {
  /** True between `ready` and the stream's end. */
  readonly connected: boolean;
  stop(): Promise<void>;
}

type AttemptOutcome =
  /** The stream was open and then ended (the hub closed it, restarted, the network dropped). */
  | { readonly kind: 'ended' }
  /** It never opened: why, in a few words for the log, and how long the hub asked us to wait. */
  | { readonly kind: 'failed'; readonly why: string; readonly retryAfterMs: number | null }
  | { readonly kind: 'stopped' };

function retryAfterOf(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 3600) * 1000 : null;
}

export function openChangeStream(options: ChangeStreamOptions): ChangeStream {
  const retry = { ...defaultChangeStreamRetry, ...options.retry };
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const stopping = new AbortController();
  let connected = false;

  async function attempt(): Promise<AttemptOutcome> {
    const request = new AbortController();
    const onStop = (): void => request.abort();
    stopping.signal.addEventListener('abort', onStop);
    let idleTimer: NodeJS.Timeout | null = null;
    const stillAlive = (): void => {
      if (idleTimer !== null) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => request.abort(), retry.idleMs);
      idleTimer.unref();
    };
    try {
      stillAlive();
      const response = await doFetch(new URL(hubPaths.changes, options.hubUrl), {
        headers: { authorization: `Bearer ${options.secret}`, accept: 'text/event-stream' },
        signal: request.signal,
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'failed', why: `status ${response.status}`, retryAfterMs: retryAfterOf(response.headers.get('retry-after')) };
      }
      if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || response.body === null) {
        // A captive portal's page, or a proxy that answers for the hub: not a stream.
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'failed', why: 'not an event stream', retryAfterMs: null };
      }
      const decoder = new TextDecoder();
      let pending = '';
      let opened = false;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        stillAlive();
        pending += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let boundary = pending.indexOf('\n\n');
        while (boundary !== -1) {
          const block = pending.slice(0, boundary);
          pending = pending.slice(boundary + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          if (event === 'ready') {
            opened = true;
            connected = true;
            options.onReady();
          } else if (event === 'changes' && opened) {
            options.onChanges();
          }
          // Comments (heartbeats) and events this version does not know are passed over.
          boundary = pending.indexOf('\n\n');
        }
        if (pending.length > maxPendingBytes) return { kind: 'failed', why: 'the stream sent an event too large to be the hub’s', retryAfterMs: null };
      }
      return opened ? { kind: 'ended' } : { kind: 'failed', why: 'ended before it was ready', retryAfterMs: null };
    } catch {
      if (stopping.signal.aborted) return { kind: 'stopped' };
      return connected ? { kind: 'ended' } : { kind: 'failed', why: 'could not connect', retryAfterMs: null };
    } finally {
      if (idleTimer !== null) clearTimeout(idleTimer);
      stopping.signal.removeEventListener('abort', onStop);
      request.abort();
      if (connected) {
        connected = false;
        if (!stopping.signal.aborted) options.onLost();
      }
    }
  }

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done);
    });

  const running = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const outcome = await attempt();
      switch (outcome.kind) {
        case 'stopped':
          return;
        case 'ended':
          failures = 0;
          options.logger.info('change stream ended; opening it again');
          await wait(random() * retry.afterEndMaxMs);
          break;
        case 'failed': {
          failures += 1;
          const ceiling = Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(failures - 1, 20));
          const delay = Math.max(outcome.retryAfterMs ?? 0, ceiling / 2 + (random() * ceiling) / 2);
          if (failures === 1 || failures % 10 === 0)
            options.logger.info({ why: outcome.why, failures, retryInMs: Math.round(delay) }, 'no change stream from the hub; polling meanwhile');
          await wait(delay);
          break;
        }
        default: {
          const unknownOutcome: never = outcome;
          throw new Error(`unknown stream outcome ${JSON.stringify(unknownOutcome)}`);
        }
      }
    }
  })();

  return {
    get connected() {
      return connected;
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
