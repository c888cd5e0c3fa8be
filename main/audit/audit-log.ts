// The device's audit log (SECURITY.md, "Data"): sign-ins, wrong PINs, lockouts and staff actions, each entry carrying
// the hash of the one before (hub/protocol/audit.ts defines the entry, its canonical encoding and the hash, so the
// hub recomputes exactly what was written here). An entry and the outbox mutation that carries it to the hub are
// written in one transaction: both are on disk, or neither.
//
// Nothing free-form goes in. Every kind has a strict details schema (enums, counts, times, ids), and an actor is a
// record id; a caller that passes anything else — a PIN, a card number, a sentence — gets an AuditEventError before
// anything is written, and the error names the field, never its value.
import {
  AuditEvent,
  auditEntryHash,
  auditGenesisHash,
  canonicalJson,
  hashedFieldsOf,
  verifyAuditChain,
  type AuditActorOf,
  type AuditChainProblem,
  type AuditDetailsOf,
  type AuditEntry,
  type AuditKind,
} from '../../hub/protocol';
import type { AuditLogRow } from '../store/audit-log';
import type { DeviceDatabase } from '../store/database';
import { recordMutation as recordStraightIntoOutbox, type RecordMutation } from '../sync/outbox';
import { storeQueriesOf } from '../store/store-queries';

/** An event the audit schema refuses: a bug in the caller, caught before anything is written. */
export class AuditEventError extends Error {
  override readonly name = 'AuditEventError';
}

export interface AuditLog {
  /** Appends one entry (and its outbox mutation); returns the entry as the hub will receive it. */
  append<K extends AuditKind>(kind: K, actor: AuditActorOf<K>, details: AuditDetailsOf<K>): AuditEntry;
}

/**
 * An append for flows that must go on whatever happens to the log (a sign-in, a sign-out): it never throws, and hands
 * a failure to `onFailure` (which logs the kind and the error, never the entry). Signing people in and out is not held
 * hostage to the log; a failure is loud in the device log instead.
 */
export type AuditRecorder = <K extends AuditKind>(kind: K, actor: AuditActorOf<K>, details: AuditDetailsOf<K>) => void;

export function auditRecorder(log: AuditLog, onFailure: (kind: AuditKind, error: unknown) => void): AuditRecorder {
  return (kind, actor, details) => {
    try {
      log.append(kind, actor, details);
    } catch (error) {
      onFailure(kind, error);
    }
  };
}

export interface AuditLogDeps {
  readonly db: DeviceDatabase;
  readonly now: () => number;
  /** The sync engine's, once enrolled (it also wakes sync, so the hub learns of a lockout soon); the outbox's before. */
  readonly recordMutation: RecordMutation;
}

function parseEvent(kind: AuditKind, actor: unknown, details: unknown): AuditEvent {
  const parsed = AuditEvent.safeParse({ kind, actor, details });
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  // The path and the rule only: the value may be exactly the secret the schema kept out.
  throw new AuditEventError(`${kind}: ${first ? `${first.path.join('.') || '(event)'}: ${first.code}` : 'not a valid audit event'}`);
}

function rowOf(chain: number, entry: AuditEntry): AuditLogRow {
  return {
    chain,
    seq: entry.seq,
    deviceId: entry.deviceId,
    at: entry.at,
    kind: entry.event.kind,
    actorKind: entry.event.actor?.kind ?? null,
    actorId: entry.event.actor?.id ?? null,
    details: canonicalJson(entry.event.details),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

/**
 * Seals the next entry after the current head and records it. Reading the head and writing the entry happen in one
 * synchronous run on the store's only connection, so no other append can come between them; the (chain, seq) primary
 * key would refuse the second of two that did, rolling back its outbox row with it.
 */
function appendEvent(db: DeviceDatabase, event: AuditEvent, at: number, record: RecordMutation, options: { readonly newChain: boolean }): AuditEntry {
  const head = storeQueriesOf(db).auditLog.head();
  const startsChain = head === null || options.newChain;
  const chain = head === null ? 1 : options.newChain ? head.chain + 1 : head.chain;
  const unsealed = {
    deviceId: storeQueriesOf(db).syncState.get().deviceId,
    seq: startsChain ? 1 : (head?.seq ?? 0) + 1,
    at,
    event,
    prevHash: startsChain ? auditGenesisHash : (head?.hash ?? auditGenesisHash),
  };
  const entry: AuditEntry = { ...unsealed, hash: auditEntryHash(hashedFieldsOf(unsealed)) };
  record('appendAuditEntry', entry, (store) => storeQueriesOf(store).auditLog.insert(rowOf(chain, entry)));
  return entry;
}

export function createAuditLog({ db, now, recordMutation }: AuditLogDeps): AuditLog {
  return {
    append(kind, actor, details) {
      return appendEvent(db, parseEvent(kind, actor, details), now(), recordMutation, { newChain: false });
    },
  };
}

/**
 * The device was enrolled again under a new id (main/sync/identity.ts, inside its transaction, once the new id is
 * stored and the outbox renumbered). The hub keeps one chain per device id from seq 1, so the old chain's unsent
 * entries cannot join the new id's: identity.ts drops their outbox rows (the entries themselves stay in audit_log) and
 * passes their count, and a new chain starts with an entry naming where the old one ended and how many of its entries
 * never left this device. Nothing to do when nothing was ever logged.
 */
export function restartAuditChain(db: DeviceDatabase, options: { readonly at: number; readonly unsentEntries: number }): AuditEntry | null {
  const head = storeQueriesOf(db).auditLog.head();
  if (head === null) return null;
  const event = parseEvent('chainRestarted', null, { previousDeviceId: head.deviceId, previousSeq: head.seq, previousHash: head.hash, unsentEntries: options.unsentEntries });
  return appendEvent(db, event, options.at, (name, args, localEffect) => recordStraightIntoOutbox(db, name, args, localEffect, { now: options.at }), { newChain: true });
}

/** Checks the device's own copy of its current chain (support, and the tests): the same walk verify-audit does at the hub. */
export function verifyLocalAuditChain(db: DeviceDatabase): { readonly chain: number; readonly entries: number; readonly problem: AuditChainProblem | null } {
  const queries = storeQueriesOf(db).auditLog;
  const head = queries.head();
  if (head === null) return { chain: 1, entries: 0, problem: null };
  const rows: AuditLogRow[] = [];
  for (let page = queries.entries(head.chain, 0, 1000); page.length > 0; page = queries.entries(head.chain, page.at(-1)?.seq ?? 0, 1000)) rows.push(...page);
  const result = verifyAuditChain(
    rows.map((row) => ({
      deviceId: row.deviceId,
      seq: row.seq,
      at: row.at,
      kind: row.kind,
      actor: row.actorKind === null || row.actorId === null ? null : { kind: row.actorKind, id: row.actorId },
      details: JSON.parse(row.details) as unknown,
      prevHash: row.prevHash,
      hash: row.hash,
    })),
  );
  return { chain: head.chain, entries: rows.length, problem: result.problem };
}
