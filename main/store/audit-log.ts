// Queries over audit_log (migration 0010): the hash-chained audit entries, append-only. What an entry holds and how
// it is hashed is main/audit/audit-log.ts's and hub/protocol/audit.ts's business; this is the SQL.
import type { DeviceDatabase } from './database';

export interface AuditChainHead {
  readonly chain: number;
  readonly seq: number;
  readonly hash: string;
  readonly deviceId: string | null;
}

/** A stored entry as plain columns; `details` is the canonical JSON text that was hashed. */
export interface AuditLogRow {
  readonly chain: number;
  readonly seq: number;
  readonly deviceId: string | null;
  readonly at: number;
  readonly kind: string;
  readonly actorKind: 'resident' | 'staff' | null;
  readonly actorId: string | null;
  readonly details: string;
  readonly prevHash: string;
  readonly hash: string;
}

interface Row {
  chain: number;
  seq: number;
  device_id: string | null;
  at: number;
  kind: string;
  actor_kind: 'resident' | 'staff' | null;
  actor_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const toEntry = (row: Row): AuditLogRow => ({
  chain: row.chain,
  seq: row.seq,
  deviceId: row.device_id,
  at: row.at,
  kind: row.kind,
  actorKind: row.actor_kind,
  actorId: row.actor_id,
  details: row.details,
  prevHash: row.prev_hash,
  hash: row.hash,
});

export interface AuditLogQueries {
  /** The newest entry of the newest chain, or null when nothing was ever logged. */
  head(): AuditChainHead | null;
  /** Appends; the primary key (chain, seq) refuses a second entry in the same place. */
  insert(row: AuditLogRow): void;
  /** A chain's entries from `afterSeq` on, in seq order. */
  entries(chain: number, afterSeq: number, limit: number): AuditLogRow[];
  count(): number;
}

export function auditLogQueries(db: DeviceDatabase): AuditLogQueries {
  const selectHead = db.prepare<[], { chain: number; seq: number; hash: string; device_id: string | null }>(
    'SELECT chain, seq, hash, device_id FROM audit_log ORDER BY chain DESC, seq DESC LIMIT 1',
  );
  const insertRow = db.prepare(
    `INSERT INTO audit_log (chain, seq, device_id, at, kind, actor_kind, actor_id, details, prev_hash, hash)
     VALUES (@chain, @seq, @deviceId, @at, @kind, @actorKind, @actorId, @details, @prevHash, @hash)`,
  );
  const selectEntries = db.prepare<[number, number, number], Row>('SELECT * FROM audit_log WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?');
  const countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log');
  return {
    head: () => {
      const row = selectHead.get();
      return row ? { chain: row.chain, seq: row.seq, hash: row.hash, deviceId: row.device_id } : null;
    },
    insert: (row) => {
      insertRow.run(row);
    },
    entries: (chain, afterSeq, limit) => selectEntries.all(chain, afterSeq, limit).map(toEntry),
    count: () => countRows.get()?.n ?? 0,
  };
}
