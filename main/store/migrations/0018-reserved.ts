import type { Migration } from '../migrate';

/**
 * Held for the migration another part of issue 18 adds as 0018, landing beside 0019 (the store's versions must run
 * without a gap: migrate.ts). It changes nothing; when both land, that migration takes this place and this file goes.
 */
export const migration0018Reserved: Migration = {
  version: 18,
  name: 'reserved',
  up() {},
};
