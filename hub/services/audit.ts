// The devices' audit logs at the hub: each pushed entry is stored in its device's chain (migration 0002), and the
// console's verify-audit walks a chain from seq 1, recomputing every hash (hub/protocol/audit.ts).
//
// Receiving an entry (inside push's transaction, with the device row locked, so a device's entries take turns):
// - the same entry again (same seq, same hash) is already here: applied, nothing written;
// - a different entry under a seq already held, or one hashed under another device's id, cannot take a place in this
//   chain: it is kept aside with the reason and refused;
// - otherwise it is stored, and `link` says whether it continued the chain (the next seq, naming the head's hash,
//   hashing to its hash). A broken link is refused — the device's outbox shows the code — but stored all the same:
//   dropping it would lose an entry silently, and the entries after it still link to it, so one break is reported
//   once instead of refusing everything that follows.
import {
  AuditChainVerifier,
  auditEntryHash,
  auditGenesisHash,
  canonicalJson,
  hashedFieldsOf,
  type AuditChainProblem,
  type AuditEntry,
  type RefusalCode,
} from '../protocol/index';
import { z } from 'zod';
import type { HubDatabase, SqlExecutor, HubTransaction } from '../db/database';
import type { DeviceRow } from './devices';
import { countPinOutcome } from './lockouts';

export type AuditAppendOutcome = { readonly status: 'applied' } | { readonly status: 'refused'; readonly code: RefusalCode; readonly reason: string };

type Link = 'linked' | 'seqNotNext' | 'prevHashMismatch' | 'hashMismatch';

const linkRefusals: Record<Exclude<Link, 'linked'>, { code: RefusalCode; reason: (seq: number, head: number) => string }> = {
  seqNotNext: {
    code: 'auditSeqNotNext',
    reason: (seq, head) => `Audit entry ${seq} does not follow entry ${head}, the last the hub holds; it was kept and marked.`,
  },
  prevHashMismatch: {
    code: 'auditPrevHashMismatch',
    reason: (seq, head) => `Audit entry ${seq} does not link to entry ${head}'s hash; it was kept and marked.`,
  },
  hashMismatch: { code: 'auditHashMismatch', reason: (seq) => `Audit entry ${seq} does not match its own hash; it was kept and marked.` },
};

async function setAside(
  tx: SqlExecutor,
  deviceId: string,
  mutationId: number,
  entry: AuditEntry,
  reason: 'seqTaken' | 'otherDevice',
  now: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_entries_set_aside (device_id, mutation_id, seq, entry, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (device_id, mutation_id) DO NOTHING`,
    [deviceId, mutationId, entry.seq, canonicalJson(entry), reason, now],
  );
}

export async function appendAuditEntry(tx: HubTransaction, device: DeviceRow, mutationId: number, entry: AuditEntry, now: number): Promise<AuditAppendOutcome> {
  if (entry.deviceId !== null && entry.deviceId !== device.device_id) {
    await setAside(tx, device.device_id, mutationId, entry, 'otherDevice', now);
    return { status: 'refused', code: 'auditOtherDevice', reason: `Audit entry ${entry.seq} was written for another device id; it was kept aside.` };
  }
  const [held] = await tx.query<{ hash: string }>('SELECT hash FROM audit_entries WHERE device_id = $1 AND seq = $2', [device.device_id, entry.seq]);
  if (held !== undefined) {
    if (held.hash === entry.hash) return { status: 'applied' };
    await setAside(tx, device.device_id, mutationId, entry, 'seqTaken', now);
    return { status: 'refused', code: 'auditSeqTaken', reason: `The hub already holds a different audit entry ${entry.seq}; this one was kept aside.` };
  }
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_entries WHERE device_id = $1 ORDER BY seq DESC LIMIT 1', [
    device.device_id,
  ]);
  const headSeq = head?.seq ?? 0;
  const link: Link =
    entry.seq !== headSeq + 1
      ? 'seqNotNext'
      : entry.prevHash !== (head?.hash ?? auditGenesisHash)
        ? 'prevHashMismatch'
        : auditEntryHash(hashedFieldsOf(entry)) !== entry.hash
          ? 'hashMismatch'
          : 'linked';
  const { actor, details, kind } = entry.event;
  await tx.query(
    `INSERT INTO audit_entries (device_id, seq, entry_device_id, at, kind, actor_kind, actor_id, details, prev_hash, hash, mutation_id, received_at, link)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      device.device_id,
      entry.seq,
      entry.deviceId,
      entry.at,
      kind,
      actor?.kind ?? null,
      actor?.id ?? null,
      canonicalJson(details),
      entry.prevHash,
      entry.hash,
      mutationId,
      now,
      link,
    ],
  );
  // Stored once per (device, seq), so each wrong PIN counts once towards the person's lockout across devices.
  await countPinOutcome(tx, device, entry.event, entry.at, now);
  if (link === 'linked') return { status: 'applied' };
  const refusal = linkRefusals[link];
  return { status: 'refused', code: refusal.code, reason: refusal.reason(entry.seq, headSeq) };
}

interface StoredAuditRow {
  seq: number;
  entry_device_id: string | null;
  at: number;
  kind: string;
  actor_kind: string | null;
  actor_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Stored details read back for hashing; text that no longer parses hashes to nothing any entry was written with. */
function detailsOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface AuditChainReport {
  readonly deviceId: string;
  /** Entries stored in the chain. */
  readonly entries: number;
  /** Entries from seq 1 that checked out before the first broken link (all of them when intact). */
  readonly verified: number;
  readonly problem: AuditChainProblem | null;
  /** Entries that could not take a place in the chain (audit_entries_set_aside), the first of them named. */
  readonly setAside: number;
  readonly firstSetAside: { readonly seq: number; readonly reason: 'seqTaken' | 'otherDevice' } | null;
}

/** Rows per page while walking a chain: a long chain is never held in memory whole. */
const verifyPageSize = 1000;

/**
 * Walks a device's chain from seq 1 in seq order, recomputing every hash from the stored fields, and stops at the first
 * broken link. Read in one REPEATABLE READ transaction, so entries arriving meanwhile cannot make the walk see a gap.
 */
export async function verifyDeviceAuditChain(database: HubDatabase, deviceId: string): Promise<AuditChainReport> {
  return database.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const verifier = new AuditChainVerifier();
    let entries = 0;
    let afterSeq = 0;
    for (;;) {
      const page = await tx.query<StoredAuditRow>(
        `SELECT seq, entry_device_id, at, kind, actor_kind, actor_id, details, prev_hash, hash FROM audit_entries
         WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [deviceId, afterSeq, verifyPageSize],
      );
      for (const row of page) {
        entries += 1;
        verifier.check({
          deviceId: row.entry_device_id,
          seq: row.seq,
          at: row.at,
          kind: row.kind,
          actor: row.actor_kind === null || row.actor_id === null ? null : { kind: row.actor_kind, id: row.actor_id },
          details: detailsOf(row.details),
          prevHash: row.prev_hash,
          hash: row.hash,
        });
      }
      const last = page.at(-1);
      if (last === undefined || page.length < verifyPageSize) break;
      afterSeq = last.seq;
    }
    const [aside] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries_set_aside WHERE device_id = $1', [deviceId]);
    const [first] = await tx.query<{ seq: number; reason: 'seqTaken' | 'otherDevice' }>(
      'SELECT seq, reason FROM audit_entries_set_aside WHERE device_id = $1 ORDER BY mutation_id LIMIT 1',
      [deviceId],
    );
    return { deviceId, entries, verified: verifier.verified, problem: verifier.problem, setAside: aside?.n ?? 0, firstSetAside: first ?? null };
  });
}

/** The devices of a site that have an audit chain or entries kept aside, for verify-audit without --device. */
export async function devicesWithAuditEntries(database: SqlExecutor, siteId: string): Promise<{ device_id: string; device_name: string }[]> {
  return database.query<{ device_id: string; device_name: string }>(
    `SELECT device_id, device_name FROM devices d WHERE site_id = $1
       AND (EXISTS (SELECT 1 FROM audit_entries a WHERE a.device_id = d.device_id) OR EXISTS (SELECT 1 FROM audit_entries_set_aside s WHERE s.device_id = d.device_id))
     ORDER BY device_name, device_id`,
    [siteId],
  );
}

/** A device by id, for verify-audit --device; null when the hub never enrolled it. */
export async function findAuditDevice(database: SqlExecutor, deviceId: string): Promise<{ device_id: string; device_name: string } | null> {
  const [device] = await database.query<{ device_id: string; device_name: string }>('SELECT device_id, device_name FROM devices WHERE device_id = $1', [
    deviceId,
  ]);
  return device ?? null;
}

// ---- The hub's own chain ----
//
// What staff prove at the hub (a tablet's assign/release with a staff PIN: the right PIN, a wrong one, a lockout) and
// what the console does to devices (revocations, a wipe ordered to a lost tablet) is appended here, in one chain for
// the whole hub. Entries are hashed exactly like a device's (auditEntryHash) with the chain name 'hub' in the
// deviceId position, so one hash function and one verifier serve both; the kinds and their strict details are the
// hub's own, never free text.

/** The name hashed in the deviceId position of every hub chain entry: no device id (a UUID) can collide with it. */
export const hubAuditChainName = 'hub';

const DeviceRef = z.string().min(1).max(64);
const StaffActorSchema = z.object({ kind: z.literal('staff'), id: z.string().min(1).max(64) }).strict();
const ConsoleActorSchema = z.object({ kind: z.literal('console'), id: z.string().min(1).max(64) }).strict();

/** What the facility console records of each action: done or refused, by whom (by name, as staff read the chain). */
export const ConsoleActionDetails = z
  .object({
    /** The staff member's display name when the entry was written (names change; the actor id does not). */
    staffName: z.string().min(1).max(200),
    /** The route's action name: `review.approve`, `session.signIn`. */
    action: z.string().min(1).max(100),
    /** What it acted on (a letter's id, a resident's), or the username typed at a refused sign-in; null for none. */
    subject: z.string().min(1).max(200).nullable(),
    siteId: DeviceRef.nullable(),
    outcome: z.enum(['done', 'refused']),
    /** The refusal's code when refused. */
    code: z.string().min(1).max(100).nullable(),
  })
  .strict();
export type ConsoleActionDetails = z.infer<typeof ConsoleActionDetails>;

export const HubAuditEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tabletAssigned'), actor: StaffActorSchema, details: z.object({ deviceId: DeviceRef, residentId: DeviceRef }).strict() }).strict(),
  z.object({ kind: z.literal('tabletReleased'), actor: StaffActorSchema, details: z.object({ deviceId: DeviceRef, residentId: DeviceRef }).strict() }).strict(),
  z
    .object({
      kind: z.literal('staffPinRejected'),
      actor: StaffActorSchema,
      details: z.object({ deviceId: DeviceRef, action: z.enum(['assign', 'release']), attemptsLeft: z.number().int().min(0).max(100) }).strict(),
    })
    .strict(),
  z
    .object({ kind: z.literal('staffLockedOut'), actor: StaffActorSchema, details: z.object({ deviceId: DeviceRef, until: z.number().int() }).strict() })
    .strict(),
  z
    .object({ kind: z.literal('staffLockedOutAttempt'), actor: StaffActorSchema, details: z.object({ deviceId: DeviceRef, until: z.number().int() }).strict() })
    .strict(),
  z
    .object({
      kind: z.literal('deviceRevoked'),
      actor: z.null(),
      details: z
        .object({ deviceId: DeviceRef, reason: z.enum(['lost', 'reenrolled', 'retired']), wipe: z.boolean(), replacedBy: DeviceRef.nullable() })
        .strict(),
    })
    .strict(),
  z.object({ kind: z.literal('deviceWipeOrdered'), actor: z.null(), details: z.object({ deviceId: DeviceRef }).strict() }).strict(),
  // An address whose tokens named no device reached the failure limit and is refused from now on (http/auth.ts): one
  // entry each time it crosses the limit, with the address (as the hub saw it, or as a trusted proxy named it), the
  // failures counted and the window. Not one per bad request: a flood would then write as many rows as it sends.
  z
    .object({
      kind: z.literal('unknownTokensThrottled'),
      actor: z.null(),
      details: z.object({ address: z.string().min(1).max(100), failures: z.number().int().min(1), windowMs: z.number().int().min(1) }).strict(),
    })
    .strict(),
  // A person's wrong-PIN lockout cleared at the console (hub/services/lockouts.ts): who did it, and what it cleared.
  z
    .object({
      kind: z.literal('lockoutCleared'),
      actor: z.null(),
      details: z
        .object({
          residentId: DeviceRef,
          operator: z.string().min(1).max(200),
          failedAttempts: z.number().int().min(0),
          lockouts: z.number().int().min(0),
          lockedUntil: z.number().int().nullable(),
        })
        .strict(),
    })
    .strict(),
  // The words and pictures of family letters that review stopped, purged after the site's retention
  // (hub/services/mail-retention.ts): how many, older than when, and the bytes that left the hub.
  z
    .object({
      kind: z.literal('reviewedMailPurged'),
      actor: z.null(),
      details: z
        .object({
          siteId: DeviceRef,
          retentionDays: z.number().int().min(1),
          stoppedBefore: z.number().int(),
          letters: z.number().int().min(1),
          attachments: z.number().int().min(0),
          blobsDeleted: z.number().int().min(0),
          bytesFreed: z.number().int().min(0),
        })
        .strict(),
    })
    .strict(),
  // Anything staff do at the facility console, and every refusal it gives them (hub/console/api/route.ts). The actor is
  // null for a sign-in with a username no account has.
  z.object({ kind: z.literal('consoleAction'), actor: ConsoleActorSchema.nullable(), details: ConsoleActionDetails }).strict(),
]);
export type HubAuditEvent = z.infer<typeof HubAuditEvent>;

/** Serializes appends to the hub chain (pg_advisory_xact_lock key; the change log uses another). */
const hubAuditLockKey = 0x64617931;

/**
 * Appends one event to the hub's chain inside the caller's transaction, so the entry commits with what it records (a
 * refused PIN's count and its entry, an assignment and its entry) or not at all.
 */
export async function appendHubAuditEntry(tx: SqlExecutor, event: HubAuditEvent, at: number): Promise<void> {
  const checked = HubAuditEvent.parse(event);
  await tx.query('SELECT pg_advisory_xact_lock($1)', [hubAuditLockKey]);
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM hub_audit_entries ORDER BY seq DESC LIMIT 1');
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? auditGenesisHash;
  const hash = auditEntryHash({ deviceId: hubAuditChainName, seq, at, kind: checked.kind, actor: checked.actor, details: checked.details, prevHash });
  await tx.query('INSERT INTO hub_audit_entries (seq, at, kind, actor_kind, actor_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    seq,
    at,
    checked.kind,
    checked.actor?.kind ?? null,
    checked.actor?.id ?? null,
    canonicalJson(checked.details),
    prevHash,
    hash,
  ]);
}

export interface HubAuditRow {
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly actor_kind: string | null;
  readonly actor_id: string | null;
  readonly details: string;
  readonly prev_hash: string;
  readonly hash: string;
}

/** The hub chain's entries after a seq, oldest first (the console and tests read it). */
export async function hubAuditEntries(db: SqlExecutor, afterSeq = 0, limit = 1000): Promise<HubAuditRow[]> {
  return db.query<HubAuditRow>(
    'SELECT seq, at, kind, actor_kind, actor_id, details, prev_hash, hash FROM hub_audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2',
    [afterSeq, limit],
  );
}

/** Walks the hub's chain from seq 1 like verifyDeviceAuditChain walks a device's, in one snapshot. */
export async function verifyHubAuditChain(database: HubDatabase): Promise<AuditChainReport> {
  return database.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const verifier = new AuditChainVerifier();
    let entries = 0;
    let afterSeq = 0;
    for (;;) {
      const page = await hubAuditEntries(tx, afterSeq, verifyPageSize);
      for (const row of page) {
        entries += 1;
        verifier.check({
          deviceId: hubAuditChainName,
          seq: row.seq,
          at: row.at,
          kind: row.kind,
          actor: row.actor_kind === null || row.actor_id === null ? null : { kind: row.actor_kind, id: row.actor_id },
          details: detailsOf(row.details),
          prevHash: row.prev_hash,
          hash: row.hash,
        });
      }
      const last = page.at(-1);
      if (last === undefined || page.length < verifyPageSize) break;
      afterSeq = last.seq;
    }
    return { deviceId: hubAuditChainName, entries, verified: verifier.verified, problem: verifier.problem, setAside: 0, firstSetAside: null };
  });
}
