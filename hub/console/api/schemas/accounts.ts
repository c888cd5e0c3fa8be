// Staff accounts, as the admin's page lists and creates them.
import { z } from 'zod';
import { StaffRole } from './common';

export const AccountView = z.object({
  staffId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRole,
  siteId: z.string().nullable(),
  lockedUntil: z.number().int().nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
});
export type AccountView = z.infer<typeof AccountView>;

export const AccountList = z.object({ accounts: z.array(AccountView) });

export const CreateAccountRequest = z.strictObject({
  username: z.string().min(1).max(100),
  displayName: z.string().min(1).max(200),
  role: StaffRole,
  siteId: z.string().min(1).max(100).nullable(),
});

/** A temporary password is shown once, to the admin who created or reset it. */
export const TemporaryPasswordView = z.object({ account: AccountView, temporaryPassword: z.string() });

export const AccountIdParams = z.strictObject({ staffId: z.string().min(1).max(100) });

export const SiteView = z.object({ siteId: z.string(), name: z.string() });
export const SiteList = z.object({ sites: z.array(SiteView) });
