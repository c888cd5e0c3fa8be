// People: residents (add, move between units, release with a packet of their letters and statement), their contacts
// (approve, unapprove, block at their request) and their PIN lockout. Everyone at the console looks people up; the
// supervisor changes them; the mailroom also approves and blocks contacts, whose letters it reads.
import { addContact, blockContact, contactBlocks, getContact, listContacts, setContactApproval, unblockContact } from '../../../services/contacts';
import { notFound } from '../../../services/context';
import { clearLockout } from '../../../services/lockouts';
import { releasePacket } from '../../../services/release-packet';
import { addResident, moveResident, releaseResident, residentById, searchResidents } from '../../../services/residents';
import { findHousingUnitById, listHousingUnits, listSites } from '../../../services/sites';
import type { ResidentRow } from '../../../services/records';
import { defineConsoleFileRoute, defineConsoleRoute, type ConsoleRequestContext, type ConsoleRoute } from '../route';
import {
  AddContactRequest,
  AddPersonRequest,
  BlockContactRequest,
  ContactParams,
  MovePersonRequest,
  PeopleList,
  PeopleQuery,
  PersonDetail,
  PersonParams,
  UnitList,
  type PersonSummary,
} from '../schemas/people';

const everyone = ['mailroom', 'money', 'visits', 'devices', 'supervisor'] as const;
const pageSize = 200;

function summary(row: ResidentRow & { housing_unit_name: string | null }, now: number): PersonSummary {
  return {
    residentId: row.resident_id,
    siteId: row.site_id,
    name: row.display_name,
    credentialId: row.credential_id,
    housingUnitId: row.housing_unit_id,
    housingUnitName: row.housing_unit_name,
    status: row.status,
    language: row.language,
    lockedUntil: row.pin_locked_until !== null && row.pin_locked_until > now ? row.pin_locked_until : null,
  };
}

/** The resident a request names, at the staff member's site (another site's: not found, audited). */
async function personInScope(context: ConsoleRequestContext, residentId: string) {
  const row = await residentById(context.hub.database, residentId);
  if (row === null) throw notFound('There is no such person.');
  context.requireSite(row.site_id);
  context.audit(row.resident_id);
  return row;
}

async function contactInScope(context: ConsoleRequestContext, contactId: string) {
  const contact = await getContact(context.hub.database, contactId);
  const owner = await residentById(context.hub.database, contact.resident_id);
  if (owner === null) throw notFound('There is no such contact.');
  context.requireSite(owner.site_id);
  context.audit(contact.contact_id);
  return contact;
}

async function detail(context: ConsoleRequestContext, residentId: string) {
  const row = await residentById(context.hub.database, residentId);
  if (row === null) throw notFound('There is no such person.');
  const contacts = await listContacts(context.hub.database, residentId);
  const blocks = await contactBlocks(context.hub.database, residentId);
  return {
    person: summary(row, context.hub.now()),
    balanceCents: row.debit_balance_cents,
    stamps: row.stamp_balance,
    failedPinAttempts: row.pin_failed_attempts,
    contacts: contacts.map((contact) => {
      const block = blocks.get(contact.contact_id);
      return {
        contactId: contact.contact_id,
        name: contact.display_name,
        relationship: contact.relationship,
        approved: contact.approved,
        blocked: block === undefined ? null : { at: block.blockedAt, reason: block.reason },
      };
    }),
  };
}

export const peopleRoutes: readonly ConsoleRoute[] = [
  defineConsoleRoute({
    name: 'people.list',
    method: 'GET',
    path: '/people',
    roles: everyone,
    query: PeopleQuery,
    response: PeopleList,
    handler: async ({ query }, context) => {
      const rows = await searchResidents(context.hub.database, {
        siteId: context.siteFilter(),
        search: query.search,
        status: query.status,
        limit: pageSize + 1,
      });
      const now = context.hub.now();
      return { people: rows.slice(0, pageSize).map((row) => summary(row, now)), limited: rows.length > pageSize };
    },
  }),
  defineConsoleRoute({
    name: 'people.units',
    method: 'GET',
    path: '/units',
    roles: everyone,
    response: UnitList,
    handler: async (_input, context) => {
      const filter = context.siteFilter();
      const sites = (await listSites(context.hub.database)).filter((site) => filter === null || site.siteId === filter);
      const units = await Promise.all(
        sites.map(async (site) => (await listHousingUnits(context.hub.database, site.siteId)).map((unit) => ({ ...unit, siteName: site.name }))),
      );
      return { units: units.flat() };
    },
  }),
  defineConsoleRoute({
    name: 'people.read',
    method: 'GET',
    path: '/people/:residentId',
    roles: everyone,
    params: PersonParams,
    response: PersonDetail,
    handler: async ({ params }, context) => {
      await personInScope(context, params.residentId);
      return detail(context, params.residentId);
    },
  }),
  defineConsoleRoute({
    name: 'people.add',
    method: 'POST',
    path: '/people',
    roles: ['supervisor'],
    body: AddPersonRequest,
    response: PersonDetail,
    handler: async ({ body }, context) => {
      const unit = await findHousingUnitById(context.hub.database, body.housingUnitId);
      if (unit === null) throw notFound('There is no such housing unit.');
      context.requireSite(unit.siteId);
      const row = await addResident(context.hub, {
        housingUnitId: unit.housingUnitId,
        credentialId: body.credentialId,
        displayName: body.name,
        pin: body.pin,
        language: body.language,
      });
      context.audit(row.resident_id);
      return detail(context, row.resident_id);
    },
  }),
  defineConsoleRoute({
    name: 'people.move',
    method: 'POST',
    path: '/people/:residentId/move',
    roles: ['supervisor'],
    params: PersonParams,
    body: MovePersonRequest,
    response: PersonDetail,
    handler: async ({ params, body }, context) => {
      await personInScope(context, params.residentId);
      // The unit must be one the staff member may place people in: a move to another site is an all-sites admin's.
      const unit = await findHousingUnitById(context.hub.database, body.housingUnitId);
      if (unit === null) throw notFound('There is no such housing unit.');
      context.requireSite(unit.siteId);
      await moveResident(context.hub, { residentId: params.residentId, housingUnitId: unit.housingUnitId });
      return detail(context, params.residentId);
    },
  }),
  defineConsoleRoute({
    name: 'people.release',
    method: 'POST',
    path: '/people/:residentId/release',
    roles: ['supervisor'],
    params: PersonParams,
    response: PersonDetail,
    handler: async ({ params }, context) => {
      await personInScope(context, params.residentId);
      await releaseResident(context.hub, { residentId: params.residentId });
      return detail(context, params.residentId);
    },
  }),
  defineConsoleFileRoute({
    name: 'people.releasePacket',
    method: 'GET',
    path: '/people/:residentId/release-packet.pdf',
    roles: ['supervisor'],
    params: PersonParams,
    handler: async ({ params }, context) => {
      const row = await personInScope(context, params.residentId);
      const bytes = await releasePacket(context.hub.database, { siteId: row.site_id, residentId: row.resident_id, now: context.hub.now() });
      return { contentType: 'application/pdf', body: bytes, downloadName: `release-${row.credential_id}.pdf` };
    },
  }),
  defineConsoleRoute({
    name: 'people.clearLockout',
    method: 'POST',
    path: '/people/:residentId/clear-lockout',
    roles: ['supervisor'],
    params: PersonParams,
    response: PersonDetail,
    handler: async ({ params }, context) => {
      await personInScope(context, params.residentId);
      await clearLockout(context.hub, { residentId: params.residentId, operator: context.staff.displayName });
      return detail(context, params.residentId);
    },
  }),
  defineConsoleRoute({
    name: 'contacts.add',
    method: 'POST',
    path: '/people/:residentId/contacts',
    roles: ['supervisor', 'mailroom'],
    params: PersonParams,
    body: AddContactRequest,
    response: PersonDetail,
    handler: async ({ params, body }, context) => {
      await personInScope(context, params.residentId);
      const contact = await addContact(context.hub, {
        residentId: params.residentId,
        displayName: body.name,
        relationship: body.relationship,
        approved: body.approved,
      });
      context.audit(contact.contact_id);
      return detail(context, params.residentId);
    },
  }),
  ...(['approve', 'unapprove'] as const).map((verb) =>
    defineConsoleRoute({
      name: `contacts.${verb}`,
      method: 'POST',
      path: `/contacts/:contactId/${verb}`,
      roles: ['supervisor', 'mailroom'],
      params: ContactParams,
      response: PersonDetail,
      handler: async ({ params }, context) => {
        const contact = await contactInScope(context, params.contactId);
        await setContactApproval(context.hub, { contactId: contact.contact_id, approved: verb === 'approve' });
        return detail(context, contact.resident_id);
      },
    }),
  ),
  defineConsoleRoute({
    name: 'contacts.block',
    method: 'POST',
    path: '/contacts/:contactId/block',
    roles: ['supervisor', 'mailroom'],
    params: ContactParams,
    body: BlockContactRequest,
    response: PersonDetail,
    handler: async ({ params, body }, context) => {
      const contact = await contactInScope(context, params.contactId);
      await blockContact(context.hub, { contactId: contact.contact_id, reason: body.reason });
      return detail(context, contact.resident_id);
    },
  }),
  defineConsoleRoute({
    name: 'contacts.unblock',
    method: 'POST',
    path: '/contacts/:contactId/unblock',
    roles: ['supervisor'],
    params: ContactParams,
    response: PersonDetail,
    handler: async ({ params }, context) => {
      const contact = await contactInScope(context, params.contactId);
      await unblockContact(context.hub, { contactId: contact.contact_id });
      return detail(context, contact.resident_id);
    },
  }),
];
