// Who gave a tablet to whom, and who took it back, when staff do it on the tablet in service mode. The devices row
// holds only the current assignment; this keeps the history with the staff member the tablet reported (checked against
// the site's staff at the time), so "who had tablet 42 last March, and who handed it over" has an answer at the hub
// even after the device's own data is gone. Append-only, like the audit log.
export const sql = /* sql */ `
CREATE TABLE tablet_assignment_log (
  seq bigserial PRIMARY KEY,
  device_id text NOT NULL REFERENCES devices,
  resident_id text NOT NULL REFERENCES residents,
  action text NOT NULL CHECK (action IN ('assigned', 'released')),
  staff_id text NOT NULL REFERENCES staff,
  at bigint NOT NULL
);
CREATE INDEX tablet_assignment_log_by_device ON tablet_assignment_log (device_id, seq);

CREATE FUNCTION tablet_assignment_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'tablet_assignment_log is append-only';
END;
$$;
CREATE TRIGGER tablet_assignment_log_no_change BEFORE UPDATE OR DELETE ON tablet_assignment_log
  FOR EACH ROW EXECUTE FUNCTION tablet_assignment_log_append_only();
`;
