import type { Migration } from '../migrate';

/**
 * Video captions (docs/screens.md §17). A video's caption tracks arrive inside its attachment record, a few kilobytes of
 * plain WebVTT the hub checked, and are kept with the attachment as the record's JSON (NULL: none). Whether a person
 * asked for captions is their own choice on this device, kept with their resident row so it outlasts sign-out; the hub
 * never hears of it, and a row the hub rewrites keeps it (its upserts name their columns).
 */
export const migration0018Captions: Migration = {
  version: 18,
  name: 'captions',
  up(db) {
    db.exec(`
      ALTER TABLE message_attachments ADD COLUMN captions TEXT CHECK (captions IS NULL OR json_valid(captions));
      ALTER TABLE residents ADD COLUMN captions_wanted INTEGER NOT NULL DEFAULT 0 CHECK (captions_wanted IN (0, 1));
    `);
  },
};
