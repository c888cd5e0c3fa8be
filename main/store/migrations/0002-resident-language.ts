import type { Migration } from '../migrate';

/** Each resident keeps the language they chose; existing residents start in English until they choose. */
export const migration0002ResidentLanguage: Migration = {
  version: 2,
  name: 'resident-language',
  up(db) {
    db.exec(`ALTER TABLE residents ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));`);
  },
};
