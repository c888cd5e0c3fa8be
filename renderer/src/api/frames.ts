// The web host's wire format, as pure functions so they can be tested without a socket.
import { ServerFrame, hostSocketPath, hostTokenParam, type CallName, type ClientFrame } from '../../../main/contract';
import { doublingStep } from '../../../rules/backoff';

/** Parses one incoming WebSocket message; null for anything that is not a valid ServerFrame (binary, bad JSON, wrong shape). */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerFrame.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function encodeCallFrame(id: number, name: CallName, input: unknown): string {
  const frame: ClientFrame = { type: 'call', id, name, input };
  return JSON.stringify(frame);
}

/** Where the page was loaded from; `window.location` fits. */
export interface PageLocation {
  protocol: string;
  host: string;
  search: string;
}

/**
 * The host's socket on the same host as the page, carrying the per-launch token the host put in the
 * page's own URL. Without a token the host refuses the socket, and the connection banner says so by staying up.
 */
export function hostSocketUrl(page: PageLocation): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${scheme}//${page.host}${hostSocketPath}`);
  const token = new URLSearchParams(page.search).get(hostTokenParam);
  if (token !== null) url.searchParams.set(hostTokenParam, token);
  return url.href;
}

/** Waits before each reconnect: 0.25 s, doubling, at most 10 s — quick after a blip, gentle on a host that is down. */
export function reconnectDelayMs(failedAttempts: number): number {
  return doublingStep(failedAttempts, { first: 250, cap: 10_000 });
}
