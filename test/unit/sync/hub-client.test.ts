// The hub client against a real HTTP server on loopback: every answer is parsed with the protocol, every failure is a
// typed value (network, timeout, http with the hub's code, invalid response), and nothing throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHubClient, describeHubFailure, hubEndpoint, type BlobSink } from '../../../main/sync/hub-client';
import { pullBatch, resident, upsert } from './fixtures';
import { reply, startStandInHub, type StandInHub } from './stand-in-hub';

let hub: StandInHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

const secret = 's'.repeat(43);
const client = (options: { timeoutMs?: number; maxResponseBytes?: number } = {}) => {
  if (!hub) throw new Error('no hub');
  return createHubClient({ hubUrl: hub.url, secret, ...options });
};

const collect = (): BlobSink & { bytes: number } => {
  const sink = {
    bytes: 0,
    start: () => 'continue' as const,
    write: async (chunk: Uint8Array) => {
      sink.bytes += chunk.byteLength;
      return 'continue' as const;
    },
  };
  return sink;
};

describe('hub client', () => {
  it('pulls with the bearer secret and returns the parsed batch', async () => {
    const batch = pullBatch([upsert('resident', resident('r1'), 1)], 'c1', true);
    hub = await startStandInHub(() => reply.pull(batch));
    const result = await client().pull({ cursor: null, limit: 100 });
    expect(result).toEqual({ ok: true, value: batch });
    expect(hub.requests).toEqual([{ method: 'POST', path: '/v1/pull', authorization: `Bearer ${secret}`, body: { cursor: null, limit: 100 } }]);
  });

  it('keeps a path prefix the hub is served under', () => {
    expect(hubEndpoint('https://hub.example/dayroom', '/v1/pull').href).toBe('https://hub.example/dayroom/v1/pull');
    expect(hubEndpoint('https://hub.example/dayroom/', '/v1/pull').href).toBe('https://hub.example/dayroom/v1/pull');
  });

  it('pushes and parses the results', async () => {
    hub = await startStandInHub(() =>
      reply.push({
        lastMutationId: 2,
        results: [
          { id: 1, status: 'applied' },
          { id: 2, status: 'refused', code: 'notEnoughStamps', reason: 'No stamps left.' },
        ],
      }),
    );
    const result = await client().push({ deviceId: 'dev-1', mutations: [{ id: 1, name: 'markRead', args: { residentId: 'r1', messageId: 'm1', readAt: 1 } }] });
    expect(result).toMatchObject({ ok: true, value: { lastMutationId: 2, results: [{ status: 'applied' }, { status: 'refused', code: 'notEnoughStamps' }] } });
  });

  it('an error status with the hub’s error body gives its code and message', async () => {
    hub = await startStandInHub(() => reply.error(409, 'mutationGap', 'expected mutation 4'));
    await expect(client().pull({ cursor: null, limit: 10 })).resolves.toEqual({
      ok: false,
      failure: { kind: 'http', status: 409, code: 'mutationGap', message: 'expected mutation 4' },
    });
  });

  it('an error status from something else (a proxy page) gives the status alone', async () => {
    hub = await startStandInHub(() => reply.raw(502, '<html>Bad gateway</html>'));
    const result = await client().pull({ cursor: null, limit: 10 });
    expect(result).toEqual({ ok: false, failure: { kind: 'http', status: 502, code: null, message: 'HTTP 502' } });
    if (!result.ok) expect(describeHubFailure(result.failure)).toBe('the hub answered with HTTP 502');
  });

  it('a redirect is not followed: the secret goes to the hub’s own address or nowhere', async () => {
    let elsewhere = 0;
    const other = createServer((_request, response) => {
      elsewhere += 1;
      response.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
    // The stand-in cannot set Location, so a bare server redirects for this one.
    const redirecting = createServer((_request, response) => response.writeHead(307, { location: target }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const result = await createHubClient({ hubUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`, secret }).pull({
      cursor: null,
      limit: 1,
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'http', status: 307 } });
    expect(elsewhere).toBe(0);
    await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it.each([
    ['not JSON', reply.raw(200, 'hello', 'text/plain'), /not JSON/],
    [
      'an HTML page (a captive portal)',
      reply.raw(200, '<html><body>Sign in to use this network</body></html>'),
      /not JSON: an HTML page answered instead of the hub/,
    ],
    ['JSON of the wrong shape', { kind: 'json', status: 200, body: { changes: [], cursor: 7, hasMore: false, serverTime: 1 } } as const, /cursor/],
    ['a batch without serverTime', { kind: 'json', status: 200, body: { changes: [], cursor: 'c', hasMore: false } } as const, /serverTime/],
  ])('a 2xx answer that is %s is an invalid response', async (_name, answer, problem) => {
    hub = await startStandInHub(() => answer);
    const result = await client().pull({ cursor: null, limit: 10 });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'invalidResponse' } });
    if (!result.ok && result.failure.kind === 'invalidResponse') expect(result.failure.problem).toMatch(problem);
  });

  it('an answer larger than the limit is refused without being parsed', async () => {
    hub = await startStandInHub(() => reply.pull(pullBatch([upsert('resident', resident('r1', { displayName: 'x'.repeat(100) }), 1)], 'c')));
    await expect(client({ maxResponseBytes: 64 }).pull({ cursor: null, limit: 10 })).resolves.toMatchObject({
      ok: false,
      failure: { kind: 'invalidResponse', problem: /larger than 64 bytes/ },
    });
  });

  it('an answer cut off part way is the network’s fault, not an invalid response', async () => {
    const text = Buffer.from(JSON.stringify(pullBatch([upsert('resident', resident('r1'), 1)], 'c1')));
    hub = await startStandInHub(() => ({ kind: 'cutOff', body: text, after: 20 }));
    await expect(client().pull({ cursor: null, limit: 10 })).resolves.toEqual({ ok: false, failure: { kind: 'network' } });
  });

  it('a hub that does not answer is a timeout', async () => {
    hub = await startStandInHub(() => ({ kind: 'hang' }));
    await expect(client({ timeoutMs: 50 }).pull({ cursor: null, limit: 10 })).resolves.toEqual({ ok: false, failure: { kind: 'timeout' } });
  });

  it('nothing listening is a network failure', async () => {
    hub = await startStandInHub(() => ({ kind: 'hang' }));
    const url = hub.url;
    await hub.close();
    hub = null;
    await expect(createHubClient({ hubUrl: url, secret }).pull({ cursor: null, limit: 10 })).resolves.toEqual({ ok: false, failure: { kind: 'network' } });
  });

  it('a request the caller stops is reported as aborted, not as the hub’s fault', async () => {
    hub = await startStandInHub(() => ({ kind: 'hang' }));
    const controller = new AbortController();
    const pending = client().pull({ cursor: null, limit: 10 }, controller.signal);
    controller.abort();
    await expect(pending).resolves.toEqual({ ok: false, failure: { kind: 'aborted' } });
  });

  it('enrollment sends no secret', async () => {
    hub = await startStandInHub(() => reply.error(404, 'enrollmentCodeInvalid'));
    await createHubClient({ hubUrl: hub.url }).enroll({ code: 'ABCD-2345', deviceName: 'Kiosk', appVersion: '0.1.0' });
    expect(hub.requests[0]?.authorization).toBeUndefined();
  });

  describe('blobs', () => {
    const bytes = Buffer.alloc(100_000, 7);

    it('streams the bytes to the sink', async () => {
      hub = await startStandInHub(() => reply.bytes(bytes));
      const sink = collect();
      await expect(client().fetchBlob('a'.repeat(64), sink)).resolves.toEqual({ ok: true, value: { bytes: bytes.byteLength, stopped: false } });
      expect(sink.bytes).toBe(bytes.byteLength);
      expect(hub.requests[0]).toMatchObject({ method: 'GET', path: `/v1/blobs/${'a'.repeat(64)}`, authorization: `Bearer ${secret}` });
    });

    it('a download cut off part way is a network failure', async () => {
      hub = await startStandInHub(() => ({ kind: 'cutOff', body: bytes, after: 1000 }));
      await expect(client().fetchBlob('a'.repeat(64), collect())).resolves.toEqual({ ok: false, failure: { kind: 'network' } });
    });

    it('an HTML page instead of the bytes is an invalid response, not a damaged attachment', async () => {
      hub = await startStandInHub(() => reply.raw(200, '<html><body>Sign in to use this network</body></html>'));
      const sink = collect();
      await expect(client().fetchBlob('a'.repeat(64), sink)).resolves.toEqual({
        ok: false,
        failure: { kind: 'invalidResponse', problem: 'an HTML page answered instead of the hub (a proxy or portal on the way?)' },
      });
      expect(sink.bytes).toBe(0);
    });

    it('a sink that refuses more stops the download', async () => {
      hub = await startStandInHub(() => reply.bytes(bytes, null));
      let seen = 0;
      const result = await client().fetchBlob('a'.repeat(64), {
        start: () => 'continue',
        write: async (chunk) => {
          seen += chunk.byteLength;
          return seen > 10_000 ? 'stop' : 'continue';
        },
      });
      expect(result).toMatchObject({ ok: true, value: { stopped: true } });
      expect(seen).toBeLessThan(bytes.byteLength);
    });

    /** A real server on loopback that sends the headers and the first part of the body, then nothing, for good. */
    async function stallingServer(): Promise<{ url: string; close: () => Promise<void> }> {
      const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) });
        response.write(bytes.subarray(0, 1000));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    }

    /**
     * A fetch whose answer sends part of the body and then stalls in a way no abort reaches: its stream is its own (as
     * the crash worker's throttled stream, or any wrapper, is), and nothing ever ends or errors it. What a download
     * waits on when the connection under it is gone without a word.
     */
    const stallingFetch: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 1000));
          },
          pull: () => new Promise<void>(() => undefined),
        }),
        { status: 200, headers: { 'content-type': 'application/octet-stream' } },
      );

    it('a download that stalls mid-body on the wire ends at the blob timeout', async () => {
      const stalled = await stallingServer();
      try {
        const sink = collect();
        const result = await createHubClient({ hubUrl: stalled.url, secret, blobTimeoutMs: 200 }).fetchBlob('a'.repeat(64), sink);
        expect(result).toEqual({ ok: false, failure: { kind: 'timeout' } });
        expect(sink.bytes).toBe(1000);
      } finally {
        await stalled.close();
      }
    });

    // Without the client's own race on each read, these two waited forever: the abort and the timeout reached the fetch,
    // not the stream it had returned. The test's timeout is far above the blob timeout, so load cannot make it flake.
    it('a download whose stream stalls beyond any abort still ends at the blob timeout', { timeout: 20_000 }, async () => {
      const sink = collect();
      const result = await createHubClient({ hubUrl: 'http://127.0.0.1:9', secret, blobTimeoutMs: 200, fetch: stallingFetch }).fetchBlob('a'.repeat(64), sink);
      expect(result).toEqual({ ok: false, failure: { kind: 'timeout' } });
      expect(sink.bytes).toBe(1000);
    });

    it('a download whose stream stalls beyond any abort ends when the caller stops it', { timeout: 20_000 }, async () => {
      const controller = new AbortController();
      let seen = 0;
      const pending = createHubClient({ hubUrl: 'http://127.0.0.1:9', secret, blobTimeoutMs: 3_600_000, fetch: stallingFetch }).fetchBlob(
        'a'.repeat(64),
        {
          start: () => 'continue',
          write: async (chunk) => {
            seen += chunk.byteLength;
            return 'continue';
          },
        },
        controller.signal,
      );
      await vi.waitFor(() => expect(seen).toBe(1000));
      controller.abort();
      await expect(pending).resolves.toEqual({ ok: false, failure: { kind: 'aborted' } });
    });
  });

  it('a JSON answer whose body stalls beyond any abort ends at the request timeout', { timeout: 20_000 }, async () => {
    const stallingJson: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"changes":['));
          },
          pull: () => new Promise<void>(() => undefined),
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const result = await createHubClient({ hubUrl: 'http://127.0.0.1:9', secret, timeoutMs: 200, fetch: stallingJson }).pull({ cursor: null, limit: 10 });
    expect(result).toEqual({ ok: false, failure: { kind: 'timeout' } });
  });
});
