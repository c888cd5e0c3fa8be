import type { Migration } from '../migrate';

/**
 * Staff now say why they cancelled a visit (hub migration 0011), and the resident reads it on the Visits screen. The
 * reason arrives with the visit record; visits synced before have none (null).
 */
export const migration0015VisitCancellationReason: Migration = {
  version: 15,
  name: 'visit-cancellation-reason',
  up(db) {
    db.exec('ALTER TABLE visits ADD COLUMN cancellation_reason TEXT');
  },
};
