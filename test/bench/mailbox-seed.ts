// A kiosk store full of mail, for the mail benchmarks (inbox-open, mail-search): by default 200 residents of one housing
// unit with 1,000 letters each (sync-data.ts's generator), their contacts, balances and the site's rules. Everything goes
// in through main/sync/apply-pull.ts in pull batches of the protocol's largest size, so the rows, versions, attachment
// rows and search queue entries are exactly the ones a real sync leaves; then the mail search index is caught up with
// the indexer's own queries, as the runtime does in idle time. The store is built once per process and shared
// read-only: a benchmark that writes (or a kiosk) works on a copy.
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  maxPullLimit,
  type BalanceRecord,
  type Change,
  type ContactRecord,
  type MessageRecord,
  type PullResponse,
  type ResidentRecord,
  type SiteRulesRecord,
} from '../../hub/protocol';
import type { LanguageCode } from '../../main/contract';
import { hashPin } from '../../main/signin/pin-hash';
import { openDeviceDatabase } from '../../main/store/database';
import { mailSearchIndexQueries } from '../../main/store/mail-search';
import { applyPull } from '../../main/sync/apply-pull';
import { makeTempDir } from '../support/temp-dir';
import { benchCount } from './bench-env';
import { messageRecords, messageSpecs, seededUuid } from './sync-data';
import { seededRandom } from '../support/seeded-random';

export interface MailboxSizes {
  readonly residents: number;
  readonly messagesEach: number;
  /** RESULT fields saying which sizes came from the environment (empty at the defined sizes). */
  readonly note: Record<string, string>;
}

/** One `size_from_env` field naming every variable that changed a size (each BenchCount note names only its own). */
export function sizeNote(...notes: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const variables = notes.flatMap((note) => Object.values(note));
  return variables.length === 0 ? {} : { size_from_env: variables.join(',') };
}

/** The sizes the mail benchmarks are defined at; BENCH_MAILBOX_RESIDENTS and BENCH_MAILBOX_MESSAGES make a quick run. */
export function mailboxSizes(): MailboxSizes {
  const residents = benchCount('BENCH_MAILBOX_RESIDENTS', 200);
  const messagesEach = benchCount('BENCH_MAILBOX_MESSAGES', 1_000);
  return { residents: residents.value, messagesEach: messagesEach.value, note: sizeNote(residents.note, messagesEach.note) };
}

export interface MailboxResident {
  readonly residentId: string;
  /** What their wristband's Code 39 barcode reads (the site rule `^R(\d{6})$`). */
  readonly badge: string;
  readonly pin: string;
  readonly displayName: string;
  readonly language: LanguageCode;
  readonly contacts: readonly ContactRecord[];
  /**
   * Every letter of theirs is with their first contact: a conversation as long as their whole mailbox. One resident in
   * ten, so the long conversation can be measured across different people.
   */
  readonly oneCorrespondent: boolean;
}

export interface Mailbox {
  /** The store (closed, WAL checkpointed into it). Read it; copy it before writing. */
  readonly storeFile: string;
  readonly sizes: MailboxSizes;
  readonly residents: readonly MailboxResident[];
  readonly messages: number;
  readonly attachments: number;
  readonly storeMb: number;
  /** Building the records (generator and protocol schema), applying them, and indexing them for search. */
  readonly generateSeconds: number;
  readonly applySeconds: number;
  readonly indexSeconds: number;
}

/** Everyone's PIN. One scrypt hash serves them all: 200 hashes at the production cost would take most of a minute. */
export const mailboxPin = '2468';

const firstNames = {
  en: ['Marcus', 'Darnell', 'Kevin', 'Tyrone', 'James', 'Brandon', 'Curtis', 'Dwayne', 'Eric', 'Jamal', 'Travis', 'Shawn', 'Derek', 'Andre', 'Cody'],
  es: ['José', 'Luis', 'Ángel', 'Jesús', 'Miguel', 'Ramón', 'Héctor', 'Julián', 'Andrés', 'Raúl', 'Joaquín', 'Martín', 'Sebastián', 'Iván', 'Óscar'],
};
const familyNames = {
  en: ['Lee', 'Johnson', 'Williams', 'Brown', 'Jackson', 'Harris', 'Walker', 'Okafor', 'Thompson', 'Robinson', 'Carter', 'Mitchell'],
  es: ['Díaz', 'Rivera', 'García', 'Hernández', 'López', 'Martínez', 'Pérez', 'Sánchez', 'Ramírez', 'Núñez', 'Muñoz', 'Gutiérrez'],
};
const contactFirstNames = {
  en: ['Denise', 'Tasha', 'Keisha', 'Linda', 'Brenda', 'Monique', 'Gloria', 'Darlene', 'Aaliyah', 'Ray', 'Malik', 'Pam'],
  es: ['María', 'Guadalupe', 'Rosa', 'Lucía', 'Verónica', 'Sofía', 'Elena', 'Inés', 'Beatriz', 'Tomás', 'Nicolás', 'Ximena'],
};
const relationships = ['mother', 'sister', 'grandmother', 'aunt', 'brother', 'daughter', 'son', 'cousin', 'friend', 'partner'];

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

/** The hub's record versions: written (1), reviewed (2), read (3) — as sync-apply counts them. */
const messageVersion = (record: MessageRecord): number => (record.status === 'read' ? 3 : 2);

interface PlannedResident {
  readonly resident: MailboxResident;
  readonly record: ResidentRecord;
  /** The contacts their letters are spread over. */
  readonly correspondents: readonly string[];
}

function planResidents(count: number, pinHash: string, housingUnitId: string): PlannedResident[] {
  const random = seededRandom(2_024);
  return Array.from({ length: count }, (_, index) => {
    const language = random() < 0.35 ? ('es' as const) : ('en' as const);
    const family = pick(familyNames[language], random);
    const displayName = `${pick(firstNames[language], random)} ${family}`;
    const residentId = seededUuid(random);
    // Three to eight approved contacts, mostly family (who write in the same language).
    const contacts: ContactRecord[] = Array.from({ length: 3 + Math.floor(random() * 6) }, (_, position) => ({
      contactId: seededUuid(random),
      residentId,
      displayName: `${pick(contactFirstNames[language], random)} ${random() < 0.7 ? family : pick(familyNames[language], random)}`,
      relationship: relationships[(position + Math.floor(random() * 3)) % relationships.length] ?? 'friend',
      approved: true,
    }));
    const oneCorrespondent = index % 10 === 0;
    // Otherwise the letters go to all but the newest contact, who has none yet (a row that says so in the inbox).
    const correspondents = oneCorrespondent ? [contacts[0]!.contactId] : contacts.slice(0, -1).map((contact) => contact.contactId);
    const credentialId = String(200_000 + index + 1);
    return {
      resident: { residentId, badge: `R${credentialId}`, pin: mailboxPin, displayName, language, contacts, oneCorrespondent },
      record: { residentId, credentialId, displayName, pinHash, language, housingUnitId, lockedUntil: null, lockoutClearedAt: null },
      correspondents,
    };
  });
}

/** Pull batches as the hub hands them over, in change-log order, at most maxPullLimit changes each. */
function* pullBatches(changes: readonly Change[], serverTime: number): Generator<PullResponse> {
  for (let start = 0; start < changes.length; start += maxPullLimit) {
    const slice = changes.slice(start, start + maxPullLimit);
    yield {
      changes: slice,
      // The hub's cursors are base64url({d, s}).HMAC; the device stores them as they are.
      cursor: `${Buffer.from(JSON.stringify({ d: 'kiosk', s: start + slice.length })).toString('base64url')}.${'x'.repeat(43)}`,
      hasMore: start + maxPullLimit < changes.length,
      serverTime,
    };
  }
}

async function buildMailbox(sizes: MailboxSizes, storeFile: string): Promise<Mailbox> {
  const pinHash = await hashPin(mailboxPin);
  const generateStarted = performance.now();
  const random = seededRandom(99);
  const housingUnitId = seededUuid(random);
  const siteId = seededUuid(random);
  const planned = planResidents(sizes.residents, pinHash, housingUnitId);
  const serverTime = Date.UTC(2026, 0, 1);

  const siteRules: SiteRulesRecord = {
    siteId,
    siteName: 'Riverbend County Detention Center',
    charactersPerStamp: 2_000,
    stampsPerAttachment: 1,
    maxAttachments: 3,
    maxAttachmentBytes: 5_000_000,
    refundStampsOnRejection: true,
    stampBooks: [{ stamps: 10, priceCents: 500 }],
  };
  // What a new kiosk's first pull carries, in the hub's change-log order: the site's rules, then its people and their
  // contacts and balances (they existed before their mail), then two years of letters as review and reading logged them.
  const changes: Change[] = [{ entity: 'siteRules', id: siteId, version: 1, op: 'upsert', data: siteRules }];
  for (const { record, resident } of planned) {
    changes.push({ entity: 'resident', id: record.residentId, version: 1, op: 'upsert', data: record });
    for (const contact of resident.contacts) changes.push({ entity: 'contact', id: contact.contactId, version: 1, op: 'upsert', data: contact });
    const balance: BalanceRecord = { residentId: record.residentId, stamps: 12, availableCents: 2_500, holdsCents: 0, confirmedAt: serverTime };
    changes.push({ entity: 'balance', id: record.residentId, version: 1, op: 'upsert', data: balance });
  }
  const letters: Array<{ at: number; change: Change }> = [];
  let attachments = 0;
  planned.forEach(({ record, correspondents }, index) => {
    const seed = 10_000 + index;
    const specs = messageSpecs(sizes.messagesEach, { seed, start: Date.UTC(2024, 0, 1) });
    for (const message of messageRecords(specs, { seed, residentId: record.residentId, contactIds: correspondents })) {
      attachments += message.attachments.length;
      letters.push({
        at: message.statusChangedAt,
        change: { entity: 'message', id: message.messageId, version: messageVersion(message), op: 'upsert', data: message },
      });
    }
  });
  // Interleaved across residents as the change log is, so one person's letters are spread over the store's pages as on a
  // real kiosk, not packed together by a seed that wrote them person by person.
  letters.sort((left, right) => left.at - right.at);
  for (const { change } of letters) changes.push(change);
  const generateSeconds = (performance.now() - generateStarted) / 1000;

  const db = openDeviceDatabase(storeFile);
  try {
    const applyStarted = performance.now();
    for (const batch of pullBatches(changes, serverTime)) {
      const outcome = applyPull(db, batch, { now: serverTime });
      if (!outcome.ok) throw new Error(`seeding the mailbox: a batch was refused: ${JSON.stringify(outcome.error)}`);
    }
    const applySeconds = (performance.now() - applyStarted) / 1000;
    const indexStarted = performance.now();
    const index = mailSearchIndexQueries(db);
    // Bigger transactions than the runtime's 250 (nothing waits on them here); the index rows are the same.
    while (index.indexOldest(5_000) > 0);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const count = (sql: string): number => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
    const messages = count('SELECT count(*) AS n FROM messages');
    const indexed = count('SELECT count(*) AS n FROM mail_search');
    const expected = sizes.residents * sizes.messagesEach;
    if (messages !== expected || indexed !== expected)
      throw new Error(`seeding the mailbox: ${messages} messages stored and ${indexed} indexed of ${expected}`);
    return {
      storeFile,
      sizes,
      residents: planned.map((entry) => entry.resident),
      messages,
      attachments,
      storeMb: 0,
      generateSeconds,
      applySeconds,
      indexSeconds,
    };
  } finally {
    // Closing checkpoints the WAL into the file and removes it, so the file alone is the whole store and can be copied.
    db.close();
  }
}

let prepared: { key: string; mailbox: Promise<Mailbox> } | null = null;

/**
 * The mailbox store at these sizes, built on first use and kept for the rest of the process (inbox-open and mail-search
 * run on the same one when run together), removed when the process exits.
 */
export function preparedMailbox(sizes: MailboxSizes = mailboxSizes()): Promise<Mailbox> {
  const key = `${sizes.residents}x${sizes.messagesEach}`;
  if (prepared?.key === key) return prepared.mailbox;
  const dir = makeTempDir('dayroom-bench-mailbox-');
  process.once('exit', () => dir.remove());
  const storeFile = join(dir.path, 'device.sqlite');
  const mailbox = buildMailbox(sizes, storeFile).then((built) => ({ ...built, storeMb: statSync(storeFile).size / 1e6 }));
  prepared = { key, mailbox };
  return mailbox;
}

/** A copy of the store in a folder of its own, for a benchmark that writes; `remove` deletes the folder. */
export function copyOfMailbox(mailbox: Mailbox): { storeFile: string; remove: () => void } {
  const dir = makeTempDir('dayroom-bench-mailbox-copy-');
  const storeFile = join(dir.path, 'device.sqlite');
  copyFileSync(mailbox.storeFile, storeFile);
  return {
    storeFile,
    remove: () => {
      rmSync(dir.path, { recursive: true, force: true });
    },
  };
}
