// Queries over pin_lockouts: wrong-PIN counts that survive a restart.
import type { PinLockoutState } from '../../rules/pin-lockout';
import type { DeviceDatabase } from './database';

export type { PinLockoutState };
export type PinSubjectKind = 'resident' | 'staff';

interface PinLockoutRow {
  failed_attempts: number;
  lockouts: number;
  locked_until: number | null;
}

export interface PinLockoutQueries {
  get(kind: PinSubjectKind, subjectId: string): PinLockoutState;
  put(kind: PinSubjectKind, subjectId: string, state: PinLockoutState): void;
  /** Forgets the person's count (they left this device's scope). */
  remove(kind: PinSubjectKind, subjectId: string): void;
}

export function pinLockoutQueries(db: DeviceDatabase): PinLockoutQueries {
  const select = db.prepare<[string, string], PinLockoutRow>(
    'SELECT failed_attempts, lockouts, locked_until FROM pin_lockouts WHERE subject_kind = ? AND subject_id = ?',
  );
  const upsert = db.prepare(`
    INSERT INTO pin_lockouts (subject_kind, subject_id, failed_attempts, lockouts, locked_until)
    VALUES (@kind, @subjectId, @failedAttempts, @lockouts, @lockedUntil)
    ON CONFLICT (subject_kind, subject_id) DO UPDATE SET
      failed_attempts = excluded.failed_attempts, lockouts = excluded.lockouts, locked_until = excluded.locked_until`);
  const deleteRow = db.prepare('DELETE FROM pin_lockouts WHERE subject_kind = ? AND subject_id = ?');
  return {
    get: (kind, subjectId) => {
      const row = select.get(kind, subjectId);
      return row
        ? { failedAttempts: row.failed_attempts, lockouts: row.lockouts, lockedUntil: row.locked_until }
        : { failedAttempts: 0, lockouts: 0, lockedUntil: null };
    },
    put: (kind, subjectId, state) => {
      upsert.run({ kind, subjectId, ...state });
    },
    remove: (kind, subjectId) => {
      deleteRow.run(kind, subjectId);
    },
  };
}
