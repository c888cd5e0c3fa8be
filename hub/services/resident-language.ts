// A resident's language at the hub (docs/languages.md §5 "Where a choice is kept"): chosen by the person on a device
// (the chooseLanguage mutation) or set by staff. Both are ordered by when they were made, not by when they reach the
// hub: a device may push a choice days late, after a staff edit made since, and that edit must stand; and a staff edit
// made before the person's choice must not undo it. The time of the newest choice is kept on the record
// (residents.language_chosen_at, migration 0017); a changed language goes to every device in the person's scope as
// the resident record, like any edit.
import { LanguageTag } from '../../rules/language';
import type { ChooseLanguageArgs } from '../protocol/index';
import type { HubTransaction } from '../db/database';
import { invalid, type HubContext } from './context';
import type { DeviceRow } from './devices';
import { applied, refuse, type Outcome } from './mutation-outcome';
import { residentChange, residentColumns, type ResidentRow } from './records';
import { lockActiveResident, publishForResident } from './residents';

/**
 * Writes `language` as chosen at `chosenAt`, unless a newer choice is already kept. A language that does not change
 * moves only the time (so the older of two choices still loses to it); a changed one is a new version of the record.
 */
async function keepNewestChoice(
  tx: HubTransaction,
  resident: ResidentRow,
  change: { readonly language: string; readonly chosenAt: number; readonly winsATie: boolean },
  now: number,
): Promise<ResidentRow> {
  const { language, chosenAt } = change;
  const kept = resident.language_chosen_at;
  if (kept !== null && (chosenAt < kept || (chosenAt === kept && !change.winsATie))) return resident;
  if (language === resident.language) {
    await tx.query('UPDATE residents SET language_chosen_at = $2 WHERE resident_id = $1', [resident.resident_id, chosenAt]);
    return { ...resident, language_chosen_at: chosenAt };
  }
  const [after] = await tx.query<ResidentRow>(
    `UPDATE residents SET language = $2, language_chosen_at = $3, version = version + 1 WHERE resident_id = $1 RETURNING ${residentColumns}`,
    [resident.resident_id, language, chosenAt],
  );
  if (after === undefined) throw new Error(`resident ${resident.resident_id} vanished inside its own transaction`);
  await publishForResident(tx, after, [residentChange(after)], now);
  return after;
}

/**
 * Whether a kiosk can show that `residentId` was the person signed in on it when it recorded mutation `mutationId`:
 * its newest sign-in or sign-out audit entry before that mutation (the audit chain rides the same outbox, in order,
 * hash-linked, docs/security.md §9) is that person's sign-in. A tablet needs no such proof: it serves only its assignee.
 */
async function signedInOnKioskAt(tx: HubTransaction, device: DeviceRow, residentId: string, mutationId: number): Promise<boolean> {
  const [latest] = await tx.query<{ kind: string; actor_kind: string | null; actor_id: string | null }>(
    `SELECT kind, actor_kind, actor_id FROM audit_entries
      WHERE device_id = $1 AND mutation_id < $2 AND kind IN ('signIn', 'signOut') AND link = 'linked'
      ORDER BY seq DESC LIMIT 1`,
    [device.device_id, mutationId],
  );
  return latest !== undefined && latest.kind === 'signIn' && latest.actor_kind === 'resident' && latest.actor_id === residentId;
}

/** Whether this device may speak for the person about their own record, beyond having them in its scope. */
async function maySpeakFor(tx: HubTransaction, device: DeviceRow, residentId: string, mutationId: number): Promise<boolean> {
  switch (device.kind) {
    case 'tablet':
      return device.assigned_resident_id === residentId;
    case 'kiosk':
      return signedInOnKioskAt(tx, device, residentId, mutationId);
    default: {
      const unknownKind: never = device.kind;
      throw new Error(`unknown device kind ${String(unknownKind)}`);
    }
  }
}

/**
 * The person's choice on a device, for a resident push has locked and found in the device's scope. `chosenAt` is the
 * device's clock, believed only up to the hub's: a device whose clock runs ahead cannot make its choice outrank staff
 * edits still to come. A choice older than the one kept is answered as applied (it was made and heard; a newer one
 * outranks it), and the record goes out again so the device that sent it shows the newer language. A language the
 * site does not offer is kept all the same: the offer may change, and until then each device shows the site's default
 * (`languageToShow`, docs/languages.md §3).
 */
export async function chooseResidentLanguage(
  tx: HubTransaction,
  device: DeviceRow,
  mutationId: number,
  resident: ResidentRow,
  args: ChooseLanguageArgs,
  now: number,
): Promise<Outcome> {
  if (!(await maySpeakFor(tx, device, resident.resident_id, mutationId))) {
    await sendRecordAgainIfNotShowing(tx, resident, args.language, now);
    return refuse('notSignedInOnDevice', 'This person was not signed in on this kiosk when the language was chosen, so their record was not changed.');
  }
  // A tie goes to what is kept: the same moment cannot be ordered, and a staff edit is the deliberate one.
  const after = await keepNewestChoice(tx, resident, { language: args.language, chosenAt: Math.min(args.chosenAt, now), winsATie: false }, now);
  await sendRecordAgainIfNotShowing(tx, after, args.language, now);
  return applied;
}

/**
 * The device that sent a choice already shows it on its copy of the record, under the version it last received. When
 * the hub kept another language (a newer choice stands, or the choice was refused), the record goes out again under a
 * new version, or that device would go on showing a language the hub does not hold.
 */
async function sendRecordAgainIfNotShowing(tx: HubTransaction, resident: ResidentRow, languageOnDevice: string, now: number): Promise<void> {
  if (resident.language === languageOnDevice) return;
  const [republished] = await tx.query<ResidentRow>(`UPDATE residents SET version = version + 1 WHERE resident_id = $1 RETURNING ${residentColumns}`, [
    resident.resident_id,
  ]);
  if (republished === undefined) throw new Error(`resident ${resident.resident_id} vanished inside its own transaction`);
  await publishForResident(tx, republished, [residentChange(republished)], now);
}

/** Staff set a resident's language at the hub: newer than any choice a device can still push, so it stands until the next. */
export async function setResidentLanguage(hub: HubContext, input: { residentId: string; language: string }): Promise<ResidentRow> {
  const tag = LanguageTag.safeParse(input.language);
  if (!tag.success) throw invalid(`"${input.language.slice(0, 35)}" is not a language tag such as es, vi or zh-Hans.`);
  return hub.database.transaction(async (tx) => {
    const resident = await lockActiveResident(tx, input.residentId);
    const now = hub.now();
    // Staff act now, so no kept choice is newer; at the very same moment theirs is the deliberate one.
    return keepNewestChoice(tx, resident, { language: tag.data, chosenAt: now, winsATie: true }, now);
  });
}
