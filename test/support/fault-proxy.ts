// A misbehaving network between a device and the hub, on loopback: each request is passed, delayed, answered with
// HTTP 500, dropped before it reaches the hub, reset mid-request, or — the nasty one — forwarded to the hub and
// then dropped before the answer gets back. Faults are drawn from a seeded generator, so a failing run repeats.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from './seeded-random';

export type Fault = 'pass' | 'delay' | 'http500' | 'dropBeforeHub' | 'reset' | 'dropAfterHub';

export interface FaultProxyOptions {
  readonly target: string;
  /** Relative weights; faults left out never happen. */
  readonly weights: Partial<Record<Fault, number>>;
  readonly seed: number;
  readonly maxDelayMs?: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly counts: Record<Fault, number>;
  /** From now on every request passes untouched (to let the system settle). */
  heal(): void;
  close(): Promise<void>;
}


const faults: readonly Fault[] = ['pass', 'delay', 'http500', 'dropBeforeHub', 'reset', 'dropAfterHub'];

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const counts = Object.fromEntries(faults.map((fault) => [fault, 0])) as Record<Fault, number>;
  const target = new URL(options.target);
  let healed = false;
  const sockets = new Set<Socket>();

  const draw = (): Fault => {
    if (healed) return 'pass';
    const total = faults.reduce((sum, fault) => sum + (options.weights[fault] ?? 0), 0);
    let roll = random() * total;
    for (const fault of faults) {
      roll -= options.weights[fault] ?? 0;
      if (roll < 0) return fault;
    }
    return 'pass';
  };

  const forward = (request: IncomingMessage, body: Buffer, onAnswer: (status: number, headers: http.IncomingHttpHeaders, answer: Buffer) => void, onError: () => void) => {
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, path: request.url, method: request.method, headers: { ...request.headers, host: target.host } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => onAnswer(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)));
        response.on('error', onError);
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  };

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault = draw();
      counts[fault] += 1;
      const answer = (status: number, headers: http.IncomingHttpHeaders, payload: Buffer) => {
        const { connection: _connection, 'transfer-encoding': _encoding, ...rest } = headers;
        response.writeHead(status, { ...rest, 'content-length': payload.length });
        response.end(payload);
      };
      const badGateway = () => answer(502, {}, Buffer.from('{"error":{"code":"internal","message":"proxy could not reach the hub"}}'));
      switch (fault) {
        case 'pass':
          return forward(request, body, answer, badGateway);
        case 'delay':
          return setTimeout(() => forward(request, body, answer, badGateway), Math.floor(random() * (options.maxDelayMs ?? 300)));
        case 'http500':
          return answer(500, { 'content-type': 'application/json' }, Buffer.from('{"error":{"code":"internal","message":"injected failure"}}'));
        case 'dropBeforeHub':
          return request.socket.destroy();
        case 'reset':
          return request.socket.resetAndDestroy();
        case 'dropAfterHub':
          // The hub did the work; the device never hears about it and must retry safely.
          return forward(request, body, () => request.socket.destroy(), () => request.socket.destroy());
        default: {
          const unreachable: never = fault;
          return unreachable;
        }
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    heal: () => {
      healed = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
