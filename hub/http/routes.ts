// The device-facing routes (hubPaths): enroll, pull, push, blobs and health. Thin on purpose: parse with the
// protocol schema, authorize, call a service, shape the answer. The rules live in hub/services.
import type { FastifyInstance } from 'fastify';
import {
  BlobPathParams,
  EnrollRequest,
  hubPaths,
  protocolVersion,
  PullRequest,
  PushRequest,
  TabletAssignRequest,
  TabletReleaseRequest,
  type EnrollResponse,
  type TabletAssignment,
  type TabletReleaseResponse,
  type HubErrorBody,
  type PullResponse,
  type PushResponse,
} from '../protocol/index';
import { decodeCursor, encodeCursor } from '../security/cursor';
import type { HubContext } from '../services/context';
import { assignTabletByBookingNumber, enrollDevice, releaseTablet, type EnrollmentOutcome, type TabletAssignRefusal } from '../services/devices';
import { pullChanges } from '../services/pull';
import { changeFingerprint, logPositionHolds } from '../services/log-position';
import { applyPush } from '../services/push';
import { readBlobForDevice } from '../services/blobs';
import { authenticatedDevice, deviceAuthentication, rejectIfRateLimited } from './auth';
import { errorBody, HubHttpError, parseOrReject } from './errors';
import type { FailureRateLimiter } from './rate-limiter';

export interface RouteDependencies {
  readonly hub: HubContext;
  readonly limiter: FailureRateLimiter;
  /** Signs pull cursors (hub_secrets). */
  readonly cursorKey: Uint8Array;
}

function enrollmentRefusal(problem: Extract<EnrollmentOutcome, { ok: false }>['problem']): HubHttpError {
  switch (problem) {
    case 'invalid':
      return new HubHttpError(400, 'enrollmentCodeInvalid', 'That enrollment code is not known. Check it on the hub and type it again.');
    case 'expired':
      return new HubHttpError(410, 'enrollmentCodeExpired', 'That enrollment code has expired. Ask for a new one on the hub.');
    case 'used':
      return new HubHttpError(409, 'enrollmentCodeUsed', 'That enrollment code has already been used. Ask for a new one on the hub.');
    default: {
      const unknownProblem: never = problem;
      throw new Error(`unknown enrollment problem ${String(unknownProblem)}`);
    }
  }
}

function tabletRefusal(refusal: TabletAssignRefusal): HubHttpError {
  switch (refusal) {
    case 'notATablet':
      return new HubHttpError(403, 'notATablet', 'Only a tablet is assigned to a resident; this device is a kiosk.');
    case 'staffNotKnown':
      return new HubHttpError(403, 'staffNotKnown', 'staffId: the hub knows no active staff member by that id at this site.');
    case 'bookingNumberUnknown':
      return new HubHttpError(404, 'bookingNumberUnknown', 'No resident at this site has that booking number. Check the wristband and type it again.');
    case 'residentReleased':
      return new HubHttpError(409, 'residentReleased', 'The resident with that booking number has been released.');
    case 'assignedElsewhere':
      return new HubHttpError(409, 'tabletAssignedElsewhere', 'This tablet is assigned to someone else; unassign it first.');
    default: {
      const unknownRefusal: never = refusal;
      throw new Error(`unknown tablet refusal ${String(unknownRefusal)}`);
    }
  }
}

/** Failed booking-number lookups are counted per tablet, apart from the address's bad tokens (see the route). */
export function tabletLookupKey(deviceId: string): string {
  return `tablet-lookup:${deviceId}`;
}

export function registerRoutes(app: FastifyInstance, { hub, limiter, cursorKey }: RouteDependencies): void {
  const authenticate = deviceAuthentication(hub, limiter);

  app.get(hubPaths.health, async () => ({ ok: true, protocolVersion, serverTime: hub.now() }));

  app.post(hubPaths.enroll, { onRequest: async (request) => rejectIfRateLimited(limiter, request) }, async (request): Promise<EnrollResponse> => {
    const enrollment = parseOrReject(EnrollRequest, request.body);
    const outcome = await enrollDevice(hub, enrollment);
    if (!outcome.ok) {
      limiter.recordFailure(request.ip);
      request.log.info({ problem: outcome.problem }, 'enrollment refused');
      throw enrollmentRefusal(outcome.problem);
    }
    request.log.info({ deviceId: outcome.enrollment.deviceId, kind: outcome.enrollment.kind }, 'device enrolled');
    return outcome.enrollment;
  });

  app.post(hubPaths.pull, { onRequest: authenticate }, async (request): Promise<PullResponse> => {
    const device = authenticatedDevice(request);
    const pull = parseOrReject(PullRequest, request.body);
    let afterSeq = 0;
    let afterFingerprint: string | null = null;
    if (pull.cursor !== null) {
      const decoded = decodeCursor(cursorKey, pull.cursor);
      if (!decoded.ok) throw new HubHttpError(400, 'badRequest', 'cursor: not a cursor this hub issued; pull again from the start (cursor null).');
      if (decoded.position.deviceId !== device.device_id) throw new HubHttpError(400, 'cursorNotYours', 'cursor: this cursor was issued to another device.');
      afterSeq = decoded.position.seq;
      afterFingerprint = decoded.position.fingerprint;
      if (!(await logPositionHolds(hub.database, afterSeq, afterFingerprint))) {
        request.log.warn({ deviceId: device.device_id, cursorSeq: afterSeq }, 'a device is past this hub’s change log: the hub went back in time (a restore or a lost commit)');
        throw new HubHttpError(409, 'cursorFromAnotherHistory', 'cursor: this hub no longer holds the position this device reached (it was restored to an earlier state); pull again from the start (cursor null).');
      }
    }
    const page = await pullChanges(hub.database, { deviceId: device.device_id, afterSeq, limit: pull.limit });
    const last = page.changes.at(-1);
    return {
      changes: page.changes,
      cursor: encodeCursor(cursorKey, { deviceId: device.device_id, seq: page.lastSeq, fingerprint: last === undefined ? afterFingerprint : changeFingerprint(last) }),
      hasMore: page.hasMore,
      serverTime: hub.now(),
    };
  });

  app.post(hubPaths.push, { onRequest: authenticate }, async (request, reply): Promise<PushResponse | HubErrorBody> => {
    const device = authenticatedDevice(request);
    const push = parseOrReject(PushRequest, request.body);
    if (push.deviceId !== device.device_id) throw new HubHttpError(403, 'deviceMismatch', 'deviceId: the mutations name another device than the one that sent them.');
    const outcome = await applyPush(hub, device.device_id, push.mutations);
    const refused = outcome.results.flatMap((result) => (result.status === 'refused' ? [result.code] : []));
    request.log.info({ deviceId: device.device_id, mutations: push.mutations.length, lastMutationId: outcome.lastMutationId, refused }, 'push');
    switch (outcome.kind) {
      case 'accepted':
        return { lastMutationId: outcome.lastMutationId, results: [...outcome.results] };
      case 'gap':
        reply.code(409);
        return errorBody('mutationGap', `mutations: the hub has everything up to mutation ${outcome.lastMutationId} from this device and expected ${outcome.lastMutationId + 1} next, not ${outcome.receivedId}.`, {
          expectedMutationId: outcome.lastMutationId + 1,
        });
      default: {
        const unknownOutcome: never = outcome;
        throw new Error(`unknown push outcome ${JSON.stringify(unknownOutcome)}`);
      }
    }
  });

  // A tablet gives itself to a resident. Unknown booking numbers are counted against the tablet (not its address, so
  // its sync goes on): a stolen tablet credential must not become a way to read names off booking numbers one by one.
  app.post(hubPaths.tabletAssign, { onRequest: authenticate }, async (request): Promise<TabletAssignment> => {
    const device = authenticatedDevice(request);
    const lookupKey = tabletLookupKey(device.device_id);
    if (limiter.isLimited(lookupKey)) throw new HubHttpError(429, 'rateLimited', 'Too many unknown booking numbers from this tablet; wait a few minutes and try again.');
    const assign = parseOrReject(TabletAssignRequest, request.body);
    const outcome = await assignTabletByBookingNumber(hub, { deviceId: device.device_id, bookingNumber: assign.bookingNumber, staffId: assign.staffId });
    if (!outcome.ok) {
      if (outcome.refusal === 'bookingNumberUnknown') limiter.recordFailure(lookupKey);
      request.log.info({ deviceId: device.device_id, staffId: assign.staffId, refusal: outcome.refusal }, 'tablet assignment refused');
      throw tabletRefusal(outcome.refusal);
    }
    request.log.info({ deviceId: device.device_id, staffId: assign.staffId, residentId: outcome.resident.resident_id, again: outcome.alreadyAssigned }, 'tablet assigned');
    return { residentId: outcome.resident.resident_id, displayName: outcome.resident.display_name, bookingNumber: outcome.resident.credential_id };
  });

  app.post(hubPaths.tabletRelease, { onRequest: authenticate }, async (request): Promise<TabletReleaseResponse> => {
    const device = authenticatedDevice(request);
    const release = parseOrReject(TabletReleaseRequest, request.body);
    const outcome = await releaseTablet(hub, { deviceId: device.device_id, residentId: release.residentId, staffId: release.staffId });
    if (!outcome.ok) {
      request.log.info({ deviceId: device.device_id, staffId: release.staffId, refusal: outcome.refusal }, 'tablet release refused');
      throw tabletRefusal(outcome.refusal);
    }
    request.log.info({ deviceId: device.device_id, staffId: release.staffId, releasedResidentId: outcome.releasedResidentId }, 'tablet released');
    return { releasedResidentId: outcome.releasedResidentId };
  });

  app.get(`${hubPaths.blobs}/:sha256`, { onRequest: authenticate }, async (request, reply) => {
    const device = authenticatedDevice(request);
    const { sha256 } = parseOrReject(BlobPathParams, request.params);
    const bytes = await readBlobForDevice(hub.database, device.device_id, sha256);
    // Unknown and out-of-scope look the same: a device learns nothing about attachments it may not see.
    if (bytes === null) throw new HubHttpError(404, 'notFound', 'There is no such attachment for this device.');
    return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(bytes);
  });
}
