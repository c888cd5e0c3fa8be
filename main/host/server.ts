// The web host: serves the built renderer on loopback and carries the contract over a WebSocket.
// Used for development, the demo and the end-to-end tests, and wherever the Electron binary is absent.
// A connection must present the per-launch token and come from the host's own origin.
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WebSocket } from 'ws';
import type { DeviceBridge } from '../bridge/dispatch';
import { contentTypeHeader, type AttachmentContent } from '../mail/attachment-content';
import {
  attachmentRoute,
  ClientFrame,
  hostSocketPath,
  hostTokenParam,
  maxCallFrameBytes,
  type CallResult,
  type DeviceError,
  type ServerFrame,
} from '../contract';
import type { Logger } from '../logging';
import { contentSecurityPolicy } from '../security/content-policy';

export interface WebHostOptions {
  readonly bridge: DeviceBridge;
  readonly rendererDir: string;
  readonly port?: number;
  readonly logger: Logger;
  /** Fixed only in tests that must know it in advance; otherwise random per launch. */
  readonly token?: string;
  /** The runtime's checked attachment bytes (DeviceRuntime.attachment); without it the route answers 404. */
  readonly attachments?: (messageId: string, attachmentId: string, captionsLanguage: string | null) => AttachmentContent;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly counters: { refusedConnections: number; badFrames: number };
  /**
   * Closes the open pages' sockets so they reconnect and fetch everything again: the device behind the bridge changed
   * (a start on a full disk that has now succeeded), and events sent before are not the new device's.
   */
  reconnectClients(): void;
  close(): Promise<void>;
}

/**
 * Frames larger than this close the socket without being parsed. It is the contract's maxCallFrameBytes, derived from
 * the longest letter: a fixed 64 KB closed the socket on a legal 30,000-character letter in a CJK script (90 KB).
 */
const maxFrameBytes = maxCallFrameBytes;

export class RendererNotBuiltError extends Error {
  override readonly name = 'RendererNotBuiltError';
  constructor(readonly rendererDir: string) {
    super(`The renderer is not built: ${join(rendererDir, 'index.html')} is missing. Run \`npm run build:renderer\`.`);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) throw new RendererNotBuiltError(rendererDir);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const counters = { refusedConnections: 0, badFrames: 0 };
  const { logger, bridge } = options;
  const sockets = new Set<WebSocket>();
  let origin = '';

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: maxFrameBytes });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Content-Security-Policy', contentSecurityPolicy);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cache-Control', 'no-store');
  });

  const tokenOf = (request: FastifyRequest): string => {
    const value = (request.query as Record<string, unknown>)[hostTokenParam];
    return typeof value === 'string' ? value : '';
  };

  await app.register(fastifyWebsocket, { options: { maxPayload: maxFrameBytes } });
  await app.register(fastifyStatic, { root: rendererDir, index: false, wildcard: true });

  app.get('/', async (request, reply) => {
    if (!sameSecret(tokenOf(request), token)) {
      counters.refusedConnections += 1;
      return reply.code(403).type('text/plain; charset=utf-8').send('This kiosk page needs the address printed by the Dayroom host, including its token.\n');
    }
    return reply.sendFile('index.html');
  });

  // Photos and videos for <img>/<video> in the page, which cannot send headers: the token comes in the query, as for
  // the page itself. What is served, if anything, the runtime decides for the signed-in person; nothing is cached.
  app.get(`${attachmentRoute.prefix}*`, async (request, reply) => {
    if (!sameSecret(tokenOf(request), token)) {
      counters.refusedConnections += 1;
      return reply.code(403).type('text/plain; charset=utf-8').send('Refused.\n');
    }
    const named = attachmentRoute.parse(new URL(request.url, origin).pathname);
    const content = named && options.attachments ? options.attachments(named.messageId, named.attachmentId, named.captions ?? null) : null;
    if (content === null || !content.ok) {
      const status = content?.ok === false && content.refusal === 'damaged' ? 422 : 404;
      return reply
        .code(status)
        .type('text/plain; charset=utf-8')
        .send(status === 422 ? 'This attachment is damaged on this device.\n' : 'Not found.\n');
    }
    return reply.header('Cross-Origin-Resource-Policy', 'same-origin').type(contentTypeHeader(content.mimeType)).send(content.bytes);
  });

  app.get(
    hostSocketPath,
    {
      websocket: true,
      // Refuse before the upgrade, so a connection without the token or from another origin never opens.
      preValidation: async (request, reply) => {
        const reason = !sameSecret(tokenOf(request), token) ? 'bad token' : request.headers.origin !== origin ? 'wrong origin' : null;
        if (reason) {
          counters.refusedConnections += 1;
          logger.warn({ reason }, 'web host refused a connection');
          await reply.code(403).send({ code: 'notAuthorized', message: `Connection refused: ${reason}.` });
        }
      },
    },
    (socket) => {
      sockets.add(socket);
      const send = (frame: ServerFrame) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      const refuse = (error: DeviceError) => {
        counters.badFrames += 1;
        send({ type: 'refused', error });
      };
      socket.on('message', (data, isBinary) => {
        if (isBinary) return refuse({ code: 'invalidInput', message: 'Frames are JSON text.' });
        let raw: unknown;
        try {
          raw = JSON.parse(data.toString());
        } catch {
          return refuse({ code: 'invalidInput', message: 'A frame was not valid JSON.' });
        }
        const frame = ClientFrame.safeParse(raw);
        if (!frame.success) return refuse({ code: 'invalidInput', message: 'A frame did not match the contract.' });
        const { id } = frame.data;
        // bridge.call never rejects; the host checks anyway, so a broken promise can never become an unhandled
        // rejection that ends the process and leaves the screen waiting for an answer that never comes.
        bridge
          .call(frame.data.name, frame.data.input)
          .catch((): CallResult<unknown> => ({ ok: false, error: { code: 'internal', message: 'The call failed inside the device.' } }))
          .then(
            (result) => send({ type: 'result', id, result }),
            () => undefined,
          );
      });
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (error) => logger.warn({ err: error }, 'web host socket error'));
    },
  );

  const unsubscribe = bridge.onEvent((name, payload) => {
    const text = JSON.stringify({ type: 'event', name, payload } satisfies ServerFrame);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  });

  // Loopback only: the kiosk's own browser is the only client there should ever be.
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  origin = address.replace('localhost', '127.0.0.1');
  const url = `${origin}/?${hostTokenParam}=${token}`;
  logger.info({ origin }, 'web host listening');

  return {
    url,
    origin,
    token,
    counters,
    reconnectClients() {
      for (const socket of sockets) socket.close(1012, 'device restarted');
    },
    async close() {
      unsubscribe();
      for (const socket of sockets) socket.close(1001, 'host stopping');
      await app.close();
    },
  };
}
