// Lockouts follow the person (issue "A device is trusted with nothing it cannot prove", item 4). The hub folds every
// device's wrong PINs for a resident into one count with the shared rule (rules/pin-lockout.ts) and publishes
// the resulting lockout on the resident's record; pin_lockout_cleared_at is when staff last cleared it at the hub (the
// clearing itself is audited on the hub's own chain, hub_audit_entries, from migration 0004).
export const sql = /* sql */ `
ALTER TABLE residents
  ADD COLUMN pin_failed_attempts integer NOT NULL DEFAULT 0 CHECK (pin_failed_attempts >= 0),
  ADD COLUMN pin_lockouts integer NOT NULL DEFAULT 0 CHECK (pin_lockouts >= 0),
  ADD COLUMN pin_locked_until bigint,
  ADD COLUMN pin_lockout_cleared_at bigint;
`;
