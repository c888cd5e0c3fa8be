import type { Migration } from '../migrate';

/**
 * The languages the site offers and its default now come from the hub with the site's rules (hub migration 0013). One
 * JSON value (rules/language.ts SiteLanguages), null until the hub has said: the site file's `languages` meanwhile.
 */
export const migration0016SiteLanguages: Migration = {
  version: 16,
  name: 'site-languages',
  up(db) {
    db.exec('ALTER TABLE site_rules ADD COLUMN languages TEXT');
  },
};
