// Residents: booking in (with a PIN), moving between housing units, release — and the scope rules that decide which
// devices see a resident's records. Moves and releases write the evicts and backfills that keep kiosks right.
import { randomUUID } from 'node:crypto';
import { characterCount, type ResidentRecord } from '../protocol/index';
import type { HubTransaction, SqlExecutor } from '../db/database';
import { hashPin, isValidPin } from '../security/pin-hash';
import { appendChanges, appendEvict, holdChangeLogLocks, startDeviceScope, type Audience, type RecordChange } from './change-log';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { balanceChange, residentChange, residentColumns, residentSnapshot, type ResidentRow } from './records';

/** The resident's own records go to their tablets and to the kiosks of the unit they are housed in right now. */
export function residentAudience(resident: ResidentRow): Audience {
  return { kind: 'resident', siteId: resident.site_id, residentId: resident.resident_id, housingUnitId: resident.housing_unit_id };
}

/**
 * Locks the resident's row until the transaction ends. Every write to a resident's records takes this lock first: it
 * serializes their ledgers (two devices spending at once take turns), and it keeps their housing unit — and so the
 * audience of the changes being written — fixed while the transaction runs.
 */
export async function lockResident(tx: SqlExecutor, residentId: string): Promise<ResidentRow | null> {
  const [resident] = await tx.query<ResidentRow>(`SELECT ${residentColumns} FROM residents WHERE resident_id = $1 FOR UPDATE`, [residentId]);
  return resident ?? null;
}

/** Like lockResident, for hub-side services: a missing or released resident is an error in words. */
export async function lockActiveResident(tx: SqlExecutor, residentId: string): Promise<ResidentRow> {
  const resident = await lockResident(tx, residentId);
  if (resident === null) throw notFound(`There is no resident ${residentId}.`);
  if (resident.status !== 'active') throw conflict(`${resident.display_name} has been released.`);
  return resident;
}

export async function publishForResident(tx: HubTransaction, resident: ResidentRow, changes: readonly RecordChange[], now: number): Promise<void> {
  await appendChanges(tx, residentAudience(resident), changes, now);
}

export interface AddResidentInput {
  readonly housingUnitId: string;
  /** What the site's credential rule reads off the wristband or ID card, e.g. the booking number. */
  readonly credentialId: string;
  readonly displayName: string;
  readonly pin: string;
  readonly language?: ResidentRecord['language'];
}

export async function addResident(hub: HubContext, input: AddResidentInput): Promise<ResidentRow> {
  const credentialId = input.credentialId.trim();
  const displayName = checkedInputText(input.displayName, 'name', "The resident's name");
  if (credentialId === '' || credentialId.length > 64) throw invalid('A resident needs a credential id (such as a booking number) of at most 64 characters.');
  if (displayName === '' || characterCount(displayName) > 120) throw invalid('A resident needs a name of at most 120 characters.');
  if (!isValidPin(input.pin)) throw invalid('A PIN is 4 to 8 digits.');
  // Hash before the transaction: scrypt is slow on purpose, and no lock should wait on it.
  const pinHash = await hashPin(input.pin, hub.pinCost);
  return hub.database.transaction(async (tx) => {
    const [unit] = await tx.query<{ site_id: string }>('SELECT site_id FROM housing_units WHERE housing_unit_id = $1', [input.housingUnitId]);
    if (unit === undefined) throw notFound(`There is no housing unit ${input.housingUnitId}.`);
    const [taken] = await tx.query('SELECT 1 FROM residents WHERE site_id = $1 AND credential_id = $2 AND status = $3', [unit.site_id, credentialId, 'active']);
    if (taken !== undefined) throw conflict(`An active resident already has credential ${credentialId}.`);
    const now = hub.now();
    const [resident] = await tx.query<ResidentRow>(
      // A language given at booking is chosen by staff now (resident-language.ts orders later choices against it).
      `INSERT INTO residents (resident_id, site_id, credential_id, display_name, pin_hash, language, language_chosen_at, housing_unit_id, status, balance_changed_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9)
       RETURNING ${residentColumns}`,
      [
        randomUUID(),
        unit.site_id,
        credentialId,
        displayName,
        pinHash,
        input.language ?? 'en',
        input.language === undefined ? null : now,
        input.housingUnitId,
        now,
      ],
    );
    if (resident === undefined) throw new Error('INSERT ... RETURNING returned no row');
    // The balance goes out at once, so a device shows "0 stamps, $0.00" rather than nothing.
    await publishForResident(tx, resident, [residentChange(resident), balanceChange(resident)], now);
    return resident;
  });
}

/**
 * Moves a resident to another housing unit. The kiosks of the old unit get an evict (and nothing else); the kiosks of
 * the new unit get the updated resident and a backfill of everything of theirs; the resident's tablet gets the updated
 * resident only (it keeps everything else).
 */
export async function moveResident(hub: HubContext, input: { residentId: string; housingUnitId: string }): Promise<ResidentRow> {
  const [unit] = await hub.database.query<{ site_id: string }>('SELECT site_id FROM housing_units WHERE housing_unit_id = $1', [input.housingUnitId]);
  const [resident] = await hub.database.query<{ site_id: string }>('SELECT site_id FROM residents WHERE resident_id = $1', [input.residentId]);
  if (unit !== undefined && resident !== undefined && unit.site_id !== resident.site_id) return transferResident(hub, input);
  return hub.database.transaction(async (tx) => {
    const before = await lockActiveResident(tx, input.residentId);
    const [unit] = await tx.query<{ site_id: string }>('SELECT site_id FROM housing_units WHERE housing_unit_id = $1', [input.housingUnitId]);
    if (unit === undefined) throw notFound(`There is no housing unit ${input.housingUnitId}.`);
    if (unit.site_id !== before.site_id) throw conflict(`${before.display_name} moved to another site meanwhile; look again and retry.`);
    if (before.housing_unit_id === input.housingUnitId) throw conflict(`${before.display_name} is already housed there.`);
    const [after] = await tx.query<ResidentRow>(
      `UPDATE residents SET housing_unit_id = $2, version = version + 1 WHERE resident_id = $1 RETURNING ${residentColumns}`,
      [input.residentId, input.housingUnitId],
    );
    if (after === undefined || before.housing_unit_id === null) throw new Error('an active resident without a housing unit');
    const now = hub.now();
    await appendEvict(tx, { kind: 'housingUnit', siteId: after.site_id, housingUnitId: before.housing_unit_id }, after.resident_id, after.version, now);
    await publishForResident(tx, after, [residentChange(after)], now);
    await appendChanges(
      tx,
      { kind: 'housingUnit', siteId: after.site_id, housingUnitId: input.housingUnitId },
      await residentSnapshot(tx, after, { includeResident: false }),
      now,
    );
    return after;
  });
}

/**
 * A move to a unit of another site (a transfer): the person leaves the old site's kiosks and any tablet of theirs
 * (a tablet is the old site's hardware, so it is unassigned as at release), joins the new unit's kiosks with
 * everything of theirs, keeps their accounts, contacts and letters, and the letters still waiting for review go to
 * the new site's mailroom. Refused in words while their booking number is in use at the new site, or while visits
 * are scheduled ahead at the old one (those rooms are the old site's: cancel them first).
 */
async function transferResident(hub: HubContext, input: { residentId: string; housingUnitId: string }): Promise<ResidentRow> {
  return hub.database.transaction(async (tx) => {
    // Devices first, then the resident: the lock order of release and push.
    const tablets = await tx.query<{ device_id: string }>('SELECT device_id FROM devices WHERE assigned_resident_id = $1 ORDER BY device_id FOR UPDATE', [
      input.residentId,
    ]);
    const before = await lockActiveResident(tx, input.residentId);
    const [unit] = await tx.query<{ site_id: string; name: string; site_name: string }>(
      'SELECT u.site_id, u.name, s.name AS site_name FROM housing_units u JOIN sites s ON s.site_id = u.site_id WHERE u.housing_unit_id = $1',
      [input.housingUnitId],
    );
    if (unit === undefined) throw notFound(`There is no housing unit ${input.housingUnitId}.`);
    if (unit.site_id === before.site_id || before.housing_unit_id === null) throw conflict(`${before.display_name} moved meanwhile; look again and retry.`);
    const [taken] = await tx.query('SELECT 1 FROM residents WHERE site_id = $1 AND credential_id = $2 AND status = $3 AND resident_id <> $4', [
      unit.site_id,
      before.credential_id,
      'active',
      before.resident_id,
    ]);
    if (taken !== undefined) throw conflict(`Booking number ${before.credential_id} is already in use at ${unit.site_name}.`);
    const now = hub.now();
    const [visit] = await tx.query('SELECT 1 FROM visits WHERE resident_id = $1 AND status = $2 AND starts_at > $3', [before.resident_id, 'scheduled', now]);
    if (visit !== undefined) throw conflict(`${before.display_name} has visits scheduled at this site; cancel them before the move to ${unit.site_name}.`);
    // This move writes to both sites' logs: both locks now, in the one order every move takes them.
    await holdChangeLogLocks(tx, [before.site_id, unit.site_id]);
    const [after] = await tx.query<ResidentRow>(
      `UPDATE residents SET site_id = $2, housing_unit_id = $3, version = version + 1 WHERE resident_id = $1 RETURNING ${residentColumns}`,
      [input.residentId, unit.site_id, input.housingUnitId],
    );
    if (after === undefined) throw new Error(`resident ${input.residentId} vanished inside its own transaction`);
    await appendEvict(tx, { kind: 'housingUnit', siteId: before.site_id, housingUnitId: before.housing_unit_id }, after.resident_id, after.version, now);
    for (const tablet of tablets) {
      await tx.query('UPDATE devices SET assigned_resident_id = NULL WHERE device_id = $1', [tablet.device_id]);
      await appendEvict(tx, { kind: 'device', siteId: before.site_id, deviceId: tablet.device_id }, after.resident_id, after.version, now);
      await startDeviceScope(tx, tablet.device_id);
    }
    await tx.query("UPDATE messages SET site_id = $2 WHERE resident_id = $1 AND status = 'inReview'", [after.resident_id, after.site_id]);
    await publishForResident(tx, after, [residentChange(after)], now);
    await appendChanges(
      tx,
      { kind: 'housingUnit', siteId: after.site_id, housingUnitId: input.housingUnitId },
      await residentSnapshot(tx, after, { includeResident: false }),
      now,
    );
    return after;
  });
}

/** Release: the resident leaves every device — their unit's kiosks and any tablet assigned to them (which is unassigned). */
export async function releaseResident(hub: HubContext, input: { residentId: string }): Promise<ResidentRow> {
  return hub.database.transaction(async (tx) => {
    // Devices first, then the resident: the same lock order as push (device, then resident), so the two never deadlock.
    const tablets = await tx.query<{ device_id: string }>('SELECT device_id FROM devices WHERE assigned_resident_id = $1 ORDER BY device_id FOR UPDATE', [
      input.residentId,
    ]);
    const before = await lockActiveResident(tx, input.residentId);
    const [after] = await tx.query<ResidentRow>(
      `UPDATE residents SET housing_unit_id = NULL, status = 'released', version = version + 1 WHERE resident_id = $1 RETURNING ${residentColumns}`,
      [input.residentId],
    );
    if (after === undefined || before.housing_unit_id === null) throw new Error('an active resident without a housing unit');
    const now = hub.now();
    await appendEvict(tx, { kind: 'housingUnit', siteId: after.site_id, housingUnitId: before.housing_unit_id }, after.resident_id, after.version, now);
    for (const tablet of tablets) {
      await tx.query('UPDATE devices SET assigned_resident_id = NULL WHERE device_id = $1', [tablet.device_id]);
      await appendEvict(tx, { kind: 'device', siteId: after.site_id, deviceId: tablet.device_id }, after.resident_id, after.version, now);
      await startDeviceScope(tx, tablet.device_id);
    }
    // The record itself still changes (released, no unit); with no unit and no tablet left, no device receives it.
    await publishForResident(tx, after, [residentChange(after)], now);
    return after;
  });
}

/** A resident by id, or by credential id (booking number) among the site's active residents. */
export async function findResident(db: SqlExecutor, siteId: string, reference: string): Promise<ResidentRow> {
  const [resident] = await db.query<ResidentRow>(
    `SELECT ${residentColumns} FROM residents
      WHERE site_id = $1 AND (resident_id = $2 OR (credential_id = $2 AND status = 'active'))
      ORDER BY status`,
    [siteId, reference],
  );
  if (resident === undefined) throw notFound(`There is no resident "${reference}" at this site.`);
  return resident;
}

export async function listResidents(db: SqlExecutor, siteId: string): Promise<(ResidentRow & { housing_unit_name: string | null })[]> {
  return db.query<ResidentRow & { housing_unit_name: string | null }>(
    `SELECT ${residentColumns
      .split(', ')
      .map((column) => `r.${column}`)
      .join(', ')}, u.name AS housing_unit_name
       FROM residents r LEFT JOIN housing_units u ON u.housing_unit_id = r.housing_unit_id
      WHERE r.site_id = $1
      ORDER BY r.status, r.display_name, r.resident_id`,
    [siteId],
  );
}

/** One page of residents for the console's People page: by name or booking number, one site or (null) every site. */
export async function searchResidents(
  db: SqlExecutor,
  input: { siteId: string | null; search: string; status: 'active' | 'released' | 'all'; limit: number },
): Promise<(ResidentRow & { housing_unit_name: string | null })[]> {
  // The search is a literal text: LIKE's wildcards in it are escaped.
  const pattern = `%${input.search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return db.query<ResidentRow & { housing_unit_name: string | null }>(
    `SELECT ${residentColumns
      .split(', ')
      .map((column) => `r.${column}`)
      .join(', ')}, u.name AS housing_unit_name
       FROM residents r LEFT JOIN housing_units u ON u.housing_unit_id = r.housing_unit_id
      WHERE ($1::text IS NULL OR r.site_id = $1)
        AND ($2 = 'all' OR r.status = $2)
        AND (lower(r.display_name) LIKE $3 OR lower(r.credential_id) LIKE $3)
      ORDER BY r.status, r.display_name, r.resident_id
      LIMIT $4`,
    [input.siteId, input.status, pattern, input.limit],
  );
}

/** A resident by id alone (the console names people by id and checks their site itself); null when none. */
export async function residentById(db: SqlExecutor, residentId: string): Promise<(ResidentRow & { housing_unit_name: string | null }) | null> {
  const [row] = await db.query<ResidentRow & { housing_unit_name: string | null }>(
    `SELECT ${residentColumns
      .split(', ')
      .map((column) => `r.${column}`)
      .join(', ')}, u.name AS housing_unit_name
       FROM residents r LEFT JOIN housing_units u ON u.housing_unit_id = r.housing_unit_id
      WHERE r.resident_id = $1`,
    [residentId],
  );
  return row ?? null;
}
