// @fastify/session's store, kept in the hub's database (console_sessions) so every hub process on one PostgreSQL
// knows every session, and signing out on one ends it on all. Rows are keyed by the sha256 of the session id: the id
// is the cookie's secret, and a copy of the table must not be a copy of the cookies.
import type { Session } from 'fastify';
import type * as FastifySession from '@fastify/session';
import type { HubDatabase } from '../db/database';
import { sha256Hex } from '../security/tokens';

declare module 'fastify' {
  interface Session {
    /** The console account signed in with this session; absent before sign-in. */
    accountId?: string;
    /** Epoch ms of the last request (hub clock): more than the idle limit before now ends the session. */
    lastActiveAt?: number;
    /** @fastify/csrf-protection's secret. */
    _csrf?: string;
  }
}

type Callback = (error?: unknown) => void;
type SessionCallback = (error: unknown, session?: Session | null) => void;

export class DatabaseSessionStore implements FastifySession.SessionStore {
  constructor(
    private readonly database: HubDatabase,
    private readonly now: () => number,
  ) {}

  set(sessionId: string, session: Session, callback: Callback): void {
    const accountId = session.accountId;
    // A session with nobody signed in is not kept (saveUninitialized is off; this is the belt to its braces).
    if (accountId === undefined) {
      callback();
      return;
    }
    this.database
      .query(
        `INSERT INTO console_sessions (session_hash, account_id, data, last_active_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_hash) DO UPDATE SET data = EXCLUDED.data, last_active_at = EXCLUDED.last_active_at`,
        [sha256Hex(sessionId), accountId, JSON.stringify(session), session.lastActiveAt ?? this.now()],
      )
      .then(
        () => callback(),
        (error: unknown) => callback(error),
      );
  }

  get(sessionId: string, callback: SessionCallback): void {
    this.database.query<{ data: Session | string }>('SELECT data FROM console_sessions WHERE session_hash = $1', [sha256Hex(sessionId)]).then(
      ([row]) => callback(null, row === undefined ? null : typeof row.data === 'string' ? (JSON.parse(row.data) as Session) : row.data),
      (error: unknown) => callback(error),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.database.query('DELETE FROM console_sessions WHERE session_hash = $1', [sha256Hex(sessionId)]).then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }
}
