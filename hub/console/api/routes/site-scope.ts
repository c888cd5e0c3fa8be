// Which site a money or visits request works on, and who a request names: shared by the money and visits routes.
// A staff member works on their own site; an admin of every site names one. Another site's data is answered as not
// found (requireSite), never as forbidden.
import { findResident, listResidents, listSites } from '../../../services/index';
import { notFound } from '../../../services/context';
import type { ResidentRow } from '../../../services/records';
import { ConsoleRefusal, type ConsoleRequestContext } from '../route';
import type { PersonSummary } from '../schemas/money';

/** The site a request works on: the staff member's own, or for an admin of every site the one named. */
export async function workingSite(context: ConsoleRequestContext, named: string | undefined): Promise<{ siteId: string; siteName: string }> {
  const own = context.siteFilter();
  const siteId = named ?? own;
  if (siteId === null) throw new ConsoleRefusal(400, 'badRequest', 'Choose a site: you work on every site, so the request names one (siteId).');
  context.requireSite(siteId);
  const site = (await listSites(context.hub.database)).find((candidate) => candidate.siteId === siteId);
  if (site === undefined) throw notFound(`There is no site ${siteId}.`);
  return { siteId: site.siteId, siteName: site.name };
}

/** The resident a request names by id, refused as not found when they are of another site. */
export async function residentInReach(context: ConsoleRequestContext, residentId: string): Promise<ResidentRow> {
  const [row] = await context.hub.database.query<{ site_id: string }>('SELECT site_id FROM residents WHERE resident_id = $1', [residentId]);
  if (row === undefined) throw notFound('There is no such person.');
  context.requireSite(row.site_id);
  context.audit(residentId);
  return findResident(context.hub.database, row.site_id, residentId);
}

/** People whose name or booking number contains the words typed, at the staff member's site (every site for an admin). */
export async function searchPeople(context: ConsoleRequestContext, typed: string): Promise<PersonSummary[]> {
  const own = context.siteFilter();
  const sites = (await listSites(context.hub.database)).filter((site) => own === null || site.siteId === own);
  const needle = typed.trim().toLocaleLowerCase('en');
  const found: PersonSummary[] = [];
  for (const site of sites) {
    for (const resident of await listResidents(context.hub.database, site.siteId)) {
      if (!resident.display_name.toLocaleLowerCase('en').includes(needle) && !resident.credential_id.toLocaleLowerCase('en').includes(needle)) continue;
      found.push(personSummary(resident, site.name, resident.housing_unit_name));
      if (found.length >= 50) return found;
    }
  }
  return found;
}

export function personSummary(resident: ResidentRow, siteName: string, unitName: string | null): PersonSummary {
  return {
    residentId: resident.resident_id,
    name: resident.display_name,
    credentialId: resident.credential_id,
    siteId: resident.site_id,
    siteName,
    unitName,
    released: resident.status !== 'active',
    balanceCents: resident.debit_balance_cents,
    stamps: resident.stamp_balance,
  };
}

/** The site's name and the resident's unit, for a summary of one person. */
export async function personOf(context: ConsoleRequestContext, resident: ResidentRow): Promise<PersonSummary> {
  const [row] = await context.hub.database.query<{ site_name: string; unit_name: string | null }>(
    `SELECT s.name AS site_name, u.name AS unit_name FROM sites s LEFT JOIN housing_units u ON u.housing_unit_id = $2 WHERE s.site_id = $1`,
    [resident.site_id, resident.housing_unit_id],
  );
  return personSummary(resident, row?.site_name ?? '', row?.unit_name ?? null);
}
