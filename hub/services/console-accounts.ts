// Staff accounts of the facility console (migration 0008): created with a temporary password shown once, signed in
// with a password checked against a memory-hard hash, locked after wrong passwords by the PIN lockout rule, changed by
// their owner. A console account is not a device staff record (`staff`, badge and PIN): different secrets, different
// places.
import { z } from 'zod';
import { afterCorrectPin, afterWrongPin, attemptsLeft, isLockedOut, type PinLockoutState, type PinRules } from '../../rules/pin-lockout';
import { newRecordId } from '../protocol/ids';
import type { SqlExecutor } from '../db/database';
import { hashPassword, passwordProblem, temporaryPassword, verifyPassword } from '../security/password-hash';
import { StaffRole } from '../console/api/schemas/common';
import { ConsoleLanguageTag } from '../console/api/schemas/session';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';

// The roles are the console contract's (one definition the console app reads too); accounts store one of them.
export { staffRoles } from '../console/api/schemas/common';

/** Five wrong passwords lock an account for 15 minutes, then 30, 60… up to a day; an admin can clear it sooner. */
export const consolePasswordRules: PinRules = { maxAttempts: 5, lockoutBaseSeconds: 15 * 60, lockoutMaxSeconds: 24 * 60 * 60 };

export interface ConsoleAccount {
  readonly accountId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  /** Null only for an admin: every site. */
  readonly siteId: string | null;
  readonly mustChangePassword: boolean;
  readonly lockedUntil: number | null;
  readonly disabled: boolean;
  /** The language tag they chose to read the console in (migration 0014), or null before they choose. */
  readonly language: string | null;
}

interface AccountRow {
  account_id: string;
  username: string;
  display_name: string;
  role: string;
  site_id: string | null;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: number;
  lockouts: number;
  locked_until: number | null;
  disabled_at: number | null;
  language: string | null;
}

const accountColumns =
  'account_id, username, display_name, role, site_id, password_hash, must_change_password, failed_attempts, lockouts, locked_until, disabled_at, language';

function accountOf(row: AccountRow): ConsoleAccount {
  return {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    role: StaffRole.parse(row.role),
    siteId: row.site_id,
    mustChangePassword: row.must_change_password,
    lockedUntil: row.locked_until,
    disabled: row.disabled_at !== null,
    language: row.language,
  };
}

/** Usernames: lower-case letters, digits, dot, dash, underscore; 2 to 64. Typed at sign-in in any case. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{2,64}$/, 'a username is 2 to 64 letters, digits, dots, dashes or underscores');

export interface NewConsoleAccount {
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly siteId: string | null;
}

/** Creates an account with a temporary password, returned once (only its hash is kept). */
export async function createConsoleAccount(hub: HubContext, input: NewConsoleAccount): Promise<{ account: ConsoleAccount; temporaryPassword: string }> {
  const username = Username.safeParse(input.username);
  if (!username.success) throw invalid(`The username "${input.username.slice(0, 64)}" is not usable: ${username.error.issues[0]?.message ?? 'invalid'}.`);
  const displayName = checkedInputText(input.displayName, 'name', "The staff member's name");
  if (displayName === '' || [...displayName].length > 200) throw invalid("The staff member's name must be 1 to 200 characters.");
  if (input.role !== 'admin' && input.siteId === null) throw invalid('Only an admin works across every site; name the site for this account.');
  if (input.siteId !== null) {
    const [site] = await hub.database.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound('There is no such site.');
  }
  const password = temporaryPassword();
  const hash = await hashPassword(password, hub.passwordCost);
  const now = hub.now();
  const accountId = newRecordId(now);
  const inserted = await hub.database.query<AccountRow>(
    `INSERT INTO console_accounts (account_id, username, display_name, role, site_id, password_hash, must_change_password, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, true, $7) ON CONFLICT (username) DO NOTHING RETURNING ${accountColumns}`,
    [accountId, username.data, displayName, input.role, input.siteId, hash, now],
  );
  const row = inserted[0];
  if (row === undefined) throw conflict(`The username "${username.data}" is taken.`);
  return { account: accountOf(row), temporaryPassword: password };
}

export async function findConsoleAccount(db: SqlExecutor, accountId: string): Promise<ConsoleAccount | null> {
  const [row] = await db.query<AccountRow>(`SELECT ${accountColumns} FROM console_accounts WHERE account_id = $1`, [accountId]);
  return row === undefined ? null : accountOf(row);
}

/** The accounts a staff member may see: their site's, or every one for an admin (siteFilter null). */
export async function listConsoleAccounts(db: SqlExecutor, siteFilter: string | null): Promise<ConsoleAccount[]> {
  const rows = await db.query<AccountRow>(
    `SELECT ${accountColumns} FROM console_accounts WHERE ($1::text IS NULL OR site_id = $1) ORDER BY display_name, username`,
    [siteFilter],
  );
  return rows.map(accountOf);
}

export type SignInOutcome =
  | { readonly ok: true; readonly account: ConsoleAccount }
  | { readonly ok: false; readonly refusal: 'wrongPassword'; readonly attemptsLeft: number; readonly account: ConsoleAccount | null }
  | { readonly ok: false; readonly refusal: 'lockedOut'; readonly until: number; readonly account: ConsoleAccount }
  | { readonly ok: false; readonly refusal: 'accountDisabled'; readonly account: ConsoleAccount };

/** A hash of nothing, checked for unknown usernames so they take as long as known ones. */
let decoyHash: Promise<string> | null = null;

/**
 * Checks a password, counting wrong ones on the account's row under a lock so parallel guesses take turns. While locked
 * the password is not even checked. An unknown username costs the same hash and says the same words as a wrong password.
 */
export async function signInConsole(hub: HubContext, input: { username: string; password: string }): Promise<SignInOutcome> {
  const username = Username.safeParse(input.username);
  const now = hub.now();
  return hub.database.transaction(async (tx) => {
    const [row] = username.success
      ? await tx.query<AccountRow>(`SELECT ${accountColumns} FROM console_accounts WHERE username = $1 FOR UPDATE`, [username.data])
      : [];
    if (row === undefined) {
      decoyHash ??= hashPassword('decoy password', hub.passwordCost);
      await verifyPassword(input.password, await decoyHash);
      return { ok: false, refusal: 'wrongPassword', attemptsLeft: consolePasswordRules.maxAttempts, account: null };
    }
    const account = accountOf(row);
    if (row.disabled_at !== null) return { ok: false, refusal: 'accountDisabled', account };
    const before: PinLockoutState = { failedAttempts: row.failed_attempts, lockouts: row.lockouts, lockedUntil: row.locked_until };
    if (isLockedOut(before, now) && before.lockedUntil !== null) return { ok: false, refusal: 'lockedOut', until: before.lockedUntil, account };
    const right = await verifyPassword(input.password, row.password_hash);
    const after = right ? afterCorrectPin() : afterWrongPin(before, consolePasswordRules, now);
    await tx.query('UPDATE console_accounts SET failed_attempts = $2, lockouts = $3, locked_until = $4 WHERE account_id = $1', [
      row.account_id,
      after.failedAttempts,
      // A right password clears the count but keeps how many lockouts there were: the next one lasts longer.
      right ? before.lockouts : after.lockouts,
      after.lockedUntil,
    ]);
    const updated: ConsoleAccount = { ...account, lockedUntil: after.lockedUntil };
    if (right) return { ok: true, account: updated };
    if (after.lockedUntil !== null) return { ok: false, refusal: 'lockedOut', until: after.lockedUntil, account: updated };
    return { ok: false, refusal: 'wrongPassword', attemptsLeft: attemptsLeft(after, consolePasswordRules), account: updated };
  });
}

/** The owner's change of their own password: the current one proves it is them. Ends their other sessions. */
export async function changeConsolePassword(hub: HubContext, input: { accountId: string; current: string; next: string }): Promise<void> {
  const [row] = await hub.database.query<AccountRow>(`SELECT ${accountColumns} FROM console_accounts WHERE account_id = $1`, [input.accountId]);
  if (row === undefined) throw notFound('There is no such account.');
  if (!(await verifyPassword(input.current, row.password_hash))) throw invalid('The current password is not right.');
  const problem = passwordProblem(input.next, row.username);
  if (problem !== null) throw invalid(problem);
  if (input.next === input.current) throw invalid('The new password must differ from the current one.');
  const hash = await hashPassword(input.next, hub.passwordCost);
  await hub.database.query('UPDATE console_accounts SET password_hash = $2, must_change_password = false WHERE account_id = $1', [input.accountId, hash]);
}

/** An admin's reset: a new temporary password, shown once; the account's lockout cleared and its sessions ended. */
export async function resetConsolePassword(hub: HubContext, accountId: string): Promise<string> {
  const password = temporaryPassword();
  const hash = await hashPassword(password, hub.passwordCost);
  return hub.database.transaction(async (tx) => {
    const updated = await tx.query(
      `UPDATE console_accounts SET password_hash = $2, must_change_password = true, failed_attempts = 0, locked_until = NULL WHERE account_id = $1 RETURNING account_id`,
      [accountId, hash],
    );
    if (updated.length === 0) throw notFound('There is no such account.');
    await tx.query('DELETE FROM console_sessions WHERE account_id = $1', [accountId]);
    return password;
  });
}

/** Disables or enables an account; disabling ends its sessions at once. */
export async function setConsoleAccountDisabled(hub: HubContext, accountId: string, disabled: boolean): Promise<void> {
  await hub.database.transaction(async (tx) => {
    const updated = await tx.query('UPDATE console_accounts SET disabled_at = $2 WHERE account_id = $1 RETURNING account_id', [
      accountId,
      disabled ? hub.now() : null,
    ]);
    if (updated.length === 0) throw notFound('There is no such account.');
    if (disabled) await tx.query('DELETE FROM console_sessions WHERE account_id = $1', [accountId]);
  });
}

/** Remembers the language a staff member reads the console in, so their next sign-in, in any browser, opens in it. */
export async function setConsoleLanguage(hub: HubContext, accountId: string, language: string): Promise<ConsoleAccount> {
  const tag = ConsoleLanguageTag.safeParse(language);
  if (!tag.success) throw invalid(`"${language.slice(0, 35)}" is not a language tag such as es or zh-Hans.`);
  const [row] = await hub.database.query<AccountRow>(`UPDATE console_accounts SET language = $2 WHERE account_id = $1 RETURNING ${accountColumns}`, [
    accountId,
    tag.data,
  ]);
  if (row === undefined) throw notFound('There is no such staff account.');
  return accountOf(row);
}
