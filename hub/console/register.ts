// Serves the facility console from the hub: the built pages at /console (dist/console) and the JSON API at
// /console/api, in one encapsulated Fastify scope with its own plugins — security headers (@fastify/helmet), cookies
// and sessions (@fastify/cookie, @fastify/session over the hub's database) and CSRF tokens (@fastify/csrf-protection)
// — so none of it touches the device routes.
//
// Every table route (api/route.ts) runs the same steps: a change (POST) from another origin is refused before
// anything else; then who is signed in (idle sessions end); then the role; then the change's CSRF token; then the
// route parses its input and runs. Every change is audited on the hub's chain with the staff member's name, done or
// refused, and so is every read refused for role or site and every replayed cookie.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SqlExecutor } from '../db/database';
import { appendHubAuditEntry, type ConsoleActionDetails } from '../services/audit';
import { changeConsolePassword, findConsoleAccount, setConsoleLanguage, signInConsole, type ConsoleAccount } from '../services/console-accounts';
import { HubInputError, type HubContext } from '../services/context';
import { listSites, siteTimeZone } from '../services/sites';
import type { FailureRateLimiter } from '../http/rate-limiter';
import { ConsoleRefusal, describeProblems, roleMayUse, type ConsoleRequestContext, type ConsoleRoute, type ConsoleStaff } from './api/route';
import { consoleRoutes } from './api/routes/index';
import { consoleApiPrefix, csrfHeader, type ConsoleErrorBody, type ConsoleErrorCode } from './api/schemas/common';
import { ChangePasswordRequest, SessionView, SetLanguageRequest, SignInRequest } from './api/schemas/session';
import { DatabaseSessionStore } from './session-store';

export interface ConsoleOptions {
  readonly hub: HubContext;
  readonly limiter: FailureRateLimiter;
  /** The built console pages (vite → dist/console). Missing, the pages answer that the console is not built. */
  readonly pagesDir: string;
  /** A session unused this long ends (default 15 minutes). */
  readonly idleMs?: number;
  /**
   * Whether the session cookie is marked Secure (sent only over https). Set it when staff reach the console over
   * TLS (the hub's own, or a proxy's). Off, the cookie still goes only to this origin, httpOnly and SameSite=Strict.
   * (@fastify/session's 'auto' would silently weaken SameSite to Lax over http, so it is not used.)
   */
  readonly secureCookies?: boolean;
  /** The routes to serve (tests pass a table of their own); the console's table by default. */
  readonly routes?: readonly ConsoleRoute[];
}

export const consoleCookieName = 'dayroom_console';
export const defaultConsoleIdleMs = 15 * 60 * 1000;

/** The secret that signs session cookies, kept in the hub's database so every hub process signs alike. */
async function cookieSecret(db: SqlExecutor): Promise<string> {
  await db.query('INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', ['consoleCookieSecret', randomBytes(32)]);
  const [row] = await db.query<{ value: Uint8Array }>('SELECT value FROM hub_secrets WHERE name = $1', ['consoleCookieSecret']);
  if (row === undefined) throw new Error('the console cookie secret could not be stored');
  return Buffer.from(row.value).toString('hex');
}

const limitKey = (address: string) => `console:${address}`;

function hasCode(error: unknown): error is { code: string; statusCode?: number } {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/** Anything a console route or a plugin threw, as a ConsoleRefusal. */
function classify(error: unknown): ConsoleRefusal {
  if (error instanceof ConsoleRefusal) return error;
  if (error instanceof HubInputError) {
    switch (error.problem) {
      case 'notFound':
        return new ConsoleRefusal(404, 'notFound', error.message);
      case 'invalid':
        return new ConsoleRefusal(400, 'invalid', error.message);
      case 'conflict':
        return new ConsoleRefusal(409, 'conflict', error.message);
      default: {
        const unknownProblem: never = error.problem;
        throw new Error(`unknown problem ${String(unknownProblem)}`);
      }
    }
  }
  if (hasCode(error)) {
    if (error.code.startsWith('FST_CSRF_')) return new ConsoleRefusal(403, 'csrfTokenInvalid', 'This page is out of date; reload it and try again.');
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ConsoleRefusal(413, 'payloadTooLarge', 'What was sent is larger than the console accepts.');
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
      return new ConsoleRefusal(400, 'badRequest', 'The request could not be read.');
  }
  return new ConsoleRefusal(500, 'internal', 'The hub could not do this just now; try again in a moment.');
}

/** Refusals worth a line on the audit chain even for a read. */
const auditedReadRefusals: ReadonlySet<ConsoleErrorCode> = new Set(['notAtYourSite', 'notYourRole', 'crossSite']);

interface RequestAudit {
  staff: ConsoleStaff | null;
  action: string;
  subject: string | null;
  siteId: string | null;
  /** Whether this request is audited when it is done (changes are; reads are not). */
  auditDone: boolean;
}

export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { hub, limiter } = options;
  const idleMs = options.idleMs ?? defaultConsoleIdleMs;
  const routes = options.routes ?? consoleRoutes;
  const secret = await cookieSecret(hub.database);
  const audits = new WeakMap<FastifyRequest, RequestAudit>();

  async function audit(entry: RequestAudit, outcome: ConsoleActionDetails['outcome'], code: ConsoleErrorCode | null): Promise<void> {
    await hub.database.transaction((tx) =>
      appendHubAuditEntry(
        tx,
        {
          kind: 'consoleAction',
          actor: entry.staff === null ? null : { kind: 'console', id: entry.staff.staffId },
          details: {
            staffName: entry.staff?.displayName ?? 'not signed in',
            action: entry.action,
            subject: entry.subject === null ? null : entry.subject.slice(0, 200) || null,
            siteId: entry.siteId ?? entry.staff?.siteId ?? null,
            outcome,
            code,
          },
        },
        hub.now(),
      ),
    );
  }

  await app.register(async (scope) => {
    await scope.register(fastifyHelmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    });
    await scope.register(fastifyCookie);
    await scope.register(fastifySession, {
      secret,
      cookieName: consoleCookieName,
      store: new DatabaseSessionStore(hub.database, hub.now),
      saveUninitialized: false,
      rolling: true,
      cookie: { path: '/console', httpOnly: true, sameSite: 'strict', secure: options.secureCookies ?? false, maxAge: idleMs },
    });
    await scope.register(fastifyCsrfProtection, {
      sessionPlugin: '@fastify/session',
      getToken: (request) => {
        const header = request.headers[csrfHeader];
        return typeof header === 'string' ? header : undefined;
      },
    });

    scope.setErrorHandler(async (error, request, reply) => {
      const refusal = classify(error);
      if (refusal.statusCode >= 500) {
        request.log.error(
          { errorName: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message.slice(0, 200) : '' },
          'console request failed',
        );
      }
      const entry = audits.get(request);
      const worthAuditing =
        entry !== undefined &&
        (entry.auditDone || auditedReadRefusals.has(refusal.code) || (refusal.code === 'signedOut' && request.cookies[consoleCookieName] !== undefined));
      // Refusals of nobody in particular are counted per address, and stop being written to the chain past the limit:
      // a flood of cross-site posts must not become a flood of audit rows.
      const anonymous = entry?.staff === null || entry === undefined;
      if (anonymous && refusal.statusCode < 500) limiter.recordFailure(limitKey(request.ip));
      if (worthAuditing && !(anonymous && limiter.isLimited(limitKey(request.ip)))) await audit(entry, 'refused', refusal.code);
      const body: ConsoleErrorBody = { error: { code: refusal.code, message: refusal.message, ...refusal.details } };
      return reply.code(refusal.statusCode).send(body);
    });

    /** Who a request is from: the signed-in account, or a 401. Ends an idle session. */
    async function signedInAccount(request: FastifyRequest): Promise<ConsoleAccount> {
      const accountId = request.session.accountId;
      if (accountId === undefined) throw new ConsoleRefusal(401, 'signedOut', 'You are signed out; sign in to go on.');
      const now = hub.now();
      if (request.session.lastActiveAt === undefined || now - request.session.lastActiveAt > idleMs) {
        await request.session.destroy();
        throw new ConsoleRefusal(401, 'signedOut', `You were signed out after ${Math.round(idleMs / 60_000)} minutes without use; sign in again.`);
      }
      const account = await findConsoleAccount(hub.database, accountId);
      if (account === null || account.disabled) {
        await request.session.destroy();
        throw new ConsoleRefusal(401, 'signedOut', 'Your account is no longer active; ask an admin.');
      }
      request.session.lastActiveAt = now;
      return account;
    }

    /** A change must come from the console's own pages: refused when the browser says it came from elsewhere. */
    function refuseCrossSite(request: FastifyRequest): void {
      const fetchSite = request.headers['sec-fetch-site'];
      if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none')
        throw new ConsoleRefusal(403, 'crossSite', 'This change came from another website and was not made.');
      const origin = request.headers.origin;
      if (typeof origin === 'string' && origin !== `${request.protocol}://${request.host}`)
        throw new ConsoleRefusal(403, 'crossSite', 'This change came from another website and was not made.');
    }

    function staffOf(account: ConsoleAccount): ConsoleStaff {
      return { staffId: account.accountId, username: account.username, displayName: account.displayName, role: account.role, siteId: account.siteId };
    }

    async function sessionView(request: FastifyRequest, reply: FastifyReply, account: ConsoleAccount): Promise<SessionView> {
      const sites = account.siteId === null ? [] : await listSites(hub.database);
      return {
        staff: {
          ...staffOf(account),
          siteName: sites.find((site) => site.siteId === account.siteId)?.name ?? null,
          mustChangePassword: account.mustChangePassword,
          language: account.language,
          timeZone: account.siteId === null ? null : await siteTimeZone(hub.database, account.siteId),
        },
        csrfToken: reply.generateCsrf(),
        idleMinutes: Math.round(idleMs / 60_000),
      };
    }

    // ---- Signing in and out ----

    scope.get(`${consoleApiPrefix}/session`, async (request, reply) => {
      audits.set(request, { staff: null, action: 'session.read', subject: null, siteId: null, auditDone: false });
      const account = await signedInAccount(request);
      return sessionView(request, reply, account);
    });

    scope.post(`${consoleApiPrefix}/session`, async (request, reply) => {
      const entry: RequestAudit = { staff: null, action: 'session.signIn', subject: null, siteId: null, auditDone: true };
      audits.set(request, entry);
      refuseCrossSite(request);
      if (limiter.isLimited(limitKey(request.ip)))
        throw new ConsoleRefusal(429, 'rateLimited', 'Too many failed attempts from this computer; wait ten minutes.');
      const parsed = SignInRequest.safeParse(request.body);
      if (!parsed.success) throw new ConsoleRefusal(400, 'badRequest', `Sign-in needs a username and a password (${describeProblems(parsed.error)}).`);
      entry.subject = parsed.data.username.slice(0, 100);
      const outcome = await signInConsole(hub, parsed.data);
      if (outcome.account !== null) entry.staff = staffOf(outcome.account);
      if (!outcome.ok) {
        limiter.recordFailure(limitKey(request.ip));
        switch (outcome.refusal) {
          case 'wrongPassword':
            throw new ConsoleRefusal(401, 'wrongPassword', 'That username and password do not match.', { attemptsLeft: outcome.attemptsLeft });
          case 'lockedOut':
            throw new ConsoleRefusal(423, 'lockedOut', 'This account is locked after too many wrong passwords.', { lockedUntil: outcome.until });
          case 'accountDisabled':
            throw new ConsoleRefusal(403, 'accountDisabled', 'This account is disabled; ask an admin.');
          default: {
            const unknownRefusal: never = outcome;
            throw new Error(`unknown sign-in refusal ${JSON.stringify(unknownRefusal)}`);
          }
        }
      }
      // A new session id at sign-in: an id planted before sign-in (session fixation) is never the signed-in one.
      await request.session.regenerate();
      request.session.accountId = outcome.account.accountId;
      request.session.lastActiveAt = hub.now();
      entry.subject = outcome.account.username;
      await audit(entry, 'done', null);
      return sessionView(request, reply, outcome.account);
    });

    scope.post(`${consoleApiPrefix}/session/sign-out`, { preHandler: [consoleAuth('session.signOut', true), scope.csrfProtection] }, async (request) => {
      const entry = audits.get(request);
      await request.session.destroy();
      if (entry !== undefined) await audit(entry, 'done', null);
      return { ok: true };
    });

    scope.post(
      `${consoleApiPrefix}/session/password`,
      { preHandler: [consoleAuth('session.changePassword', true), scope.csrfProtection] },
      async (request, reply) => {
        const entry = audits.get(request);
        const parsed = ChangePasswordRequest.safeParse(request.body);
        if (!parsed.success)
          throw new ConsoleRefusal(400, 'badRequest', `Changing a password needs the current and the new one (${describeProblems(parsed.error)}).`);
        const accountId = request.session.accountId ?? '';
        await changeConsolePassword(hub, { accountId, current: parsed.data.current, next: parsed.data.next });
        if (entry !== undefined) await audit(entry, 'done', null);
        const account = await findConsoleAccount(hub.database, accountId);
        if (account === null) throw new ConsoleRefusal(401, 'signedOut', 'Your account is no longer active; ask an admin.');
        return sessionView(request, reply, account);
      },
    );

    // Allowed before the password change too: the page asking for a new password is read in the chosen language.
    scope.post(
      `${consoleApiPrefix}/session/language`,
      { preHandler: [consoleAuth('session.setLanguage', true), scope.csrfProtection] },
      async (request, reply) => {
        const entry = audits.get(request);
        const parsed = SetLanguageRequest.safeParse(request.body);
        if (!parsed.success)
          throw new ConsoleRefusal(400, 'badRequest', `Choosing a language needs a language tag such as es (${describeProblems(parsed.error)}).`);
        if (entry !== undefined) entry.subject = parsed.data.language;
        const account = await setConsoleLanguage(hub, request.session.accountId ?? '', parsed.data.language);
        if (entry !== undefined) await audit(entry, 'done', null);
        return sessionView(request, reply, account);
      },
    );

    /** The checks before a route's handler: origin (changes), sign-in, password change, role. */
    function consoleAuth(action: string, allowedBeforePasswordChange: boolean, route?: ConsoleRoute) {
      return async (request: FastifyRequest): Promise<void> => {
        const change = request.method !== 'GET' && request.method !== 'HEAD';
        const entry: RequestAudit = { staff: null, action, subject: null, siteId: null, auditDone: change };
        audits.set(request, entry);
        if (change) refuseCrossSite(request);
        const account = await signedInAccount(request);
        entry.staff = staffOf(account);
        if (account.mustChangePassword && !allowedBeforePasswordChange)
          throw new ConsoleRefusal(403, 'passwordChangeNeeded', 'Choose your own password before going on.');
        if (route !== undefined && !roleMayUse(account.role, route))
          throw new ConsoleRefusal(403, 'notYourRole', `This is not part of the ${account.role} role's work; ask a supervisor.`);
      };
    }

    // ---- The route table ----

    for (const route of routes) {
      const url = `${consoleApiPrefix}${route.path}`;
      const preHandler = route.method === 'POST' ? [consoleAuth(route.name, false, route), scope.csrfProtection] : [consoleAuth(route.name, false, route)];
      scope.route({
        method: route.method,
        url,
        preHandler,
        handler: async (request, reply) => {
          const entry = audits.get(request);
          if (entry === undefined || entry.staff === null) throw new ConsoleRefusal(401, 'signedOut', 'You are signed out; sign in to go on.');
          const staff = entry.staff;
          const context: ConsoleRequestContext = {
            hub,
            staff,
            requireSite: (siteId) => {
              entry.siteId = siteId;
              if (staff.siteId !== null && staff.siteId !== siteId)
                throw new ConsoleRefusal(404, 'notAtYourSite', 'There is nothing with that id at your site.');
            },
            siteFilter: () => staff.siteId,
            audit: (subject) => {
              entry.subject = subject;
            },
          };
          const result = await route.run({ params: request.params, query: request.query, body: request.body }, context);
          if (entry.auditDone) await audit(entry, 'done', null);
          switch (result.kind) {
            case 'json':
              return reply.send(result.body);
            case 'file': {
              const { file } = result;
              void reply.header('content-type', file.contentType).header('x-content-type-options', 'nosniff');
              void reply.header('cache-control', 'private, no-store');
              void reply.header(
                'content-disposition',
                file.downloadName === null ? 'inline' : `attachment; filename="${file.downloadName.replace(/[^\w.-]/g, '_')}"`,
              );
              // A file someone sent is shown, never run: no script, no plugin, no navigation from inside it.
              void reply.header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
              return reply.send(Buffer.from(file.body));
            }
            default: {
              const unknownReply: never = result;
              throw new Error(`unknown reply ${JSON.stringify(unknownReply)}`);
            }
          }
        },
      });
    }
    scope.all(`${consoleApiPrefix}/*`, async () => {
      throw new ConsoleRefusal(404, 'notFound', 'The console has nothing at this address.');
    });

    // ---- The pages ----

    const indexFile = join(options.pagesDir, 'index.html');
    if (existsSync(indexFile)) {
      await scope.register(fastifyStatic, { root: options.pagesDir, prefix: '/console/', index: false, wildcard: false, serve: true });
    }
    const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
      if (!existsSync(indexFile))
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The facility console is not built on this hub: run `npm run build:console`, then reload.');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(indexFile));
    };
    scope.get('/console', sendIndex);
    scope.get('/console/', sendIndex);
    // Each page of the console is a path under /console the app routes itself (a reload keeps the page).
    scope.get('/console/*', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (/\.[a-z0-9]+$/i.test(path)) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.');
      return sendIndex(request, reply);
    });
  });
}
