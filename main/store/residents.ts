// Queries over the residents table. SQL for residents lives here and nowhere else.
import type { LanguageCode } from '../contract';
import type { DeviceDatabase } from './database';

export interface ResidentRecord {
  readonly residentId: string;
  readonly credentialId: string;
  readonly displayName: string;
  readonly pinHash: string;
  readonly housingUnit: string | null;
  readonly language: LanguageCode;
}

interface ResidentRow {
  resident_id: string;
  credential_id: string;
  display_name: string;
  pin_hash: string;
  housing_unit: string | null;
  language: LanguageCode;
}

const toRecord = (row: ResidentRow): ResidentRecord => ({
  residentId: row.resident_id,
  credentialId: row.credential_id,
  displayName: row.display_name,
  pinHash: row.pin_hash,
  housingUnit: row.housing_unit,
  language: row.language,
});

export interface ResidentQueries {
  byCredential(credentialId: string): ResidentRecord | null;
  byId(residentId: string): ResidentRecord | null;
  upsert(resident: ResidentRecord, updatedAt: number): void;
  setLanguage(residentId: string, language: LanguageCode): void;
  count(): number;
}

export function residentQueries(db: DeviceDatabase): ResidentQueries {
  const selectByCredential = db.prepare<[string], ResidentRow>('SELECT * FROM residents WHERE credential_id = ?');
  const selectById = db.prepare<[string], ResidentRow>('SELECT * FROM residents WHERE resident_id = ?');
  const upsertRow = db.prepare(`
    INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at)
    VALUES (@residentId, @credentialId, @displayName, @pinHash, @housingUnit, @language, @updatedAt)
    ON CONFLICT (resident_id) DO UPDATE SET
      credential_id = excluded.credential_id, display_name = excluded.display_name, pin_hash = excluded.pin_hash,
      housing_unit = excluded.housing_unit, language = excluded.language, updated_at = excluded.updated_at`);
  const updateLanguage = db.prepare('UPDATE residents SET language = ? WHERE resident_id = ?');
  const countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM residents');
  return {
    byCredential: (credentialId) => {
      const row = selectByCredential.get(credentialId);
      return row ? toRecord(row) : null;
    },
    byId: (residentId) => {
      const row = selectById.get(residentId);
      return row ? toRecord(row) : null;
    },
    upsert: (resident, updatedAt) => {
      upsertRow.run({ ...resident, updatedAt });
    },
    setLanguage: (residentId, language) => {
      updateLanguage.run(language, residentId);
    },
    count: () => countRows.get()?.n ?? 0,
  };
}
