// The facility hub's HTTP server: Fastify on loopback by default, the device routes of hub/http/routes.ts, and one
// error handler that answers every failure as a HubErrorBody without echoing request content into replies or logs.
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { maxRequestBytes } from './protocol/index';
import type { HubDatabase } from './db/database';
import { errorBody, HubHttpError } from './http/errors';
import { defaultFailureRateLimit, FailureRateLimiter } from './http/rate-limiter';
import { resolve } from 'node:path';
import { registerAdminRoute } from './http/admin';
import { registerConsole } from './console/register';
import { registerRoutes } from './http/routes';
import { HubLive, type HubLiveOptions } from './live/index';
import { RefusalCounts } from './http/refusal-counts';
import { hubContext, type HubContext } from './services/context';
import { cursorKey } from './services/hub-secrets';
import type { ScryptCost } from './security/pin-hash';

/** Connections the kernel queues for the hub before it accepts them (see listen below). */
const listenBacklog = 4096;

export interface StartHubOptions {
  /** An open, migrated database (openHubDatabase). The hub does not close it. */
  readonly database: HubDatabase;
  /** 0 (the default) picks a free port; see RunningHub.port. */
  readonly port?: number;
  readonly host?: string;
  /** A pino logger (or anything pino-compatible); request logs carry ids and codes, never secrets, PINs or bodies. */
  readonly logger: FastifyBaseLogger;
  /** Epoch milliseconds; tests pass a controllable clock. */
  readonly now?: () => number;
  /** Failed authentications or enrollments allowed per client address in a sliding window. */
  readonly rateLimit?: { readonly maxFailures: number; readonly windowMs: number };
  readonly pinCost?: ScryptCost;
  /**
   * Which proxies to believe about the client's address (Fastify's trustProxy): false (the default) uses the socket's
   * peer; a list of addresses or CIDR ranges, or a hop count, makes request.ip the address X-Forwarded-For names
   * behind them. Behind a load balancer every device would otherwise share the balancer's address, and the per-address
   * throttles (unknown tokens, enrollment codes) would count them as one. Never `true` on an open network: any client
   * could then name any address.
   */
  readonly trustProxy?: TrustProxy;
  /** Opens the console route (hub/http/admin.ts) for `hub/cli.ts --hub`; without it the route does not exist. */
  readonly adminToken?: string;
  /** The facility console at /console (hub/console/register.ts): where its built pages are, and its idle limit. */
  readonly console?: { readonly pagesDir?: string; readonly idleMs?: number; readonly secureCookies?: boolean };
  /** The cost console passwords are hashed with; tests pass a cheap one. */
  readonly passwordCost?: ScryptCost;
  /** A certificate (PEM, chain after it) and its key (hub/startup.ts loadTlsFiles): the hub serves HTTPS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Limits of the change streams and the process's memory of devices (hub/live); tests make them small. */
  readonly live?: HubLiveOptions;
}

/** Where `npm run build:console` puts the console's pages. */
export const defaultConsolePagesDir = resolve(import.meta.dirname, '..', 'dist', 'console');

export type TrustProxy = boolean | number | readonly string[];

export interface RunningHub {
  /** http://host:port, the base URL devices enroll with. */
  readonly url: string;
  readonly port: number;
  /** The services' context, for hub-side work (review, deposits…) against the same database and clock. */
  readonly context: HubContext;
  readonly app: FastifyInstance;
  /** The requests refused since the hub started, by code (the health route reports the same). */
  readonly refusals: RefusalCounts;
  /** What this process knows without asking the database, its change streams and its pull counts (hub/live). */
  readonly live: HubLive;
  /** Stops listening and waits for requests in flight. */
  close(): Promise<void>;
}

function hasCode(error: unknown): error is FastifyError {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/** Maps anything a route or Fastify threw to a status and a HubErrorBody. Never repeats the request's bytes. */
function classify(error: unknown): HubHttpError {
  if (error instanceof HubHttpError) return error;
  if (hasCode(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new HubHttpError(413, 'payloadTooLarge', `The request body is larger than the hub accepts (${maxRequestBytes} bytes).`);
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        // Node's JSON.parse message quotes the body, so it is replaced rather than passed on.
        return new HubHttpError(400, 'badRequest', 'body: not valid JSON.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return new HubHttpError(400, 'badRequest', 'body: empty; send a JSON object.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new HubHttpError(400, 'badRequest', 'body: send JSON with Content-Type: application/json.');
      default:
        break;
    }
    // Any other client error Fastify raises while reading a request (bad Content-Length, aborted upload…).
    if (error.statusCode === 413) return new HubHttpError(413, 'payloadTooLarge', 'The request body is too large.');
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
      return new HubHttpError(400, 'badRequest', 'The request could not be read.');
  }
  return new HubHttpError(500, 'internal', 'The hub could not do this just now; it will work if you try again later.');
}

/** In Fastify's terms: a hop count becomes "trust the first n hops", a list a mutable copy. */
function trustProxyOption(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'boolean') return trust;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/**
 * Reads --trust-proxy / HUB_TRUST_PROXY: "false" or absent, a hop count ("1"), or comma-separated addresses and CIDR
 * ranges ("10.0.0.0/8,192.168.1.5"). "true" is accepted only as a deliberate choice for a hub no client reaches
 * except through the proxy.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => !/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/.test(entry)))
    throw new TypeError(`trust proxy: "${value}" is not false, true, a hop count, or addresses/CIDR ranges separated by commas`);
  return entries;
}

export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  const now = options.now ?? Date.now;
  // Built before the context, whose fleet reads wait for the sightings it writes behind the pulls.
  const live = new HubLive(options.database, options.logger, now, options.live);
  const hub = hubContext(options.database, {
    now,
    sightingsWritten: () => live.sightings.flush(),
    ...(options.pinCost === undefined ? {} : { pinCost: options.pinCost }),
    ...(options.passwordCost === undefined ? {} : { passwordCost: options.passwordCost }),
  });
  const limiter = new FailureRateLimiter({ ...defaultFailureRateLimit, ...options.rateLimit, now: hub.now });
  const refusals = new RefusalCounts(hub.now());
  // forceCloseConnections: a hub shutting down closes every connection, not only idle ones. A device that stopped
  // reading a blob halfway (it was switched off, or its runtime stopped) leaves a socket with a response still being
  // written, and waiting for that socket would hold the shutdown forever.
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: maxRequestBytes,
    trustProxy: trustProxyOption(options.trustProxy ?? false),
    forceCloseConnections: true,
    // HTTPS by configuration; the request handling is the same either way.
    https: options.tls === undefined ? null : { cert: options.tls.cert, key: options.tls.key },
  });

  app.setErrorHandler((error, request, reply) => {
    const refusal = classify(error);
    refusals.count(refusal.code);
    if (refusal.statusCode >= 500) {
      // Name and code only: database errors can carry row contents (message bodies, hashes) in their details.
      const name = error instanceof Error ? error.name : typeof error;
      const code = hasCode(error) ? error.code : undefined;
      request.log.error({ errorName: name, errorCode: code, errorMessage: error instanceof Error ? error.message.slice(0, 200) : undefined }, 'request failed');
    } else {
      request.log.info({ code: refusal.code, statusCode: refusal.statusCode }, 'request refused');
    }
    return reply.code(refusal.statusCode).send(errorBody(refusal.code, refusal.message, refusal.details));
  });
  // JSON bodies must be UTF-8. Fastify's own parser decodes invalid bytes as U+FFFD, so a letter with broken bytes would
  // be stored as something its writer never wrote; read the bytes strictly, then hand the text to Fastify's parser
  // (which keeps its protection against __proto__ and constructor keys).
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      done(new HubHttpError(400, 'badRequest', 'body: not valid UTF-8.'), undefined);
      return;
    }
    // The parser answers through done (its failures included); what it returns carries nothing more.
    void defaultJsonParser(request, text, done);
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('notFound', 'There is nothing at this address on the hub.')));

  registerRoutes(app, { hub, limiter, refusals, cursorKey: await cursorKey(options.database), live });
  if (options.adminToken !== undefined) {
    if (options.adminToken.length < 32) throw new TypeError('adminToken must be at least 32 characters');
    registerAdminRoute(app, { database: options.database, adminToken: options.adminToken, limiter, now: hub.now });
  }
  await registerConsole(app, {
    hub,
    limiter,
    pagesDir: options.console?.pagesDir ?? defaultConsolePagesDir,
    ...(options.console?.idleMs === undefined ? {} : { idleMs: options.console.idleMs }),
    ...(options.console?.secureCookies === undefined ? {} : { secureCookies: options.console.secureCookies }),
  });

  let address: string;
  try {
    // A queue of connections not yet accepted long enough for a facility's devices coming back together after an
    // outage (Node's default, 511, refused hundreds of 5,000 simultaneous stream opens in hub-steady); the kernel caps
    // it at net.core.somaxconn (4096 on current Linux).
    address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: listenBacklog });
  } catch (error) {
    // A port in use: what was started for this hub stops with it (on PostgreSQL, the connection that listens).
    await live.close();
    throw error;
  }
  const listening = app.server.address();
  const port = typeof listening === 'object' && listening !== null ? listening.port : Number(new URL(address).port);
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${port}`,
    port,
    context: hub,
    app,
    refusals,
    live,
    close: async () => {
      // Streams first: they never end by themselves, and devices reconnect (to another hub process, or to this one
      // when it is back) and pull.
      live.streams.closeAll();
      await app.close();
      await live.close();
    },
  };
}
