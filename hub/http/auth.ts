// Bearer-token authentication for device routes: `Authorization: Bearer <secret>`, looked up by its SHA-256 and
// compared in constant time. Runs in onRequest, before any body is read, so an unauthenticated client cannot make
// the hub parse two megabytes of JSON.
import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../services/context';
import { authenticateDevice, type DeviceRow } from '../services/devices';
import { looksLikeDeviceSecret } from '../security/tokens';
import { HubHttpError } from './errors';
import type { FailureRateLimiter } from './rate-limiter';

const devicesByRequest = new WeakMap<FastifyRequest, DeviceRow>();

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

export function rejectIfRateLimited(limiter: FailureRateLimiter, request: FastifyRequest): void {
  if (limiter.isLimited(request.ip)) throw new HubHttpError(429, 'rateLimited', 'Too many failed attempts from this address; wait a few minutes and try again.');
}

export function deviceAuthentication(hub: HubContext, limiter: FailureRateLimiter): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    rejectIfRateLimited(limiter, request);
    const token = bearerToken(request);
    const device = token !== null && looksLikeDeviceSecret(token) ? await authenticateDevice(hub.database, token) : null;
    if (device === null) {
      limiter.recordFailure(request.ip);
      // The same words whether the header was missing, malformed or wrong: nothing to learn from the difference.
      throw new HubHttpError(401, 'unauthorized', 'This device is not enrolled with the hub, or its credential is not valid.');
    }
    devicesByRequest.set(request, device);
  };
}

/** The device that authenticated this request (the route is behind deviceAuthentication). */
export function authenticatedDevice(request: FastifyRequest): DeviceRow {
  const device = devicesByRequest.get(request);
  if (device === undefined) throw new Error(`route ${request.url} is not behind deviceAuthentication`);
  return device;
}
