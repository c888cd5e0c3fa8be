// A staff member's browser, as the console's API sees it, for integration tests: a cookie jar holding the session
// cookie, the CSRF token from the last session answer, and fetch. Each instance is one browser.
import { consoleApiPrefix, csrfHeader } from '../../hub/console/api/schemas/common';
import { SessionView } from '../../hub/console/api/schemas/session';

export interface ConsoleAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly headers: Headers;
  readonly bytes: Buffer;
}

export class ConsoleClient {
  /** The session cookie as the browser would send it (`name=value`), or null before sign-in. */
  cookie: string | null = null;
  csrfToken = '';

  constructor(readonly url: string) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; withCsrf?: boolean; withCookie?: boolean } = {},
  ): Promise<ConsoleAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.withCookie !== false && this.cookie !== null) headers.cookie = this.cookie;
    if (method === 'POST') {
      headers['content-type'] ??= 'application/json';
      if (options.withCsrf !== false) headers[csrfHeader] = this.csrfToken;
    }
    const response = await fetch(`${this.url}${consoleApiPrefix}${path}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(options.body ?? {}) } : {}),
    });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('dayroom_console='));
    if (setCookie !== undefined) {
      const pair = setCookie.split(';')[0] ?? '';
      // An expired cookie (sign-out) clears the jar, as a browser would.
      this.cookie = /Expires=Thu, 01 Jan 1970/i.test(setCookie) || pair === 'dayroom_console=' ? null : pair;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const json: unknown = (response.headers.get('content-type') ?? '').includes('application/json') ? JSON.parse(bytes.toString('utf8')) : null;
    const session = SessionView.safeParse(json);
    if (session.success) this.csrfToken = session.data.csrfToken;
    return { status: response.status, json, headers: response.headers, bytes };
  }

  get(path: string, options: { headers?: Record<string, string> } = {}): Promise<ConsoleAnswer> {
    return this.request('GET', path, options);
  }

  post(path: string, body: unknown = {}, options: { headers?: Record<string, string>; withCsrf?: boolean } = {}): Promise<ConsoleAnswer> {
    return this.request('POST', path, { ...options, body });
  }

  signIn(username: string, password: string): Promise<ConsoleAnswer> {
    return this.post('/session', { username, password });
  }

  /** Signs in with a temporary password and sets `next` as the account's own, as a new staff member must. */
  async signInFirstTime(username: string, temporaryPassword: string, next: string): Promise<void> {
    const signedIn = await this.signIn(username, temporaryPassword);
    if (signedIn.status !== 200) throw new Error(`sign-in as ${username} answered ${signedIn.status}: ${JSON.stringify(signedIn.json)}`);
    const changed = await this.post('/session/password', { current: temporaryPassword, next });
    if (changed.status !== 200) throw new Error(`the password change of ${username} answered ${changed.status}: ${JSON.stringify(changed.json)}`);
  }
}

/** The refusal code of an answer, or null when it is not a refusal. */
export function consoleErrorCode(answer: ConsoleAnswer): string | null {
  const json = answer.json;
  if (typeof json !== 'object' || json === null || !('error' in json)) return null;
  const error = json.error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
}
