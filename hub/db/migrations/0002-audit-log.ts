// The devices' audit logs (docs/security.md §9 "The audit log and its hash chain"; hub/protocol/audit.ts): each device's hash-chained entries as it
// pushed them, one row per (device, seq), append-only. `link` is what the hub found when the entry arrived — linked
// to the head before it, or the way it was not — so an entry that broke the chain is kept, not lost, and
// verify-audit (which recomputes everything from the stored fields) reports the same seq. Entries that cannot take
// their place (a second, different entry under a seq already held; an entry hashed under another device's id) are
// kept aside in audit_entries_set_aside with the reason.
export const sql = /* sql */ `
CREATE TABLE audit_entries (
  device_id text NOT NULL REFERENCES devices,
  seq bigint NOT NULL CHECK (seq > 0),
  -- the device id the entry was hashed with: this device's, or NULL for entries written before it was enrolled
  entry_device_id text,
  at bigint NOT NULL,
  kind text NOT NULL,
  actor_kind text CHECK (actor_kind IN ('resident', 'staff')),
  actor_id text,
  -- canonical JSON (hub/protocol/audit.ts), as hashed; text, not jsonb, so the database cannot re-encode it
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  mutation_id bigint NOT NULL,
  received_at bigint NOT NULL,
  link text NOT NULL CHECK (link IN ('linked', 'seqNotNext', 'prevHashMismatch', 'hashMismatch')),
  PRIMARY KEY (device_id, seq),
  CHECK ((actor_kind IS NULL) = (actor_id IS NULL))
);

CREATE TABLE audit_entries_set_aside (
  device_id text NOT NULL REFERENCES devices,
  mutation_id bigint NOT NULL,
  seq bigint NOT NULL,
  -- the entry as the device sent it (canonical JSON)
  entry text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('seqTaken', 'otherDevice')),
  received_at bigint NOT NULL,
  PRIMARY KEY (device_id, mutation_id)
);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_entries_set_aside_append_only BEFORE UPDATE OR DELETE ON audit_entries_set_aside
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
`;
