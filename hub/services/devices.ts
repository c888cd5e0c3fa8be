// Devices: one-time enrollment codes, enrollment, bearer-secret authentication, and assigning tablets to residents.
import { randomUUID } from 'node:crypto';
import type { EnrollRequest, EnrollResponse } from '../protocol/index';
import type { HubTransaction, SqlExecutor } from '../db/database';
import { enrollmentCodeHash, newDeviceSecret, newEnrollmentCode, sameDigest, sha256Hex } from '../security/tokens';
import { appendChanges, appendEvict, startDeviceScope } from './change-log';
import { conflict, invalid, notFound, type HubContext } from './context';
import { residentSnapshot, type ResidentRow } from './records';
import { lockActiveResident, lockResident } from './residents';
import { appendHubAuditEntry } from './audit';
import { checkStaffProof, type StaffProofAction, type StaffProofRefusal } from './staff-proof';

export type DeviceKind = 'kiosk' | 'tablet';

export interface DeviceRow {
  readonly device_id: string;
  readonly site_id: string;
  readonly kind: DeviceKind;
  readonly device_name: string;
  readonly app_version: string;
  /** Kiosks: the housing unit whose dayroom they stand in. */
  readonly housing_unit_id: string | null;
  /** Tablets: the one resident they serve, if any. */
  readonly assigned_resident_id: string | null;
  readonly secret_hash: string;
  readonly last_mutation_id: number;
  readonly enrolled_at: number;
  /** When the hub withdrew this device's credential; null while it is trusted. */
  readonly revoked_at: number | null;
  readonly revoked_reason: RevocationReason | null;
  /** A revoked device that should wipe itself when it next reaches the hub (a lost tablet). */
  readonly wipe_on_contact: boolean;
  /** The device enrolled in its place, when it was revoked by enrolling again. */
  readonly replaced_by_device_id: string | null;
}

/** Why a credential was withdrawn: the device was lost, enrolled again under a new id, or taken out of service. */
export const revocationReasons = ['lost', 'reenrolled', 'retired'] as const;
export type RevocationReason = (typeof revocationReasons)[number];

export const deviceColumns =
  'device_id, site_id, kind, device_name, app_version, housing_unit_id, assigned_resident_id, secret_hash, last_mutation_id, enrolled_at, revoked_at, revoked_reason, wipe_on_contact, replaced_by_device_id';

/** Long enough to walk from the hub's console to the device; short enough that a photographed code is soon useless. */
export const enrollmentCodeLifetimeMs = 15 * 60 * 1000;

export interface IssuedEnrollmentCode {
  /** Shown once, to the staff member; the hub keeps only its hash. */
  readonly code: string;
  readonly expiresAt: number;
  readonly kind: DeviceKind;
  readonly housingUnitId: string | null;
}

export async function issueEnrollmentCode(
  hub: HubContext,
  input: { siteId: string; kind: DeviceKind; housingUnitId?: string | null; validForMs?: number },
): Promise<IssuedEnrollmentCode> {
  const housingUnitId = input.housingUnitId ?? null;
  if (input.kind === 'kiosk' && housingUnitId === null) throw invalid('A kiosk code needs the housing unit the kiosk stands in.');
  if (input.kind === 'tablet' && housingUnitId !== null) throw invalid('A tablet belongs to a resident, not a housing unit: assign it after enrolling.');
  const validForMs = input.validForMs ?? enrollmentCodeLifetimeMs;
  if (!Number.isInteger(validForMs) || validForMs <= 0 || validForMs > 24 * 60 * 60 * 1000) throw invalid('A code is valid for at most a day.');
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    if (housingUnitId !== null) {
      const [unit] = await tx.query('SELECT 1 FROM housing_units WHERE housing_unit_id = $1 AND site_id = $2', [housingUnitId, input.siteId]);
      if (unit === undefined) throw notFound(`There is no housing unit ${housingUnitId} at this site.`);
    }
    const now = hub.now();
    const code = newEnrollmentCode();
    const expiresAt = now + validForMs;
    await tx.query('INSERT INTO enrollment_codes (code_hash, site_id, kind, housing_unit_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      enrollmentCodeHash(code),
      input.siteId,
      input.kind,
      housingUnitId,
      now,
      expiresAt,
    ]);
    return { code, expiresAt, kind: input.kind, housingUnitId };
  });
}

export type EnrollmentOutcome =
  { readonly ok: true; readonly enrollment: EnrollResponse } | { readonly ok: false; readonly problem: 'invalid' | 'expired' | 'used' };

/**
 * Trades a one-time code for a device id and a fresh secret; the hub stores only the secret's hash. `replacing` is the
 * device the caller proved it is (its old bearer credential came with the request): enrolling again revokes that
 * credential in the same transaction, so there is never a moment when both open anything.
 */
export async function enrollDevice(hub: HubContext, request: EnrollRequest, replacing: DeviceRow | null = null): Promise<EnrollmentOutcome> {
  return hub.database.transaction(async (tx): Promise<EnrollmentOutcome> => {
    const [code] = await tx.query<{
      code_hash: string;
      site_id: string;
      kind: DeviceKind;
      housing_unit_id: string | null;
      expires_at: number;
      used_at: number | null;
      site_name: string;
    }>(
      `SELECT c.code_hash, c.site_id, c.kind, c.housing_unit_id, c.expires_at, c.used_at, s.name AS site_name
         FROM enrollment_codes c JOIN sites s ON s.site_id = c.site_id
        WHERE c.code_hash = $1
        FOR UPDATE OF c`,
      [enrollmentCodeHash(request.code)],
    );
    if (code === undefined) return { ok: false, problem: 'invalid' };
    if (code.used_at !== null) return { ok: false, problem: 'used' };
    const now = hub.now();
    if (now >= code.expires_at) return { ok: false, problem: 'expired' };
    const deviceId = randomUUID();
    const secret = newDeviceSecret();
    await tx.query(
      `INSERT INTO devices (device_id, site_id, kind, device_name, app_version, housing_unit_id, secret_hash, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [deviceId, code.site_id, code.kind, request.deviceName, request.appVersion, code.housing_unit_id, sha256Hex(secret), now],
    );
    await tx.query('UPDATE enrollment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1', [code.code_hash, now, deviceId]);
    if (replacing !== null)
      await revokeInTransaction(tx, { siteId: replacing.site_id, deviceId: replacing.device_id, reason: 'reenrolled', wipe: false, replacedBy: deviceId }, now);
    return {
      ok: true,
      enrollment: { deviceId, secret, siteId: code.site_id, siteName: code.site_name, kind: code.kind, housingUnitId: code.housing_unit_id },
    };
  });
}

/** The device a bearer secret belongs to, or null. The stored hash is compared in constant time. */
export async function authenticateDevice(db: SqlExecutor, secret: string): Promise<DeviceRow | null> {
  const presented = sha256Hex(secret);
  const [device] = await db.query<DeviceRow>(`SELECT ${deviceColumns} FROM devices WHERE secret_hash = $1`, [presented]);
  if (device === undefined || !sameDigest(device.secret_hash, presented)) return null;
  return device;
}

export type RevocationOutcome = { readonly ok: true; readonly device: DeviceRow } | { readonly ok: false; readonly problem: 'notFound' | 'alreadyRevoked' };

/**
 * Withdraws a device's credential: from the commit on, every request with it is refused (hub/http/auth.ts). A tablet
 * that served someone is taken back (it receives their evict, should it ever pull again — it cannot), so the hub no
 * longer counts it as holding their data. `wipe` adds the order to wipe itself if it ever reaches the hub again. A
 * device already revoked may still be given the wipe order; anything else about it stays as it was.
 */
async function revokeInTransaction(
  tx: HubTransaction,
  input: { siteId: string; deviceId: string; reason: RevocationReason; wipe: boolean; replacedBy: string | null },
  now: number,
): Promise<RevocationOutcome> {
  const device = await lockDevice(tx, input.deviceId);
  if (device === null || device.site_id !== input.siteId) return { ok: false, problem: 'notFound' };
  if (device.revoked_at !== null && (!input.wipe || device.wipe_on_contact)) return { ok: false, problem: 'alreadyRevoked' };
  if (device.revoked_at === null) await evictFromTablet(tx, device, now);
  const [revoked] = await tx.query<DeviceRow>(
    `UPDATE devices SET revoked_at = COALESCE(revoked_at, $2), revoked_reason = COALESCE(revoked_reason, $3), wipe_on_contact = wipe_on_contact OR $4,
            replaced_by_device_id = COALESCE(replaced_by_device_id, $5), assigned_resident_id = NULL
      WHERE device_id = $1 RETURNING ${deviceColumns}`,
    [device.device_id, now, input.reason, input.wipe, input.replacedBy],
  );
  if (revoked === undefined) throw new Error(`device ${device.device_id} vanished inside its own lock`);
  // Every hub process forgets what it remembered of this device's credential when this commits (hub/live).
  tx.announceDevice(device.device_id);
  await appendHubAuditEntry(
    tx,
    { kind: 'deviceRevoked', actor: null, details: { deviceId: device.device_id, reason: input.reason, wipe: input.wipe, replacedBy: input.replacedBy } },
    now,
  );
  return { ok: true, device: revoked };
}

/** The console's revoke-device: see revokeInTransaction. */
export async function revokeDevice(
  hub: HubContext,
  input: { siteId: string; deviceId: string; reason: RevocationReason; wipe: boolean },
): Promise<RevocationOutcome> {
  return hub.database.transaction((tx) => revokeInTransaction(tx, { ...input, replacedBy: null }, hub.now()));
}

/**
 * A revoked device told to wipe itself has reached the hub. The order is audited the first time it is delivered only:
 * a device keeps retrying until it has wiped, and each retry is not news.
 */
export async function recordWipeOrdered(hub: HubContext, deviceId: string): Promise<void> {
  await hub.database.transaction(async (tx) => {
    const now = hub.now();
    const [first] = await tx.query(
      'UPDATE devices SET wipe_ordered_at = $2 WHERE device_id = $1 AND wipe_on_contact AND wipe_ordered_at IS NULL RETURNING device_id',
      [deviceId, now],
    );
    if (first !== undefined) await appendHubAuditEntry(tx, { kind: 'deviceWipeOrdered', actor: null, details: { deviceId } }, now);
  });
}

export async function lockDevice(tx: SqlExecutor, deviceId: string): Promise<DeviceRow | null> {
  const [device] = await tx.query<DeviceRow>(`SELECT ${deviceColumns} FROM devices WHERE device_id = $1 FOR UPDATE`, [deviceId]);
  return device ?? null;
}

async function lockTablet(tx: SqlExecutor, deviceId: string): Promise<DeviceRow> {
  const device = await lockDevice(tx, deviceId);
  if (device === null) throw notFound(`There is no device ${deviceId}.`);
  if (device.kind !== 'tablet') throw invalid(`${device.device_name} is a kiosk; only tablets are assigned to a resident.`);
  return device;
}

async function evictFromTablet(tx: HubTransaction, tablet: DeviceRow, now: number): Promise<void> {
  if (tablet.assigned_resident_id === null) return;
  const [previous] = await tx.query<{ version: number }>('SELECT version FROM residents WHERE resident_id = $1', [tablet.assigned_resident_id]);
  await appendEvict(tx, { kind: 'device', siteId: tablet.site_id, deviceId: tablet.device_id }, tablet.assigned_resident_id, previous?.version ?? 0, now);
}

/**
 * Gives a tablet to a resident: the tablet (and only it) receives everything of theirs as a backfill. A tablet that
 * served someone else first receives an evict for that person. The assignment starts a new scope (startDeviceScope):
 * from then on pull gives the tablet nothing of its earlier assignees but their evicts, whatever cursor it holds.
 */
export async function assignTablet(hub: HubContext, input: { deviceId: string; residentId: string }): Promise<DeviceRow> {
  return hub.database.transaction(async (tx) => {
    // Device, then resident: the lock order push uses.
    const tablet = await lockTablet(tx, input.deviceId);
    if (tablet.assigned_resident_id === input.residentId) throw conflict('The tablet is already assigned to this resident.');
    const resident = await lockActiveResident(tx, input.residentId);
    if (resident.site_id !== tablet.site_id) throw notFound(`There is no resident ${input.residentId} at the tablet's site.`);
    const now = hub.now();
    await evictFromTablet(tx, tablet, now);
    const [assigned] = await tx.query<DeviceRow>(`UPDATE devices SET assigned_resident_id = $2 WHERE device_id = $1 RETURNING ${deviceColumns}`, [
      tablet.device_id,
      resident.resident_id,
    ]);
    if (assigned === undefined) throw new Error(`device ${tablet.device_id} vanished inside its own lock`);
    await startDeviceScope(tx, tablet.device_id);
    await appendChanges(tx, { kind: 'device', siteId: tablet.site_id, deviceId: tablet.device_id }, await residentSnapshot(tx, resident), now);
    return assigned;
  });
}

/** Takes a tablet back: it receives an evict for its resident (and staff can then wipe it). */
export async function unassignTablet(hub: HubContext, input: { deviceId: string }): Promise<DeviceRow> {
  return hub.database.transaction(async (tx) => {
    const tablet = await lockTablet(tx, input.deviceId);
    if (tablet.assigned_resident_id === null) throw conflict('The tablet is not assigned to anyone.');
    await evictFromTablet(tx, tablet, hub.now());
    const [unassigned] = await tx.query<DeviceRow>(`UPDATE devices SET assigned_resident_id = NULL WHERE device_id = $1 RETURNING ${deviceColumns}`, [
      tablet.device_id,
    ]);
    if (unassigned === undefined) throw new Error(`device ${tablet.device_id} vanished inside its own lock`);
    await startDeviceScope(tx, tablet.device_id);
    return unassigned;
  });
}

// ---- Assignment from the tablet's own service mode ----
//
// The routes authenticate the tablet and act on it alone; these rules differ from the console's assignTablet in one
// way that matters: a tablet that serves someone is never silently handed to another person. The device must first
// send that person's waiting actions and wipe their data (main/tablet), so the hub refuses and staff unassign first.

export type TabletAssignRefusal =
  'notATablet' | 'staffNotKnown' | 'staffPinWrong' | 'staffLockedOut' | 'requestReplayed' | 'bookingNumberUnknown' | 'residentReleased' | 'assignedElsewhere';

/** A refusal, with what staff need to hear about their PIN: the tries left, or until when they are locked out. */
export interface TabletRefused {
  readonly ok: false;
  readonly refusal: TabletAssignRefusal;
  readonly attemptsLeft: number | null;
  readonly lockedUntil: number | null;
}

export type TabletAssignOutcome = { readonly ok: true; readonly resident: ResidentRow; readonly alreadyAssigned: boolean } | TabletRefused;

export type TabletReleaseOutcome = { readonly ok: true; readonly releasedResidentId: string | null } | TabletRefused;

function refused(refusal: TabletAssignRefusal): TabletRefused {
  return { ok: false, refusal, attemptsLeft: null, lockedUntil: null };
}

function refusedProof(proof: StaffProofRefusal): TabletRefused {
  switch (proof.refusal) {
    case 'staffNotKnown':
      return refused('staffNotKnown');
    case 'staffPinWrong':
      return { ok: false, refusal: 'staffPinWrong', attemptsLeft: proof.attemptsLeft, lockedUntil: null };
    case 'staffLockedOut':
      return { ok: false, refusal: 'staffLockedOut', attemptsLeft: 0, lockedUntil: proof.until };
    default: {
      const unknownProof: never = proof;
      throw new Error(`unknown staff proof refusal ${JSON.stringify(unknownProof)}`);
    }
  }
}

/** What a tablet sends on staff's behalf: who, their PIN as proof, and a request id that is good once. */
export interface StaffProofRequest {
  readonly staffId: string;
  readonly staffPin: string;
  readonly requestId: string;
}

/**
 * The checks every staff-proofed request makes, in order, inside the caller's transaction with the tablet row locked:
 * a request id used before is a replay (refused before the PIN is looked at, so a replay cannot count against anyone);
 * then the staff member's PIN (staff-proof.ts). Only a proved request's id is kept.
 */
async function proveStaffRequest(
  tx: SqlExecutor,
  tablet: DeviceRow,
  request: StaffProofRequest,
  action: StaffProofAction,
  now: number,
): Promise<TabletRefused | null> {
  const [used] = await tx.query('SELECT 1 FROM tablet_assignment_requests WHERE device_id = $1 AND request_id = $2', [tablet.device_id, request.requestId]);
  if (used !== undefined) return refused('requestReplayed');
  const proof = await checkStaffProof(
    tx,
    { siteId: tablet.site_id, deviceId: tablet.device_id, staffId: request.staffId, staffPin: request.staffPin, action },
    now,
  );
  if (!proof.ok) return refusedProof(proof);
  await tx.query('INSERT INTO tablet_assignment_requests (device_id, request_id, staff_id, at) VALUES ($1, $2, $3, $4)', [
    tablet.device_id,
    request.requestId,
    request.staffId,
    now,
  ]);
  return null;
}

async function logAssignment(
  tx: SqlExecutor,
  entry: { deviceId: string; residentId: string; action: 'assigned' | 'released'; staffId: string; at: number },
): Promise<void> {
  await tx.query('INSERT INTO tablet_assignment_log (device_id, resident_id, action, staff_id, at) VALUES ($1, $2, $3, $4, $5)', [
    entry.deviceId,
    entry.residentId,
    entry.action,
    entry.staffId,
    entry.at,
  ]);
  const actor = { kind: 'staff', id: entry.staffId } as const;
  const details = { deviceId: entry.deviceId, residentId: entry.residentId };
  await appendHubAuditEntry(
    tx,
    entry.action === 'assigned' ? { kind: 'tabletAssigned', actor, details } : { kind: 'tabletReleased', actor, details },
    entry.at,
  );
}

/**
 * Gives the calling tablet to the active resident holding this booking number at its site, once a staff member proved
 * who they are. Assigning the same person again answers as a success without writing anything (a retry whose first
 * answer was lost, sent as a new request); assigning while the tablet serves someone else is refused.
 */
export async function assignTabletByBookingNumber(
  hub: HubContext,
  input: StaffProofRequest & { deviceId: string; bookingNumber: string },
): Promise<TabletAssignOutcome> {
  return hub.database.transaction(async (tx): Promise<TabletAssignOutcome> => {
    // Device, then the staff member's lockout row, then resident: the lock order push uses, with the proof between.
    const tablet = await lockDevice(tx, input.deviceId);
    if (tablet === null || tablet.kind !== 'tablet') return refused('notATablet');
    const now = hub.now();
    const unproved = await proveStaffRequest(tx, tablet, input, 'assign', now);
    if (unproved !== null) return unproved;
    // Active first: a booking number can be given again after its holder's release.
    const [found] = await tx.query<{ resident_id: string; status: ResidentRow['status'] }>(
      `SELECT resident_id, status FROM residents WHERE site_id = $1 AND credential_id = $2 ORDER BY status = 'active' DESC, created_at DESC LIMIT 1`,
      [tablet.site_id, input.bookingNumber],
    );
    if (found === undefined) return refused('bookingNumberUnknown');
    if (found.status !== 'active') return refused('residentReleased');
    const resident = await lockResident(tx, found.resident_id);
    if (resident === null) throw new Error(`resident ${found.resident_id} vanished inside the transaction`);
    if (resident.status !== 'active') return refused('residentReleased');
    if (tablet.assigned_resident_id === resident.resident_id) return { ok: true, resident, alreadyAssigned: true };
    if (tablet.assigned_resident_id !== null) return refused('assignedElsewhere');
    await tx.query('UPDATE devices SET assigned_resident_id = $2 WHERE device_id = $1', [tablet.device_id, resident.resident_id]);
    await startDeviceScope(tx, tablet.device_id);
    await appendChanges(tx, { kind: 'device', siteId: tablet.site_id, deviceId: tablet.device_id }, await residentSnapshot(tx, resident), now);
    await logAssignment(tx, { deviceId: tablet.device_id, residentId: resident.resident_id, action: 'assigned', staffId: input.staffId, at: now });
    return { ok: true, resident, alreadyAssigned: false };
  });
}

/**
 * Takes the calling tablet back from the resident it believes it serves, once a staff member proved who they are; the
 * tablet receives an evict for them. A tablet the hub no longer gives to that person (released, reassigned at the
 * console, or released already by a retry) answers null and changes nothing.
 */
export async function releaseTablet(hub: HubContext, input: StaffProofRequest & { deviceId: string; residentId: string }): Promise<TabletReleaseOutcome> {
  return hub.database.transaction(async (tx): Promise<TabletReleaseOutcome> => {
    const tablet = await lockDevice(tx, input.deviceId);
    if (tablet === null || tablet.kind !== 'tablet') return refused('notATablet');
    const now = hub.now();
    const unproved = await proveStaffRequest(tx, tablet, input, 'release', now);
    if (unproved !== null) return unproved;
    if (tablet.assigned_resident_id !== input.residentId) return { ok: true, releasedResidentId: null };
    await evictFromTablet(tx, tablet, now);
    await tx.query('UPDATE devices SET assigned_resident_id = NULL WHERE device_id = $1', [tablet.device_id]);
    await startDeviceScope(tx, tablet.device_id);
    await logAssignment(tx, { deviceId: tablet.device_id, residentId: input.residentId, action: 'released', staffId: input.staffId, at: now });
    return { ok: true, releasedResidentId: input.residentId };
  });
}

/** The history of a tablet's assignments made from its service mode, oldest first. */
export async function tabletAssignmentLog(
  db: SqlExecutor,
  deviceId: string,
): Promise<Array<{ resident_id: string; action: 'assigned' | 'released'; staff_id: string; at: number }>> {
  return db.query('SELECT resident_id, action, staff_id, at FROM tablet_assignment_log WHERE device_id = $1 ORDER BY seq', [deviceId]);
}

export async function listDevices(db: SqlExecutor, siteId: string): Promise<DeviceRow[]> {
  return db.query<DeviceRow>(`SELECT ${deviceColumns} FROM devices WHERE site_id = $1 ORDER BY enrolled_at, device_id`, [siteId]);
}
