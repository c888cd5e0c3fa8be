// Lockouts follow the person (issue "A device is trusted with nothing it cannot prove", item 4). The hub folds every
// device's wrong PINs for a resident into one count with the shared rule (hub/protocol/pin-lockout.ts) and publishes
// the resulting lockout on the resident's record; pin_lockout_cleared_at is when staff last cleared it at the hub.
//
// hub_audit_log: what staff do at the hub's console that a facility audits (clearing a lockout), hash-chained the
// way the devices' logs are, one chain for the hub, append-only.
export const sql = /* sql */ `
ALTER TABLE residents
  ADD COLUMN pin_failed_attempts integer NOT NULL DEFAULT 0 CHECK (pin_failed_attempts >= 0),
  ADD COLUMN pin_lockouts integer NOT NULL DEFAULT 0 CHECK (pin_lockouts >= 0),
  ADD COLUMN pin_locked_until bigint,
  ADD COLUMN pin_lockout_cleared_at bigint;

CREATE TABLE hub_audit_log (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  site_id text NOT NULL REFERENCES sites,
  at bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('lockoutCleared')),
  -- who did it at the console: the login name, as review decisions record their reviewer
  operator text NOT NULL CHECK (operator <> ''),
  resident_id text REFERENCES residents,
  -- canonical JSON, as hashed
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);

CREATE FUNCTION hub_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'hub_audit_log is append-only';
END;
$$;
CREATE TRIGGER hub_audit_log_no_change BEFORE UPDATE OR DELETE ON hub_audit_log
  FOR EACH ROW EXECUTE FUNCTION hub_audit_log_append_only();
`;
