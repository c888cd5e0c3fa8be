// Queries over the outbox: the mutations this device owes the hub, and what the hub answered for each.
// Arguments are stored as the JSON the hub will receive; parsing them back is the sync layer's job.
import type { DeviceDatabase } from './database';

export type OutboxStatus = 'pending' | 'applied' | 'refused';

export interface OutboxEntry {
  readonly mutationId: number;
  readonly name: string;
  readonly argsJson: string;
  /** Whose action it is; null for the device's own (audit entries), which no person's screens list. */
  readonly residentId: string | null;
  readonly createdAt: number;
  readonly status: OutboxStatus;
  readonly resultCode: string | null;
  readonly resultReason: string | null;
  /** The hub's figures for a refusal, as the JSON it sent (hub/protocol RefusalFigures); null when it sent none. */
  readonly resultFigures: string | null;
  readonly settledAt: number | null;
}

export type OutboxSettlement =
  | { readonly status: 'applied' }
  | { readonly status: 'refused'; readonly code: string; readonly reason: string; readonly figures: Readonly<Partial<Record<string, number>>> | null };

interface OutboxRow {
  mutation_id: number;
  name: string;
  args: string;
  resident_id: string | null;
  created_at: number;
  status: OutboxStatus;
  result_code: string | null;
  result_reason: string | null;
  result_figures: string | null;
  settled_at: number | null;
}

const toEntry = (row: OutboxRow): OutboxEntry => ({
  mutationId: row.mutation_id,
  name: row.name,
  argsJson: row.args,
  residentId: row.resident_id,
  createdAt: row.created_at,
  status: row.status,
  resultCode: row.result_code,
  resultReason: row.result_reason,
  resultFigures: row.result_figures,
  settledAt: row.settled_at,
});

export interface OutboxQueries {
  insert(entry: { mutationId: number; name: string; argsJson: string; residentId: string | null; createdAt: number }): void;
  /** The oldest pending mutations, in id order: the order the hub must apply them in. */
  pending(limit: number): OutboxEntry[];
  pendingCount(): number;
  pendingCountFor(residentId: string): number;
  byId(mutationId: number): OutboxEntry | null;
  /** Marks a pending mutation done; a mutation already settled keeps its first answer. */
  settle(mutationId: number, settlement: OutboxSettlement, at: number): void;
  /** A resident's mutations, newest first, so their screens can show each one's fate in words. */
  recentFor(residentId: string, limit: number): OutboxEntry[];
  /** Evict: forget what the hub has answered; what it has not yet seen stays. */
  deleteSettledFor(residentId: string): number;
  /** A new device identity: settled history goes, pending mutations are numbered 1..n in their order. */
  renumberPendingFromOne(): number;
  /**
   * The language of this person's newest choice the hub has not answered yet (docs/languages.md §5), or null: a pull keeps
   * it on their record until the hub has heard it, so an update the hub made before hearing it does not undo it here.
   */
  pendingLanguageChoiceFor(residentId: string): string | null;
  /** Drops pending mutations of one kind (a new identity drops the old audit chain's unsent entries; audit_log keeps them). */
  deletePendingNamed(name: string): number;
  maxMutationId(): number;
  /** Mutations from `fromId` on, in id order, whatever the hub answered: what a hub that went back in time lost. */
  from(fromId: number, limit: number): OutboxEntry[];
  /** How many mutations with ids in [fromId, toId] this device still holds. */
  countBetween(fromId: number, toId: number): number;
  /** The newest mutation the hub has answered (0 when none). */
  maxSettledId(): number;
  /** A mutation sent again to a hub that had lost it: the hub's new answer replaces the old one. */
  resettle(mutationId: number, settlement: OutboxSettlement, at: number): void;
}

export function outboxQueries(db: DeviceDatabase): OutboxQueries {
  const insertRow = db.prepare(
    "INSERT INTO outbox (mutation_id, name, args, resident_id, created_at, status) VALUES (@mutationId, @name, @argsJson, @residentId, @createdAt, 'pending')",
  );
  const selectPending = db.prepare<[number], OutboxRow>("SELECT * FROM outbox WHERE status = 'pending' ORDER BY mutation_id LIMIT ?");
  const countPending = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
  const countPendingFor = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND resident_id = ?");
  const selectById = db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE mutation_id = ?');
  const settleRow = db.prepare(
    "UPDATE outbox SET status = @status, result_code = @code, result_reason = @reason, result_figures = @figures, settled_at = @at WHERE mutation_id = @mutationId AND status = 'pending'",
  );
  const selectRecentFor = db.prepare<[string, number], OutboxRow>('SELECT * FROM outbox WHERE resident_id = ? ORDER BY mutation_id DESC LIMIT ?');
  const deleteSettled = db.prepare("DELETE FROM outbox WHERE resident_id = ? AND status <> 'pending'");
  const deleteAllSettled = db.prepare("DELETE FROM outbox WHERE status <> 'pending'");
  const selectPendingIds = db.prepare<[], { mutation_id: number }>("SELECT mutation_id FROM outbox WHERE status = 'pending' ORDER BY mutation_id");
  const moveId = db.prepare('UPDATE outbox SET mutation_id = ? WHERE mutation_id = ?');
  const selectPendingLanguageChoice = db.prepare<[string], { language: string }>(
    "SELECT json_extract(args, '$.language') AS language FROM outbox WHERE status = 'pending' AND name = 'chooseLanguage' AND resident_id = ? ORDER BY mutation_id DESC LIMIT 1",
  );
  const deletePendingByName = db.prepare("DELETE FROM outbox WHERE status = 'pending' AND name = ?");
  const selectMax = db.prepare<[], { n: number }>('SELECT coalesce(max(mutation_id), 0) AS n FROM outbox');
  const selectFrom = db.prepare<[number, number], OutboxRow>('SELECT * FROM outbox WHERE mutation_id >= ? ORDER BY mutation_id LIMIT ?');
  const countBetweenIds = db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM outbox WHERE mutation_id BETWEEN ? AND ?');
  const selectMaxSettled = db.prepare<[], { n: number }>("SELECT coalesce(max(mutation_id), 0) AS n FROM outbox WHERE status <> 'pending'");
  const resettleRow = db.prepare(
    'UPDATE outbox SET status = @status, result_code = @code, result_reason = @reason, result_figures = @figures, settled_at = @at WHERE mutation_id = @mutationId',
  );

  return {
    insert: (entry) => {
      insertRow.run(entry);
    },
    pending: (limit) => selectPending.all(limit).map(toEntry),
    pendingCount: () => countPending.get()?.n ?? 0,
    pendingCountFor: (residentId) => countPendingFor.get(residentId)?.n ?? 0,
    byId: (mutationId) => {
      const row = selectById.get(mutationId);
      return row ? toEntry(row) : null;
    },
    settle: (mutationId, settlement, at) => {
      settleRow.run({
        mutationId,
        status: settlement.status,
        code: settlement.status === 'refused' ? settlement.code : null,
        reason: settlement.status === 'refused' ? settlement.reason : null,
        figures: settlement.status === 'refused' && settlement.figures !== null ? JSON.stringify(settlement.figures) : null,
        at,
      });
    },
    recentFor: (residentId, limit) => selectRecentFor.all(residentId, limit).map(toEntry),
    deleteSettledFor: (residentId) => deleteSettled.run(residentId).changes,
    renumberPendingFromOne: () => {
      deleteAllSettled.run();
      const ids = selectPendingIds.all().map((row) => row.mutation_id);
      // Ascending, so each new id (≤ its old id) is free: every smaller slot is either vacated or already moved.
      ids.forEach((oldId, index) => {
        if (oldId !== index + 1) moveId.run(index + 1, oldId);
      });
      return ids.length;
    },
    pendingLanguageChoiceFor: (residentId) => selectPendingLanguageChoice.get(residentId)?.language ?? null,
    deletePendingNamed: (name) => deletePendingByName.run(name).changes,
    maxMutationId: () => selectMax.get()?.n ?? 0,
    from: (fromId, limit) => selectFrom.all(fromId, limit).map(toEntry),
    countBetween: (fromId, toId) => countBetweenIds.get(fromId, toId)?.n ?? 0,
    maxSettledId: () => selectMaxSettled.get()?.n ?? 0,
    resettle: (mutationId, settlement, at) => {
      resettleRow.run({
        mutationId,
        status: settlement.status,
        code: settlement.status === 'refused' ? settlement.code : null,
        reason: settlement.status === 'refused' ? settlement.reason : null,
        figures: settlement.status === 'refused' && settlement.figures !== null ? JSON.stringify(settlement.figures) : null,
        at,
      });
    },
  };
}
