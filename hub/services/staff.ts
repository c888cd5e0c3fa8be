// Facility staff who service devices. Their records (badge hash, PIN hash) are site-wide: every device of the site
// receives them, so staff can sign in to service mode on any kiosk or tablet, even offline.
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../db/database';
import { hashPin, isValidPin } from '../security/pin-hash';
import { sha256Hex } from '../security/tokens';
import { appendChanges } from './change-log';
import { characterCount } from '../protocol/index';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { staffRecord, type StaffRow } from './records';

const staffColumns = 'staff_id, site_id, display_name, badge_hash, pin_hash, status, version';

/** The badge id as the site's credential rule extracts it; only its hash is stored or synced. */
export function badgeHash(badgeId: string): string {
  return sha256Hex(badgeId);
}

export async function addStaff(hub: HubContext, input: { siteId: string; displayName: string; badgeId: string; pin: string }): Promise<StaffRow> {
  const displayName = checkedInputText(input.displayName, 'name', 'The staff member\'s name');
  if (displayName === '' || characterCount(displayName) > 120) throw invalid('A staff member needs a name of at most 120 characters.');
  if (input.badgeId.trim() === '') throw invalid('A staff member needs a badge id.');
  if (!isValidPin(input.pin)) throw invalid('A PIN is 4 to 8 digits.');
  const pinHash = await hashPin(input.pin, hub.pinCost);
  const hash = badgeHash(input.badgeId.trim());
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const [taken] = await tx.query("SELECT 1 FROM staff WHERE site_id = $1 AND badge_hash = $2 AND status = 'active'", [input.siteId, hash]);
    if (taken !== undefined) throw conflict('That badge already belongs to an active staff member.');
    const now = hub.now();
    const [staff] = await tx.query<StaffRow>(
      `INSERT INTO staff (staff_id, site_id, display_name, badge_hash, pin_hash, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING ${staffColumns}`,
      [randomUUID(), input.siteId, displayName, hash, pinHash, now],
    );
    if (staff === undefined) throw new Error('INSERT ... RETURNING returned no row');
    await appendChanges(tx, { kind: 'site', siteId: staff.site_id }, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) }], now);
    return staff;
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
    await appendChanges(tx, { kind: 'site', siteId: staff.site_id }, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'delete' }], hub.now());
    return staff;
  });
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
    await appendChanges(tx, { kind: 'site', siteId: staff.site_id }, [{ entity: 'staff', id: staff.staff_id, version: staff.version, op: 'upsert', data: staffRecord(staff) }], hub.now());
    return staff;
  });
}
