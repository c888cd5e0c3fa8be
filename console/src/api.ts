// The console's one door to the hub: JSON over fetch on the page's own origin, the session cookie sent by the browser
// (httpOnly: the page never sees it), the CSRF token sent with every change, every answer parsed with the route's
// schema, every refusal turned into a ConsoleError with the hub's code.
import type { z } from 'zod';
import { ConsoleErrorBody, consoleApiPrefix, csrfHeader, type ConsoleErrorCode } from '../../hub/console/api/schemas/common';

export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode | 'unreachable',
    message: string,
    readonly status: number,
    readonly details: { readonly attemptsLeft?: number | undefined; readonly lockedUntil?: number | undefined } = {},
    /** Who wrote the message: the hub (English, for its particulars) or this page (already in the reader's language). */
    readonly wordedBy: 'hub' | 'page' = 'page',
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

let csrfToken = '';
const signedOutListeners = new Set<() => void>();

/** The token the hub gave with the session (SessionView.csrfToken); every change carries it. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when any request finds the session ended (signed out elsewhere, idle too long). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(`${consoleApiPrefix}${path}`, {
      method,
      credentials: 'same-origin',
      headers: method === 'POST' ? { 'content-type': 'application/json', [csrfHeader]: csrfToken } : {},
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  } catch {
    throw new ConsoleError('unreachable', 'The hub cannot be reached.', 0);
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const refusal = ConsoleErrorBody.safeParse(payload);
    if (!refusal.success) throw new ConsoleError('internal', `The hub answered ${response.status}.`, response.status);
    const { code, message, ...details } = refusal.data.error;
    if (code === 'signedOut') for (const listener of signedOutListeners) listener();
    throw new ConsoleError(code, message, response.status, details, 'hub');
  }
  return schema.parse(payload);
}

export function consoleGet<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return request('GET', path, undefined, schema);
}

export function consolePost<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
  return request('POST', path, body, schema);
}

/** A query string from the filters that are set (empty strings and nulls left out). */
export function queryString(values: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
