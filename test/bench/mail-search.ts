// mail-search: how long a person waits for search results on a kiosk whose store holds a whole housing unit's mail
// (mailbox-seed.ts: by default 200 residents × 1,000 letters, the search index caught up). The real mail service's
// `search(residentId, query)` — FTS5 with its ranking and snippets, then each hit's message — for the words people type:
// whole words, the start of a word, Spanish words typed without their accents, and two words. The baseline, measured in
// the same run on the same store, is a plain indexed lookup of as many of the person's letters as a search shows
// (their newest 50, through messages_by_resident).
import { performance } from 'node:perf_hooks';
import { createMailService, searchExpression } from '../../main/mail/mail-service';
import { openDeviceDatabase } from '../../main/store/database';
import { benchCount, machineLoad } from './bench-env';
import { preparedMailbox, sizeNote } from './mailbox-seed';
import { percentile, printResult } from './stats';
import { seededRandom } from '../support/seeded-random';

const name = 'mail-search';
/** What mail-service shows at most (its searchLimit), and so what the baseline reads. */
const resultsShown = 50;

/** Words from sync-data.ts's letters, as someone at a kiosk would type them. */
const queries = {
  word: ['lawyer', 'birthday', 'grandma', 'abuela', 'dinero'],
  prefix: ['law', 'bir', 'pho', 'abog', 'cumple'],
  // extrañamos, próximo, días, cumpleaños, calefacción: the index folds accents (remove_diacritics 2), so these match.
  unaccented: ['extranamos', 'proximo', 'dias', 'cumpleanos', 'calefaccion'],
  twoWords: ['miss you', 'hearing moved', 'abuela mejor', 'put money', 'te queremos'],
} as const;

type Kind = keyof typeof queries;

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

export async function mailSearch(): Promise<void> {
  const mailbox = await preparedMailbox();
  const searchers = benchCount('BENCH_MAIL_SEARCH_RESIDENTS', 20);
  // Searches only read the store (the person's index queue is already empty), so they run on the shared one.
  const db = openDeviceDatabase(mailbox.storeFile);
  const load = machineLoad();
  try {
    const mail = createMailService({ db, now: () => Date.UTC(2026, 0, 2) });
    const newest = db.prepare<[string, number], unknown>(
      'SELECT message_id, contact_id, body, received_at FROM messages WHERE resident_id = ? ORDER BY received_at DESC LIMIT ?',
    );
    // A spread of people, in the same order every run.
    const random = seededRandom(7_007);
    const people = [...mailbox.residents]
      .map((resident) => ({ resident, order: random() }))
      .sort((left, right) => left.order - right.order)
      .slice(0, Math.min(searchers.value, mailbox.residents.length))
      .map(({ resident }) => resident.residentId);

    // One unmeasured search first: the first use of FTS5's statements and of the index's root pages.
    mail.search(people[0]!, 'warm');

    // For the diagnosis, not the figure: the same FTS5 match and resident filter without ranking or snippets, and how
    // many letters of everyone's match (FTS5 ranks all of them before the resident filter leaves the person's).
    const unrankedMatch = db.prepare<[string, string, number], unknown>(
      'SELECT message_id FROM mail_search WHERE mail_search MATCH ? AND resident_id = ? LIMIT ?',
    );
    const matchesInStore = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM mail_search WHERE mail_search MATCH ?');
    const unrankedMs: number[] = [];
    const storeMatches: number[] = [];

    const byKind = new Map<Kind, { ms: number[]; hits: number[] }>();
    const baselineMs: number[] = [];
    for (const residentId of people) {
      for (const [kind, words] of Object.entries(queries) as Array<[Kind, readonly string[]]>) {
        const series = byKind.get(kind) ?? { ms: [], hits: [] };
        byKind.set(kind, series);
        for (const query of words) {
          // The baseline between searches, one for one, so both see the machine in the same state.
          const baselineStart = performance.now();
          newest.all(residentId, resultsShown);
          baselineMs.push(performance.now() - baselineStart);
          const started = performance.now();
          const hits = mail.search(residentId, query);
          series.ms.push(performance.now() - started);
          series.hits.push(hits.length);
          const expression = searchExpression(query) ?? '';
          const unrankedStart = performance.now();
          unrankedMatch.all(expression, residentId, resultsShown);
          unrankedMs.push(performance.now() - unrankedStart);
          if (residentId === people[0]) storeMatches.push(matchesInStore.get(expression)?.n ?? 0);
        }
      }
    }

    const baseline = percentile(baselineMs, 50);
    const common = { residents_in_store: mailbox.residents.length, messages_in_store: mailbox.messages, searchers: people.length };
    const all: number[] = [];
    for (const [kind, series] of byKind) {
      all.push(...series.ms);
      printResult(name, {
        kind,
        queries: queries[kind].join('|').replaceAll(' ', '+'),
        ...common,
        samples: series.ms.length,
        hits_mean: mean(series.hits),
        p50_ms: percentile(series.ms, 50),
        p95_ms: percentile(series.ms, 95),
        baseline_lookup_p50_ms: baseline,
        ratio_to_baseline: percentile(series.ms, 50) / baseline,
        ...load,
        ...sizeNote(mailbox.sizes.note, searchers.note),
      });
    }
    printResult(name, {
      kind: 'all',
      ...common,
      samples: all.length,
      p50_ms: percentile(all, 50),
      p95_ms: percentile(all, 95),
      max_ms: Math.max(...all),
      baseline_lookup_p50_ms: baseline,
      baseline_lookup_p95_ms: percentile(baselineMs, 95),
      ratio_to_baseline: percentile(all, 50) / baseline,
      diag_unranked_match_p50_ms: percentile(unrankedMs, 50),
      diag_store_matches_mean: mean(storeMatches),
      ...load,
      ...sizeNote(mailbox.sizes.note, searchers.note),
    });
  } finally {
    db.close();
  }
}
