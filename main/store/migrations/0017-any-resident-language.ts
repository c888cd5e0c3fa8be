import type { Migration } from '../migrate';

/**
 * A resident's language was held to English or Spanish by a CHECK (migration 0002), so a person who chose Arabic on the
 * screen got "something went wrong". Languages are data now (rules/language.ts: a tag by its shape, checked where it
 * enters): the column is rebuilt without the list, keeping every resident's choice. SQLite cannot drop a CHECK, but it
 * can drop a column whose only constraint is its own.
 */
export const migration0017AnyResidentLanguage: Migration = {
  version: 17,
  name: 'any-resident-language',
  up(db) {
    db.exec(`
      ALTER TABLE residents ADD COLUMN language_tag TEXT NOT NULL DEFAULT 'en' CHECK (length(language_tag) BETWEEN 2 AND 35);
      UPDATE residents SET language_tag = language;
      ALTER TABLE residents DROP COLUMN language;
      ALTER TABLE residents RENAME COLUMN language_tag TO language;
    `);
  },
};
