// The money office (money and supervisor): find a person, see their accounts, take a deposit (the amount read by the
// one money rule), a statement between two dates (JSON for the page, CSV and PDF to download), a correction as a
// reversing entry, and the stamp price books (a change is a new version).
import { readDepositDollars } from '../../../../rules/money';
import { localDateText, localDateTimeText } from '../../../../rules/zoned-time';
import {
  accountStatement,
  addStampPriceBookVersion,
  deposit,
  ledgerEntryOwner,
  listStampPriceBooks,
  reverseLedgerEntry,
  siteTimeZone,
  statementCsv,
  statementFileName,
  statementPdf,
  maxDepositCents,
  type Statement,
} from '../../../services/index';
import { invalid } from '../../../services/context';
import { defineConsoleFileRoute, defineConsoleRoute, type ConsoleRequestContext, type ConsoleRoute } from '../route';
import {
  AccountView,
  CorrectionReceipt,
  CorrectionRequest,
  DepositReceipt,
  DepositRequest,
  NewPriceBookRequest,
  PersonList,
  PersonSearchQuery,
  PriceBookList,
  ResidentIdParams,
  SiteQuery,
  StatementQuery,
  StatementView,
  type LedgerChoice,
} from '../schemas/money';
import { personOf, residentInReach, searchPeople, workingSite } from './site-scope';

const moneyRoles = ['money', 'supervisor'] as const;

async function priceBooks(context: ConsoleRequestContext, siteId: string) {
  const versions = await listStampPriceBooks(context.hub.database, siteId);
  return { siteId, versions: versions.map((version) => ({ ...version, books: [...version.books] })) };
}

const ledgerOf = (choice: LedgerChoice): 'debit' | 'stamps' => (choice === 'money' ? 'debit' : 'stamps');

async function statementFor(context: ConsoleRequestContext, residentId: string, query: { ledger: LedgerChoice; from: string; to: string }): Promise<Statement> {
  const resident = await residentInReach(context, residentId);
  return accountStatement(context.hub.database, { residentId: resident.resident_id, ledger: ledgerOf(query.ledger), fromDate: query.from, toDate: query.to });
}

export const moneyRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'money.people',
    method: 'GET',
    path: '/money/people',
    roles: moneyRoles,
    query: PersonSearchQuery,
    response: PersonList,
    handler: async ({ query }, context) => ({ people: await searchPeople(context, query.q) }),
  }),
  defineConsoleRoute({
    name: 'money.account',
    method: 'GET',
    path: '/money/people/:residentId',
    roles: moneyRoles,
    params: ResidentIdParams,
    response: AccountView,
    handler: async ({ params }, context) => {
      const resident = await residentInReach(context, params.residentId);
      const timeZone = await siteTimeZone(context.hub.database, resident.site_id);
      return { person: await personOf(context, resident), timeZone, today: localDateText(context.hub.now(), timeZone), maxDepositCents };
    },
  }),
  defineConsoleRoute({
    name: 'money.deposit',
    method: 'POST',
    path: '/money/deposits',
    roles: moneyRoles,
    body: DepositRequest,
    response: DepositReceipt,
    handler: async ({ body }, context) => {
      const resident = await residentInReach(context, body.residentId);
      const amount = readDepositDollars(body.amount);
      if (!amount.ok) throw invalid(amount.sentence);
      const after = await deposit(context.hub, {
        residentId: resident.resident_id,
        amountCents: amount.cents,
        source: body.source,
        reference: body.reference,
        recordedBy: context.staff.displayName,
      });
      return {
        residentId: after.resident_id,
        name: after.display_name,
        credentialId: after.credential_id,
        amountCents: amount.cents,
        source: body.source,
        reference: body.reference.trim(),
        balanceCents: after.debit_balance_cents,
      };
    },
  }),
  defineConsoleRoute({
    name: 'money.statement',
    method: 'GET',
    path: '/money/people/:residentId/statement',
    roles: moneyRoles,
    params: ResidentIdParams,
    query: StatementQuery,
    response: StatementView,
    handler: async ({ params, query }, context) => {
      const statement = await statementFor(context, params.residentId, query);
      return {
        ...statement,
        ledger: query.ledger,
        lines: statement.lines.map((line) => ({ ...line, when: localDateTimeText(line.at, statement.timeZone) })),
      };
    },
  }),
  defineConsoleFileRoute({
    name: 'money.statementCsv',
    method: 'GET',
    path: '/money/people/:residentId/statement.csv',
    roles: moneyRoles,
    params: ResidentIdParams,
    query: StatementQuery,
    handler: async ({ params, query }, context) => {
      const statement = await statementFor(context, params.residentId, query);
      return { contentType: 'text/csv; charset=utf-8; header=present', body: statementCsv(statement), downloadName: statementFileName(statement, 'csv') };
    },
  }),
  defineConsoleFileRoute({
    name: 'money.statementPdf',
    method: 'GET',
    path: '/money/people/:residentId/statement.pdf',
    roles: moneyRoles,
    params: ResidentIdParams,
    query: StatementQuery,
    handler: async ({ params, query }, context) => {
      const statement = await statementFor(context, params.residentId, query);
      return { contentType: 'application/pdf', body: await statementPdf(statement), downloadName: statementFileName(statement, 'pdf') };
    },
  }),
  defineConsoleRoute({
    name: 'money.correct',
    method: 'POST',
    path: '/money/corrections',
    roles: moneyRoles,
    body: CorrectionRequest,
    response: CorrectionReceipt,
    handler: async ({ body }, context) => {
      const ledger = ledgerOf(body.ledger);
      await residentInReach(context, await ledgerEntryOwner(context.hub.database, ledger, body.entryId));
      context.audit(body.entryId);
      const { resident, correctionAmount } = await reverseLedgerEntry(context.hub, {
        ledger,
        entryId: body.entryId,
        reason: body.reason,
        recordedBy: context.staff.displayName,
      });
      return { name: resident.display_name, correctionAmount, balance: ledger === 'debit' ? resident.debit_balance_cents : resident.stamp_balance };
    },
  }),
  defineConsoleRoute({
    name: 'money.priceBooks',
    method: 'GET',
    path: '/money/price-books',
    roles: moneyRoles,
    query: SiteQuery,
    response: PriceBookList,
    handler: async ({ query }, context) => {
      const site = await workingSite(context, query.siteId);
      return priceBooks(context, site.siteId);
    },
  }),
  defineConsoleRoute({
    name: 'money.addPriceBook',
    method: 'POST',
    path: '/money/price-books',
    roles: moneyRoles,
    body: NewPriceBookRequest,
    response: PriceBookList,
    handler: async ({ body }, context) => {
      const site = await workingSite(context, body.siteId);
      context.audit(site.siteId);
      await addStampPriceBookVersion(context.hub, { siteId: site.siteId, books: body.books, createdBy: context.staff.displayName, note: body.note });
      return priceBooks(context, site.siteId);
    },
  }),
];
