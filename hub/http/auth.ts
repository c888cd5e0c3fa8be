// Bearer-token authentication for device routes: `Authorization: Bearer <secret>`, looked up by its SHA-256 and
// compared in constant time. Runs in onRequest, before any body is read, so an unauthenticated client cannot make
// the hub parse two megabytes of JSON.
//
// Rate limiting here never lets one client's failures refuse another's valid credential (rate-limiter.ts): the token
// is looked up first, and only a token that names no device is refused for its address's failures. A correct guess
// from a throttled address would therefore pass — but a device secret is 256 random bits, so the throttle is there to
// keep a flood of junk cheap to turn away and visible in the log, not to stop a guess that cannot succeed.
//
// A revoked credential (revoke-device, or the device enrolled again) is known, so it is answered with its own code,
// `deviceRevoked`, which the device shows in words and which leads it to the enrollment screen; a lost device the
// console revoked with --wipe is answered `deviceWipeOrdered` instead, and wipes itself. Neither is counted against the
// address: the device is not guessing, and its neighbours must not pay for it.
import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../services/context';
import { appendHubAuditEntry } from '../services/audit';
import { authenticateDevice, recordWipeOrdered, type DeviceRow } from '../services/devices';
import { looksLikeDeviceSecret, sha256Hex } from '../security/tokens';
import type { DeviceCredentialCache } from '../live/device-credentials';
import { HubHttpError } from './errors';
import { limitKeys, type FailureRateLimiter } from './rate-limiter';

const devicesByRequest = new WeakMap<FastifyRequest, DeviceRow>();

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Refuses with 429 while `key` is over its limit. */
export function rejectIfRateLimited(limiter: FailureRateLimiter, key: string): void {
  if (limiter.isLimited(key)) throw new HubHttpError(429, 'rateLimited', 'Too many failed attempts; wait a few minutes and try again.');
}

/** The device a request's bearer credential names, revoked or not; null when it names none. */
export async function deviceOfBearer(hub: HubContext, request: FastifyRequest): Promise<DeviceRow | null> {
  const token = bearerToken(request);
  return token !== null && looksLikeDeviceSecret(token) ? authenticateDevice(hub.database, token) : null;
}

/**
 * Puts on the hub's chain that an address's bad tokens reached the limit. Once per crossing, not per refused request:
 * the refusals after it are counted (health's refusal counts) and logged, and a row per request would let a flood
 * write as much to the audit chain as it sends. A sliding window lets an address that keeps flooding cross again as its
 * oldest failures age out, so it is at most maxFailures entries per window per address, and each needs that many bad
 * requests first. An audit write that fails is logged and does not change the answer: the refusal stands either way.
 */
async function auditThrottledAddress(hub: HubContext, limiter: FailureRateLimiter, request: FastifyRequest): Promise<void> {
  const { maxFailures, windowMs } = limiter.limit;
  try {
    await hub.database.transaction((tx) =>
      appendHubAuditEntry(
        tx,
        {
          kind: 'unknownTokensThrottled',
          actor: null,
          details: { address: request.ip.slice(0, 100), failures: maxFailures, windowMs: Math.max(1, Math.round(windowMs)) },
        },
        hub.now(),
      ),
    );
  } catch (error) {
    request.log.error({ errorName: error instanceof Error ? error.name : typeof error }, 'could not audit a throttled address');
  }
  request.log.warn({ address: request.ip, failures: maxFailures, windowMs }, 'address throttled for bad tokens');
}

export function deviceAuthentication(
  hub: HubContext,
  limiter: FailureRateLimiter,
  credentials?: DeviceCredentialCache,
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const ticket = credentials?.ticket() ?? 0;
    const device = await deviceOfBearer(hub, request);
    if (device === null) {
      const addressKey = limitKeys.unknownToken(request.ip);
      rejectIfRateLimited(limiter, addressKey);
      if (limiter.recordFailure(addressKey)) await auditThrottledAddress(hub, limiter, request);
      // The same words whether the header was missing, malformed or wrong: nothing to learn from the difference.
      throw new HubHttpError(401, 'unauthorized', 'This device is not enrolled with the hub, or its credential is not valid.');
    }
    if (device.revoked_at !== null) {
      request.log.info({ deviceId: device.device_id, reason: device.revoked_reason, wipe: device.wipe_on_contact }, 'revoked credential presented');
      if (device.wipe_on_contact) {
        await recordWipeOrdered(hub, device.device_id);
        throw new HubHttpError(
          401,
          'deviceWipeOrdered',
          'This device was reported lost and its credential withdrawn; it must wipe itself and be enrolled again.',
        );
      }
      throw new HubHttpError(401, 'deviceRevoked', 'This device’s credential was withdrawn at the hub; staff must enroll it again.');
    }
    credentials?.remember(device, ticket);
    devicesByRequest.set(request, device);
  };
}

/**
 * deviceAuthentication for the routes a device calls all day (pull, its change stream): a credential this process
 * remembers (hub/live/device-credentials.ts: never a revoked one, forgotten when any hub process changes the device)
 * is let through without asking the database; anything else goes the whole way, and is remembered if it passes.
 */
export function rememberedDeviceAuthentication(
  hub: HubContext,
  limiter: FailureRateLimiter,
  credentials: DeviceCredentialCache,
): (request: FastifyRequest) => Promise<void> {
  const authenticate = deviceAuthentication(hub, limiter, credentials);
  return async (request) => {
    const token = bearerToken(request);
    const remembered = token !== null && looksLikeDeviceSecret(token) ? credentials.find(sha256Hex(token)) : null;
    if (remembered !== null) {
      devicesByRequest.set(request, remembered);
      return;
    }
    await authenticate(request);
  };
}

/** The device that authenticated this request (the route is behind deviceAuthentication). */
export function authenticatedDevice(request: FastifyRequest): DeviceRow {
  const device = devicesByRequest.get(request);
  if (device === undefined) throw new Error(`route ${request.url} is not behind deviceAuthentication`);
  return device;
}
