// When a resident's language was last chosen (docs/languages.md §5 "Where a choice is kept"), by the person on a device
// (the chooseLanguage mutation) or by staff at the hub. A device's choice and a hub edit are applied in the order they
// were made, not the order they reach the hub, so a choice queued on a device for days cannot undo a newer staff edit,
// nor an older staff edit a newer choice. NULL: nobody has chosen since this column came, so any choice is newer.
export const sql = `
ALTER TABLE residents ADD COLUMN language_chosen_at bigint CHECK (language_chosen_at >= 0);
`;
