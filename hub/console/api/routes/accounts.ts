// Staff accounts (admin) and the sites a staff member can see (everyone).
import { listSites } from '../../../services/sites';
import {
  createConsoleAccount,
  findConsoleAccount,
  listConsoleAccounts,
  resetConsolePassword,
  setConsoleAccountDisabled,
  type ConsoleAccount,
} from '../../../services/console-accounts';
import { notFound } from '../../../services/context';
import { defineConsoleRoute, type ConsoleRequestContext, type ConsoleRoute } from '../route';
import { AccountIdParams, AccountList, CreateAccountRequest, SiteList, TemporaryPasswordView, type AccountView } from '../schemas/accounts';
import { Ok } from '../schemas/common';

function accountView(account: ConsoleAccount): AccountView {
  return {
    staffId: account.accountId,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    siteId: account.siteId,
    lockedUntil: account.lockedUntil,
    disabled: account.disabled,
    mustChangePassword: account.mustChangePassword,
  };
}

/** The account a request names, refused as not found when it is not the admin's to see. */
async function accountInScope(context: ConsoleRequestContext, staffId: string): Promise<ConsoleAccount> {
  const account = await findConsoleAccount(context.hub.database, staffId);
  if (account === null) throw notFound('There is no such staff account.');
  if (account.siteId !== null) context.requireSite(account.siteId);
  else if (context.siteFilter() !== null) throw notFound('There is no such staff account.');
  context.audit(account.accountId);
  return account;
}

export const accountRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'sites.list',
    method: 'GET',
    path: '/sites',
    roles: ['mailroom', 'money', 'visits', 'devices', 'supervisor'],
    response: SiteList,
    handler: async (_input, context) => {
      const filter = context.siteFilter();
      const sites = await listSites(context.hub.database);
      return { sites: sites.filter((site) => filter === null || site.siteId === filter) };
    },
  }),
  defineConsoleRoute({
    name: 'accounts.list',
    method: 'GET',
    path: '/accounts',
    roles: [],
    response: AccountList,
    handler: async (_input, context) => ({ accounts: (await listConsoleAccounts(context.hub.database, context.siteFilter())).map(accountView) }),
  }),
  defineConsoleRoute({
    name: 'accounts.create',
    method: 'POST',
    path: '/accounts',
    roles: [],
    body: CreateAccountRequest,
    response: TemporaryPasswordView,
    handler: async ({ body }, context) => {
      if (body.siteId !== null) context.requireSite(body.siteId);
      const created = await createConsoleAccount(context.hub, body);
      context.audit(created.account.accountId);
      return { account: accountView(created.account), temporaryPassword: created.temporaryPassword };
    },
  }),
  defineConsoleRoute({
    name: 'accounts.resetPassword',
    method: 'POST',
    path: '/accounts/:staffId/reset-password',
    roles: [],
    params: AccountIdParams,
    response: TemporaryPasswordView,
    handler: async ({ params }, context) => {
      const account = await accountInScope(context, params.staffId);
      const temporaryPassword = await resetConsolePassword(context.hub, account.accountId);
      return { account: accountView({ ...account, mustChangePassword: true, lockedUntil: null }), temporaryPassword };
    },
  }),
  defineConsoleRoute({
    name: 'accounts.disable',
    method: 'POST',
    path: '/accounts/:staffId/disable',
    roles: [],
    params: AccountIdParams,
    response: Ok,
    handler: async ({ params }, context) => {
      const account = await accountInScope(context, params.staffId);
      await setConsoleAccountDisabled(context.hub, account.accountId, true);
      return { ok: true as const };
    },
  }),
  defineConsoleRoute({
    name: 'accounts.enable',
    method: 'POST',
    path: '/accounts/:staffId/enable',
    roles: [],
    params: AccountIdParams,
    response: Ok,
    handler: async ({ params }, context) => {
      const account = await accountInScope(context, params.staffId);
      await setConsoleAccountDisabled(context.hub, account.accountId, false);
      return { ok: true as const };
    },
  }),
];
