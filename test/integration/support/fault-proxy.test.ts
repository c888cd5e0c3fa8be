// The fault proxy itself must do what it says, or the sync tests that rely on it prove nothing.
import { afterEach, describe, expect, it } from 'vitest';
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
    request.on('end', () => response.end(JSON.stringify({ path: request.url })));
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
  proxy = await startFaultProxy({ target: await startUpstream(), weights: { [fault]: 1 }, seed: 1, maxDelayMs: 20 });
  return fetch(`${proxy.url}/v1/pull`, { method: 'POST', body: '{}' });
}

describe('fault proxy', () => {
  it('passes and delays requests through to the hub', async () => {
    expect(await (await only('pass')).json()).toEqual({ path: '/v1/pull' });
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
