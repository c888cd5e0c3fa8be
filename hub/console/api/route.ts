// The console's route table: each route declared once — its audited action name, method and path, the roles that may
// use it, zod schemas for what it takes and gives, and a handler over the hub services. hub/console/register.ts
// serves them all the same way (who is signed in, their role, the CSRF token of a change, parsing, auditing), and the
// authorization test walks this table, so a route cannot be added without being covered.
import type { z } from 'zod';
import type { HubContext } from '../../services/context';
import type { ConsoleErrorCode, StaffRole } from './schemas/common';

/** A refusal a console route gives: an HTTP status, a code the console app words, and English for logs. */
export class ConsoleRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ConsoleErrorCode,
    message: string,
    readonly details: { readonly attemptsLeft?: number; readonly lockedUntil?: number } = {},
  ) {
    super(message);
    this.name = 'ConsoleRefusal';
  }
}

/** The signed-in staff member a handler acts for. */
export interface ConsoleStaff {
  readonly staffId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  /** Null only for an admin: every site. */
  readonly siteId: string | null;
}

export interface ConsoleRequestContext {
  readonly hub: HubContext;
  readonly staff: ConsoleStaff;
  /**
   * Refuses (404 notAtYourSite, audited) when `siteId` is not the staff member's site. Call it with the site of
   * whatever a request names by id before showing or changing it; an admin passes for every site.
   */
  requireSite(siteId: string): void;
  /** The staff member's site, or null for an admin (every site): the filter for a listing. */
  siteFilter(): string | null;
  /** Names what this request acted on (a letter's id, a resident's), for its audit entry. */
  audit(subject: string): void;
}

export type ConsoleMethod = 'GET' | 'POST';

/** A file a route answers with (a photo, a statement): sent as bytes with its type, never as JSON. */
export interface ConsoleFile {
  readonly contentType: string;
  readonly body: Uint8Array | string;
  /** Offered as a download under this name; null shows it in the page (inline). */
  readonly downloadName: string | null;
}

export interface ConsoleRouteInput<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
}

type Schema = z.ZodType;
type Parsed<S extends Schema | undefined> = S extends Schema ? z.output<S> : undefined;

interface RouteDeclarationBase<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  /** The action as the audit chain names it: `area.verb` (`review.approve`). Unique in the table. */
  readonly name: string;
  readonly method: ConsoleMethod;
  /** Under /console/api, with `:name` parameters. */
  readonly path: string;
  /** Who may use it besides an admin (an admin may use every route). */
  readonly roles: readonly StaffRole[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
}

interface JsonRouteDeclaration<
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
  R extends Schema,
> extends RouteDeclarationBase<P, Q, B> {
  readonly response: R;
  readonly handler: (input: ConsoleRouteInput<Parsed<P>, Parsed<Q>, Parsed<B>>, context: ConsoleRequestContext) => Promise<z.input<R>>;
}

interface FileRouteDeclaration<P extends Schema | undefined, Q extends Schema | undefined> extends RouteDeclarationBase<P, Q, undefined> {
  readonly method: 'GET';
  readonly handler: (input: ConsoleRouteInput<Parsed<P>, Parsed<Q>, undefined>, context: ConsoleRequestContext) => Promise<ConsoleFile>;
}

export type ConsoleReply = { readonly kind: 'json'; readonly body: unknown } | { readonly kind: 'file'; readonly file: ConsoleFile };

/** What the server needs of a route, its schemas' types erased so routes of every shape sit in one table. */
export interface ConsoleRoute {
  readonly name: string;
  readonly method: ConsoleMethod;
  readonly path: string;
  readonly roles: readonly StaffRole[];
  /** Parses the request's parts (a 400 naming the field when they do not fit), runs the handler, parses its answer. */
  readonly run: (raw: { params: unknown; query: unknown; body: unknown }, context: ConsoleRequestContext) => Promise<ConsoleReply>;
}

/** A zod failure as the person at the console reads it: the field, then what is wrong. */
export function describeProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? 'the request' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

function parsePart<S extends Schema | undefined>(schema: S | undefined, value: unknown, part: string): Parsed<S> {
  if (schema === undefined) return undefined as Parsed<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConsoleRefusal(400, 'badRequest', `The ${part} could not be used: ${describeProblems(parsed.error)}.`);
  return parsed.data as Parsed<S>;
}

export function defineConsoleRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, R extends Schema>(
  declaration: JsonRouteDeclaration<P, Q, B, R>,
): ConsoleRoute {
  return {
    name: declaration.name,
    method: declaration.method,
    path: declaration.path,
    roles: declaration.roles,
    run: async (raw, context) => {
      const input = {
        params: parsePart<P>(declaration.params, raw.params, 'address'),
        query: parsePart<Q>(declaration.query, raw.query, 'search'),
        body: parsePart<B>(declaration.body, raw.body, 'form'),
      };
      const result = await declaration.handler(input, context);
      // The answer is checked too: a handler must not send a field the schema does not name (it is stripped).
      return { kind: 'json', body: declaration.response.parse(result) };
    },
  };
}

export function defineConsoleFileRoute<P extends Schema | undefined, Q extends Schema | undefined>(declaration: FileRouteDeclaration<P, Q>): ConsoleRoute {
  return {
    name: declaration.name,
    method: declaration.method,
    path: declaration.path,
    roles: declaration.roles,
    run: async (raw, context) => {
      const input = {
        params: parsePart<P>(declaration.params, raw.params, 'address'),
        query: parsePart<Q>(declaration.query, raw.query, 'search'),
        body: undefined,
      };
      return { kind: 'file', file: await declaration.handler(input, context) };
    },
  };
}

/** Whether a role may use a route: an admin may use all of them. */
export function roleMayUse(role: StaffRole, route: Pick<ConsoleRoute, 'roles'>): boolean {
  return role === 'admin' || route.roles.includes(role);
}
