// Stopped letters (issue 13): the site's rule whether a resident is told when review stops a family member's letter,
// the notices residents are told (synced as `letterStopped`, never with a word of the letter), and what each family
// sender was told about their letter (the family side is a console listing for now: family-notices). Also the figures
// behind a push refusal, kept with the recorded result so a retried push is answered with the same figures.
export const sql = /* sql */ `
ALTER TABLE sites ADD COLUMN notify_resident_of_rejected_mail boolean NOT NULL DEFAULT true;

CREATE TABLE letter_notices (
  notice_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  message_id text NOT NULL UNIQUE REFERENCES messages,
  contact_id text NOT NULL REFERENCES contacts,
  sender_name text NOT NULL CHECK (sender_name <> ''),
  reason text NOT NULL CHECK (reason <> ''),
  stopped_at bigint NOT NULL,
  after_delivery boolean NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0)
);
CREATE INDEX letter_notices_by_resident ON letter_notices (resident_id);

CREATE TABLE family_notices (
  notice_id text PRIMARY KEY,
  -- The order they were told in, even within one millisecond (ids are time-ordered only to the millisecond).
  seq bigserial NOT NULL UNIQUE,
  contact_id text NOT NULL REFERENCES contacts,
  message_id text NOT NULL REFERENCES messages,
  kind text NOT NULL CHECK (kind IN ('notDelivered', 'withdrawn')),
  reason text NOT NULL CHECK (reason <> ''),
  resident_told boolean NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX family_notices_by_contact ON family_notices (contact_id, seq);

ALTER TABLE device_mutations ADD COLUMN refusal_figures jsonb;
`;
