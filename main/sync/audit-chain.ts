// How an audit entry is sealed into the device's chain and its outbox mutation written (main/audit/audit-log.ts is
// the log the services record into). It is sync's because the chain belongs to the device's identity at the hub: when
// the device is enrolled again under a new id, identity.ts must start a new chain inside the same transaction that
// renumbers the outbox, and sync may not reach up into the audit service to do it.
import { AuditEvent, auditEntryHash, auditGenesisHash, canonicalJson, hashedFieldsOf, type AuditEntry, type AuditKind } from '../../hub/protocol';
import type { AuditLogRow } from '../store/audit-log';
import { storeQueriesOf } from '../store/store-queries';
import type { DeviceDatabase } from '../store/database';
import { recordMutation as recordStraightIntoOutbox, type RecordMutation } from './outbox';

/** An event the audit schema refuses: a bug in the caller, caught before anything is written. */
export class AuditEventError extends Error {
  override readonly name = 'AuditEventError';
}

export function parseAuditEvent(kind: AuditKind, actor: unknown, details: unknown): AuditEvent {
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
export function appendAuditEvent(
  db: DeviceDatabase,
  event: AuditEvent,
  at: number,
  record: RecordMutation,
  options: { readonly newChain: boolean },
): AuditEntry {
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

/**
 * The device was enrolled again under a new id (identity.ts, inside its transaction, once the new id is
 * stored and the outbox renumbered). The hub keeps one chain per device id from seq 1, so the old chain's unsent
 * entries cannot join the new id's: identity.ts drops their outbox rows (the entries themselves stay in audit_log) and
 * passes their count, and a new chain starts with an entry naming where the old one ended and how many of its entries
 * never left this device. Nothing to do when nothing was ever logged.
 */
export function restartAuditChain(db: DeviceDatabase, options: { readonly at: number; readonly unsentEntries: number }): AuditEntry | null {
  const head = storeQueriesOf(db).auditLog.head();
  if (head === null) return null;
  const event = parseAuditEvent('chainRestarted', null, {
    previousDeviceId: head.deviceId,
    previousSeq: head.seq,
    previousHash: head.hash,
    unsentEntries: options.unsentEntries,
  });
  return appendAuditEvent(db, event, options.at, (name, args, localEffect) => recordStraightIntoOutbox(db, name, args, localEffect, { now: options.at }), {
    newChain: true,
  });
}
