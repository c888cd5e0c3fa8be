// A site's watch list: the words and phrases that flag a letter for a reviewer's closer look (matched by the one rule,
// rules/watch-list.ts). A letter is flagged when it arrives; when the list changes, every letter of the site still
// waiting for review is flagged again by the new list in the same transaction, so the queue's "flagged" filter and the
// highlighted words never disagree. Letters already reviewed keep the flag they were reviewed with.
import { randomUUID } from 'node:crypto';
import { characterCount } from '../protocol/index';
import { compileWatchList, isFlagged, maxWatchTermCharacters, watchTermKey, type CompiledWatchList } from '../../rules/watch-list';
import type { SqlExecutor } from '../db/database';
import { checkedInputText, conflict, invalid, notFound, type HubContext } from './context';

/** How many terms one site may watch for: each is matched against every letter. */
export const maxWatchTerms = 500;

export interface WatchTerm {
  readonly termId: string;
  readonly siteId: string;
  readonly term: string;
  readonly addedBy: string;
  readonly addedAt: number;
}

interface WatchTermRow {
  readonly term_id: string;
  readonly site_id: string;
  readonly term: string;
  readonly added_by: string;
  readonly added_at: number;
}

function watchTermOf(row: WatchTermRow): WatchTerm {
  return { termId: row.term_id, siteId: row.site_id, term: row.term, addedBy: row.added_by, addedAt: row.added_at };
}

/** The site's watch list, alphabetical. */
export async function listWatchTerms(db: SqlExecutor, siteId: string): Promise<WatchTerm[]> {
  const rows = await db.query<WatchTermRow>(
    'SELECT term_id, site_id, term, added_by, added_at FROM watch_terms WHERE site_id = $1 ORDER BY term_key, term_id',
    [siteId],
  );
  return rows.map(watchTermOf);
}

/** The site's watch list, compiled for matching. */
export async function siteWatchList(db: SqlExecutor, siteId: string): Promise<CompiledWatchList> {
  const rows = await db.query<{ term: string }>('SELECT term FROM watch_terms WHERE site_id = $1 ORDER BY term_key', [siteId]);
  return compileWatchList(rows.map((row) => row.term));
}

/** Flags one letter as it arrives, by its site's watch list. `tx` is the transaction that stored it. */
export async function flagArrivingLetter(tx: SqlExecutor, messageId: string): Promise<void> {
  const [letter] = await tx.query<{ site_id: string; body: string }>('SELECT site_id, body FROM messages WHERE message_id = $1', [messageId]);
  if (letter === undefined) throw new Error(`message ${messageId} vanished inside its own transaction`);
  const watchList = await siteWatchList(tx, letter.site_id);
  if (watchList.terms.length === 0) return;
  if (isFlagged(letter.body, watchList)) await tx.query('UPDATE messages SET flagged = true WHERE message_id = $1', [messageId]);
}

/** Letters read at a time when the list changes: 10,000 waiting letters of 30,000 characters must not be held at once. */
const reflagBatch = 500;

/** Flags again every letter of the site still waiting for review, by the list as it is now in `tx`. */
async function reflagWaitingLetters(tx: SqlExecutor, siteId: string): Promise<void> {
  const watchList = await siteWatchList(tx, siteId);
  // The ids travel as one JSON array: a parameter is a single value on both backends.
  const setFlag = 'UPDATE messages SET flagged = $2 WHERE message_id IN (SELECT jsonb_array_elements_text($1::jsonb))';
  let after: { receivedAt: number; messageId: string } = { receivedAt: -1, messageId: '' };
  for (;;) {
    const waiting = await tx.query<{ message_id: string; received_at: number; body: string; flagged: boolean }>(
      `SELECT message_id, received_at, body, flagged FROM messages
        WHERE site_id = $1 AND status = 'inReview' AND (received_at, message_id) > ($2, $3)
        ORDER BY received_at, message_id LIMIT $4`,
      [siteId, after.receivedAt, after.messageId, reflagBatch],
    );
    const changed = waiting.filter((letter) => isFlagged(letter.body, watchList) !== letter.flagged);
    const nowFlagged = changed.filter((letter) => !letter.flagged).map((letter) => letter.message_id);
    const nowClear = changed.filter((letter) => letter.flagged).map((letter) => letter.message_id);
    if (nowFlagged.length > 0) await tx.query(setFlag, [JSON.stringify(nowFlagged), true]);
    if (nowClear.length > 0) await tx.query(setFlag, [JSON.stringify(nowClear), false]);
    const last = waiting[waiting.length - 1];
    if (last === undefined || waiting.length < reflagBatch) return;
    after = { receivedAt: last.received_at, messageId: last.message_id };
  }
}

async function lockSite(tx: SqlExecutor, siteId: string): Promise<void> {
  // The site row is the lock that makes two changes to one site's list take turns (each re-flags the waiting letters).
  const [site] = await tx.query('SELECT site_id FROM sites WHERE site_id = $1 FOR UPDATE', [siteId]);
  if (site === undefined) throw notFound(`There is no site ${siteId}.`);
}

/** Adds a word or phrase to the site's watch list. The same term in another form ("DRUGS", "ｄｒｕｇｓ") is refused. */
export async function addWatchTerm(hub: HubContext, input: { siteId: string; term: string; addedBy: string }): Promise<WatchTerm> {
  // Spacing does not matter to the rule, so the list keeps one space between words.
  const term = checkedInputText(input.term, 'name', 'The watch-list term').trim().replace(/\s+/gu, ' ');
  const key = watchTermKey(term);
  if (key === '') throw invalid('A watch-list term needs at least one word.');
  if (characterCount(term) > maxWatchTermCharacters)
    throw invalid(`A watch-list term is at most ${maxWatchTermCharacters} characters; this one has ${characterCount(term)}.`);
  return hub.database.transaction(async (tx) => {
    await lockSite(tx, input.siteId);
    const [same] = await tx.query<{ term: string }>('SELECT term FROM watch_terms WHERE site_id = $1 AND term_key = $2', [input.siteId, key]);
    if (same !== undefined) throw conflict(`"${same.term}" is already on the watch list.`);
    const [count] = await tx.query<{ terms: number }>('SELECT count(*)::integer AS terms FROM watch_terms WHERE site_id = $1', [input.siteId]);
    if ((count?.terms ?? 0) >= maxWatchTerms) throw conflict(`The watch list already has ${maxWatchTerms} terms, the most a site may have.`);
    const [row] = await tx.query<WatchTermRow>(
      `INSERT INTO watch_terms (term_id, site_id, term, term_key, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING term_id, site_id, term, added_by, added_at`,
      [randomUUID(), input.siteId, term, key, input.addedBy, hub.now()],
    );
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    await reflagWaitingLetters(tx, input.siteId);
    return watchTermOf(row);
  });
}

/** Takes a term off the site's watch list; waiting letters it alone flagged are no longer flagged. */
export async function removeWatchTerm(hub: HubContext, input: { siteId: string; termId: string }): Promise<WatchTerm> {
  return hub.database.transaction(async (tx) => {
    await lockSite(tx, input.siteId);
    const [row] = await tx.query<WatchTermRow>(
      'DELETE FROM watch_terms WHERE site_id = $1 AND term_id = $2 RETURNING term_id, site_id, term, added_by, added_at',
      [input.siteId, input.termId],
    );
    if (row === undefined) throw notFound('That term is not on this site’s watch list.');
    await reflagWaitingLetters(tx, input.siteId);
    return watchTermOf(row);
  });
}
