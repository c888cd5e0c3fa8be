// Devices: one-time enrollment codes, enrollment, bearer-secret authentication, and assigning tablets to residents.
import { randomUUID } from 'node:crypto';
import type { EnrollRequest, EnrollResponse } from '../protocol/index';
import type { SqlExecutor } from '../db/database';
import { enrollmentCodeHash, newDeviceSecret, newEnrollmentCode, sameDigest, sha256Hex } from '../security/tokens';
import { appendChanges, appendEvict, startDeviceScope } from './change-log';
import { conflict, invalid, notFound, type HubContext } from './context';
import { residentSnapshot, type ResidentRow } from './records';
import { lockActiveResident, lockResident } from './residents';

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
}

export const deviceColumns = 'device_id, site_id, kind, device_name, app_version, housing_unit_id, assigned_resident_id, secret_hash, last_mutation_id, enrolled_at';

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
    await tx.query(
      'INSERT INTO enrollment_codes (code_hash, site_id, kind, housing_unit_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [enrollmentCodeHash(code), input.siteId, input.kind, housingUnitId, now, expiresAt],
    );
    return { code, expiresAt, kind: input.kind, housingUnitId };
  });
}

export type EnrollmentOutcome = { readonly ok: true; readonly enrollment: EnrollResponse } | { readonly ok: false; readonly problem: 'invalid' | 'expired' | 'used' };

/** Trades a one-time code for a device id and a fresh secret; the hub stores only the secret's hash. */
export async function enrollDevice(hub: HubContext, request: EnrollRequest): Promise<EnrollmentOutcome> {
  return hub.database.transaction(async (tx): Promise<EnrollmentOutcome> => {
    const [code] = await tx.query<{ code_hash: string; site_id: string; kind: DeviceKind; housing_unit_id: string | null; expires_at: number; used_at: number | null; site_name: string }>(
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

async function evictFromTablet(tx: SqlExecutor, tablet: DeviceRow, now: number): Promise<void> {
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
    const [assigned] = await tx.query<DeviceRow>(`UPDATE devices SET assigned_resident_id = $2 WHERE device_id = $1 RETURNING ${deviceColumns}`, [tablet.device_id, resident.resident_id]);
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
    const [unassigned] = await tx.query<DeviceRow>(`UPDATE devices SET assigned_resident_id = NULL WHERE device_id = $1 RETURNING ${deviceColumns}`, [tablet.device_id]);
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

export type TabletAssignRefusal = 'notATablet' | 'staffNotKnown' | 'bookingNumberUnknown' | 'residentReleased' | 'assignedElsewhere';

export type TabletAssignOutcome =
  | { readonly ok: true; readonly resident: ResidentRow; readonly alreadyAssigned: boolean }
  | { readonly ok: false; readonly refusal: TabletAssignRefusal };

export type TabletReleaseOutcome = { readonly ok: true; readonly releasedResidentId: string | null } | { readonly ok: false; readonly refusal: 'notATablet' | 'staffNotKnown' };

async function activeStaffAt(tx: SqlExecutor, siteId: string, staffId: string): Promise<boolean> {
  const [staff] = await tx.query("SELECT 1 FROM staff WHERE staff_id = $1 AND site_id = $2 AND status = 'active'", [staffId, siteId]);
  return staff !== undefined;
}

async function logAssignment(tx: SqlExecutor, entry: { deviceId: string; residentId: string; action: 'assigned' | 'released'; staffId: string; at: number }): Promise<void> {
  await tx.query('INSERT INTO tablet_assignment_log (device_id, resident_id, action, staff_id, at) VALUES ($1, $2, $3, $4, $5)', [
    entry.deviceId,
    entry.residentId,
    entry.action,
    entry.staffId,
    entry.at,
  ]);
}

/**
 * Gives the calling tablet to the active resident holding this booking number at its site. Assigning the same person
 * again answers as a success without writing anything (a retry whose first answer was lost); assigning while the tablet
 * serves someone else is refused.
 */
export async function assignTabletByBookingNumber(hub: HubContext, input: { deviceId: string; bookingNumber: string; staffId: string }): Promise<TabletAssignOutcome> {
  return hub.database.transaction(async (tx): Promise<TabletAssignOutcome> => {
    // Device, then resident: the lock order push uses.
    const tablet = await lockDevice(tx, input.deviceId);
    if (tablet === null || tablet.kind !== 'tablet') return { ok: false, refusal: 'notATablet' };
    if (!(await activeStaffAt(tx, tablet.site_id, input.staffId))) return { ok: false, refusal: 'staffNotKnown' };
    // Active first: a booking number can be given again after its holder's release.
    const [found] = await tx.query<{ resident_id: string; status: ResidentRow['status'] }>(
      `SELECT resident_id, status FROM residents WHERE site_id = $1 AND credential_id = $2 ORDER BY status = 'active' DESC, created_at DESC LIMIT 1`,
      [tablet.site_id, input.bookingNumber],
    );
    if (found === undefined) return { ok: false, refusal: 'bookingNumberUnknown' };
    if (found.status !== 'active') return { ok: false, refusal: 'residentReleased' };
    const resident = await lockResident(tx, found.resident_id);
    if (resident === null) throw new Error(`resident ${found.resident_id} vanished inside the transaction`);
    if (resident.status !== 'active') return { ok: false, refusal: 'residentReleased' };
    if (tablet.assigned_resident_id === resident.resident_id) return { ok: true, resident, alreadyAssigned: true };
    if (tablet.assigned_resident_id !== null) return { ok: false, refusal: 'assignedElsewhere' };
    const now = hub.now();
    await tx.query('UPDATE devices SET assigned_resident_id = $2 WHERE device_id = $1', [tablet.device_id, resident.resident_id]);
    await startDeviceScope(tx, tablet.device_id);
    await appendChanges(tx, { kind: 'device', siteId: tablet.site_id, deviceId: tablet.device_id }, await residentSnapshot(tx, resident), now);
    await logAssignment(tx, { deviceId: tablet.device_id, residentId: resident.resident_id, action: 'assigned', staffId: input.staffId, at: now });
    return { ok: true, resident, alreadyAssigned: false };
  });
}

/**
 * Takes the calling tablet back from the resident it believes it serves; the tablet receives an evict for them. A
 * tablet the hub no longer gives to that person (released, reassigned at the console, or released already by a retry)
 * answers null and changes nothing.
 */
export async function releaseTablet(hub: HubContext, input: { deviceId: string; residentId: string; staffId: string }): Promise<TabletReleaseOutcome> {
  return hub.database.transaction(async (tx): Promise<TabletReleaseOutcome> => {
    const tablet = await lockDevice(tx, input.deviceId);
    if (tablet === null || tablet.kind !== 'tablet') return { ok: false, refusal: 'notATablet' };
    if (!(await activeStaffAt(tx, tablet.site_id, input.staffId))) return { ok: false, refusal: 'staffNotKnown' };
    if (tablet.assigned_resident_id !== input.residentId) return { ok: true, releasedResidentId: null };
    const now = hub.now();
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
