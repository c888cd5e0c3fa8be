// Updates of the device app the hub serves (docs/deployment.md §12 "Updates"): one row per published version of a build
// with the fields its signature covers, and the file itself in chunks of at most 4 MiB — in the database, like
// attachments, so every hub process on one PostgreSQL serves it and a backup holds it. A version is published once:
// publishing it again with other bytes is refused, as a device may already have it.
export const sql = /* sql */ `
CREATE TABLE app_updates (
  variant text NOT NULL CHECK (variant IN ('webhost-linux', 'electron-linux')),
  version text NOT NULL CHECK (version ~ '^(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})$'),
  major integer NOT NULL,
  minor integer NOT NULL,
  patch integer NOT NULL,
  app_id text NOT NULL,
  file_name text NOT NULL,
  sha512 text NOT NULL,
  byte_size bigint NOT NULL CHECK (byte_size > 0),
  release_date text NOT NULL,
  signature text NOT NULL,
  published_by text NOT NULL,
  published_at bigint NOT NULL,
  PRIMARY KEY (variant, version),
  CHECK (version = major || '.' || minor || '.' || patch)
);
CREATE INDEX app_updates_newest ON app_updates (variant, major DESC, minor DESC, patch DESC);
CREATE TABLE app_update_chunks (
  variant text NOT NULL,
  version text NOT NULL,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 4194304),
  PRIMARY KEY (variant, version, chunk_index),
  FOREIGN KEY (variant, version) REFERENCES app_updates (variant, version) ON DELETE CASCADE
);
`;
