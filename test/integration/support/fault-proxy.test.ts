// The fault proxy itself must do what it says, or the sync tests that rely on it prove nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFaultProxy, type Fault, type FaultProxy } from '../../support/fault-proxy';

let upstream: http.Server;
let upstreamHits = 0;
let proxy: FaultProxy | null = null;

async function startUpstream(): Promise<string> {
  upstreamHits = 0;
  upstream = http.createServer((request, response) => {
    upstreamHits += 1;
    request.resume();
    // Long enough that a cut answer is visibly shorter than its Content-Length.
    request.on('end', () => response.end(JSON.stringify({ path: request.url, padding: 'x'.repeat(2_000) })));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await new Promise((resolve) => upstream.close(resolve));
});

async function only(fault: Fault) {
  proxy = await startFaultProxy({ target: await startUpstream(), weights: { [fault]: 1 }, seed: 1, maxDelayMs: 20, slowDelayMs: { min: 300, max: 400 } });
  return fetch(`${proxy.url}/v1/pull`, { method: 'POST', body: '{}' });
}

describe('fault proxy', () => {
  it('passes and delays requests through to the hub', async () => {
    expect(await (await only('pass')).json()).toEqual({ path: '/v1/pull', padding: 'x'.repeat(2_000) });
    expect(upstreamHits).toBe(1);
    await proxy?.close();
    await new Promise((resolve) => upstream.close(resolve));
    expect((await only('delay')).status).toBe(200);
  });

  it('answers 500 without reaching the hub', async () => {
    expect((await only('http500')).status).toBe(500);
    expect(upstreamHits).toBe(0);
  });

  it.each(['dropBeforeHub', 'reset'] as const)('%s: the request fails and the hub never sees it', async (fault) => {
    await expect(only(fault)).rejects.toThrow();
    expect(upstreamHits).toBe(0);
  });

  it('dropAfterHub: the hub sees the request, the caller never gets the answer', async () => {
    await expect(only('dropAfterHub')).rejects.toThrow();
    expect(upstreamHits).toBe(1);
  });

  it.each(['truncated', 'resetMidAnswer'] as const)(
    '%s: the hub sees the request; headers promise the whole answer, the body stops part-way',
    async (fault) => {
      const response = await only(fault);
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('content-length'))).toBeGreaterThan(2_000);
      await expect(response.arrayBuffer()).rejects.toThrow();
      expect(upstreamHits).toBe(1);
    },
  );

  it("http502: the hub does the work, the caller gets a load balancer's HTML page", async () => {
    const response = await only('http502');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('502 Bad Gateway');
    expect(upstreamHits).toBe(1);
  });

  it('html: a page with status 200 answers instead of the hub', async () => {
    const response = await only('html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<html>');
    expect(upstreamHits).toBe(0);
  });

  it('slow: the request reaches the hub after the hold, even when the caller gave up', async () => {
    proxy = await startFaultProxy({ target: await startUpstream(), weights: { slow: 1 }, seed: 1, slowDelayMs: { min: 300, max: 400 } });
    await expect(fetch(`${proxy.url}/v1/push`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(upstreamHits).toBe(0);
    await vi.waitFor(() => expect(upstreamHits).toBe(1), { timeout: 10_000 });
    expect((await fetch(`${proxy.url}/v1/pull`, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('repeats the same faults for the same seed, and heals on request', async () => {
    const target = await startUpstream();
    const run = async () => {
      const faulty = await startFaultProxy({ target, weights: { pass: 1, http500: 1 }, seed: 42 });
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1) statuses.push((await fetch(faulty.url)).status);
      faulty.heal();
      const healed = (await fetch(faulty.url)).status;
      await faulty.close();
      return { statuses, healed };
    };
    const first = await run();
    expect(first.statuses).toContain(500);
    expect(first.statuses).toContain(200);
    expect(await run()).toEqual(first);
    expect(first.healed).toBe(200);
  });
});
