// A fresh device's scope as references (docs/sync.md §3 "Scope", §5 "Pull"; hub/services/scope-references.ts). A pull
// from a fresh cursor used to append a copy of every record in the device's scope — each letter's words included — to
// the change log for that device alone: about 100 MB written and fsynced in one request for a kiosk whose residents
// hold 95,000 letters, longer than the kiosk waits. Such a row now names the record and the version it had when the
// scope started (by_reference) and carries no data; pull loads the record's current state when it serves the row.
// An ordinary upsert carries data and a reference never does; references go to one device only, as the copies did.
// The constraint replaced is 0001's unnamed "upsert iff data" check, which PostgreSQL named change_log_check.
export const sql = /* sql */ `
ALTER TABLE change_log ADD COLUMN by_reference boolean NOT NULL DEFAULT false;
ALTER TABLE change_log DROP CONSTRAINT change_log_check;
ALTER TABLE change_log ADD CONSTRAINT change_log_data_check CHECK ((op = 'upsert' AND NOT by_reference) = (data IS NOT NULL));
ALTER TABLE change_log ADD CONSTRAINT change_log_reference_check
  CHECK (NOT by_reference OR (op = 'upsert' AND audience_device IS NOT NULL AND audience_unit IS NULL AND audience_resident IS NULL));
`;
