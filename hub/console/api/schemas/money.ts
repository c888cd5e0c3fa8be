// The money office at the console: finding a person, their accounts, deposits, statements, corrections and the
// stamp price books. Shared by the hub's routes and the console app; imports only zod and rules/.
import { z } from 'zod';
import { maxDepositCents } from '../../../../rules/money';

export const depositSourceNames = ['online', 'lobbyKiosk', 'moneyOrder'] as const;
export const DepositSource = z.enum(depositSourceNames);

/** A ledger as staff name it: the money account or the stamps. */
export const LedgerChoice = z.enum(['money', 'stamps']);
export type LedgerChoice = z.infer<typeof LedgerChoice>;

const Id = z.string().min(1).max(100);
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2025-06-01');

export const PersonSearchQuery = z.strictObject({ q: z.string().trim().min(1, 'type part of a name or a booking number').max(100) });

export const PersonSummary = z.object({
  residentId: z.string(),
  name: z.string(),
  credentialId: z.string(),
  siteId: z.string(),
  siteName: z.string(),
  unitName: z.string().nullable(),
  released: z.boolean(),
  balanceCents: z.number().int(),
  stamps: z.number().int(),
});
export type PersonSummary = z.infer<typeof PersonSummary>;
export const PersonList = z.object({ people: z.array(PersonSummary) });

export const ResidentIdParams = z.strictObject({ residentId: Id });

export const AccountView = z.object({
  person: PersonSummary,
  /** The site's calendar: statements' dates and times are in it. */
  timeZone: z.string(),
  /** Today in the site's calendar, for the statement form's default period. */
  today: z.string(),
  maxDepositCents: z.number().int(),
});
export type AccountView = z.infer<typeof AccountView>;

/** The amount as typed ("25.00"): the hub reads it with the one money rule (rules/money.ts) and answers in words. */
export const DepositRequest = z.strictObject({
  residentId: Id,
  amount: z.string().max(40),
  source: DepositSource,
  reference: z.string().max(200),
});

export const DepositReceipt = z.object({
  residentId: z.string(),
  name: z.string(),
  credentialId: z.string(),
  amountCents: z.number().int().positive().max(maxDepositCents),
  source: DepositSource,
  reference: z.string(),
  balanceCents: z.number().int().nonnegative(),
});
export type DepositReceipt = z.infer<typeof DepositReceipt>;

export const StatementQuery = z.strictObject({ ledger: LedgerChoice.default('money'), from: LocalDate, to: LocalDate });

export const StatementLineView = z.object({
  entryId: z.string(),
  at: z.number().int(),
  /** "2025-06-01 14:05" in the site's zone. */
  when: z.string(),
  kind: z.string(),
  what: z.string(),
  reference: z.string(),
  amount: z.number().int(),
  balance: z.number().int(),
  recordedBy: z.string().nullable(),
  reversesEntryId: z.string().nullable(),
  reversedByEntryId: z.string().nullable(),
});
export type StatementLineView = z.infer<typeof StatementLineView>;

export const StatementView = z.object({
  residentId: z.string(),
  residentName: z.string(),
  credentialId: z.string(),
  siteName: z.string(),
  timeZone: z.string(),
  ledger: LedgerChoice,
  fromDate: z.string(),
  toDate: z.string(),
  openingBalance: z.number().int(),
  closingBalance: z.number().int(),
  totalIn: z.number().int(),
  totalOut: z.number().int(),
  lines: z.array(StatementLineView),
});
export type StatementView = z.infer<typeof StatementView>;

export const CorrectionRequest = z.strictObject({
  ledger: LedgerChoice,
  entryId: Id,
  reason: z.string().max(1000),
});
export const CorrectionReceipt = z.object({ name: z.string(), correctionAmount: z.number().int(), balance: z.number().int() });

export const SiteQuery = z.strictObject({ siteId: Id.optional() });

export const StampBookView = z.object({ stamps: z.number().int().positive(), priceCents: z.number().int().positive() });
export const PriceBookVersionView = z.object({
  version: z.number().int(),
  createdAt: z.number().int(),
  createdBy: z.string(),
  note: z.string(),
  books: z.array(StampBookView),
  current: z.boolean(),
  purchases: z.number().int(),
});
export const PriceBookList = z.object({ siteId: z.string(), versions: z.array(PriceBookVersionView) });
export type PriceBookList = z.infer<typeof PriceBookList>;

export const NewPriceBookRequest = z.strictObject({
  siteId: Id.optional(),
  books: z
    .array(z.strictObject({ stamps: z.number().int().min(1).max(1000), priceCents: z.number().int().min(1).max(maxDepositCents) }))
    .min(1)
    .max(12),
  note: z.string().max(500),
});
