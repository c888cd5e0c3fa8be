import type { Migration } from '../migrate';

/** The residents this device may sign in: who they are, the id on their card or wristband, and their PIN hash. */
export const migration0001Residents: Migration = {
  version: 1,
  name: 'residents',
  up(db) {
    db.exec(`
      CREATE TABLE residents (
        resident_id   TEXT PRIMARY KEY,
        -- the id the site's credential rule extracts from their card or wristband (e.g. a booking number)
        credential_id TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        -- scrypt:N:r:p:salt:hash; a PIN is never stored in any other form
        pin_hash      TEXT NOT NULL,
        housing_unit  TEXT,
        updated_at    INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
