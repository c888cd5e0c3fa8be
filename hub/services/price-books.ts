// The stamp price books: which books of stamps a site sells and at what price, kept as versions. A change is a new
// version appended whole — the old one stays, and each purchase names the version whose price it paid — so the money
// office's rule "every change a ledger entry, never an edit" holds for prices too (append-only triggers, 0011).
import type { SqlExecutor } from '../db/database';
import { SiteRulesRecord } from '../protocol/index';
import { appendChanges } from './change-log';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';
import { loadSiteRules } from './records';

export type StampBook = SiteRulesRecord['stampBooks'][number];

export interface StampPriceBookVersion {
  readonly version: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly note: string;
  readonly books: readonly StampBook[];
  /** Whether devices sell from this version now (the newest). */
  readonly current: boolean;
  /** How many purchases paid this version's prices. */
  readonly purchases: number;
}

/** The most books one price book may list: a screen of choices, not a catalogue. */
export const maxBooksPerPriceBook = 12;
/** The longest note a price change may carry. */
export const maxPriceNoteLength = 500;

/** Books checked as the synced record checks them, plus: different sizes, and not more than a screen holds. */
export function checkedStampBooks(books: readonly StampBook[]): StampBook[] {
  const parsed = SiteRulesRecord.shape.stampBooks.safeParse(books);
  if (!parsed.success) throw invalid('A price book lists one or more books, each a whole number of stamps (1 or more) at a whole number of cents (1 or more).');
  if (parsed.data.length > maxBooksPerPriceBook) throw invalid(`A price book lists at most ${maxBooksPerPriceBook} books.`);
  const sizes = parsed.data.map((book) => book.stamps);
  if (new Set(sizes).size !== sizes.length) throw invalid('Each book of stamps in a price book needs a different size.');
  return [...parsed.data].sort((a, b) => a.stamps - b.stamps);
}

/**
 * Appends a price book version for a site whose row the caller has locked or created in this transaction (the row
 * lock makes two changes at once take turns for the next version number). Returns the version written.
 */
export async function appendStampPriceBook(
  tx: SqlExecutor,
  input: { siteId: string; books: readonly StampBook[]; createdBy: string; note: string; now: number },
): Promise<number> {
  const [latest] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM stamp_price_books WHERE site_id = $1', [input.siteId]);
  const version = (latest?.version ?? 0) + 1;
  await tx.query('INSERT INTO stamp_price_books (site_id, version, created_at, created_by, note) VALUES ($1, $2, $3, $4, $5)', [
    input.siteId,
    version,
    input.now,
    input.createdBy,
    input.note,
  ]);
  for (const book of input.books) {
    await tx.query('INSERT INTO stamp_price_book_books (site_id, version, stamps, price_cents) VALUES ($1, $2, $3, $4)', [
      input.siteId,
      version,
      book.stamps,
      book.priceCents,
    ]);
  }
  return version;
}

export function sameBooks(a: readonly StampBook[], b: readonly StampBook[]): boolean {
  const key = (books: readonly StampBook[]) =>
    [...books]
      .sort((x, y) => x.stamps - y.stamps)
      .map((book) => `${book.stamps}:${book.priceCents}`)
      .join(',');
  return key(a) === key(b);
}

/** Every version of a site's price book, newest first. */
export async function listStampPriceBooks(db: SqlExecutor, siteId: string): Promise<StampPriceBookVersion[]> {
  const versions = await db.query<{ version: number; created_at: number; created_by: string; note: string; purchases: number }>(
    `SELECT p.version, p.created_at, p.created_by, p.note,
            (SELECT count(*)::integer FROM stamp_purchases s JOIN residents r ON r.resident_id = s.resident_id
              WHERE r.site_id = p.site_id AND s.price_book_version = p.version) AS purchases
       FROM stamp_price_books p WHERE p.site_id = $1 ORDER BY p.version DESC`,
    [siteId],
  );
  if (versions.length === 0) {
    const [site] = await db.query('SELECT 1 FROM sites WHERE site_id = $1', [siteId]);
    if (site === undefined) throw notFound(`There is no site ${siteId}.`);
  }
  const books = await db.query<{ version: number; stamps: number; price_cents: number }>(
    'SELECT version, stamps, price_cents FROM stamp_price_book_books WHERE site_id = $1 ORDER BY version, stamps',
    [siteId],
  );
  const newest = versions[0]?.version ?? null;
  return versions.map((row) => ({
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    note: row.note,
    books: books.filter((book) => book.version === row.version).map((book) => ({ stamps: book.stamps, priceCents: book.price_cents })),
    current: row.version === newest,
    purchases: row.purchases,
  }));
}

/**
 * Changes a site's prices by appending a new version of its price book; devices receive the new books with the
 * site's rules. The same books as now are refused (nothing would change), in words.
 */
export async function addStampPriceBookVersion(
  hub: HubContext,
  input: { siteId: string; books: readonly StampBook[]; createdBy: string; note?: string },
): Promise<StampPriceBookVersion> {
  const books = checkedStampBooks(input.books);
  const createdBy = checkedInputText(input.createdBy, 'name', 'Who changed the prices').trim();
  if (createdBy === '') throw invalid('A price change names the staff member who made it.');
  const note = checkedInputText(input.note ?? '', 'line', 'The note').trim();
  if (note.length > maxPriceNoteLength) throw invalid(`A note on a price change is at most ${maxPriceNoteLength} characters.`);
  return hub.database.transaction(async (tx) => {
    const [site] = await tx.query('SELECT 1 FROM sites WHERE site_id = $1 FOR UPDATE', [input.siteId]);
    if (site === undefined) throw notFound(`There is no site ${input.siteId}.`);
    const current = await loadSiteRules(tx, input.siteId);
    if (current !== null && sameBooks(current.record.stampBooks, books)) throw conflict('These are the books and prices already in force: nothing to change.');
    const now = hub.now();
    await appendStampPriceBook(tx, { siteId: input.siteId, books, createdBy, note, now });
    // The site's rules record carries the books to devices: its version moves so every device takes the new prices.
    await tx.query('UPDATE sites SET version = version + 1 WHERE site_id = $1', [input.siteId]);
    const rules = await loadSiteRules(tx, input.siteId);
    if (rules === null) throw notFound(`There is no site ${input.siteId}.`);
    await appendChanges(
      tx,
      { kind: 'site', siteId: input.siteId },
      [{ entity: 'siteRules', id: input.siteId, version: rules.version, op: 'upsert', data: rules.record }],
      now,
    );
    const [newest] = await listStampPriceBooks(tx, input.siteId);
    if (newest === undefined) throw new Error('a price book version vanished inside its own transaction');
    return newest;
  });
}
