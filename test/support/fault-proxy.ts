// A misbehaving network between a device and the hub, on loopback: each request is passed, delayed, answered with
// HTTP 500, dropped before it reaches the hub, reset mid-request, or — the nasty ones — forwarded to the hub and then
// dropped before the answer gets back, cut part-way through the answer (a Content-Length that promises the whole body,
// then the connection closed, or reset), answered with a load balancer's HTML 502 page after the hub did the work, or
// held for seconds. A captive portal's or misconfigured balancer's HTML page with status 200 stands in for the hub.
// Faults are drawn from a seeded generator, so a failing run repeats. Given several hubs (processes on one database), the
// proxy is also the balancer in front of them: each request goes to the next hub in turn, a retry as likely to the
// other hub as to the one that did (or did not do) the work.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from './seeded-random';

export type Fault =
  | 'pass'
  | 'delay'
  | 'http500'
  | 'dropBeforeHub'
  | 'reset'
  | 'dropAfterHub'
  /** The hub's answer, with its full Content-Length, cut part-way and the connection closed. */
  | 'truncated'
  /** The hub's answer, part of its body sent, then the connection reset. */
  | 'resetMidAnswer'
  /** The hub did the work; a load balancer answers 502 with its HTML page instead (its upstream timed out). */
  | 'http502'
  /** An HTML page with status 200 instead of the hub (a captive portal, a balancer sending to the wrong backend). */
  | 'html'
  /** Held for `slowDelayMs` before it goes on to the hub: long enough to outlast a device's request timeout. */
  | 'slow';

export interface FaultProxyOptions {
  /** The hub, or the hubs taken in turn request by request. */
  readonly target: string | readonly string[];
  /** Relative weights; faults left out never happen. */
  readonly weights: Partial<Record<Fault, number>>;
  readonly seed: number;
  readonly maxDelayMs?: number;
  /** How long a `slow` request is held: drawn between the two (default 1.5 to 3 seconds). */
  readonly slowDelayMs?: { readonly min: number; readonly max: number };
}

export interface FaultProxy {
  readonly url: string;
  readonly counts: Record<Fault, number>;
  /** Requests forwarded to each target, in the order given. */
  readonly forwarded: number[];
  /** From now on every request passes untouched (to let the system settle). */
  heal(): void;
  close(): Promise<void>;
}

const faults: readonly Fault[] = [
  'pass',
  'delay',
  'http500',
  'dropBeforeHub',
  'reset',
  'dropAfterHub',
  'truncated',
  'resetMidAnswer',
  'http502',
  'html',
  'slow',
];

const balancerPage = (status: string) =>
  Buffer.from(
    `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  );

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const counts = Object.fromEntries(faults.map((fault) => [fault, 0])) as Record<Fault, number>;
  const targets = (typeof options.target === 'string' ? [options.target] : options.target).map((target) => new URL(target));
  const forwarded = targets.map(() => 0);
  let nextTarget = 0;
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

  const forward = (
    request: IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: http.IncomingHttpHeaders, answer: Buffer) => void,
    onError: () => void,
  ) => {
    const index = nextTarget;
    nextTarget = (nextTarget + 1) % targets.length;
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    const target = targets[index];
    if (target === undefined) return onError();
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
      /** Headers promising the whole answer, then only `fraction` of it, then the connection ends as `end` says. */
      const cut = (end: 'close' | 'reset') => (status: number, headers: http.IncomingHttpHeaders, payload: Buffer) => {
        const { connection: _connection, 'transfer-encoding': _encoding, ...rest } = headers;
        response.writeHead(status, { ...rest, 'content-length': payload.length });
        const part = payload.subarray(0, Math.floor(payload.length * (0.1 + random() * 0.8)));
        // flushHeaders and write, then end the connection once the part is out: the device has seen headers and bytes.
        response.write(part, () => (end === 'close' ? request.socket.end() : request.socket.resetAndDestroy()));
      };
      const slow = options.slowDelayMs ?? { min: 1_500, max: 3_000 };
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
          return forward(
            request,
            body,
            () => request.socket.destroy(),
            () => request.socket.destroy(),
          );
        case 'truncated':
          return forward(request, body, cut('close'), badGateway);
        case 'resetMidAnswer':
          return forward(request, body, cut('reset'), badGateway);
        case 'http502':
          return forward(request, body, () => answer(502, { 'content-type': 'text/html' }, balancerPage('502 Bad Gateway')), badGateway);
        case 'html':
          return answer(
            200,
            { 'content-type': 'text/html; charset=utf-8' },
            Buffer.from('<!DOCTYPE html><html><body><h1>Welcome</h1><p>Please sign in to use this network.</p></body></html>'),
          );
        case 'slow':
          // If the device gave up meanwhile, the hub still gets the request: it does the work nobody hears about.
          return setTimeout(() => forward(request, body, answer, badGateway), slow.min + Math.floor(random() * (slow.max - slow.min)));
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
    forwarded,
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
