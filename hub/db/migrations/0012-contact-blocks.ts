// A contact blocked at the resident's request (the facility console's People page): not approved, and not approvable
// again until a supervisor lifts the block, so a blocked sender cannot be waved back in by a routine approval. The
// reason is kept for staff; devices see only that the contact is no longer approved.
export const sql = /* sql */ `
ALTER TABLE contacts
  ADD COLUMN blocked_at bigint,
  ADD COLUMN blocked_reason text,
  ADD CONSTRAINT contacts_block_whole CHECK ((blocked_at IS NULL) = (blocked_reason IS NULL)),
  ADD CONSTRAINT contacts_blocked_not_approved CHECK (blocked_at IS NULL OR NOT approved);
`;
