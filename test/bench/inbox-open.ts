/// <reference lib="dom" />
// inbox-open: how long a person waits for their mail on a kiosk whose store holds a whole housing unit's mail (by
// default 200 residents × 1,000 letters, mailbox-seed.ts). Measured two ways, each against a baseline taken in the
// same run:
//  queries — the real mail service (createMailService) on the store, in this process: the inbox (`conversations`) and
//            the page a conversation of a whole mailbox's letters opens on (`conversation`: its newest
//            conversationPageSize letters, the total and where the page sits), across residents; baseline: a raw
//            better-sqlite3 SELECT of the same rows through the same index. Again after the person has read those
//            letters on this kiosk (the markRead rows it leaves in the outbox stay there).
//  paint   — a real kiosk web host on a copy of the store and Debian's Chromium: sign in (badge scan and PIN), then
//            from a tap on the mail tile to the inbox rows painted, and from a tap on the conversation to its letters
//            painted; baseline: a round trip into the page and two animation frames, as scan-to-pin.
import Database from 'better-sqlite3-multiple-ciphers';
import { chromium, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromiumArgs } from '../../playwright.config';
import { conversationPageSize } from '../../main/contract';
import { createMailService } from '../../main/mail/mail-service';
import { openDeviceDatabase, type DeviceDatabase } from '../../main/store/database';
import { defaultTimings, launchKiosk, type KioskUnderTest } from '../support/kiosk-process';
import { benchCount, machineLoad } from './bench-env';
import { copyOfMailbox, preparedMailbox, sizeNote, type Mailbox, type MailboxResident } from './mailbox-seed';
import { percentile, printResult } from './stats';
import { seededRandom } from '../support/seeded-random';

const name = 'inbox-open';
/** Rounds over the residents for the inbox query, and over the long conversations for the conversation query. */
const inboxRounds = 2;
const conversationRounds = 5;
/** A day after the newest letter: what "now" is for the service (it only stamps the markRead rows with it). */
const now = (): number => Date.UTC(2026, 0, 2);

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

function timed<T>(work: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = work();
  return { ms: performance.now() - started, value };
}

/** The same list in an order that differs run to run only by seed, so neighbours in the list are not neighbours in time. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** The residents whose whole mailbox is one conversation, and that contact. */
const longConversations = (mailbox: Mailbox): Array<{ resident: MailboxResident; contactId: string }> =>
  mailbox.residents.filter((resident) => resident.oneCorrespondent).map((resident) => ({ resident, contactId: resident.contacts[0]!.contactId }));

interface QuerySeries {
  readonly serviceMs: number[];
  readonly baselineMs: number[];
  readonly rows: number[];
}

/**
 * Service and baseline alternate by whole rounds, never back to back on one resident: SQLite's page cache (2 MiB by
 * default, as on a kiosk) would otherwise hand the second of the two the pages the first just read.
 */
function measureQueries<T>(subjects: readonly T[], rounds: number, service: (subject: T) => number, baseline: (subject: T) => number): QuerySeries {
  const series: QuerySeries = { serviceMs: [], baselineMs: [], rows: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const subject of shuffled(subjects, 1 + round)) series.baselineMs.push(timed(() => baseline(subject)).ms);
    for (const subject of shuffled(subjects, 101 + round)) {
      const { ms, value } = timed(() => service(subject));
      series.serviceMs.push(ms);
      series.rows.push(value);
    }
  }
  return series;
}

function printQueries(step: string, series: QuerySeries, extra: Record<string, number | string>): void {
  const p50 = percentile(series.serviceMs, 50);
  const baseline = percentile(series.baselineMs, 50);
  printResult(name, {
    step,
    ...extra,
    samples: series.serviceMs.length,
    rows_mean: mean(series.rows),
    p50_ms: p50,
    p95_ms: percentile(series.serviceMs, 95),
    baseline_select_p50_ms: baseline,
    baseline_select_p95_ms: percentile(series.baselineMs, 95),
    ratio_to_baseline: p50 / baseline,
  });
}

function queryFigures(mailbox: Mailbox, sizes: Record<string, number | string>): void {
  const common = { ...sizes, ...machineLoad() };
  // A copy: the after-reading half writes markRead rows, and the shared store stays as sync left it.
  const copy = copyOfMailbox(mailbox);
  const db: DeviceDatabase = openDeviceDatabase(copy.storeFile);
  try {
    const mail = createMailService({ db, now });
    const limit = mailbox.sizes.messagesEach;
    // The rows each view is computed from, read raw through the same index (messages_by_resident): the inbox reads every
    // letter of the person's (unread counts, newest per contact), a conversation every letter with that contact.
    const inboxRows = db.prepare<[string, number], unknown>(
      'SELECT contact_id, direction, body, written_at, received_at, status, read_at FROM messages WHERE resident_id = ? ORDER BY received_at DESC LIMIT ?',
    );
    const conversationRows = db.prepare<[string, string, number], unknown>(
      'SELECT * FROM messages WHERE resident_id = ? AND contact_id = ? ORDER BY received_at DESC, message_id DESC LIMIT ?',
    );
    const everyone = mailbox.residents.map((resident) => resident.residentId);
    const long = longConversations(mailbox);
    const inbox = (residentId: string): number => mail.conversations(residentId).length;
    const inboxBaseline = (residentId: string): number => inboxRows.all(residentId, limit).length;
    const conversation = ({ resident, contactId }: (typeof long)[number]): number => mail.conversation(resident.residentId, contactId).messages.length;
    const conversationBaseline = ({ resident, contactId }: (typeof long)[number]): number =>
      conversationRows.all(resident.residentId, contactId, conversationPageSize).length;

    printQueries('inbox-query', measureQueries(everyone, inboxRounds, inbox, inboxBaseline), { ...common, residents: everyone.length });
    printQueries('conversation-query', measureQueries(long, conversationRounds, conversation, conversationBaseline), { ...common, conversations: long.length });

    // Reading a conversation marks its letters read as they come on screen (ConversationView calls markRead for each);
    // here the person has read the whole of the page it opens on. The outbox keeps those rows after the hub has applied
    // them, and the mail queries look for them letter by letter. This is every later opening of the same mail here.
    let marked = 0;
    for (const { resident, contactId } of long) {
      const unread = mail.conversation(resident.residentId, contactId).messages.filter((message) => message.direction === 'inbound' && !message.read);
      db.transaction(() => {
        for (const message of unread) mail.markRead(resident.residentId, message.messageId);
      })();
      marked += unread.length;
    }
    const readers = long.map((entry) => entry.resident.residentId);
    const markedEach = marked / Math.max(1, long.length);
    printQueries('inbox-query-after-reading', measureQueries(readers, conversationRounds, inbox, inboxBaseline), {
      ...common,
      residents: readers.length,
      marked_read_each: markedEach,
    });
    printQueries('conversation-query-after-reading', measureQueries(long, conversationRounds, conversation, conversationBaseline), {
      ...common,
      conversations: long.length,
      marked_read_each: markedEach,
    });
  } finally {
    db.close();
    copy.remove();
  }
}

/** Resolves after the next two animation frames: the DOM change before it has been painted. */
const painted = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** The sign-out button's words in each language the site offers (residents here use English or Spanish). */
const signOutName = new RegExp(
  `^(${['en', 'es']
    .map(
      (language) =>
        (JSON.parse(readFileSync(new URL(`../../renderer/locales/${language}.json`, import.meta.url), 'utf8')) as { home: { signOut: string } }).home.signOut,
    )
    .join('|')})$`,
);

async function signIn(page: Page, kiosk: KioskUnderTest, resident: MailboxResident): Promise<void> {
  await kiosk.scan(resident.badge);
  await page.waitForSelector('[data-screen="pinEntry"]', { timeout: 10_000 });
  for (const digit of resident.pin) await page.getByRole('button', { name: digit, exact: true }).click();
  await page.waitForSelector('[data-screen="home"]', { timeout: 20_000 });
  // The tile opens mail once the home screen has its summary; wait for it so the tap below is the only thing measured.
  await page.waitForSelector('[data-testid="tile-mail"]:not([disabled])');
  await painted(page);
}

/**
 * A tap where the element is, as a finger would: mouse events straight to the page, without Playwright's actionability
 * checks (which wait for the element to hold still over animation frames and would be counted in the figure).
 */
async function tap(page: Page, selector: string): Promise<() => Promise<void>> {
  const box = await page.locator(selector).first().boundingBox();
  if (box === null) throw new Error(`${selector} is not on screen`);
  return () => page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Polls the kiosk's store (read-only) until these letters' markRead rows, which the screen sends once they are on screen, are in. */
async function markedRead(storeFile: string, residentId: string, messageIds: readonly string[], timeoutMs = 120_000): Promise<void> {
  const started = performance.now();
  const store = new Database(storeFile, { readonly: true, fileMustExist: true });
  try {
    const count = store.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM outbox WHERE name = 'markRead' AND resident_id = ? AND message_id IN (SELECT value FROM json_each(?))",
    );
    const marked = () => count.get(residentId, JSON.stringify(messageIds))?.n ?? 0;
    while (marked() < messageIds.length) {
      if (performance.now() - started > timeoutMs) throw new Error(`only ${marked()} of ${messageIds.length} letters on screen were marked read`);
      await sleep(50);
    }
  } finally {
    store.close();
  }
}

/** The ids of the letters the conversation shows within its scroller's visible box. */
const lettersOnScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="conversation-scroller"]');
    if (scroller === null) return [];
    const box = scroller.getBoundingClientRect();
    return Array.from(scroller.querySelectorAll<HTMLElement>('[data-testid="letter"]'))
      .filter((letter) => {
        const rect = letter.getBoundingClientRect();
        return rect.bottom > box.top && rect.top < box.bottom;
      })
      .map((letter) => letter.dataset['messageId'] ?? '');
  });

async function paintFigures(mailbox: Mailbox, sizes: Record<string, number | string>): Promise<void> {
  const common = { ...sizes, ...machineLoad() };
  const requested = benchCount('BENCH_INBOX_PAINT_SAMPLES', 16);
  const long = longConversations(mailbox);
  // One person per sample, each opening their mail for the first time on this kiosk; one more first, unmeasured, so
  // Chromium has compiled the mail screen's code before the clock runs.
  const people = long.slice(0, Math.min(long.length, requested.value + 1));
  const warmUp = people.length > 1 ? 1 : 0;
  const unreadOf = new Map<string, ReadonlySet<string>>();
  const newestOf = new Map<string, string>();
  {
    const store = new Database(mailbox.storeFile, { readonly: true, fileMustExist: true });
    const unread = store.prepare<[string, string], { message_id: string }>(
      "SELECT message_id FROM messages WHERE resident_id = ? AND contact_id = ? AND direction = 'inbound' AND status = 'delivered' AND read_at IS NULL",
    );
    // The conversation's last letter in its own order (store/mail.ts: received, then id): the one it opens at.
    const newest = store.prepare<[string, string], { message_id: string }>(
      'SELECT message_id FROM messages WHERE resident_id = ? AND contact_id = ? ORDER BY received_at DESC, message_id DESC LIMIT 1',
    );
    for (const { resident, contactId } of people) {
      unreadOf.set(resident.residentId, new Set(unread.all(resident.residentId, contactId).map((row) => row.message_id)));
      newestOf.set(resident.residentId, newest.get(resident.residentId, contactId)?.message_id ?? '');
    }
    store.close();
  }

  const kiosk = await launchKiosk(defaultTimings, { storeFile: mailbox.storeFile });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  const inboxMs: number[] = [];
  const conversationMs: number[] = [];
  const markReadMs: number[] = [];
  const unreadOnScreen: number[] = [];
  const paintMs: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(kiosk.url);
    await page.waitForSelector('[data-screen="attract"]');
    const storeFile = join(kiosk.dataDir, 'device.sqlite');
    for (const [index, { resident }] of people.entries()) {
      const measured = index >= warmUp;
      await signIn(page, kiosk, resident);

      // Baseline: a round trip into the page and two frames, with no tap and no runtime involved.
      const baselineStart = performance.now();
      await painted(page);
      if (measured) paintMs.push(performance.now() - baselineStart);

      const openMail = await tap(page, '[data-testid="tile-mail"]');
      const mailTapped = performance.now();
      await openMail();
      await page.waitForSelector('[data-testid="conversation"]', { state: 'visible', timeout: 30_000 });
      await painted(page);
      if (measured) inboxMs.push(performance.now() - mailTapped);

      // Newest mail first: their one correspondent's row is at the top (the others have no letters yet).
      const openConversation = await tap(page, '[data-testid="conversation"]');
      const conversationTapped = performance.now();
      await openConversation();
      // A conversation opens at its newest letter: the clock stops when that one is painted, wherever the screen puts it.
      await page.waitForSelector(`[data-testid="letter"][data-message-id="${newestOf.get(resident.residentId)}"]`, { state: 'visible', timeout: 60_000 });
      await painted(page);
      const lettersPainted = performance.now();
      if (measured) conversationMs.push(lettersPainted - conversationTapped);

      // The screen now marks the unread letters it shows read, one call each; the next person must not share the kiosk with it.
      const unread = unreadOf.get(resident.residentId) ?? new Set<string>();
      const shown = (await lettersOnScreen(page)).filter((messageId) => unread.has(messageId));
      await markedRead(storeFile, resident.residentId, shown);
      if (measured) {
        markReadMs.push(performance.now() - lettersPainted);
        unreadOnScreen.push(shown.length);
      }
      await page.getByTestId('mail-home').click();
      await page.waitForSelector('[data-screen="home"]');
      await page.getByRole('button', { name: signOutName }).click();
      await page.waitForSelector('[data-screen="attract"]');
    }
  } finally {
    await browser.close();
    await kiosk.stop();
  }
  const baseline = percentile(paintMs, 50);
  const samples = inboxMs.length;
  printResult(name, {
    step: 'inbox-paint',
    ...common,
    samples,
    p50_ms: percentile(inboxMs, 50),
    p95_ms: percentile(inboxMs, 95),
    baseline_paint_p50_ms: baseline,
    ratio_to_baseline: percentile(inboxMs, 50) / baseline,
    ...sizeNote(mailbox.sizes.note, requested.note),
  });
  printResult(name, {
    step: 'conversation-paint',
    ...common,
    letters: mailbox.sizes.messagesEach,
    samples,
    p50_ms: percentile(conversationMs, 50),
    p95_ms: percentile(conversationMs, 95),
    baseline_paint_p50_ms: baseline,
    ratio_to_baseline: percentile(conversationMs, 50) / baseline,
    page_size: conversationPageSize,
    unread_each: mean(people.slice(warmUp).map(({ resident }) => unreadOf.get(resident.residentId)?.size ?? 0)),
    unread_on_screen_mean: mean(unreadOnScreen),
    mark_read_on_screen_p50_ms: percentile(markReadMs, 50),
    ...sizeNote(mailbox.sizes.note, requested.note),
  });
}

export async function inboxOpen(): Promise<void> {
  const mailbox = await preparedMailbox();
  const common = { messages_each: mailbox.sizes.messagesEach, ...mailbox.sizes.note };
  printResult(name, {
    step: 'seed',
    residents: mailbox.residents.length,
    messages: mailbox.messages,
    attachments: mailbox.attachments,
    store_mb: mailbox.storeMb,
    generate_s: mailbox.generateSeconds,
    apply_s: mailbox.applySeconds,
    search_index_s: mailbox.indexSeconds,
    ...mailbox.sizes.note,
  });
  queryFigures(mailbox, common);
  await paintFigures(mailbox, common);
}
