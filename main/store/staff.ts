// Queries over the staff table (migration 0006), for service-mode sign-in. The rows are the hub's (replica.ts writes
// them); a staff badge is found by the hash of the id the site's credential rule extracted, never by the id itself.
import { badgeHash } from '../../platform/credential-hashes';
import type { DeviceDatabase } from './database';

export interface StaffMember {
  readonly staffId: string;
  readonly displayName: string;
  readonly pinHash: string;
}

interface StaffRow {
  staff_id: string;
  display_name: string;
  pin_hash: string;
}

const toMember = (row: StaffRow): StaffMember => ({ staffId: row.staff_id, displayName: row.display_name, pinHash: row.pin_hash });

/** The badge hash the hub stores, by the one definition both sides use (platform/credential-hashes.ts). */
export const staffBadgeHash = badgeHash;

export interface StaffQueries {
  /** The staff member holding this badge id, or null. Two rows with one badge (a badge mid-move) match neither. */
  byBadge(badgeId: string): StaffMember | null;
  byId(staffId: string): StaffMember | null;
}

export function staffQueries(db: DeviceDatabase): StaffQueries {
  // LIMIT 2: a badge the hub is moving between two people may briefly be on both rows; refusing beats guessing.
  const selectByBadge = db.prepare<[string], StaffRow>('SELECT staff_id, display_name, pin_hash FROM staff WHERE badge_hash = ? LIMIT 2');
  const selectById = db.prepare<[string], StaffRow>('SELECT staff_id, display_name, pin_hash FROM staff WHERE staff_id = ?');
  return {
    byBadge: (badgeId) => {
      const rows = selectByBadge.all(staffBadgeHash(badgeId));
      return rows.length === 1 && rows[0] ? toMember(rows[0]) : null;
    },
    byId: (staffId) => {
      const row = selectById.get(staffId);
      return row ? toMember(row) : null;
    },
  };
}
