// The device ↔ hub wire protocol (docs/sync.md): enrollment, pull, push and blobs. The hub validates every request
// body with these schemas and the device validates every response with them. Pure zod; no I/O.
import { z } from 'zod';
import { Id, Sha256Hex, SyncedEntityName, syncedEntities, Timestamp, type SyncedEntity } from './records';
import { MutationId, MutationResult, PushedMutation } from './mutations';
import { checkedText } from '../../rules/text';
import { DeviceHealthReport, HealthReceipt } from './health';

export const protocolVersion = 1;

/** URL paths, relative to the hub's base URL. One definition for server routes and client calls. */
export const hubPaths = {
  enroll: '/v1/enroll',
  pull: '/v1/pull',
  push: '/v1/push',
  /** GET `${blobs}/<sha256>` */
  blobs: '/v1/blobs',
  health: '/v1/health',
  /** A tablet's own service mode gives the tablet to a resident, or takes it back (docs/sync.md §3 "Scope"). */
  tabletAssign: '/v1/tablet/assign',
  tabletRelease: '/v1/tablet/release',
  /**
   * GET: a server-sent event stream that says "you have changes" (event `changes`) whenever one of the device's
   * audiences moves, and `ready` when it opens; the device pulls on either (docs/sync.md §11 "Live changes").
   */
  changes: '/v1/changes',
  /**
   * Updates of the device app, in electron-updater's generic-provider layout under one folder: GET
   * `${updates}/<metadata file>` (rules/app-update.ts updateMetadataFileName) and the files it names, relative to it.
   */
  updates: '/v1/updates',
} as const;

// The largest request body (maxRequestBytes) is derived from the longest letter in text.ts.
export const maxPullLimit = 1000;
export const maxPushMutations = 200;

// ---- Enrollment ----

export const EnrollRequest = z
  .object({
    /** The one-time code staff read off the hub: short, expiring, single use. */
    code: z.string().regex(/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/, 'an enrollment code looks like ABCD-2345'),
    /** Shown on the hub's console (list-devices): one line of text by the text rule. */
    deviceName: checkedText('line', { minCharacters: 1, maxCharacters: 80, field: 'The device name' }),
    appVersion: z.string().max(40),
  })
  .strict();
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const DeviceKind = z.enum(['kiosk', 'tablet']);
export const EnrollResponse = z.object({
  deviceId: Id,
  /** The bearer secret. The hub keeps only its hash; the device keeps it in safeStorage or a 0600 file. */
  secret: z.string().min(32),
  siteId: Id,
  siteName: z.string(),
  kind: DeviceKind,
  housingUnitId: Id.nullable(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

// ---- Pull ----

export const PullRequest = z
  .object({
    /** Opaque; null for the first pull. The hub refuses a cursor issued to another device. */
    cursor: z.string().max(512).nullable(),
    limit: z.number().int().min(1).max(maxPullLimit).default(500),
    /** The device's health, sent with the first pull of each cycle (health.ts); absent from older devices. */
    health: DeviceHealthReport.optional(),
  })
  .strict();
export type PullRequest = z.infer<typeof PullRequest>;

/**
 * What the hub reads of a pull before the health report: the report is checked on its own (DeviceHealthReport), so a
 * report that does not fit is refused in words for itself alone and the pull goes on — a device with a broken report
 * must still sync.
 */
export const PullRequestEnvelope = PullRequest.extend({ health: z.unknown().optional() }).strict();
export type PullRequestEnvelope = z.infer<typeof PullRequestEnvelope>;

function changeOf<E extends SyncedEntity>(entity: E) {
  return z.object({
    entity: z.literal(entity),
    id: Id,
    /** Increases with every write to the record; the device keeps the newest. */
    version: z.number().int().positive(),
    op: z.literal('upsert'),
    data: syncedEntities[entity],
  });
}

/** A record the device must delete (it was withdrawn at the hub). */
const DeleteChange = z.object({ entity: SyncedEntityName, id: Id, version: z.number().int().positive(), op: z.literal('delete') });
/** A resident left this device's scope: delete everything of theirs except mutations not yet pushed. */
const EvictChange = z.object({ entity: z.literal('resident'), id: Id, version: z.number().int().nonnegative(), op: z.literal('evict') });

/**
 * Discriminated by op, then by entity, so a change is checked against the one schema its header names: a union tried
 * in order cost a device a full parse of every earlier member for each change (profiled in BENCHMARKS.md), and its
 * errors named the closest member rather than the change's own.
 */
const UpsertChange = z.discriminatedUnion('entity', [
  changeOf('resident'),
  changeOf('staff'),
  changeOf('contact'),
  changeOf('message'),
  changeOf('stampEntry'),
  changeOf('debitEntry'),
  changeOf('balance'),
  changeOf('visit'),
  changeOf('letterStopped'),
  changeOf('messagingPause'),
  changeOf('siteRules'),
]);
export const Change = z.discriminatedUnion('op', [UpsertChange, DeleteChange, EvictChange]);
export type Change = z.infer<typeof Change>;

export const PullResponse = z.object({
  changes: z.array(Change),
  cursor: z.string().max(512),
  hasMore: z.boolean(),
  serverTime: Timestamp,
  /** Present when the request carried a health report: whether the hub stored it. */
  health: HealthReceipt.optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

// ---- Push ----

export const PushRequest = z
  .object({
    deviceId: Id,
    mutations: z.array(PushedMutation).min(1).max(maxPushMutations),
  })
  .strict();
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * What the hub reads of a push before looking at any mutation: the device, and each mutation's id and name. Each
 * mutation is then checked on its own (Mutation), so one that does not fit — a NUL in a letter, a field an older or
 * broken device wrote — is refused with a code for that id alone, instead of a 400 for the whole request that the
 * device would meet again on every push, forever.
 */
export const PushEnvelope = z
  .object({
    deviceId: Id,
    mutations: z
      .array(z.looseObject({ id: MutationId, name: z.string().max(64), args: z.unknown() }))
      .min(1)
      .max(maxPushMutations),
  })
  .strict();
export type PushEnvelope = z.infer<typeof PushEnvelope>;

export const PushResponse = z.object({
  /** Everything up to here is done at the hub (applied or refused with a reason); the device marks it so. */
  lastMutationId: z.number().int().nonnegative(),
  results: z.array(MutationResult),
});
export type PushResponse = z.infer<typeof PushResponse>;

// ---- Tablet assignment (a tablet's service mode; the tablet may only ever act on itself) ----

/**
 * What staff read off the wristband and type on the tablet's number pad: the site's credential id for the resident
 * (the hub's `credential_id`), letters, digits and dashes only.
 */
export const BookingNumber = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a booking number is 1 to 64 letters, digits or dashes');

/** A PIN as people type it on a keypad: 4 to 8 digits (the hub's isValidPin is this schema). */
export const PinText = z.string().regex(/^[0-9]{4,8}$/, 'a PIN is 4 to 8 digits');

/**
 * Who asks, and their proof. A staff id alone proves nothing (every device of the site receives every staff id), so
 * the staff member's PIN comes with it and the hub checks it against their PIN hash, with a lockout of its own. The
 * request id is good once: the same request sent again is refused (`requestReplayed`), so a captured request cannot
 * be played back later; a retry after a lost answer is a new request with a new id.
 */
const StaffProof = {
  /** The staff member in service mode on the tablet, for the hub's record of who gave the tablet to whom. */
  staffId: Id,
  staffPin: PinText,
  requestId: z.string().uuid(),
};

export const TabletAssignRequest = z
  .object({
    bookingNumber: BookingNumber,
    ...StaffProof,
  })
  .strict();
export type TabletAssignRequest = z.infer<typeof TabletAssignRequest>;

/** Who the tablet now serves; their records follow as an ordinary pull (the backfill). */
export const TabletAssignment = z.object({ residentId: Id, displayName: z.string(), bookingNumber: BookingNumber });
export type TabletAssignment = z.infer<typeof TabletAssignment>;

export const TabletReleaseRequest = z
  .object({
    /**
     * The resident the tablet believes it holds: the hub releases the tablet only from that person. A tablet the hub
     * already took from them (release, another assignment from the console) answers `releasedResidentId: null`, so a
     * release retried after a lost answer is not an error.
     */
    residentId: Id,
    ...StaffProof,
  })
  .strict();
export type TabletReleaseRequest = z.infer<typeof TabletReleaseRequest>;

export const TabletReleaseResponse = z.object({ releasedResidentId: Id.nullable() });
export type TabletReleaseResponse = z.infer<typeof TabletReleaseResponse>;

// ---- Blobs ----

export const BlobPathParams = z.object({ sha256: Sha256Hex });

// ---- Errors ----

export const HubErrorCode = z.enum([
  'badRequest',
  'payloadTooLarge',
  'unauthorized',
  'rateLimited',
  'enrollmentCodeInvalid',
  'enrollmentCodeExpired',
  'enrollmentCodeUsed',
  'cursorNotYours',
  // The cursor names a change-log position this hub no longer holds as it was: the hub went back in time (a power cut
  // before durable commits, a restore from backup). The device pulls again from the start and re-sends what it holds.
  'cursorFromAnotherHistory',
  'mutationGap',
  'deviceMismatch',
  'outOfScope',
  // Tablet assignment: a kiosk asked; a staff id the site does not know; a booking number no resident holds; one
  // whose resident was released; a tablet the hub gives to someone else (staff must unassign it first).
  'notATablet',
  'staffNotKnown',
  'bookingNumberUnknown',
  'residentReleased',
  'tabletAssignedElsewhere',
  // Staff proof (a tablet's assign/release): the PIN did not match the staff member's (error.attemptsLeft says how
  // many tries are left); the staff member is locked out of proving it at the hub (error.lockedUntil); the request id
  // was used before (a replay).
  'staffPinWrong',
  'staffLockedOut',
  'requestReplayed',
  // The device's credential was withdrawn at the hub (revoke-device, or the device enrolled again): enroll it again.
  'deviceRevoked',
  // Withdrawn, and the hub orders the device to wipe itself (a lost tablet that came back).
  'deviceWipeOrdered',
  // The hub holds as many change streams as it will (per address, or in all): the device keeps polling and tries the
  // stream again later (Retry-After).
  'streamsFull',
  'notFound',
  'internal',
]);
export type HubErrorCode = z.infer<typeof HubErrorCode>;

export const HubErrorBody = z.object({
  error: z.object({
    code: HubErrorCode,
    message: z.string(),
    /** staffPinWrong: the tries left before the staff member is locked out at the hub. */
    attemptsLeft: z.number().int().nonnegative().optional(),
    /** staffLockedOut: until when (epoch milliseconds). */
    lockedUntil: Timestamp.optional(),
    /** With `mutationGap`: the id the hub expected next, so a device can re-send what a restored hub lost. */
    expectedMutationId: z.number().int().positive().optional(),
  }),
});
export type HubErrorBody = z.infer<typeof HubErrorBody>;
