import type { Migration } from '../migrate';

/**
 * Residents now come from the hub, which numbers every write to a record. Rows already on the device (seeded before
 * sync existed) start at version 0, so the hub's first version of the same resident replaces them.
 */
export const migration0005ResidentVersion: Migration = {
  version: 5,
  name: 'resident-version',
  up(db) {
    db.exec(`ALTER TABLE residents ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0);`);
  },
};
