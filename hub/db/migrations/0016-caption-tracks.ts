// A family video may come with caption tracks, one per language: each a WebVTT file the hub checked and rewrote in
// plain form (hub/protocol/captions.ts), kept content-addressed in blobs like the video itself. A track belongs to its
// video: review's decision on the video is the decision on its captions.
export const sql = `
CREATE TABLE attachment_captions (
  attachment_id text NOT NULL REFERENCES attachments,
  language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$'),
  sha256 text NOT NULL REFERENCES blobs,
  byte_size integer NOT NULL CHECK (byte_size > 0),
  PRIMARY KEY (attachment_id, language)
);
CREATE INDEX attachment_captions_by_blob ON attachment_captions (sha256);
`;
