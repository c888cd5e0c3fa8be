// Pull cursors: opaque to the device, meaningful to the hub. A cursor names the device it was issued to and the last
// change-log position it has seen, signed with an HMAC under a key only the hub knows, so a device can neither forge
// a position nor use another device's cursor.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// `f`: the fingerprint of the change at `s` (services/log-position.ts), so a hub restored to an earlier state knows
// the position is not its own; cursors issued before it have none.
const CursorPayload = z.object({ d: z.string().min(1), s: z.number().int().nonnegative(), f: z.string().max(64).optional() }).strict();

export interface PullPosition {
  readonly deviceId: string;
  /** The change-log sequence number of the last change the device has received. */
  readonly seq: number;
  /** The fingerprint of the change at `seq`; null at the start and in cursors issued before fingerprints. */
  readonly fingerprint: string | null;
}

export type CursorDecoding = { ok: true; position: PullPosition } | { ok: false; problem: 'malformed' | 'forged' };

function signature(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(`cursor:${payload}`).digest();
}

export function encodeCursor(key: Uint8Array, position: PullPosition): string {
  const payload = Buffer.from(
    JSON.stringify({ d: position.deviceId, s: position.seq, ...(position.fingerprint === null ? {} : { f: position.fingerprint }) }),
  ).toString('base64url');
  return `${payload}.${signature(key, payload).toString('base64url')}`;
}

export function decodeCursor(key: Uint8Array, cursor: string): CursorDecoding {
  const parts = cursor.split('.');
  if (parts.length !== 2) return { ok: false, problem: 'malformed' };
  const [payload, mac] = parts as [string, string];
  const expected = signature(key, payload);
  const given = Buffer.from(mac, 'base64url');
  // Node's base64url decoder skips characters outside the alphabet and the unused low bits of the last character, so
  // several strings decode to the same bytes: only the one canonical spelling of the signature is accepted.
  if (given.toString('base64url') !== mac) return { ok: false, problem: 'forged' };
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'forged' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const parsed = CursorPayload.safeParse(decoded);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  return { ok: true, position: { deviceId: parsed.data.d, seq: parsed.data.s, fingerprint: parsed.data.f ?? null } };
}
