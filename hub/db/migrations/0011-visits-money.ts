// The money office and the visits office at the console (issue 17).
//
// Money: every ledger entry may name the staff member who recorded it; a correction is a new entry that reverses one
// earlier entry, with a reason — never an edit (the append-only triggers of 0001 stay) and at most one per entry. The
// stamp price books become versions: a change appends a whole new version and the old one stays, so a purchase names
// the version whose price it paid. `stamp_books` stays as a view of each site's newest version, for every reader of
// the old table. Statements read a person's entries between two dates: indexes by (resident, time).
//
// Visits: each site has a time zone (null = the hub's own, resolved when read: a migration cannot know it), rooms of a
// kind (on site or video) with weekly opening hours in that zone, and a visit may take place in a room with a contact
// as its visitor. A cancellation keeps its reason (devices show it to the resident), when and by whom.
export const sql = /* sql */ `
ALTER TABLE sites ADD COLUMN time_zone text CHECK (time_zone IS NULL OR (time_zone <> '' AND char_length(time_zone) <= 64));

ALTER TABLE debit_ledger
  ADD COLUMN recorded_by text CHECK (recorded_by IS NULL OR recorded_by <> ''),
  ADD COLUMN reverses_entry_id text REFERENCES debit_ledger,
  ADD COLUMN reason text CHECK (reason IS NULL OR char_length(reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT debit_ledger_correction_has_reason CHECK ((reverses_entry_id IS NULL) = (reason IS NULL));
CREATE UNIQUE INDEX debit_ledger_one_reversal ON debit_ledger (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX debit_ledger_by_resident_time ON debit_ledger (resident_id, created_at);

ALTER TABLE stamp_ledger
  ADD COLUMN recorded_by text CHECK (recorded_by IS NULL OR recorded_by <> ''),
  ADD COLUMN reverses_entry_id text REFERENCES stamp_ledger,
  ADD COLUMN reason text CHECK (reason IS NULL OR char_length(reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT stamp_ledger_correction_has_reason CHECK ((reverses_entry_id IS NULL) = (reason IS NULL));
CREATE UNIQUE INDEX stamp_ledger_one_reversal ON stamp_ledger (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX stamp_ledger_by_resident_time ON stamp_ledger (resident_id, created_at);

CREATE TABLE stamp_price_books (
  site_id text NOT NULL REFERENCES sites,
  version integer NOT NULL CHECK (version > 0),
  created_at bigint NOT NULL,
  created_by text NOT NULL CHECK (created_by <> ''),
  note text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
  PRIMARY KEY (site_id, version)
);
CREATE TABLE stamp_price_book_books (
  site_id text NOT NULL,
  version integer NOT NULL,
  stamps integer NOT NULL CHECK (stamps > 0),
  price_cents integer NOT NULL CHECK (price_cents > 0),
  PRIMARY KEY (site_id, version, stamps),
  FOREIGN KEY (site_id, version) REFERENCES stamp_price_books
);
INSERT INTO stamp_price_books (site_id, version, created_at, created_by, note)
  SELECT site_id, 1, created_at, 'hub', 'the books before price books had versions' FROM sites;
INSERT INTO stamp_price_book_books (site_id, version, stamps, price_cents) SELECT site_id, 1, stamps, price_cents FROM stamp_books;
DROP TABLE stamp_books;
CREATE VIEW stamp_books AS
  SELECT b.site_id, b.stamps, b.price_cents, b.version
    FROM stamp_price_book_books b
   WHERE b.version = (SELECT max(p.version) FROM stamp_price_books p WHERE p.site_id = b.site_id);
CREATE TRIGGER stamp_price_books_append_only BEFORE UPDATE OR DELETE ON stamp_price_books
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER stamp_price_book_books_append_only BEFORE UPDATE OR DELETE ON stamp_price_book_books
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
ALTER TABLE stamp_purchases ADD COLUMN price_book_version integer;

CREATE TABLE visit_rooms (
  room_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  name text NOT NULL CHECK (name <> '' AND char_length(name) <= 60),
  kind text NOT NULL CHECK (kind IN ('onSite', 'remote')),
  created_at bigint NOT NULL,
  UNIQUE (site_id, name)
);
-- Weekly opening hours in the site's time zone: weekday 0 is Sunday; minutes from local midnight, closing after opening.
CREATE TABLE visit_room_hours (
  room_id text NOT NULL REFERENCES visit_rooms,
  weekday integer NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  opens_minute integer NOT NULL CHECK (opens_minute BETWEEN 0 AND 1439),
  closes_minute integer NOT NULL CHECK (closes_minute BETWEEN 1 AND 1440),
  PRIMARY KEY (room_id, weekday, opens_minute),
  CHECK (closes_minute > opens_minute)
);

ALTER TABLE visits
  ADD COLUMN room_id text REFERENCES visit_rooms,
  ADD COLUMN contact_id text REFERENCES contacts,
  ADD COLUMN scheduled_by text,
  ADD COLUMN cancellation_reason text CHECK (cancellation_reason IS NULL OR char_length(cancellation_reason) BETWEEN 1 AND 500),
  ADD COLUMN cancelled_at bigint,
  ADD COLUMN cancelled_by text,
  ADD CONSTRAINT visits_cancellation_only_when_cancelled CHECK (status = 'cancelled' OR (cancellation_reason IS NULL AND cancelled_at IS NULL));
CREATE INDEX visits_by_room ON visits (room_id, starts_at) WHERE room_id IS NOT NULL AND status = 'scheduled';
CREATE INDEX visits_scheduled_by_start ON visits (starts_at) WHERE status = 'scheduled';
`;
