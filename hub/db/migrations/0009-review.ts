// Review in the console (issue 17, "The facility console": review). Per site, the standard reasons a reviewer picks
// from when rejecting (seeded for every site, existing and new, by a trigger so no path that creates a site can miss
// them) and the watch list of words and phrases that flag a letter (rules/watch-list.ts). Each message keeps its site
// (filled by a trigger from its resident, who never changes site) and whether the watch list flagged it, so the review
// queue of one site — filtered, in order, a page at a time — reads one index even with 10,000 letters waiting. And
// messaging suspensions: one person's messaging paused until a date, with the reason, who did it and whether it was
// lifted early.
export const sql = /* sql */ `
CREATE TABLE review_reasons (
  reason_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  text text NOT NULL CHECK (text <> '' AND char_length(text) <= 2000),
  position integer NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (site_id, text)
);
CREATE INDEX review_reasons_by_site ON review_reasons (site_id, position);

CREATE FUNCTION seed_review_reasons(site text, at bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO review_reasons (reason_id, site_id, text, position, created_at)
  SELECT gen_random_uuid()::text, site, reason.text, reason.position, at
    FROM (VALUES
      (1, 'Threatens or harasses someone.'),
      (2, 'Plans or describes a crime, or an escape.'),
      (3, 'Sexually explicit content.'),
      (4, 'Describes the facility''s security: its layout, staff or schedules.'),
      (5, 'Passes messages to or from another resident.'),
      (6, 'Written in a code or cipher staff cannot read.'),
      (7, 'Gang symbols, signs or references.'),
      (8, 'Arranges money or goods for someone else.')
    ) AS reason (position, text);
$$;

SELECT seed_review_reasons(site_id, created_at) FROM sites;

CREATE FUNCTION seed_review_reasons_for_new_site() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM seed_review_reasons(NEW.site_id, NEW.created_at);
  RETURN NULL;
END;
$$;
CREATE TRIGGER sites_seed_review_reasons AFTER INSERT ON sites
  FOR EACH ROW EXECUTE FUNCTION seed_review_reasons_for_new_site();

-- term_key is the term as the rule compares it (watchTermKey): "Drugs" and "ｄｒｕｇｓ" are one entry.
CREATE TABLE watch_terms (
  term_id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites,
  term text NOT NULL CHECK (term <> '' AND char_length(term) <= 100),
  term_key text NOT NULL CHECK (term_key <> ''),
  added_by text NOT NULL CHECK (added_by <> ''),
  added_at bigint NOT NULL,
  UNIQUE (site_id, term_key)
);

ALTER TABLE messages ADD COLUMN site_id text REFERENCES sites;
UPDATE messages m SET site_id = r.site_id FROM residents r WHERE r.resident_id = m.resident_id;
ALTER TABLE messages ALTER COLUMN site_id SET NOT NULL;
CREATE FUNCTION message_site_from_resident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT site_id INTO NEW.site_id FROM residents WHERE resident_id = NEW.resident_id;
  RETURN NEW;
END;
$$;
CREATE TRIGGER messages_site_from_resident BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION message_site_from_resident();

-- Whether the site's watch list matched the letter: set when it arrives, recomputed for waiting letters when the list changes.
ALTER TABLE messages ADD COLUMN flagged boolean NOT NULL DEFAULT false;

-- The review queue, oldest first, per site and across sites (an administrator), keyset-paginated on (received_at, message_id).
CREATE INDEX messages_review_queue_by_site ON messages (site_id, received_at, message_id) WHERE status = 'inReview';
CREATE INDEX messages_review_queue ON messages (received_at, message_id) WHERE status = 'inReview';
-- Search of reviewed mail, newest first.
CREATE INDEX messages_reviewed_by_site ON messages (site_id, received_at DESC, message_id DESC) WHERE status <> 'inReview';
CREATE INDEX messages_by_contact ON messages (contact_id, received_at DESC);

CREATE TABLE messaging_suspensions (
  suspension_id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents,
  site_id text NOT NULL REFERENCES sites,
  starts_at bigint NOT NULL,
  ends_at bigint NOT NULL CHECK (ends_at > starts_at),
  reason text NOT NULL CHECK (reason <> '' AND char_length(reason) <= 2000),
  suspended_by text NOT NULL CHECK (suspended_by <> ''),
  lifted_at bigint,
  lifted_by text,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE INDEX messaging_suspensions_by_resident ON messaging_suspensions (resident_id, ends_at DESC);
CREATE INDEX messaging_suspensions_by_site ON messaging_suspensions (site_id, ends_at DESC);
`;
