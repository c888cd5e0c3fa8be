// A person's account statement for the money office: every entry of one ledger (money or stamps) between two dates of
// the site's calendar, with what it was, its amount and the running balance after it, and the opening and closing
// balances — which the entries add up to. Dates are the site's (its time zone); amounts are integers (cents; stamps).
import type { HubDatabase } from '../db/database';
import { instantOfLocal, localDateText, readLocalDate } from '../../rules/zoned-time';
import { invalid, notFound } from './context';
import type { LedgerName } from './records';
import { hubTimeZone } from './sites';

export interface StatementLine {
  readonly entryId: string;
  readonly at: number;
  readonly kind: string;
  /** What the entry was, in words ("Deposit by money order", "Correction: …"). */
  readonly what: string;
  /** The receipt, transfer or request number, as recorded (without the deposit's source word). */
  readonly reference: string;
  /** Signed: positive in, negative out. */
  readonly amount: number;
  /** The balance after this entry. */
  readonly balance: number;
  readonly recordedBy: string | null;
  /** A correction's reason, whole. */
  readonly reason: string | null;
  readonly reversesEntryId: string | null;
  /** The correction that reversed this entry, if one did. */
  readonly reversedByEntryId: string | null;
}

export interface Statement {
  readonly residentId: string;
  readonly residentName: string;
  readonly credentialId: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly timeZone: string;
  readonly ledger: LedgerName;
  /** The first and last day of the period, inclusive, in the site's calendar ("2025-06-01"). */
  readonly fromDate: string;
  readonly toDate: string;
  /** The period as instants: from (inclusive) to (exclusive). */
  readonly from: number;
  readonly to: number;
  readonly openingBalance: number;
  readonly closingBalance: number;
  readonly totalIn: number;
  readonly totalOut: number;
  readonly lines: readonly StatementLine[];
}

/** The longest period one statement covers: a year and a day, so a year's statement fits whatever the leap. */
export const maxStatementDays = 367;

const depositSourceWords: Readonly<Record<string, string>> = {
  online: 'Deposit, online',
  lobbyKiosk: 'Deposit at the lobby kiosk',
  moneyOrder: 'Deposit by money order',
};

const stampKindWords: Readonly<Record<string, string>> = {
  purchase: 'Book of stamps bought',
  messageSent: 'Letter sent',
  rejectionRefund: 'Stamps back: letter not delivered',
  familyTransfer: 'Stamps from family',
};

/** What an entry was, in words, and its reference without the source word a deposit's reference starts with. */
export function describeEntry(ledger: LedgerName, kind: string, reference: string, reason: string | null): { what: string; reference: string } {
  if (kind === 'correction') return { what: `Correction: ${reason ?? reference}`, reference: '' };
  if (ledger === 'debit') {
    if (kind === 'deposit') {
      const [source = '', ...rest] = reference.split(' ');
      const words = depositSourceWords[source];
      return words === undefined ? { what: 'Deposit', reference } : { what: words, reference: rest.join(' ') };
    }
    if (kind === 'stampPurchase') return { what: 'Stamps bought', reference };
    return { what: kind, reference };
  }
  return { what: stampKindWords[kind] ?? kind, reference };
}

/** The first and last day of a period in the site's calendar → instants; refused in words when they are not a period. */
export function statementPeriod(fromDate: string, toDate: string, timeZone: string): { from: number; to: number } {
  const first = readLocalDate(fromDate);
  const last = readLocalDate(toDate);
  if (first === null) throw invalid(`"${fromDate}" is not a date such as 2025-06-01.`);
  if (last === null) throw invalid(`"${toDate}" is not a date such as 2025-06-30.`);
  const days = (Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000;
  if (days < 0) throw invalid(`The period ends (${toDate}) before it starts (${fromDate}).`);
  if (days + 1 > maxStatementDays) throw invalid(`A statement covers at most ${maxStatementDays} days; ${fromDate} to ${toDate} is ${days + 1}.`);
  const dayAfter = new Date(Date.UTC(last.year, last.month - 1, last.day + 1));
  return {
    from: instantOfLocal(first, 0, timeZone),
    to: instantOfLocal({ year: dayAfter.getUTCFullYear(), month: dayAfter.getUTCMonth() + 1, day: dayAfter.getUTCDate() }, 0, timeZone),
  };
}

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

/**
 * One ledger of one person between two dates of the site's calendar (both inclusive). Read in one REPEATABLE READ
 * snapshot, so an entry written meanwhile is either in both the opening balance and the lines' sums or in neither.
 */
export async function accountStatement(
  db: HubDatabase,
  input: { residentId: string; ledger: LedgerName; fromDate: string; toDate: string },
): Promise<Statement> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [person] = await tx.query<{
      resident_id: string;
      display_name: string;
      credential_id: string;
      site_id: string;
      site_name: string;
      time_zone: string | null;
    }>(
      `SELECT r.resident_id, r.display_name, r.credential_id, r.site_id, s.name AS site_name, s.time_zone
           FROM residents r JOIN sites s ON s.site_id = r.site_id WHERE r.resident_id = $1`,
      [input.residentId],
    );
    if (person === undefined) throw notFound(`There is no resident ${input.residentId}.`);
    const timeZone = person.time_zone ?? hubTimeZone();
    const { from, to } = statementPeriod(input.fromDate, input.toDate, timeZone);
    const table = tableOf(input.ledger);
    const [opening] = await tx.query<{ sum: number }>(
      `SELECT COALESCE(SUM(amount), 0)::bigint AS sum FROM ${table} WHERE resident_id = $1 AND created_at < $2`,
      [person.resident_id, from],
    );
    const rows = await tx.query<{
      entry_id: string;
      amount: number;
      kind: string;
      reference: string;
      created_at: number;
      recorded_by: string | null;
      reason: string | null;
      reverses_entry_id: string | null;
      reversed_by: string | null;
    }>(
      `SELECT e.entry_id, e.amount, e.kind, e.reference, e.created_at, e.recorded_by, e.reason, e.reverses_entry_id,
                (SELECT c.entry_id FROM ${table} c WHERE c.reverses_entry_id = e.entry_id) AS reversed_by
           FROM ${table} e
          WHERE e.resident_id = $1 AND e.created_at >= $2 AND e.created_at < $3
          ORDER BY e.created_at, e.entry_id`,
      [person.resident_id, from, to],
    );
    const openingBalance = Number(opening?.sum ?? 0);
    let balance = openingBalance;
    let totalIn = 0;
    let totalOut = 0;
    const lines = rows.map((row): StatementLine => {
      const amount = Number(row.amount);
      balance += amount;
      if (amount > 0) totalIn += amount;
      else totalOut -= amount;
      const described = describeEntry(input.ledger, row.kind, row.reference, row.reason);
      return {
        entryId: row.entry_id,
        at: Number(row.created_at),
        kind: row.kind,
        what: described.what,
        reference: described.reference,
        amount,
        balance,
        recordedBy: row.recorded_by,
        reason: row.reason,
        reversesEntryId: row.reverses_entry_id,
        reversedByEntryId: row.reversed_by,
      };
    });
    return {
      residentId: person.resident_id,
      residentName: person.display_name,
      credentialId: person.credential_id,
      siteId: person.site_id,
      siteName: person.site_name,
      timeZone,
      ledger: input.ledger,
      fromDate: localDateText(from, timeZone),
      toDate: input.toDate,
      from,
      to,
      openingBalance,
      closingBalance: balance,
      totalIn,
      totalOut,
      lines,
    };
  });
}
