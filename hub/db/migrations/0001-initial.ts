// The hub's first schema: sites and their rules, housing units, residents, staff, devices and enrollment codes,
// contacts, messages with attachments over content-addressed blobs, review decisions, the stamp and debit ledgers,
// stamp purchases, visits, the change log that pull reads, and the per-device mutation results that push records.
// Timestamps are epoch milliseconds (bigint); money is integer cents; stamps are integer counts.
export const sql = /* sql */ `
CREATE TABLE hub_secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL CHECK (octet_length(value) >= 32)
);

CREATE TABLE sites (
  site_id text PRIMARY KEY,
  name text NOT NULL CHECK (name <> ''),
  characters_per_stamp integer NOT NULL CHECK (characters_per_stamp BETWEEN 100 AND 100000),
  stamps_per_attachment integer NOT NULL CHECK (stamps_per_attachment BETWEEN 0 AND 10),
  max_attachments integer NOT NULL CHECK (max_attachments BETWEEN 0 AND 10),
  max_attachment_bytes integer NOT NULL CHECK (max_attachment_bytes BETWEEN 1 AND 16777216),
  refund_stamps_on_rejection boolean NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at bigint NOT NULL
);

-- The books of stamps a site sells; a purchase names one by its size.
CREATE TABLE stamp_books (
  site_id text NOT NULL REFERENCES sites,
  stamps integer NOT NULL CHECK (stamps > 0),
  price_cents integer NOT NULL CHECK (price_cents > 0),
  PRIMARY KEY (site_id, stamps)
);

CREATE TABLE housing_units (
  housing_unit_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  name text NOT NULL CHECK (name <> ''),
  created_at bigint NOT NULL,
  UNIQUE (site_id, name)
);

-- stamp_balance and debit_balance_cents are the running sums of the two ledgers, kept in the same transaction as each
-- entry. The CHECKs make an overdraft impossible even if a service forgot to check; the row is also the lock that
-- serializes one person's spending (SELECT ... FOR UPDATE).
CREATE TABLE residents (
  resident_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  credential_id text NOT NULL CHECK (credential_id <> ''),
  display_name text NOT NULL CHECK (display_name <> ''),
  pin_hash text NOT NULL,
  language text NOT NULL CHECK (language IN ('en', 'es')),
  housing_unit_id text REFERENCES housing_units,
  status text NOT NULL CHECK (status IN ('active', 'released')),
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  stamp_balance integer NOT NULL DEFAULT 0 CHECK (stamp_balance >= 0),
  debit_balance_cents integer NOT NULL DEFAULT 0 CHECK (debit_balance_cents >= 0),
  balance_version integer NOT NULL DEFAULT 1 CHECK (balance_version > 0),
  balance_changed_at bigint NOT NULL,
  created_at bigint NOT NULL,
  CHECK ((status = 'active') = (housing_unit_id IS NOT NULL))
);
CREATE UNIQUE INDEX residents_active_credential ON residents (site_id, credential_id) WHERE status = 'active';
CREATE INDEX residents_by_housing_unit ON residents (housing_unit_id) WHERE status = 'active';

CREATE TABLE staff (
  staff_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  display_name text NOT NULL CHECK (display_name <> ''),
  badge_hash text NOT NULL CHECK (badge_hash ~ '^[0-9a-f]{64}$'),
  pin_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'removed')),
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at bigint NOT NULL
);
CREATE UNIQUE INDEX staff_active_badge ON staff (site_id, badge_hash) WHERE status = 'active';

-- A kiosk belongs to a housing unit for life; a tablet is assigned to one resident at a time (or none).
CREATE TABLE devices (
  device_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  kind text NOT NULL CHECK (kind IN ('kiosk', 'tablet')),
  device_name text NOT NULL,
  app_version text NOT NULL,
  housing_unit_id text REFERENCES housing_units,
  assigned_resident_id text REFERENCES residents,
  secret_hash text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  last_mutation_id bigint NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
  enrolled_at bigint NOT NULL,
  CHECK (
    (kind = 'kiosk' AND housing_unit_id IS NOT NULL AND assigned_resident_id IS NULL)
    OR (kind = 'tablet' AND housing_unit_id IS NULL)
  )
);

-- Only the code's hash is stored; a code works once, before it expires.
CREATE TABLE enrollment_codes (
  code_hash text PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  site_id text NOT NULL REFERENCES sites,
  kind text NOT NULL CHECK (kind IN ('kiosk', 'tablet')),
  housing_unit_id text REFERENCES housing_units,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint,
  device_id text REFERENCES devices,
  CHECK ((kind = 'kiosk') = (housing_unit_id IS NOT NULL)),
  CHECK ((used_at IS NULL) = (device_id IS NULL))
);

CREATE TABLE contacts (
  contact_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  display_name text NOT NULL CHECK (display_name <> ''),
  relationship text NOT NULL,
  approved boolean NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at bigint NOT NULL
);
CREATE INDEX contacts_by_resident ON contacts (resident_id);

-- Attachment bytes, content-addressed: the same photo sent twice is stored once.
CREATE TABLE blobs (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea NOT NULL,
  byte_size integer NOT NULL CHECK (byte_size BETWEEN 1 AND 16777216 AND byte_size = octet_length(bytes)),
  created_at bigint NOT NULL
);

CREATE TABLE messages (
  message_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  contact_id text NOT NULL REFERENCES contacts,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  body text NOT NULL CHECK (char_length(body) <= 30000),
  written_at bigint NOT NULL,
  received_at bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('inReview', 'delivered', 'read', 'rejected')),
  status_changed_at bigint NOT NULL,
  rejection_reason text,
  carries_return_stamp boolean NOT NULL DEFAULT false,
  return_stamp_used boolean NOT NULL DEFAULT false,
  reply_to_message_id text REFERENCES messages,
  -- outbound only: this reply was paid with the return stamp of reply_to_message_id ...
  paid_with_return_stamp boolean NOT NULL DEFAULT false,
  -- ... and review gave that return stamp back (rejected, at a site that refunds).
  return_stamp_refunded boolean NOT NULL DEFAULT false,
  stamps_charged integer NOT NULL DEFAULT 0 CHECK (stamps_charged >= 0),
  stamps_returned integer NOT NULL DEFAULT 0 CHECK (stamps_returned BETWEEN 0 AND stamps_charged),
  read_at bigint,
  sent_by_device_id text REFERENCES devices,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  CHECK (direction = 'inbound' OR NOT carries_return_stamp),
  CHECK (carries_return_stamp OR NOT return_stamp_used),
  CHECK (NOT paid_with_return_stamp OR (direction = 'outbound' AND reply_to_message_id IS NOT NULL)),
  CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);
CREATE INDEX messages_by_resident ON messages (resident_id);
CREATE INDEX messages_in_review ON messages (received_at) WHERE status = 'inReview';
-- A return stamp pays for one reply, at most (unless review gave it back).
CREATE UNIQUE INDEX messages_one_reply_per_return_stamp ON messages (reply_to_message_id)
  WHERE paid_with_return_stamp AND NOT return_stamp_refunded;

CREATE TABLE attachments (
  attachment_id text PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages,
  position integer NOT NULL CHECK (position >= 0),
  kind text NOT NULL CHECK (kind IN ('photo', 'ecard', 'video')),
  sha256 text NOT NULL REFERENCES blobs,
  byte_size integer NOT NULL CHECK (byte_size > 0),
  mime_type text NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'video/mp4', 'video/webm')),
  status text NOT NULL CHECK (status IN ('inReview', 'delivered', 'rejected')),
  rejection_reason text,
  UNIQUE (message_id, position),
  CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);
CREATE INDEX attachments_by_blob ON attachments (sha256);

CREATE TABLE review_decisions (
  decision_id text PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages,
  attachment_id text REFERENCES attachments,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  reason text,
  reviewer text NOT NULL,
  decided_at bigint NOT NULL,
  CHECK (decision = 'approved' OR reason IS NOT NULL)
);
CREATE INDEX review_decisions_by_message ON review_decisions (message_id);

-- The ledgers: append-only, one signed integer per entry (stamps; cents). A balance is the sum of its entries.
CREATE TABLE stamp_ledger (
  entry_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  amount integer NOT NULL CHECK (amount <> 0),
  kind text NOT NULL,
  reference text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX stamp_ledger_by_resident ON stamp_ledger (resident_id);

CREATE TABLE debit_ledger (
  entry_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  amount integer NOT NULL CHECK (amount <> 0),
  kind text NOT NULL,
  reference text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX debit_ledger_by_resident ON debit_ledger (resident_id);

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER stamp_ledger_append_only BEFORE UPDATE OR DELETE ON stamp_ledger
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER debit_ledger_append_only BEFORE UPDATE OR DELETE ON debit_ledger
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- One row per buyStamps request id: the same request sent twice is charged once.
CREATE TABLE stamp_purchases (
  request_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  book_size integer NOT NULL CHECK (book_size > 0),
  price_cents integer NOT NULL CHECK (price_cents > 0),
  device_id text NOT NULL REFERENCES devices,
  created_at bigint NOT NULL
);

CREATE TABLE visits (
  visit_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  visitor_name text NOT NULL CHECK (visitor_name <> ''),
  kind text NOT NULL CHECK (kind IN ('onSite', 'remote')),
  starts_at bigint NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
  status text NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at bigint NOT NULL
);
CREATE INDEX visits_by_resident ON visits (resident_id);

-- What pull reads. Each row names its audience: all three audience columns null = every device of the site;
-- audience_unit = the kiosks of that housing unit; audience_resident = the tablet(s) assigned to that resident;
-- audience_device = that one device. A resident's records carry both the resident's unit at the time of writing and
-- the resident. Evicts only ever target a unit or a device, never a resident, so a tablet never receives an evict
-- meant for a kiosk about its own resident.
CREATE TABLE change_log (
  seq bigserial PRIMARY KEY,
  site_id text NOT NULL,
  audience_unit text,
  audience_resident text,
  audience_device text,
  entity text NOT NULL,
  record_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 0),
  op text NOT NULL CHECK (op IN ('upsert', 'delete', 'evict')),
  data jsonb,
  created_at bigint NOT NULL,
  CHECK ((op = 'upsert') = (data IS NOT NULL)),
  CHECK (op <> 'evict' OR (entity = 'resident' AND audience_resident IS NULL AND (audience_unit IS NOT NULL OR audience_device IS NOT NULL)))
);
CREATE INDEX change_log_by_unit ON change_log (audience_unit, seq) WHERE audience_unit IS NOT NULL;
CREATE INDEX change_log_by_resident ON change_log (audience_resident, seq) WHERE audience_resident IS NOT NULL;
CREATE INDEX change_log_by_device ON change_log (audience_device, seq) WHERE audience_device IS NOT NULL;
CREATE INDEX change_log_site_wide ON change_log (site_id, seq)
  WHERE audience_unit IS NULL AND audience_resident IS NULL AND audience_device IS NULL;

-- Every mutation a device pushed, with what came of it, so a retry gets the same answer.
CREATE TABLE device_mutations (
  device_id text NOT NULL REFERENCES devices,
  mutation_id bigint NOT NULL CHECK (mutation_id > 0),
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'refused')),
  refusal_code text,
  reason text,
  applied_at bigint NOT NULL,
  PRIMARY KEY (device_id, mutation_id),
  CHECK ((status = 'refused') = (refusal_code IS NOT NULL AND reason IS NOT NULL))
);
`;
