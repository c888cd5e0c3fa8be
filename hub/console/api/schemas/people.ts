// The People page: residents (add, move, release with their packet), their contacts (approve, unapprove, block at
// their request) and their PIN lockout.
import { z } from 'zod';

const Id = z.string().min(1).max(100);

export const PersonSummary = z.object({
  residentId: z.string(),
  siteId: z.string(),
  name: z.string(),
  credentialId: z.string(),
  housingUnitId: z.string().nullable(),
  housingUnitName: z.string().nullable(),
  status: z.enum(['active', 'released']),
  language: z.string(),
  /** Locked out of sign-in after wrong PINs, until then (epoch ms); null when not. */
  lockedUntil: z.number().int().nullable(),
});
export type PersonSummary = z.infer<typeof PersonSummary>;

export const PeopleQuery = z.strictObject({
  search: z.string().max(100).default(''),
  status: z.enum(['active', 'released', 'all']).default('active'),
});
export const PeopleList = z.object({ people: z.array(PersonSummary), limited: z.boolean() });

export const ContactView = z.object({
  contactId: z.string(),
  name: z.string(),
  relationship: z.string(),
  approved: z.boolean(),
  blocked: z.object({ at: z.number().int(), reason: z.string() }).nullable(),
});
export type ContactView = z.infer<typeof ContactView>;

export const PersonDetail = z.object({
  person: PersonSummary,
  balanceCents: z.number().int(),
  stamps: z.number().int(),
  failedPinAttempts: z.number().int(),
  contacts: z.array(ContactView),
});
export type PersonDetail = z.infer<typeof PersonDetail>;

export const PersonParams = z.strictObject({ residentId: Id });
export const ContactParams = z.strictObject({ contactId: Id });

export const AddPersonRequest = z.strictObject({
  housingUnitId: Id,
  credentialId: z.string().min(1, 'a booking number is needed').max(64),
  name: z.string().min(1, 'a name is needed').max(200),
  pin: z.string().regex(/^[0-9]{4,8}$/, 'a PIN is 4 to 8 digits'),
  language: z.enum(['en', 'es']),
});
export const MovePersonRequest = z.strictObject({ housingUnitId: Id });
export const AddContactRequest = z.strictObject({
  name: z.string().min(1, 'a name is needed').max(120, 'a name is at most 120 characters'),
  relationship: z.string().max(60, 'a relationship is at most 60 characters'),
  approved: z.boolean(),
});
export const BlockContactRequest = z.strictObject({ reason: z.string().min(1, 'a reason is needed').max(500, 'a reason is at most 500 characters') });

export const UnitView = z.object({ housingUnitId: z.string(), siteId: z.string(), siteName: z.string(), name: z.string() });
export const UnitList = z.object({ units: z.array(UnitView) });
