// The live-change benchmarks' light device (test/bench/fleet-clients.ts) against a stand-in hub on loopback: it reads
// the stream through the device's own reader over the benchmark's undici pool — an event split across chunks, CRLF
// line ends, a heartbeat comment — pulls when told, follows the cursor, and picks out the benchmark's letters.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubPaths } from '../../../hub/protocol';
import { createHubClient } from '../../../main/sync/hub-client';
import { countingLogger, fetchVia, LightDevice, liveLetterPrefix, makePools } from '../../bench/fleet-clients';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const letter = (id: string, body: string): Record<string, unknown> => ({ entity: 'message', op: 'upsert', id, version: 2, data: { body } });

describe('the load generator’s light device', () => {
  it('pulls on `ready` and on `changes`, follows the cursor and reports the letters it pulled', async () => {
    const cursors: (string | null)[] = [];
    let sendChanges: () => void = () => undefined;
    const server = createServer((request, response) => {
      if (request.url === hubPaths.changes) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // `ready` in two pieces with CRLF, a heartbeat; `changes` later, when the test says so.
        response.write('event: re');
        setTimeout(() => response.write('ady\r\ndata: {}\r\n\r\n: keepalive\n\n'), 20);
        sendChanges = () => response.write('event: changes\ndata: {}\n\n');
        return;
      }
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        const { cursor } = JSON.parse(text) as { cursor: string | null };
        cursors.push(cursor);
        const page = cursors.length;
        const changes = page === 2 ? [letter('m-1', `${liveLetterPrefix} 1`), letter('m-2', 'Not one of the benchmark’s')] : [];
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ changes, cursor: `c${page}`, hasMore: false, serverTime: Date.now() }));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const pools = makePools();
    const letters: string[] = [];
    const device = new LightDevice(
      { deviceId: 'd-1', secret: 's'.repeat(43) },
      createHubClient({ hubUrl, secret: 's'.repeat(43), fetch: fetchVia(pools.pulls) }),
      (messageId) => letters.push(messageId),
    );
    const counter = { streamFailures: 0 };
    let ready = 0;
    device.listen(hubUrl, fetchVia(pools.streams), countingLogger(counter), () => {
      ready += 1;
      device.wake();
    });
    await vi.waitFor(() => expect(cursors).toEqual([null]));
    expect(ready).toBe(1);
    sendChanges();
    await vi.waitFor(() => expect(cursors).toEqual([null, 'c1']));
    await vi.waitFor(() => expect(letters).toEqual(['m-1']));
    expect(device.cursor).toBe('c2');
    expect(counter.streamFailures).toBe(0);
    await device.stream?.stop();
    await Promise.all([pools.pulls.close(), pools.streams.close()]);
  });
});
