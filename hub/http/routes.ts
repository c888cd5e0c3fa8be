// The device-facing routes (hubPaths): enroll, pull, push, blobs and health. Thin on purpose: parse with the
// protocol schema, authorize, call a service, shape the answer. The rules live in hub/services.
import type { FastifyInstance } from 'fastify';
import {
  BlobPathParams,
  EnrollRequest,
  hubPaths,
  protocolVersion,
  DeviceHealthReport,
  PullRequestEnvelope,
  PushEnvelope,
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
import {
  assignTabletByBookingNumber,
  enrollDevice,
  releaseTablet,
  type EnrollmentOutcome,
  type TabletAssignRefusal,
  type TabletRefused,
} from '../services/devices';
import { pullChanges } from '../services/pull';
import { healthReceiptOf, type ParsedHealthReport } from '../services/device-health';
import { deviceAudienceKeys } from '../services/change-log';
import type { HubLive } from '../live/index';
import { changeFingerprint } from '../services/log-position';
import { applyPush } from '../services/push';
import { readBlobForDevice } from '../services/blobs';
import { registerUpdateRoutes } from './update-routes';
import { authenticatedDevice, deviceAuthentication, deviceOfBearer, rejectIfRateLimited, rememberedDeviceAuthentication } from './auth';
import { describeIssues, errorBody, HubHttpError, parseOrReject } from './errors';
import { limitKeys, type FailureRateLimiter } from './rate-limiter';
import type { RefusalCounts } from './refusal-counts';

export interface RouteDependencies {
  readonly hub: HubContext;
  readonly limiter: FailureRateLimiter;
  /** What the hub refused since it started, reported by the health route. */
  readonly refusals: RefusalCounts;
  /** Signs pull cursors (hub_secrets). */
  readonly cursorKey: Uint8Array;
  /** What this hub process knows without asking the database, and the devices' change streams (hub/live). */
  readonly live: HubLive;
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

function tabletRefusal(outcome: TabletRefused): HubHttpError {
  switch (outcome.refusal) {
    case 'notATablet':
      return new HubHttpError(403, 'notATablet', 'Only a tablet is assigned to a resident; this device is a kiosk.');
    case 'staffNotKnown':
      return new HubHttpError(403, 'staffNotKnown', 'staffId: the hub knows no active staff member by that id at this site.');
    case 'staffPinWrong':
      return new HubHttpError(403, 'staffPinWrong', 'staffPin: that is not the staff member’s PIN.', { attemptsLeft: outcome.attemptsLeft ?? 0 });
    case 'staffLockedOut':
      return new HubHttpError(
        403,
        'staffLockedOut',
        'Too many wrong PINs: this staff member cannot assign tablets for a while.',
        outcome.lockedUntil === null ? {} : { lockedUntil: outcome.lockedUntil },
      );
    case 'requestReplayed':
      return new HubHttpError(409, 'requestReplayed', 'requestId: this request was already made once; a new one needs a new id.');
    case 'bookingNumberUnknown':
      return new HubHttpError(404, 'bookingNumberUnknown', 'No resident at this site has that booking number. Check the wristband and type it again.');
    case 'residentReleased':
      return new HubHttpError(409, 'residentReleased', 'The resident with that booking number has been released.');
    case 'assignedElsewhere':
      return new HubHttpError(409, 'tabletAssignedElsewhere', 'This tablet is assigned to someone else; unassign it first.');
    default: {
      const unknownRefusal: never = outcome.refusal;
      throw new Error(`unknown tablet refusal ${String(unknownRefusal)}`);
    }
  }
}

/**
 * The refusals that count against the tablet (limitKeys.device, never its address, so its sync and its neighbours go
 * on): guessing booking numbers to read names, or staff PINs, must stop paying off from a stolen tablet credential.
 */
function countsAgainstTablet(refusal: TabletAssignRefusal): boolean {
  switch (refusal) {
    case 'bookingNumberUnknown':
    case 'staffNotKnown':
    case 'staffPinWrong':
    case 'staffLockedOut':
    case 'requestReplayed':
      return true;
    case 'notATablet':
    case 'residentReleased':
    case 'assignedElsewhere':
      return false;
    default: {
      const unknownRefusal: never = refusal;
      throw new Error(`unknown tablet refusal ${String(unknownRefusal)}`);
    }
  }
}

function parsedHealthReport(value: unknown): ParsedHealthReport {
  const parsed = DeviceHealthReport.safeParse(value);
  return parsed.success ? { ok: true, report: parsed.data } : { ok: false, problem: describeIssues(parsed.error) };
}

export function registerRoutes(app: FastifyInstance, { hub, limiter, refusals, cursorKey, live }: RouteDependencies): void {
  const authenticate = deviceAuthentication(hub, limiter, live.credentials);
  const authenticateFromMemory = rememberedDeviceAuthentication(hub, limiter, live.credentials);
  registerUpdateRoutes(app, hub, authenticate);

  // Health carries the refusal counts so a flood of bad tokens is a number anyone watching the hub can see. Counts by
  // code only — no address, device id or token — so answering them without authentication tells a caller nothing
  // about anyone; an attacker learns only what their own 401s and 429s already told them.
  app.get(hubPaths.health, async () => ({
    ok: true,
    protocolVersion,
    serverTime: hub.now(),
    refusals: { since: refusals.since, byCode: refusals.snapshot() },
    // Counts only, like the refusals: how many pulls this process answered from memory, its open streams.
    live: live.counts(),
  }));

  // Enrollment codes name nobody until they are right, so their failures count per address. A device enrolling again
  // sends its old credential as its bearer token: that proves which device it was, and the hub revokes it in the same
  // transaction (a credential that names no live device is simply not replaced: enrollment needs no bearer).
  app.post(
    hubPaths.enroll,
    { onRequest: async (request) => rejectIfRateLimited(limiter, limitKeys.enrollment(request.ip)) },
    async (request): Promise<EnrollResponse> => {
      const enrollment = parseOrReject(EnrollRequest, request.body);
      const previous = await deviceOfBearer(hub, request);
      const replacing = previous !== null && previous.revoked_at === null ? previous : null;
      const outcome = await enrollDevice(hub, enrollment, replacing);
      if (!outcome.ok) {
        limiter.recordFailure(limitKeys.enrollment(request.ip));
        request.log.info({ problem: outcome.problem }, 'enrollment refused');
        throw enrollmentRefusal(outcome.problem);
      }
      request.log.info({ deviceId: outcome.enrollment.deviceId, kind: outcome.enrollment.kind, replacedDeviceId: replacing?.device_id }, 'device enrolled');
      return outcome.enrollment;
    },
  );

  app.post(hubPaths.pull, { onRequest: authenticateFromMemory }, async (request): Promise<PullResponse> => {
    const device = authenticatedDevice(request);
    const pull = parseOrReject(PullRequestEnvelope, request.body);
    // null: a fresh cursor, answered with the device's current scope (references to its records) rather than the log from its start.
    let afterSeq: number | null = null;
    let afterFingerprint: string | null = null;
    if (pull.cursor !== null) {
      const decoded = decodeCursor(cursorKey, pull.cursor);
      if (!decoded.ok) throw new HubHttpError(400, 'badRequest', 'cursor: not a cursor this hub issued; pull again from the start (cursor null).');
      if (decoded.position.deviceId !== device.device_id) throw new HubHttpError(400, 'cursorNotYours', 'cursor: this cursor was issued to another device.');
      afterSeq = decoded.position.seq;
      afterFingerprint = decoded.position.fingerprint;
    }
    // Seen by the hub's clock, at the position the signed cursor proves; the report (a claim) is checked on its own so a
    // report that does not fit never stops the device's sync. Written behind the answer (hub/live/device-sightings.ts).
    const health = pull.health === undefined ? null : parsedHealthReport(pull.health);
    const receipt = healthReceiptOf(health);
    if (receipt?.status === 'refused') request.log.warn({ deviceId: device.device_id, problem: receipt.message }, 'health report refused');
    live.sightings.record({ deviceId: device.device_id, seenAt: hub.now(), pulledThroughSeq: afterSeq ?? 0, health });
    const healthPart = receipt === undefined ? {} : { health: receipt };

    // Nothing new, and this process is sure of it: answered from memory, the same cursor back (hub/live/pull-shortcut.ts).
    const keys = deviceAudienceKeys(device);
    if (pull.cursor !== null && afterSeq !== null && live.shortcut.nothingNew(device.device_id, keys, { seq: afterSeq, fingerprint: afterFingerprint })) {
      live.countPull(true);
      return { ...healthPart, changes: [], cursor: pull.cursor, hasMore: false, serverTime: hub.now() };
    }
    live.countPull(false);
    const generation = live.shortcut.currentGeneration;
    const outcome = await pullChanges(hub.database, {
      deviceId: device.device_id,
      after: afterSeq === null ? null : { seq: afterSeq, fingerprint: afterFingerprint },
      limit: pull.limit,
      now: hub.now(),
      presumedScope: live.scopes.of(device.device_id),
    });
    if (outcome.kind === 'positionLost') {
      request.log.warn(
        { deviceId: device.device_id, cursorSeq: afterSeq },
        'a device is past this hub’s change log: the hub went back in time (a restore or a lost commit)',
      );
      throw new HubHttpError(
        409,
        'cursorFromAnotherHistory',
        'cursor: this hub no longer holds the position this device reached (it was restored to an earlier state); pull again from the start (cursor null).',
      );
    }
    const page = outcome.page;
    live.scopes.remember(device.device_id, page.scope);
    const fingerprint = page.lastChange === null ? afterFingerprint : changeFingerprint(page.lastChange);
    if (!page.hasMore) live.shortcut.issue(device.device_id, { seq: page.lastSeq, fingerprint }, generation);
    if (page.scope !== null) live.streams.updateKeys(device.device_id, deviceAudienceKeys({ device_id: device.device_id, ...page.scope }));
    return {
      ...healthPart,
      changes: page.changes,
      cursor: encodeCursor(cursorKey, { deviceId: device.device_id, seq: page.lastSeq, fingerprint }),
      hasMore: page.hasMore,
      serverTime: hub.now(),
    };
  });

  // The change stream (hub/live/change-streams.ts): held open, written to only when the device has something to pull.
  app.get(hubPaths.changes, { onRequest: authenticateFromMemory }, async (request, reply) => {
    const device = authenticatedDevice(request);
    const refusal = live.streams.admit(device.device_id, request.ip);
    if (refusal !== null) {
      void reply.header('retry-after', '60');
      throw new HubHttpError(503, 'streamsFull', 'The hub holds as many change streams as it can; keep polling and try the stream again in a minute.');
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // A proxy in front of the hub (nginx) must pass events on at once rather than buffer them.
      'x-accel-buffering': 'no',
    });
    live.streams.open(device.device_id, request.ip, deviceAudienceKeys(device), reply.raw);
  });

  app.post(hubPaths.push, { onRequest: authenticate }, async (request, reply): Promise<PushResponse | HubErrorBody> => {
    const device = authenticatedDevice(request);
    const push = parseOrReject(PushEnvelope, request.body);
    if (push.deviceId !== device.device_id)
      throw new HubHttpError(403, 'deviceMismatch', 'deviceId: the mutations name another device than the one that sent them.');
    const outcome = await applyPush(hub, device.device_id, push.mutations);
    const refused = outcome.results.flatMap((result) => (result.status === 'refused' ? [result.code] : []));
    request.log.info({ deviceId: device.device_id, mutations: push.mutations.length, lastMutationId: outcome.lastMutationId, refused }, 'push');
    switch (outcome.kind) {
      case 'accepted':
        return { lastMutationId: outcome.lastMutationId, results: [...outcome.results] };
      case 'gap':
        reply.code(409);
        return errorBody(
          'mutationGap',
          `mutations: the hub has everything up to mutation ${outcome.lastMutationId} from this device and expected ${outcome.lastMutationId + 1} next, not ${outcome.receivedId}.`,
          {
            expectedMutationId: outcome.lastMutationId + 1,
          },
        );
      default: {
        const unknownOutcome: never = outcome;
        throw new Error(`unknown push outcome ${JSON.stringify(unknownOutcome)}`);
      }
    }
  });

  // A tablet gives itself to a resident, and takes itself back, on a staff member's proof (their PIN, checked at the
  // hub). Refusals that look like guessing count against the tablet's own key (countsAgainstTablet).
  app.post(hubPaths.tabletAssign, { onRequest: authenticate }, async (request): Promise<TabletAssignment> => {
    const device = authenticatedDevice(request);
    const tabletKey = limitKeys.device(device.device_id);
    if (limiter.isLimited(tabletKey))
      throw new HubHttpError(429, 'rateLimited', 'Too many refused assignments from this tablet; wait a few minutes and try again.');
    const assign = parseOrReject(TabletAssignRequest, request.body);
    const outcome = await assignTabletByBookingNumber(hub, { deviceId: device.device_id, ...assign });
    if (!outcome.ok) {
      if (countsAgainstTablet(outcome.refusal)) limiter.recordFailure(tabletKey);
      request.log.info({ deviceId: device.device_id, staffId: assign.staffId, refusal: outcome.refusal }, 'tablet assignment refused');
      throw tabletRefusal(outcome);
    }
    request.log.info(
      { deviceId: device.device_id, staffId: assign.staffId, residentId: outcome.resident.resident_id, again: outcome.alreadyAssigned },
      'tablet assigned',
    );
    return { residentId: outcome.resident.resident_id, displayName: outcome.resident.display_name, bookingNumber: outcome.resident.credential_id };
  });

  app.post(hubPaths.tabletRelease, { onRequest: authenticate }, async (request): Promise<TabletReleaseResponse> => {
    const device = authenticatedDevice(request);
    const tabletKey = limitKeys.device(device.device_id);
    if (limiter.isLimited(tabletKey))
      throw new HubHttpError(429, 'rateLimited', 'Too many refused requests from this tablet; wait a few minutes and try again.');
    const release = parseOrReject(TabletReleaseRequest, request.body);
    const outcome = await releaseTablet(hub, { deviceId: device.device_id, ...release });
    if (!outcome.ok) {
      if (countsAgainstTablet(outcome.refusal)) limiter.recordFailure(tabletKey);
      request.log.info({ deviceId: device.device_id, staffId: release.staffId, refusal: outcome.refusal }, 'tablet release refused');
      throw tabletRefusal(outcome);
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
