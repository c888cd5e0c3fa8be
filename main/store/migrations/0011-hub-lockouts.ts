import type { Migration } from '../migrate';

/**
 * Lockouts follow the person: the hub counts a resident's wrong PINs on all their devices and sends the lockout with
 * their record (rules/pin-lockout.ts). Kept beside the record, apart from pin_lockouts (this device's own
 * count, which goes on working offline); null when the hub has none.
 */
export const migration0011HubLockouts: Migration = {
  version: 11,
  name: 'hub-lockouts',
  up(db) {
    db.exec(`
      ALTER TABLE residents ADD COLUMN hub_locked_until INTEGER;
      ALTER TABLE residents ADD COLUMN hub_lockout_cleared_at INTEGER;
    `);
  },
};
