// The facility console (issue 17): staff accounts that sign in with a password in a browser, and their sessions.
//
// - console_accounts: one per person at the console, with a role and a site (NULL only for an admin, who sees every
//   site). A separate table from `staff` (badge and PIN at a device): a console password is never a device secret,
//   and a device never learns who signs in to the console. The password hash is scrypt (memory-hard), in the format
//   rules/pin-hash.ts defines. Wrong passwords lock the account with the same rule as PINs (rules/pin-lockout.ts).
//   `must_change_password`: a password someone else set (create-admin, an admin's reset) is changed at first use.
// - console_sessions: the server side of a signed-in browser, keyed by the sha256 of the cookie's session id (a
//   copy of this table opens no session). Signing out deletes the row, so a copied cookie is dead from then on; idle
//   expiry is checked on every request against the hub's clock.
// - hub_audit_entries may now name a console account as the actor.
export const sql = /* sql */ `
CREATE TABLE console_accounts (
  account_id text PRIMARY KEY,
  username text NOT NULL CHECK (username = lower(username) AND username <> ''),
  display_name text NOT NULL CHECK (display_name <> ''),
  role text NOT NULL CHECK (role IN ('mailroom', 'money', 'visits', 'devices', 'supervisor', 'admin')),
  site_id text REFERENCES sites,
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  lockouts integer NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
  locked_until bigint,
  disabled_at bigint,
  created_at bigint NOT NULL,
  CONSTRAINT console_accounts_site_unless_admin CHECK (site_id IS NOT NULL OR role = 'admin')
);
CREATE UNIQUE INDEX console_accounts_username ON console_accounts (username);

CREATE TABLE console_sessions (
  session_hash text PRIMARY KEY,
  account_id text NOT NULL REFERENCES console_accounts,
  data jsonb NOT NULL,
  last_active_at bigint NOT NULL
);
CREATE INDEX console_sessions_by_account ON console_sessions (account_id);

ALTER TABLE hub_audit_entries DROP CONSTRAINT hub_audit_entries_actor_kind_check;
ALTER TABLE hub_audit_entries ADD CONSTRAINT hub_audit_entries_actor_kind_check CHECK (actor_kind IN ('resident', 'staff', 'console'));
`;
