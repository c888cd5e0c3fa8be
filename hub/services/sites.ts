// A site (one facility), its money and stamp rules, and its housing units.
import { randomUUID } from 'node:crypto';
import { SiteLanguages } from '../../rules/language';
import { SiteRulesRecord } from '../protocol/index';
import type { HubTransaction, SqlExecutor } from '../db/database';
import { appendChanges } from './change-log';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { appendStampPriceBook, sameBooks } from './price-books';
import { loadSiteRules } from './records';

export type SiteRules = Omit<SiteRulesRecord, 'siteId' | 'siteName'>;

/**
 * Realistic defaults (docs/sync.md §10 "Money and stamps"): 2,000 characters per stamp (sites range from 500 to 30,000), one more stamp per
 * attachment, up to 5 photos of about 3 MB, stamps back when review rejects a message (the commercial systems' top
 * complaint is that they do not), and books of 5/10/20 stamps at 50¢/45¢/40¢ a stamp (small books cost more per stamp).
 */
export const defaultSiteRules: SiteRules = {
  charactersPerStamp: 2000,
  stampsPerAttachment: 1,
  maxAttachments: 5,
  maxAttachmentBytes: 3 * 1024 * 1024,
  refundStampsOnRejection: true,
  stampBooks: [
    { stamps: 5, priceCents: 250 },
    { stamps: 10, priceCents: 450 },
    { stamps: 20, priceCents: 800 },
  ],
};

function checkedRules(siteId: string, siteName: string, rules: SiteRules): SiteRulesRecord {
  const parsed = SiteRulesRecord.safeParse({ siteId, siteName, ...rules });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`site rules: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const sizes = parsed.data.stampBooks.map((book) => book.stamps);
  if (new Set(sizes).size !== sizes.length) throw invalid('site rules: each book of stamps needs a different size');
  return parsed.data;
}

/** The hub's own time zone (the TZ it runs under): a site without one of its own keeps the hub's. */
export function hubTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An IANA time zone name the platform knows ("America/Chicago"), or a refusal in words. */
export function checkedTimeZone(timeZone: string): string {
  const name = checkedInputText(timeZone, 'line', 'The time zone').trim();
  if (name === '' || name.length > 64) throw invalid('A time zone is a name such as America/Chicago.');
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw invalid(`"${name}" is not a time zone this hub knows; give one such as America/Chicago.`);
  }
}

/** The site's time zone: the one set for it, else the hub's. Visiting hours and statements' dates are read in it. */
export async function siteTimeZone(db: SqlExecutor, siteId: string): Promise<string> {
  const [site] = await db.query<{ time_zone: string | null }>('SELECT time_zone FROM sites WHERE site_id = $1', [siteId]);
  if (site === undefined) throw notFound(`There is no site ${siteId}.`);
  return site.time_zone ?? hubTimeZone();
}

export async function setSiteTimeZone(hub: HubContext, input: { siteId: string; timeZone: string }): Promise<string> {
  const timeZone = checkedTimeZone(input.timeZone);
  const [site] = await hub.database.query('UPDATE sites SET time_zone = $2 WHERE site_id = $1 RETURNING site_id', [input.siteId, timeZone]);
  if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
  return timeZone;
}

async function publishSiteRules(tx: HubTransaction, siteId: string, now: number): Promise<SiteRulesRecord> {
  const rules = await loadSiteRules(tx, siteId);
  if (rules === null) throw notFound(`no site ${siteId}`);
  await appendChanges(tx, { kind: 'site', siteId }, [{ entity: 'siteRules', id: siteId, version: rules.version, op: 'upsert', data: rules.record }], now);
  return rules.record;
}

export async function createSite(hub: HubContext, input: { name: string; rules?: Partial<SiteRules>; timeZone?: string }): Promise<SiteRulesRecord> {
  const siteId = randomUUID();
  const rules = checkedRules(siteId, checkedInputText(input.name, 'line', "The site's name").trim(), { ...defaultSiteRules, ...input.rules });
  const timeZone = checkedTimeZone(input.timeZone ?? hubTimeZone());
  return hub.database.transaction(async (tx) => {
    const now = hub.now();
    await tx.query(
      `INSERT INTO sites (site_id, name, characters_per_stamp, stamps_per_attachment, max_attachments, max_attachment_bytes,
                          refund_stamps_on_rejection, created_at, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        siteId,
        rules.siteName,
        rules.charactersPerStamp,
        rules.stampsPerAttachment,
        rules.maxAttachments,
        rules.maxAttachmentBytes,
        rules.refundStampsOnRejection,
        now,
        timeZone,
      ],
    );
    await appendStampPriceBook(tx, { siteId, books: rules.stampBooks, createdBy: 'hub', note: 'the books the site opened with', now });
    return publishSiteRules(tx, siteId, now);
  });
}

export async function updateSiteRules(hub: HubContext, input: { siteId: string; rules: Partial<SiteRules> }): Promise<SiteRulesRecord> {
  return hub.database.transaction(async (tx) => {
    // The row lock first: a price book version number is drawn under it.
    await tx.query('SELECT 1 FROM sites WHERE site_id = $1 FOR UPDATE', [input.siteId]);
    const current = await loadSiteRules(tx, input.siteId);
    if (current === null) throw notFound(`There is no site ${input.siteId}.`);
    const { siteId, siteName, ...currentRules } = current.record;
    const rules = checkedRules(siteId, siteName, { ...currentRules, ...input.rules });
    await tx.query(
      `UPDATE sites SET characters_per_stamp = $2, stamps_per_attachment = $3, max_attachments = $4, max_attachment_bytes = $5,
                        refund_stamps_on_rejection = $6, version = version + 1
        WHERE site_id = $1`,
      [siteId, rules.charactersPerStamp, rules.stampsPerAttachment, rules.maxAttachments, rules.maxAttachmentBytes, rules.refundStampsOnRejection],
    );
    // Prices change only by a new version of the price book; the old one stays for the purchases that paid it.
    if (!sameBooks(currentRules.stampBooks, rules.stampBooks))
      await appendStampPriceBook(tx, { siteId, books: rules.stampBooks, createdBy: 'hub', note: 'site rules updated', now: hub.now() });
    return publishSiteRules(tx, siteId, hub.now());
  });
}

/**
 * Sets the languages the site offers residents and the one its devices start in; they reach every device of the site
 * with its rules at the next pull (docs/languages.md). A tag is checked by its shape only: the hub cannot know which
 * languages a device has words for, and a device offers only those it has (saying which it lacks in service mode).
 */
export async function setSiteLanguages(hub: HubContext, input: { siteId: string; offered: readonly string[]; default: string }): Promise<SiteLanguages> {
  const parsed = SiteLanguages.safeParse({ offered: input.offered, default: input.default });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw invalid(`The site's languages: ${where === '' ? '' : `${where}: `}${issue?.message ?? 'not valid'}.`);
  }
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('UPDATE sites SET languages = $2, version = version + 1 WHERE site_id = $1 RETURNING site_id', [
      input.siteId,
      JSON.stringify(parsed.data),
    ]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    await publishSiteRules(tx, input.siteId, hub.now());
    return parsed.data;
  });
}

/** The languages the site offers, or null while it has not set them (each device then keeps its site file's). */
export async function getSiteLanguages(db: SqlExecutor, siteId: string): Promise<SiteLanguages | null> {
  return (await getSiteRules(db, siteId)).languages ?? null;
}

export async function getSiteRules(db: SqlExecutor, siteId: string): Promise<SiteRulesRecord> {
  const rules = await loadSiteRules(db, siteId);
  if (rules === null) throw notFound(`There is no site ${siteId}.`);
  return rules.record;
}

export interface SiteSummary {
  readonly siteId: string;
  readonly name: string;
}

export async function listSites(db: SqlExecutor): Promise<SiteSummary[]> {
  const rows = await db.query<{ site_id: string; name: string }>('SELECT site_id, name FROM sites ORDER BY created_at, site_id');
  return rows.map((row) => ({ siteId: row.site_id, name: row.name }));
}

export interface HousingUnit {
  readonly housingUnitId: string;
  readonly siteId: string;
  readonly name: string;
}

export async function addHousingUnit(hub: HubContext, input: { siteId: string; name: string }): Promise<HousingUnit> {
  const name = checkedInputText(input.name, 'line', "The housing unit's name").trim();
  if (name === '') throw invalid('A housing unit needs a name.');
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const [existing] = await tx.query('SELECT 1 FROM housing_units WHERE site_id = $1 AND name = $2', [input.siteId, name]);
    if (existing !== undefined) throw conflict(`The site already has a housing unit named ${name}.`);
    const housingUnitId = randomUUID();
    await tx.query('INSERT INTO housing_units (housing_unit_id, site_id, name, created_at) VALUES ($1, $2, $3, $4)', [
      housingUnitId,
      input.siteId,
      name,
      hub.now(),
    ]);
    return { housingUnitId, siteId: input.siteId, name };
  });
}

export async function listHousingUnits(db: SqlExecutor, siteId: string): Promise<HousingUnit[]> {
  const rows = await db.query<{ housing_unit_id: string; site_id: string; name: string }>(
    'SELECT housing_unit_id, site_id, name FROM housing_units WHERE site_id = $1 ORDER BY name',
    [siteId],
  );
  return rows.map((row) => ({ housingUnitId: row.housing_unit_id, siteId: row.site_id, name: row.name }));
}

/** A housing unit by its id or its name within the site. */
export async function findHousingUnit(db: SqlExecutor, siteId: string, reference: string): Promise<HousingUnit> {
  const [row] = await db.query<{ housing_unit_id: string; site_id: string; name: string }>(
    'SELECT housing_unit_id, site_id, name FROM housing_units WHERE site_id = $1 AND (housing_unit_id = $2 OR name = $2)',
    [siteId, reference],
  );
  if (row === undefined) throw notFound(`There is no housing unit "${reference}" at this site.`);
  return { housingUnitId: row.housing_unit_id, siteId: row.site_id, name: row.name };
}

/** A housing unit by id at any site (the console checks the site itself); null when none. */
export async function findHousingUnitById(db: SqlExecutor, housingUnitId: string): Promise<HousingUnit | null> {
  const [row] = await db.query<{ housing_unit_id: string; site_id: string; name: string }>(
    'SELECT housing_unit_id, site_id, name FROM housing_units WHERE housing_unit_id = $1',
    [housingUnitId],
  );
  return row === undefined ? null : { housingUnitId: row.housing_unit_id, siteId: row.site_id, name: row.name };
}
