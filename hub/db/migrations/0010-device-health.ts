// Device health (issue 17): the latest of what each device says about itself with its sync, and when the hub last saw
// it. One row per device, replaced at each pull. `last_seen_at` and `pulled_through_seq` are the hub's own facts (its
// clock; the position the device's signed cursor proves it reached); `report` is the device's claim, kept as it was
// parsed, beside the hub's clock when it came (`report_received_at`). A report the hub refused leaves the previous one
// in place and says why in `report_refused_*`, so IT sees a device whose reports stopped fitting.
export const sql = /* sql */ `
CREATE TABLE device_health (
  device_id text PRIMARY KEY REFERENCES devices,
  last_seen_at bigint NOT NULL,
  pulled_through_seq bigint NOT NULL DEFAULT 0 CHECK (pulled_through_seq >= 0),
  report jsonb,
  report_received_at bigint,
  report_refused_at bigint,
  report_refused_message text,
  CHECK ((report IS NULL) = (report_received_at IS NULL)),
  CHECK ((report_refused_at IS NULL) = (report_refused_message IS NULL))
);
`;
