// Signing in and out, who is signed in, and changing one's own password.
import { z } from 'zod';
import { StaffRole } from './common';

export const SignInRequest = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(500),
});

/**
 * A language tag's shape (`es`, `zh-Hans`, `en-US`), as migration 0014 checks it. Which languages exist is the console
 * app's business (its locale files): the hub keeps whatever well-formed tag the staff member chose.
 */
export const ConsoleLanguageTag = z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/, 'a language tag such as es or zh-Hans');

export const ConsoleStaffView = z.object({
  staffId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRole,
  /** Null for an admin (every site). */
  siteId: z.string().nullable(),
  siteName: z.string().nullable(),
  mustChangePassword: z.boolean(),
  /** The language they chose to read the console in, or null before they choose (the console's default). */
  language: ConsoleLanguageTag.nullable(),
  /** The zone the console shows dates and times in: their site's; null for an all-sites admin (the browser's own). */
  timeZone: z.string().nullable(),
});
export type ConsoleStaffView = z.infer<typeof ConsoleStaffView>;

/** Who is signed in, and the token their page sends with every change. */
export const SessionView = z.object({
  staff: ConsoleStaffView,
  csrfToken: z.string(),
  /** How long the session lasts without use, so the page can warn before it ends. */
  idleMinutes: z.number().int(),
});
export type SessionView = z.infer<typeof SessionView>;

export const ChangePasswordRequest = z.strictObject({
  current: z.string().min(1).max(500),
  next: z.string().min(1).max(500),
});

/** Choosing the language one reads the console in; kept with the account for every later sign-in. */
export const SetLanguageRequest = z.strictObject({
  language: ConsoleLanguageTag,
});
