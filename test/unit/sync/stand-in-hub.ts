// A small real HTTP server on loopback that stands in for the hub in the device's client tests. Its JSON answers are
// built through the protocol's own schemas (reply.pull, reply.push, reply.enroll, reply.error parse what they send),
// so it can only say what the real hub may say — except where a test means to send something broken (reply.raw).
// The full device ↔ real hub tests come once the hub lands.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnrollResponse, HubErrorBody, PullResponse, PushResponse, type HubErrorCode } from '../../../hub/protocol';

export interface HubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export type HubReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'raw'; readonly status: number; readonly text: string; readonly contentType: string }
  /** Bytes, sent in chunks; `contentLength: null` leaves the header out (chunked encoding). */
  | { readonly kind: 'bytes'; readonly status: number; readonly body: Uint8Array; readonly contentLength?: number | null }
  /** Headers and the first `after` bytes, then the connection is destroyed: a download interrupted. */
  | { readonly kind: 'cutOff'; readonly body: Uint8Array; readonly after: number }
  /** No answer at all, until the client gives up. */
  | { readonly kind: 'hang' };

export type HubRoute = (request: HubRequest) => HubReply | Promise<HubReply>;

export const reply = {
  pull: (response: PullResponse): HubReply => ({ kind: 'json', status: 200, body: PullResponse.parse(response) }),
  push: (response: PushResponse): HubReply => ({ kind: 'json', status: 200, body: PushResponse.parse(response) }),
  enroll: (response: EnrollResponse): HubReply => ({ kind: 'json', status: 200, body: EnrollResponse.parse(response) }),
  error: (status: number, code: HubErrorCode, message = 'refused'): HubReply => ({
    kind: 'json',
    status,
    body: HubErrorBody.parse({ error: { code, message } }),
  }),
  bytes: (body: Uint8Array | string, contentLength?: number | null): HubReply => ({
    kind: 'bytes',
    status: 200,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    ...(contentLength === undefined ? {} : { contentLength }),
  }),
  raw: (status: number, text: string, contentType = 'text/html'): HubReply => ({ kind: 'raw', status, text, contentType }),
};

export interface StandInHub {
  readonly url: string;
  readonly requests: HubRequest[];
  route: HubRoute;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(response: ServerResponse, answer: HubReply): void {
  switch (answer.kind) {
    case 'json':
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    case 'raw':
      response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.text);
      return;
    case 'bytes': {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      const length = answer.contentLength === undefined ? answer.body.byteLength : answer.contentLength;
      if (length !== null) headers['content-length'] = String(length);
      response.writeHead(answer.status, headers);
      // In several writes, as a real stream arrives.
      const chunk = 16 * 1024;
      for (let offset = 0; offset < answer.body.byteLength; offset += chunk) response.write(answer.body.subarray(offset, offset + chunk));
      response.end();
      return;
    }
    case 'cutOff':
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(answer.body.byteLength) });
      response.write(answer.body.subarray(0, answer.after), () => response.destroy());
      return;
    case 'hang':
      return;
    default: {
      const unreachable: never = answer;
      return unreachable;
    }
  }
}

export async function startStandInHub(route: HubRoute): Promise<StandInHub> {
  const requests: HubRequest[] = [];
  const hub: StandInHub = {
    url: '',
    requests,
    route,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    void (async () => {
      const recorded: HubRequest = {
        method: request.method ?? '',
        path: new URL(request.url ?? '/', 'http://hub').pathname,
        authorization: request.headers.authorization,
        body: await readBody(request),
      };
      requests.push(recorded);
      send(response, await hub.route(recorded));
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hub, { url: `http://127.0.0.1:${port}/` });
}
