// Facility staff who service devices. A staff member works in the housing units listed for them (staff_units), or
// site-wide when none are listed. Their records (badge hash, PIN hash) reach only the devices where they work: the
// kiosks of their units, or — site-wide staff — every device of the site, tablets included, so they can sign in to
// service mode there even offline. Tablets carry site-wide staff only: a tablet moves with its resident, so unit
// staff would follow every transfer; the staff who hand tablets out and take them back work site-wide.
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../db/database';
import { hashPin, isValidPin } from '../security/pin-hash';
import { badgeHash } from '../../platform/credential-hashes';
import { appendChanges, type Audience } from './change-log';
import { characterCount } from '../protocol/index';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { staffRecord, type StaffRow } from './records';

const staffColumns = 'staff_id, site_id, display_name, badge_hash, pin_hash, status, version';

// The badge id as the site's credential rule extracts it; only its hash is stored or synced.
export { badgeHash };

/** Where a staff member's record goes: the site when they work site-wide, otherwise each of their units' kiosks. */
function staffAudiences(siteId: string, housingUnitIds: readonly string[]): Audience[] {
  if (housingUnitIds.length === 0) return [{ kind: 'site', siteId }];
  return housingUnitIds.map((housingUnitId) => ({ kind: 'housingUnit', siteId, housingUnitId }));
}

export async function staffUnits(db: SqlExecutor, staffId: string): Promise<string[]> {
  const rows = await db.query<{ housing_unit_id: string }>('SELECT housing_unit_id FROM staff_units WHERE staff_id = $1 ORDER BY housing_unit_id', [staffId]);
  return rows.map((row) => row.housing_unit_id);
}

async function checkUnitsOfSite(tx: SqlExecutor, siteId: string, housingUnitIds: readonly string[]): Promise<string[]> {
  const distinct = [...new Set(housingUnitIds)].sort();
  for (const housingUnitId of distinct) {
    const [unit] = await tx.query('SELECT 1 FROM housing_units WHERE housing_unit_id = $1 AND site_id = $2', [housingUnitId, siteId]);
    if (unit === undefined) throw notFound(`There is no housing unit ${housingUnitId} at this site.`);
  }
  return distinct;
}

export interface AddStaffInput {
  readonly siteId: string;
  readonly displayName: string;
  readonly badgeId: string;
  readonly pin: string;
  /** The units they work in; none (the default) means site-wide. */
  readonly housingUnitIds?: readonly string[];
}

export async function addStaff(hub: HubContext, input: AddStaffInput): Promise<StaffRow> {
  const displayName = checkedInputText(input.displayName, 'name', "The staff member's name");
  if (displayName === '' || characterCount(displayName) > 120) throw invalid('A staff member needs a name of at most 120 characters.');
  if (input.badgeId.trim() === '') throw invalid('A staff member needs a badge id.');
  if (!isValidPin(input.pin)) throw invalid('A PIN is 4 to 8 digits.');
  const pinHash = await hashPin(input.pin, hub.pinCost);
  const hash = badgeHash(input.badgeId.trim());
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const units = await checkUnitsOfSite(tx, input.siteId, input.housingUnitIds ?? []);
    const [taken] = await tx.query("SELECT 1 FROM staff WHERE site_id = $1 AND badge_hash = $2 AND status = 'active'", [input.siteId, hash]);
    if (taken !== undefined) throw conflict('That badge already belongs to an active staff member.');
    const now = hub.now();
    const [staff] = await tx.query<StaffRow>(
      `INSERT INTO staff (staff_id, site_id, display_name, badge_hash, pin_hash, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING ${staffColumns}`,
      [randomUUID(), input.siteId, displayName, hash, pinHash, now],
    );
    if (staff === undefined) throw new Error('INSERT ... RETURNING returned no row');
    for (const housingUnitId of units) await tx.query('INSERT INTO staff_units (staff_id, housing_unit_id) VALUES ($1, $2)', [staff.staff_id, housingUnitId]);
    for (const audience of staffAudiences(staff.site_id, units)) {
      await appendChanges(tx, audience, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) }], now);
    }
    return staff;
  });
}

/**
 * Changes where a staff member works (none = site-wide). The devices that leave their reach get a delete, the devices
 * in reach the record. The version moves twice: the delete at the first step and the record at the second, because a
 * site-wide delete also reaches the kiosks that keep the staff member, and a device keeps a delete's tombstone against
 * anything not newer — so the record after it must be newer. Returns the units they work in now.
 */
export async function setStaffUnits(
  hub: HubContext,
  input: { staffId: string; housingUnitIds: readonly string[] },
): Promise<{ staff: StaffRow; housingUnitIds: string[] }> {
  return hub.database.transaction(async (tx) => {
    const [before] = await tx.query<StaffRow>(`SELECT ${staffColumns} FROM staff WHERE staff_id = $1 AND status = 'active' FOR UPDATE`, [input.staffId]);
    if (before === undefined) throw notFound(`There is no active staff member ${input.staffId}.`);
    const units = await checkUnitsOfSite(tx, before.site_id, input.housingUnitIds);
    const unitsBefore = await staffUnits(tx, before.staff_id);
    if (unitsBefore.join('\n') === units.join('\n')) return { staff: before, housingUnitIds: units };
    const [staff] = await tx.query<StaffRow>(`UPDATE staff SET version = version + 2 WHERE staff_id = $1 RETURNING ${staffColumns}`, [before.staff_id]);
    if (staff === undefined) throw new Error(`staff ${before.staff_id} vanished inside its own lock`);
    await tx.query('DELETE FROM staff_units WHERE staff_id = $1', [staff.staff_id]);
    for (const housingUnitId of units) await tx.query('INSERT INTO staff_units (staff_id, housing_unit_id) VALUES ($1, $2)', [staff.staff_id, housingUnitId]);
    const now = hub.now();
    const unitsLeft = unitsBefore.filter((unit) => !units.includes(unit));
    // Site-wide now: the site audience reaches every device, so no device leaves their reach. Site-wide before: every
    // device had the record, so the delete goes to the site and the record to their units again after it.
    const left: Audience[] =
      units.length === 0
        ? []
        : unitsBefore.length === 0
          ? staffAudiences(staff.site_id, [])
          : unitsLeft.map((housingUnitId) => ({ kind: 'housingUnit', siteId: staff.site_id, housingUnitId }));
    for (const audience of left) await appendChanges(tx, audience, [{ entity: 'staff', id: staff.staff_id, version: staff.version - 1, op: 'delete' }], now);
    for (const audience of staffAudiences(staff.site_id, units)) {
      await appendChanges(tx, audience, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) }], now);
    }
    return { staff, housingUnitIds: units };
  });
}

/** A staff member who left: devices delete their record, so the badge no longer opens service mode. */
export async function removeStaff(hub: HubContext, input: { staffId: string }): Promise<StaffRow> {
  return hub.database.transaction(async (tx) => {
    const [staff] = await tx.query<StaffRow>(
      `UPDATE staff SET status = 'removed', version = version + 1 WHERE staff_id = $1 AND status = 'active' RETURNING ${staffColumns}`,
      [input.staffId],
    );
    if (staff === undefined) throw notFound(`There is no active staff member ${input.staffId}.`);
    const now = hub.now();
    for (const audience of staffAudiences(staff.site_id, await staffUnits(tx, staff.staff_id))) {
      await appendChanges(tx, audience, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'delete' }], now);
    }
    return staff;
  });
}

/**
 * The staff whose records a device holds: site-wide staff everywhere, and on a kiosk also the staff of its unit. One
 * definition for the snapshot a fresh device receives; the writers above follow it with their audiences.
 */
export async function staffInScope(db: SqlExecutor, device: { siteId: string; housingUnitId: string | null }): Promise<StaffRow[]> {
  return db.query<StaffRow>(`SELECT ${staffColumns} FROM staff s WHERE ${staffInScopeCondition('s', '$1', '$2')} ORDER BY s.staff_id`, [
    device.siteId,
    device.housingUnitId,
  ]);
}

/** staffInScope's rule as SQL over the staff row `alias`, with the device's site and unit as the placeholders given. */
export function staffInScopeCondition(alias: string, siteParam: string, unitParam: string): string {
  return `${alias}.site_id = ${siteParam} AND ${alias}.status = 'active'
        AND (NOT EXISTS (SELECT 1 FROM staff_units u WHERE u.staff_id = ${alias}.staff_id)
          OR EXISTS (SELECT 1 FROM staff_units u WHERE u.staff_id = ${alias}.staff_id AND u.housing_unit_id = ${unitParam}::text))`;
}

export async function listStaff(db: SqlExecutor, siteId: string): Promise<StaffRow[]> {
  return db.query<StaffRow>(`SELECT ${staffColumns} FROM staff WHERE site_id = $1 AND status = 'active' ORDER BY display_name`, [siteId]);
}

/**
 * A staff member chooses a new PIN: devices receive the new hash with the next sync, and the hub checks proofs against
 * it from the commit on, so the old PIN opens nothing — not service mode, not a tablet's assignment.
 */
export async function changeStaffPin(hub: HubContext, input: { staffId: string; pin: string }): Promise<StaffRow> {
  if (!isValidPin(input.pin)) throw invalid('A PIN is 4 to 8 digits.');
  const pinHash = await hashPin(input.pin, hub.pinCost);
  return hub.database.transaction(async (tx) => {
    const [staff] = await tx.query<StaffRow>(
      `UPDATE staff SET pin_hash = $2, version = version + 1 WHERE staff_id = $1 AND status = 'active' RETURNING ${staffColumns}`,
      [input.staffId, pinHash],
    );
    if (staff === undefined) throw notFound(`There is no active staff member ${input.staffId}.`);
    await appendChanges(
      tx,
      { kind: 'site', siteId: staff.site_id },
      [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) }],
      hub.now(),
    );
    return staff;
  });
}
