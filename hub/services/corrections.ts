// A correction at the money office: a new entry that reverses one earlier entry, with the staff member's reason —
// never an edit or a delete (the ledgers are append-only; 0011 keeps at most one reversal per entry). The person's
// devices receive the correction like any entry, and the balance moves back by the entry's amount.
import type { SqlExecutor } from '../db/database';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { appendLedgerEntries } from './ledgers';
import type { LedgerName, ResidentRow } from './records';
import { lockActiveResident } from './residents';
import { dollarsText } from '../../rules/money';

/** The longest reason a correction may give. */
export const maxCorrectionReasonLength = 500;

function tableOf(ledger: LedgerName): 'stamp_ledger' | 'debit_ledger' {
  switch (ledger) {
    case 'stamps':
      return 'stamp_ledger';
    case 'debit':
      return 'debit_ledger';
    default: {
      const unknownLedger: never = ledger;
      throw new Error(`unknown ledger ${String(unknownLedger)}`);
    }
  }
}

function amountText(ledger: LedgerName, amount: number): string {
  if (ledger === 'debit') return dollarsText(amount);
  return `${amount} ${Math.abs(amount) === 1 ? 'stamp' : 'stamps'}`;
}

/** The longest start of `text` within `units` UTF-16 units that does not split a character. */
function cutToUnits(text: string, units: number): string {
  let kept = '';
  for (const character of text) {
    if (kept.length + character.length > units) break;
    kept += character;
  }
  return kept;
}

interface EntryToReverse {
  readonly entry_id: string;
  readonly resident_id: string;
  readonly amount: number;
  readonly kind: string;
  readonly reverses_entry_id: string | null;
  readonly reversed_by: string | null;
}

async function entryToReverse(db: SqlExecutor, ledger: LedgerName, entryId: string): Promise<EntryToReverse | undefined> {
  const table = tableOf(ledger);
  const [entry] = await db.query<EntryToReverse>(
    `SELECT e.entry_id, e.resident_id, e.amount, e.kind, e.reverses_entry_id,
            (SELECT c.entry_id FROM ${table} c WHERE c.reverses_entry_id = e.entry_id) AS reversed_by
       FROM ${table} e WHERE e.entry_id = $1`,
    [entryId],
  );
  return entry;
}

/** Which resident an entry belongs to (the console checks the staff member's site before acting on it). */
export async function ledgerEntryOwner(db: SqlExecutor, ledger: LedgerName, entryId: string): Promise<string> {
  const entry = await entryToReverse(db, ledger, entryId);
  if (entry === undefined) throw notFound(`There is no ${ledger === 'debit' ? 'money' : 'stamp'} entry ${entryId}.`);
  return entry.resident_id;
}

/**
 * Reverses one entry: appends the opposite amount with the reason, once. Refused in words when the entry is a
 * correction itself (record a new entry instead), was already reversed, or when taking it back would leave the
 * balance below zero (the money or stamps were already spent).
 */
export async function reverseLedgerEntry(
  hub: HubContext,
  input: { ledger: LedgerName; entryId: string; reason: string; recordedBy: string },
): Promise<{ resident: ResidentRow; correctionAmount: number }> {
  const reason = checkedInputText(input.reason, 'line', 'The reason').trim();
  if (reason === '') throw invalid('A correction needs a reason, in words: what was wrong with the entry.');
  if (reason.length > maxCorrectionReasonLength) throw invalid(`A correction's reason is at most ${maxCorrectionReasonLength} characters.`);
  const recordedBy = checkedInputText(input.recordedBy, 'name', 'Who made the correction').trim();
  if (recordedBy === '') throw invalid('A correction names the staff member who made it.');
  return hub.database.transaction(async (tx) => {
    const owner = await ledgerEntryOwner(tx, input.ledger, input.entryId);
    const resident = await lockActiveResident(tx, owner);
    // Read again under the resident's lock: a correction made meanwhile is seen.
    const entry = await entryToReverse(tx, input.ledger, input.entryId);
    if (entry === undefined) throw notFound(`There is no entry ${input.entryId}.`);
    if (entry.reverses_entry_id !== null) throw conflict('This entry is itself a correction; to put it right, record a new entry instead of reversing it.');
    if (entry.reversed_by !== null) throw conflict(`This entry was already reversed (correction ${entry.reversed_by}); an entry is reversed once.`);
    const balance = input.ledger === 'debit' ? resident.debit_balance_cents : resident.stamp_balance;
    const correctionAmount = -entry.amount;
    if (balance + correctionAmount < 0) {
      throw conflict(
        `Reversing this ${amountText(input.ledger, entry.amount)} ${entry.kind} would leave ${resident.display_name} with ${amountText(input.ledger, balance + correctionAmount)}: ` +
          `only ${amountText(input.ledger, balance)} is left. Nothing was changed.`,
      );
    }
    const updated = await appendLedgerEntries(
      tx,
      resident,
      [
        {
          ledger: input.ledger,
          kind: 'correction',
          amount: correctionAmount,
          // What devices show beside the entry: the reason, cut to the record's length (the whole reason stays at the hub).
          reference: cutToUnits(reason, 120),
          recordedBy,
          reverses: { entryId: entry.entry_id, reason },
        },
      ],
      hub.now(),
    );
    return { resident: updated, correctionAmount };
  });
}
