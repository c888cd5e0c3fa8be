// What a device is trusted with (issue "A device is trusted with nothing it cannot prove"):
//
// - devices.revoked_*: a credential the hub withdrew (console revoke-device, or the device enrolled again). A revoked
//   row stays — its audit chain, mutation results and assignment history point at it — but its secret opens nothing.
//   `wipe_on_contact` makes a lost tablet that comes back wipe itself on its first request.
// - staff_proof_lockouts: wrong staff PINs presented with a tablet's assign/release, counted per staff member at the
//   hub (the devices count their own sign-in lockouts; a stolen tablet credential must not get its own fresh count).
// - tablet_assignment_requests: every request id a device used with a staff proof, so the same request sent again
//   (replayed) is refused instead of acting twice.
// - hub_audit_entries: the hub's own hash-chained log (the devices' chains are audit_entries), for what staff prove at
//   the hub and what the console does to devices. Hashed like a device's chain (hub/protocol/audit.ts) under the
//   chain name 'hub', append-only.
export const sql = /* sql */ `
ALTER TABLE devices
  ADD COLUMN revoked_at bigint,
  ADD COLUMN revoked_reason text CHECK (revoked_reason IN ('lost', 'reenrolled', 'retired')),
  ADD COLUMN wipe_on_contact boolean NOT NULL DEFAULT false,
  -- when the device was first told to wipe itself (audited once, not on every retry it makes)
  ADD COLUMN wipe_ordered_at bigint,
  ADD COLUMN replaced_by_device_id text REFERENCES devices,
  ADD CONSTRAINT devices_revocation_whole CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
  ADD CONSTRAINT devices_wipe_only_when_revoked CHECK (NOT wipe_on_contact OR revoked_at IS NOT NULL);

CREATE TABLE staff_proof_lockouts (
  staff_id text PRIMARY KEY REFERENCES staff,
  -- wrong PINs since the last right one or the last lockout
  failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  -- lockouts so far: each one lasts longer than the one before
  lockouts integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
  locked_until bigint
);

CREATE TABLE tablet_assignment_requests (
  device_id text NOT NULL REFERENCES devices,
  request_id text NOT NULL,
  staff_id text NOT NULL REFERENCES staff,
  at bigint NOT NULL,
  PRIMARY KEY (device_id, request_id)
);

CREATE TABLE hub_audit_entries (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at bigint NOT NULL,
  kind text NOT NULL,
  actor_kind text CHECK (actor_kind IN ('resident', 'staff')),
  actor_id text,
  -- canonical JSON (hub/protocol/audit.ts), as hashed
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  CHECK ((actor_kind IS NULL) = (actor_id IS NULL))
);
CREATE TRIGGER hub_audit_entries_append_only BEFORE UPDATE OR DELETE ON hub_audit_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
`;
