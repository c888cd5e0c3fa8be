// The device's audit log (docs/security.md §9 "The audit log and its hash chain"): sign-ins, wrong PINs, lockouts and staff actions, each entry carrying
// the hash of the one before (hub/protocol/audit.ts defines the entry, its canonical encoding and the hash, so the
// hub recomputes exactly what was written here). An entry and the outbox mutation that carries it to the hub are
// written in one transaction: both are on disk, or neither.
//
// Nothing free-form goes in. Every kind has a strict details schema (enums, counts, times, ids), and an actor is a
// record id; a caller that passes anything else — a PIN, a card number, a sentence — gets an AuditEventError before
// anything is written, and the error names the field, never its value.
import { verifyAuditChain, type AuditActorOf, type AuditChainProblem, type AuditDetailsOf, type AuditEntry, type AuditKind } from '../../hub/protocol';
import type { AuditLogRow } from '../store/audit-log';
import type { DeviceDatabase } from '../store/database';
import { storeQueriesOf } from '../store/store-queries';
import { appendAuditEvent, parseAuditEvent } from '../sync/audit-chain';
import type { RecordMutation } from '../sync/outbox';

// The chain itself (sealing, and restarting it under a new device id) is sync's: main/sync/audit-chain.ts.
export { AuditEventError } from '../sync/audit-chain';

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

export function createAuditLog({ db, now, recordMutation }: AuditLogDeps): AuditLog {
  return {
    append(kind, actor, details) {
      return appendAuditEvent(db, parseAuditEvent(kind, actor, details), now(), recordMutation, { newChain: false });
    },
  };
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
