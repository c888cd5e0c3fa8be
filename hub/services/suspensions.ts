// Suspending one person's messaging: staff pause it until a date, with a reason the person is shown, and may lift it
// early. While it holds, the hub refuses the person's replies (push answers `messagingSuspended` with the end date,
// before anything is charged) and refuses new family letters to them at the door, so the sender keeps their letter and
// learns at once why it was not taken, rather than it waiting unseen in the queue for weeks; letters already in review
// when the pause began are reviewed as usual. Every suspension is kept, lifted or not: the history is the record.
import { characterCount, maxMessagingPauseReasonLength, newRecordId } from '../protocol/index';
import type { SqlExecutor, HubTransaction } from '../db/database';
import type { ResidentRow } from './records';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { messagingPauseChange, messagingPauseColumns, type MessagingPauseRow } from './records';
import { lockActiveResident, lockResident, publishForResident } from './residents';

/** The longest reason a person is shown for their pause (their home screen shows it whole). */
export const maxSuspensionReasonCharacters = maxMessagingPauseReasonLength;
/** The longest pause staff may set at once: a longer one is set again when it ends, by someone who looks again. */
export const maxSuspensionMs = 366 * 24 * 60 * 60 * 1000;

export interface MessagingSuspension {
  readonly suspensionId: string;
  readonly residentId: string;
  readonly residentName: string;
  readonly siteId: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly suspendedBy: string;
  readonly liftedAt: number | null;
  readonly liftedBy: string | null;
  /** Whether it holds at the time it was read: not lifted and not yet ended. */
  readonly active: boolean;
}

interface SuspensionRow {
  readonly suspension_id: string;
  readonly resident_id: string;
  readonly resident_name: string;
  readonly site_id: string;
  readonly starts_at: number;
  readonly ends_at: number;
  readonly reason: string;
  readonly suspended_by: string;
  readonly lifted_at: number | null;
  readonly lifted_by: string | null;
}

const suspensionSelect = `SELECT s.suspension_id, s.resident_id, r.display_name AS resident_name, s.site_id, s.starts_at, s.ends_at, s.reason,
                                 s.suspended_by, s.lifted_at, s.lifted_by
                            FROM messaging_suspensions s JOIN residents r ON r.resident_id = s.resident_id`;

function suspensionOf(row: SuspensionRow, now: number): MessagingSuspension {
  return {
    suspensionId: row.suspension_id,
    residentId: row.resident_id,
    residentName: row.resident_name,
    siteId: row.site_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    suspendedBy: row.suspended_by,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
    active: row.lifted_at === null && row.starts_at <= now && now < row.ends_at,
  };
}

/** The pause holding for a resident at `now`, if any. */
export async function activeSuspension(db: SqlExecutor, residentId: string, now: number): Promise<MessagingSuspension | null> {
  const [row] = await db.query<SuspensionRow>(
    `${suspensionSelect} WHERE s.resident_id = $1 AND s.lifted_at IS NULL AND s.starts_at <= $2 AND s.ends_at > $2 ORDER BY s.ends_at DESC LIMIT 1`,
    [residentId, now],
  );
  return row === undefined ? null : suspensionOf(row, now);
}

/** Pauses a resident's messaging from now until `endsAt`. One pause at a time: a second is refused while one holds. */
export async function suspendMessaging(
  hub: HubContext,
  input: { residentId: string; endsAt: number; reason: string; suspendedBy: string },
): Promise<MessagingSuspension> {
  const reason = checkedInputText(input.reason, 'line', 'The reason').trim();
  if (reason === '') throw invalid('A pause needs a reason the person can read.');
  if (characterCount(reason) > maxSuspensionReasonCharacters)
    throw invalid(`A reason is at most ${maxSuspensionReasonCharacters} characters; this one has ${characterCount(reason)}.`);
  const now = hub.now();
  if (!Number.isSafeInteger(input.endsAt) || input.endsAt <= now) throw invalid('A pause must end in the future.');
  if (input.endsAt - now > maxSuspensionMs) throw invalid('A pause may last at most a year; set it again when it ends.');
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    const holding = await activeSuspension(tx, resident.resident_id, now);
    if (holding !== null)
      throw conflict(
        `${resident.display_name}'s messaging is already paused until ${new Date(holding.endsAt).toISOString().slice(0, 10)}; lift that pause first.`,
      );
    const suspensionId = newRecordId(now);
    await tx.query(
      `INSERT INTO messaging_suspensions (suspension_id, resident_id, site_id, starts_at, ends_at, reason, suspended_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [suspensionId, resident.resident_id, resident.site_id, now, input.endsAt, reason, input.suspendedBy],
    );
    await publishPause(tx, resident, suspensionId, now);
    const created = await loadSuspension(tx, suspensionId, now);
    if (created === null) throw new Error('a suspension vanished inside its own transaction');
    return created;
  });
}

export async function loadSuspension(db: SqlExecutor, suspensionId: string, now: number): Promise<MessagingSuspension | null> {
  const [row] = await db.query<SuspensionRow>(`${suspensionSelect} WHERE s.suspension_id = $1`, [suspensionId]);
  return row === undefined ? null : suspensionOf(row, now);
}

/** The pause's record goes to the resident's devices, which say it on the home and compose screens. */
async function publishPause(tx: HubTransaction, resident: ResidentRow, suspensionId: string, now: number): Promise<void> {
  const [row] = await tx.query<MessagingPauseRow>(`SELECT ${messagingPauseColumns} FROM messaging_suspensions WHERE suspension_id = $1`, [suspensionId]);
  if (row === undefined) throw new Error('a suspension vanished inside its own transaction');
  await publishForResident(tx, resident, [messagingPauseChange(row)], now);
}

/** Ends a pause early. One that has already ended or been lifted is refused in words. */
export async function liftSuspension(hub: HubContext, input: { suspensionId: string; liftedBy: string }): Promise<MessagingSuspension> {
  return hub.database.transaction(async (tx) => {
    const [owner] = await tx.query<{ resident_id: string }>('SELECT resident_id FROM messaging_suspensions WHERE suspension_id = $1', [input.suspensionId]);
    if (owner === undefined) throw notFound('There is no such pause.');
    // The resident's lock, as every write to their records takes it: a reply being pushed waits for the lift, or the other way round.
    const resident = await lockResident(tx, owner.resident_id);
    if (resident === null) throw new Error(`suspension ${input.suspensionId} lost its resident`);
    const now = hub.now();
    const before = await loadSuspension(tx, input.suspensionId, now);
    if (before === null) throw notFound('There is no such pause.');
    if (before.liftedAt !== null) throw conflict(`This pause was already lifted by ${before.liftedBy ?? 'someone'}.`);
    if (!before.active) throw conflict('This pause has already ended.');
    await tx.query('UPDATE messaging_suspensions SET lifted_at = $2, lifted_by = $3, version = version + 1 WHERE suspension_id = $1', [
      input.suspensionId,
      now,
      input.liftedBy,
    ]);
    await publishPause(tx, resident, input.suspensionId, now);
    const after = await loadSuspension(tx, input.suspensionId, now);
    if (after === null) throw new Error('a suspension vanished inside its own transaction');
    return after;
  });
}

/** A site's pauses (every site's for `siteId` null), those holding first, then the most recent. */
export async function listSuspensions(db: SqlExecutor, input: { siteId: string | null; now: number; limit?: number }): Promise<MessagingSuspension[]> {
  const rows = await db.query<SuspensionRow>(
    `${suspensionSelect}
      WHERE ($1::text IS NULL OR s.site_id = $1)
      ORDER BY (s.lifted_at IS NULL AND s.ends_at > $2) DESC, s.starts_at DESC, s.suspension_id DESC
      LIMIT $3`,
    [input.siteId, input.now, input.limit ?? 200],
  );
  return rows.map((row) => suspensionOf(row, input.now));
}
