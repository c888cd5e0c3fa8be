import type { Migration } from '../migrate';

/**
 * Wrong-PIN counts and lockouts, kept in the store so that restarting the kiosk does not reset them.
 * `lockouts` counts how many times this person was locked out, so each lockout can last longer than the last.
 */
export const migration0003PinLockouts: Migration = {
  version: 3,
  name: 'pin-lockouts',
  up(db) {
    db.exec(`
      CREATE TABLE pin_lockouts (
        subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('resident', 'staff')),
        subject_id      TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        lockouts        INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
        locked_until    INTEGER,
        PRIMARY KEY (subject_kind, subject_id)
      ) STRICT;
    `);
  },
};
