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
import { createHash } from 'node:crypto';
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
import type { HubDatabase, SqlExecutor } from '../db/database';
import type { DeviceRow } from './devices';
import { countPinOutcome } from './lockouts';

export type AuditAppendOutcome = { readonly status: 'applied' } | { readonly status: 'refused'; readonly code: RefusalCode; readonly reason: string };

type Link = 'linked' | 'seqNotNext' | 'prevHashMismatch' | 'hashMismatch';

const linkRefusals: Record<Exclude<Link, 'linked'>, { code: RefusalCode; reason: (seq: number, head: number) => string }> = {
  seqNotNext: { code: 'auditSeqNotNext', reason: (seq, head) => `Audit entry ${seq} does not follow entry ${head}, the last the hub holds; it was kept and marked.` },
  prevHashMismatch: { code: 'auditPrevHashMismatch', reason: (seq, head) => `Audit entry ${seq} does not link to entry ${head}'s hash; it was kept and marked.` },
  hashMismatch: { code: 'auditHashMismatch', reason: (seq) => `Audit entry ${seq} does not match its own hash; it was kept and marked.` },
};

async function setAside(tx: SqlExecutor, deviceId: string, mutationId: number, entry: AuditEntry, reason: 'seqTaken' | 'otherDevice', now: number): Promise<void> {
  await tx.query(
    `INSERT INTO audit_entries_set_aside (device_id, mutation_id, seq, entry, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (device_id, mutation_id) DO NOTHING`,
    [deviceId, mutationId, entry.seq, canonicalJson(entry), reason, now],
  );
}

export async function appendAuditEntry(tx: SqlExecutor, device: DeviceRow, mutationId: number, entry: AuditEntry, now: number): Promise<AuditAppendOutcome> {
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
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_entries WHERE device_id = $1 ORDER BY seq DESC LIMIT 1', [device.device_id]);
  const headSeq = head?.seq ?? 0;
  const link: Link =
    entry.seq !== headSeq + 1 ? 'seqNotNext' : entry.prevHash !== (head?.hash ?? auditGenesisHash) ? 'prevHashMismatch' : auditEntryHash(hashedFieldsOf(entry)) !== entry.hash ? 'hashMismatch' : 'linked';
  const { actor, details, kind } = entry.event;
  await tx.query(
    `INSERT INTO audit_entries (device_id, seq, entry_device_id, at, kind, actor_kind, actor_id, details, prev_hash, hash, mutation_id, received_at, link)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [device.device_id, entry.seq, entry.deviceId, entry.at, kind, actor?.kind ?? null, actor?.id ?? null, canonicalJson(details), entry.prevHash, entry.hash, mutationId, now, link],
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
  const [device] = await database.query<{ device_id: string; device_name: string }>('SELECT device_id, device_name FROM devices WHERE device_id = $1', [deviceId]);
  return device ?? null;
}

// ---- the hub's own chain ----
//
// What staff do at the console that a facility audits (clearing a lockout) goes on one hash chain of the hub's, in
// hub_audit_log (migration 0005), hashed like a device's entries: SHA-256 over the canonical JSON array
// ["dayroom.hub-audit.v1", seq, at, kind, operator, residentId, details, prevHash], seq 1's prevHash being 64 zeros.

/** Held until commit while appending, so two console commands cannot both take the next seq. */
const hubAuditLockKey = 7_304_117_003;

export type HubAuditKind = 'lockoutCleared';

export interface HubAuditEntryInput {
  readonly siteId: string;
  readonly at: number;
  readonly kind: HubAuditKind;
  readonly operator: string;
  readonly residentId: string | null;
  readonly details: Readonly<Record<string, number | string | null>>;
}

function hubAuditHash(seq: number, entry: HubAuditEntryInput, prevHash: string): string {
  return createHash('sha256')
    .update(canonicalJson(['dayroom.hub-audit.v1', seq, entry.at, entry.kind, entry.operator, entry.residentId, entry.details, prevHash]), 'utf8')
    .digest('hex');
}

export async function appendHubAuditEntry(tx: SqlExecutor, entry: HubAuditEntryInput): Promise<{ seq: number; hash: string }> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [hubAuditLockKey]);
  const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM hub_audit_log ORDER BY seq DESC LIMIT 1');
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? auditGenesisHash;
  const hash = hubAuditHash(seq, entry, prevHash);
  await tx.query(
    'INSERT INTO hub_audit_log (seq, site_id, at, kind, operator, resident_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [seq, entry.siteId, entry.at, entry.kind, entry.operator, entry.residentId, canonicalJson(entry.details), prevHash, hash],
  );
  return { seq, hash };
}

/** Recomputes the hub's chain from seq 1: the first seq whose link or hash is wrong, or null when it is intact. */
export async function verifyHubAuditChain(db: SqlExecutor): Promise<{ entries: number; brokenAt: number | null }> {
  const rows = await db.query<{ seq: number; site_id: string; at: number; kind: HubAuditKind; operator: string; resident_id: string | null; details: string; prev_hash: string; hash: string }>(
    'SELECT seq, site_id, at, kind, operator, resident_id, details, prev_hash, hash FROM hub_audit_log ORDER BY seq',
  );
  let prevHash = auditGenesisHash;
  for (const [index, row] of rows.entries()) {
    const details = detailsOf(row.details);
    const intact =
      row.seq === index + 1 &&
      row.prev_hash === prevHash &&
      typeof details === 'object' &&
      details !== null &&
      hubAuditHash(row.seq, { siteId: row.site_id, at: row.at, kind: row.kind, operator: row.operator, residentId: row.resident_id, details: details as Record<string, number | string | null> }, row.prev_hash) === row.hash;
    if (!intact) return { entries: rows.length, brokenAt: row.seq };
    prevHash = row.hash;
  }
  return { entries: rows.length, brokenAt: null };
}
