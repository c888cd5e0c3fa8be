// The Devices and Audit areas of the facility console (issue 17): what IT asks the hub and what it answers, shared by
// the hub's routes (hub/console/api/routes/devices.ts) and the console's pages. Only zod and rules/.
import { z } from 'zod';
import { DeviceHealthReport, ReportedSessionState } from '../../../../rules/device-health';
import { troubleKinds, troubleSeverities } from '../../../../rules/device-trouble';

const Id = z.string().min(1).max(64);
const Timestamp = z.number().int().nonnegative();

export const fleetPageLimit = 100;

export const FleetQuery = z
  .object({
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(fleetPageLimit).default(fleetPageLimit),
  })
  .strict();
export type FleetQuery = z.infer<typeof FleetQuery>;

export const Trouble = z.object({ kind: z.enum(troubleKinds), severity: z.enum(troubleSeverities), message: z.string() });
export type Trouble = z.infer<typeof Trouble>;

export const DeviceKindName = z.enum(['kiosk', 'tablet']);
export const ConsoleRevocationReason = z.enum(['lost', 'retired']);

export const FleetDevice = z.object({
  deviceId: Id,
  siteName: z.string(),
  kind: DeviceKindName,
  deviceName: z.string(),
  unitName: z.string().nullable(),
  /** A tablet's resident as the hub knows it. */
  assignee: z.object({ residentId: Id, displayName: z.string(), bookingNumber: z.string() }).nullable(),
  appVersion: z.string(),
  enrolledAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  revokedReason: z.enum(['lost', 'reenrolled', 'retired']).nullable(),
  session: ReportedSessionState.nullable(),
  battery: DeviceHealthReport.shape.battery,
  troubles: z.array(Trouble),
  worst: z.enum(troubleSeverities).nullable(),
});
export type FleetDevice = z.infer<typeof FleetDevice>;

export const FleetResponse = z.object({
  counts: z.object({ inService: z.number().int(), inTrouble: z.number().int(), notSeen: z.number().int(), revoked: z.number().int() }),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  devices: z.array(FleetDevice),
  /** The hub's clock when it answered: "last seen" is said against it, never the browser's. */
  serverTime: Timestamp,
});
export type FleetResponse = z.infer<typeof FleetResponse>;

export const DeviceParams = z.object({ deviceId: Id }).strict();

export const DeviceDetailResponse = FleetDevice.extend({
  report: DeviceHealthReport.nullable(),
  reportReceivedAt: Timestamp.nullable(),
  /** The hub's clock minus the device's when its report came. */
  clockBehindMs: z.number().int().nullable(),
  syncLag: z.object({ pulledThroughSeq: z.number().int(), logHeadSeq: z.number().int(), waitingChanges: z.number().int(), capped: z.boolean() }).nullable(),
  serverTime: Timestamp,
});
export type DeviceDetailResponse = z.infer<typeof DeviceDetailResponse>;

export const HousingUnitsResponse = z.object({ units: z.array(z.object({ housingUnitId: Id, name: z.string() })) });
export type HousingUnitsResponse = z.infer<typeof HousingUnitsResponse>;

export const EnrollmentCodeRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kiosk'), housingUnitId: Id }).strict(),
  z.object({ kind: z.literal('tablet') }).strict(),
]);
export type EnrollmentCodeRequest = z.infer<typeof EnrollmentCodeRequest>;

export const EnrollmentCodeResponse = z.object({
  /** Shown once, large: the hub keeps only its hash. */
  code: z.string(),
  expiresAt: Timestamp,
  kind: DeviceKindName,
  unitName: z.string().nullable(),
});
export type EnrollmentCodeResponse = z.infer<typeof EnrollmentCodeResponse>;

export const RevokeRequest = z
  .object({
    reason: ConsoleRevocationReason,
    /** Order the device to wipe itself if it ever reaches the hub again (a lost tablet). */
    wipe: z.boolean(),
    /** The confirm step: the device's name typed again, so the wrong row is never revoked by a slip. */
    confirmDeviceName: z.string().min(1).max(80),
  })
  .strict();
export type RevokeRequest = z.infer<typeof RevokeRequest>;

export const AssignRequest = z
  .object({ bookingNumber: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a booking number is 1 to 64 letters, digits or dashes') })
  .strict();
export type AssignRequest = z.infer<typeof AssignRequest>;

export const EmptyRequest = z.object({}).strict();

/** One audit chain's check, in words. */
export const AuditVerdict = z.object({
  /** "The hub", or the device's name. */
  subject: z.string(),
  deviceId: Id.nullable(),
  intact: z.boolean(),
  entries: z.number().int(),
  /** What was found, in a sentence: "412 entries, chain intact." or where it broke. */
  sentence: z.string(),
  /** Entries kept aside on arrival, in words; null when none. */
  setAside: z.string().nullable(),
});
export type AuditVerdict = z.infer<typeof AuditVerdict>;

export const AuditCheckResponse = z.object({
  checkedAt: Timestamp,
  /** Every chain intact and nothing kept aside. */
  allIntact: z.boolean(),
  hub: AuditVerdict,
  devices: z.array(AuditVerdict),
});
export type AuditCheckResponse = z.infer<typeof AuditCheckResponse>;
