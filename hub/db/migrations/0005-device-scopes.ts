// A device receives only what it needs now (issue "A device is trusted with nothing it cannot prove").
//
// scope_start_seq: where the device's current scope begins in the change log. Every assignment change of a tablet, and
// every pull from a fresh cursor, starts a new scope: the hub writes the scope's backfill for the device after this
// position, and pull never hands the device its own or its resident's rows from before it (only evicts, which a device
// still holding an earlier scope needs). So a tablet's earlier assignees, and the people who once lived in a kiosk's
// unit, are never replayed to it.
//
// staff_units: the housing units a staff member works in. A staff member with none works site-wide (every device of
// the site receives their badge and PIN verifiers, tablets included); one with units reaches only those units' kiosks.
export const sql = /* sql */ `
ALTER TABLE devices ADD COLUMN scope_start_seq bigint NOT NULL DEFAULT 0 CHECK (scope_start_seq >= 0);

CREATE TABLE staff_units (
  staff_id text NOT NULL REFERENCES staff,
  housing_unit_id text NOT NULL REFERENCES housing_units,
  PRIMARY KEY (staff_id, housing_unit_id)
);
CREATE INDEX staff_units_by_unit ON staff_units (housing_unit_id);
`;
