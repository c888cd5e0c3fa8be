// What every console reply may carry, shared by the hub's console routes and the console app (which imports these
// schemas; files in this folder import only zod and rules/).
import { z } from 'zod';

export const staffRoles = ['mailroom', 'money', 'visits', 'devices', 'supervisor', 'admin'] as const;
export const StaffRole = z.enum(staffRoles);
export type StaffRole = z.infer<typeof StaffRole>;

/**
 * Why the console refused a request. The console app words each code in the reader's language; the message the hub
 * sends with it is English, for logs and for a code the app does not know yet.
 */
export const consoleErrorCodes = [
  // not signed in, or the session ended (signed out, idle too long, account disabled or its password reset)
  'signedOut',
  'wrongPassword',
  'lockedOut',
  'accountDisabled',
  // the account must choose its own password before anything else
  'passwordChangeNeeded',
  // the staff member's role does not do this
  'notYourRole',
  // the thing asked for belongs to another site (answered as not found: a site's data is not confirmed to others)
  'notAtYourSite',
  // a request from a page of another origin, or without the page's CSRF token
  'crossSite',
  'csrfTokenInvalid',
  'badRequest',
  'notFound',
  'invalid',
  'conflict',
  'rateLimited',
  'payloadTooLarge',
  'internal',
] as const;
export const ConsoleErrorCode = z.enum(consoleErrorCodes);
export type ConsoleErrorCode = z.infer<typeof ConsoleErrorCode>;

export const ConsoleErrorBody = z.object({
  error: z.object({
    code: ConsoleErrorCode,
    message: z.string(),
    attemptsLeft: z.number().int().optional(),
    lockedUntil: z.number().int().optional(),
  }),
});
export type ConsoleErrorBody = z.infer<typeof ConsoleErrorBody>;

/** The header each state-changing request carries the page's CSRF token in. */
export const csrfHeader = 'x-csrf-token';

/** Where the console's JSON API lives, under the page's own origin. */
export const consoleApiPrefix = '/console/api';

export const Ok = z.object({ ok: z.literal(true) });
