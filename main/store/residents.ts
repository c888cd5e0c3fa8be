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

/** The lockout the hub computed across the person's devices, as their record carried it. */
export interface HubLockout {
  readonly lockedUntil: number | null;
  readonly lockoutClearedAt: number | null;
}

const noHubLockout: HubLockout = { lockedUntil: null, lockoutClearedAt: null };

interface ResidentRow {
  resident_id: string;
  credential_id: string;
  display_name: string;
  pin_hash: string;
  housing_unit: string | null;
  language: LanguageCode;
  hub_locked_until: number | null;
  hub_lockout_cleared_at: number | null;
}

const hubLockoutOf = (row: ResidentRow): HubLockout => ({ lockedUntil: row.hub_locked_until, lockoutClearedAt: row.hub_lockout_cleared_at });

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
  /** Whether the person asked for captions on videos, on this device (false when there is no row). */
  captionsWanted(residentId: string): boolean;
  setCaptionsWanted(residentId: string, wanted: boolean): void;
  count(): number;
  /** The resident written most recently, or null: on a tablet, the one person it serves (its scope holds one). */
  newest(): ResidentRecord | null;
  /**
   * When the resident's row was last written here, or null when there is none. On a tablet that is when their records
   * reached it from the hub (at assignment, or a newer version since): the lock rule counts from it until a sync succeeds.
   */
  writtenAt(residentId: string): number | null;
  /** The hub's version of the resident's row; null when there is no row. Rows seeded on the device are version 0. */
  versionOf(residentId: string): number | null;
  /** The hub's lockout of the person (none when there is no row, or the hub has none). */
  hubLockout(residentId: string): HubLockout;
  /** Writes the hub's record at its version. Whoever else held the same credential id loses it: the hub decides who holds a card. */
  putFromHub(resident: ResidentRecord, version: number, updatedAt: number, hubLockout?: HubLockout): void;
  remove(residentId: string): void;
  /** Removes every row the hub sent (version > 0); rows seeded on the device stay. */
  removeAllFromHub(): number;
  /** Every row the hub sent (version > 0), in id order: the resident part of the replica digest. */
  fromHub(): Array<{ resident: ResidentRecord; version: number; hubLockout: HubLockout }>;
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
  // Prepared at first use, once: the column came with migration 0018, and the migration tests use these queries on
  // stores at earlier versions, where preparing it up front would fail.
  let captionsStatements: ReturnType<typeof prepareCaptionsStatements> | null = null;
  const prepareCaptionsStatements = () => ({
    select: db.prepare<[string], { captions_wanted: number }>('SELECT captions_wanted FROM residents WHERE resident_id = ?'),
    update: db.prepare('UPDATE residents SET captions_wanted = ? WHERE resident_id = ?'),
  });
  const captions = () => (captionsStatements ??= prepareCaptionsStatements());
  const countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM residents');
  const selectNewest = db.prepare<[], ResidentRow>('SELECT * FROM residents ORDER BY updated_at DESC, resident_id LIMIT 1');
  const selectWrittenAt = db.prepare<[string], { updated_at: number }>('SELECT updated_at FROM residents WHERE resident_id = ?');
  const selectVersion = db.prepare<[string], { version: number }>('SELECT version FROM residents WHERE resident_id = ?');
  const releaseCredential = db.prepare('DELETE FROM residents WHERE credential_id = ? AND resident_id <> ?');
  const putRow = db.prepare(`
    INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, housing_unit, language, updated_at, version, hub_locked_until, hub_lockout_cleared_at)
    VALUES (@residentId, @credentialId, @displayName, @pinHash, @housingUnit, @language, @updatedAt, @version, @lockedUntil, @lockoutClearedAt)
    ON CONFLICT (resident_id) DO UPDATE SET
      credential_id = excluded.credential_id, display_name = excluded.display_name, pin_hash = excluded.pin_hash,
      housing_unit = excluded.housing_unit, language = excluded.language, updated_at = excluded.updated_at, version = excluded.version,
      hub_locked_until = excluded.hub_locked_until, hub_lockout_cleared_at = excluded.hub_lockout_cleared_at`);
  const deleteRow = db.prepare('DELETE FROM residents WHERE resident_id = ?');
  const deleteFromHub = db.prepare('DELETE FROM residents WHERE version > 0');
  const selectFromHub = db.prepare<[], ResidentRow & { version: number }>('SELECT * FROM residents WHERE version > 0 ORDER BY resident_id');
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
    captionsWanted: (residentId) => captions().select.get(residentId)?.captions_wanted === 1,
    setCaptionsWanted: (residentId, wanted) => {
      captions().update.run(wanted ? 1 : 0, residentId);
    },
    count: () => countRows.get()?.n ?? 0,
    newest: () => {
      const row = selectNewest.get();
      return row ? toRecord(row) : null;
    },
    writtenAt: (residentId) => selectWrittenAt.get(residentId)?.updated_at ?? null,
    versionOf: (residentId) => selectVersion.get(residentId)?.version ?? null,
    hubLockout: (residentId) => {
      const row = selectById.get(residentId);
      return row ? hubLockoutOf(row) : noHubLockout;
    },
    putFromHub: (resident, version, updatedAt, hubLockout = noHubLockout) => {
      // A row left by a seed or an earlier holder would make the UNIQUE credential_id refuse the whole batch.
      releaseCredential.run(resident.credentialId, resident.residentId);
      putRow.run({ ...resident, updatedAt, version, ...hubLockout });
    },
    remove: (residentId) => {
      deleteRow.run(residentId);
    },
    removeAllFromHub: () => deleteFromHub.run().changes,
    fromHub: () => selectFromHub.all().map((row) => ({ resident: toRecord(row), version: row.version, hubLockout: hubLockoutOf(row) })),
  };
}
