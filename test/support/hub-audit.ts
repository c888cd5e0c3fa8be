// Hub-side checks for the device ↔ real hub tests, read straight from the hub's tables: what the hub recorded for
// each of a device's mutations and the effects it left (messages by id, ledger entries by reference, purchases by
// request id), compared with the device's own outbox; and the ledgers' running balances in commit order.
import type { SqlExecutor } from '../../hub/db/database';
import { Mutation, messageCost, type RefusalCode } from '../../hub/protocol/index';
import type { DeviceDatabase } from '../../main/store/database';
import { syncStateQueries } from '../../main/store/sync-state';
import { residentMutations } from '../../main/sync/outbox';
import { localEffectsTable } from './synced-device';

export interface OutboxRow {
  readonly mutation_id: number;
  readonly name: string;
  readonly args: string;
  /** Null for the device's own mutations (audit entries). */
  readonly resident_id: string | null;
  readonly status: 'pending' | 'applied' | 'refused';
  readonly result_code: string | null;
  readonly result_reason: string | null;
}

export function outboxRows(db: DeviceDatabase): OutboxRow[] {
  return db.prepare<[], OutboxRow>('SELECT mutation_id, name, args, resident_id, status, result_code, result_reason FROM outbox ORDER BY mutation_id').all();
}

export interface HubMutationRow {
  readonly mutation_id: number;
  readonly name: string;
  readonly status: 'applied' | 'refused';
  readonly refusal_code: RefusalCode | null;
  readonly reason: string | null;
}

export async function hubMutationResults(db: SqlExecutor, deviceId: string): Promise<HubMutationRow[]> {
  return db.query<HubMutationRow>('SELECT mutation_id, name, status, refusal_code, reason FROM device_mutations WHERE device_id = $1 ORDER BY mutation_id', [
    deviceId,
  ]);
}

export async function hubLastMutationId(db: SqlExecutor, deviceId: string): Promise<number> {
  const [row] = await db.query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM devices WHERE device_id = $1', [deviceId]);
  if (row === undefined) throw new Error(`no device ${deviceId}`);
  return row.last_mutation_id;
}

async function countOf(db: SqlExecutor, sql: string, params: (string | number)[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql, params);
  return Number(row?.n ?? 0);
}

export interface ExactlyOnceReport {
  /** Every way the device's outbox and the hub disagree; empty when each accepted mutation happened exactly once. */
  readonly problems: string[];
  readonly mutations: number;
  readonly applied: number;
  readonly refusedByCode: Record<string, number>;
}

/**
 * Compares a device's outbox with what the hub did. `complete` means no evict ever removed settled rows from this
 * outbox, so it must hold ids 1..n without a hole and the hub must know no id beyond them.
 */
export async function checkExactlyOnce(
  hubDb: SqlExecutor,
  device: { readonly db: DeviceDatabase; readonly deviceId: string },
  options: { complete: boolean },
): Promise<ExactlyOnceReport> {
  const problems: string[] = [];
  const rows = outboxRows(device.db);
  const hubRows = new Map((await hubMutationResults(hubDb, device.deviceId)).map((row) => [row.mutation_id, row]));
  const lastMutationId = await hubLastMutationId(hubDb, device.deviceId);
  const refusedByCode: Record<string, number> = {};
  let applied = 0;

  const effects = new Set(
    device.db
      .prepare<[], { mutation_id: number }>(`SELECT mutation_id FROM ${localEffectsTable}`)
      .all()
      .map((row) => row.mutation_id),
  );
  const highest = rows.at(-1)?.mutation_id ?? 0;
  if (options.complete) {
    rows.forEach((row, index) => {
      if (row.mutation_id !== index + 1) problems.push(`outbox ids are not 1..n: position ${index + 1} holds ${row.mutation_id}`);
    });
    if (effects.size !== rows.length) problems.push(`${effects.size} local effects for ${rows.length} outbox rows`);
    if (hubRows.size !== rows.length) problems.push(`the hub recorded ${hubRows.size} mutations of this device; its outbox holds ${rows.length}`);
  }
  // The device's high-water mark: an evict may have cleared the newest settled rows from the outbox, never this.
  const handedOut = syncStateQueries(device.db).get().lastMutationId;
  if (lastMutationId !== handedOut) problems.push(`the hub's lastMutationId is ${lastMutationId}; the device has handed out ids up to ${handedOut}`);
  if (options.complete && highest !== handedOut) problems.push(`the outbox's highest mutation is ${highest}; the device has handed out ids up to ${handedOut}`);

  const rules = await hubDb.query<{ characters_per_stamp: number; stamps_per_attachment: number }>(
    'SELECT s.characters_per_stamp, s.stamps_per_attachment FROM sites s JOIN devices d ON d.site_id = s.site_id WHERE d.device_id = $1',
    [device.deviceId],
  );
  const stampRules = { charactersPerStamp: rules[0]?.characters_per_stamp ?? 2000, stampsPerAttachment: rules[0]?.stamps_per_attachment ?? 1 };

  for (const row of rows) {
    const id = row.mutation_id;
    if (!effects.has(id)) problems.push(`mutation ${id} has no local effect`);
    const mutation = Mutation.safeParse({ id, name: row.name, args: JSON.parse(row.args) as unknown });
    if (!mutation.success) {
      problems.push(`mutation ${id} no longer parses`);
      continue;
    }
    if (row.status === 'pending') {
      problems.push(`mutation ${id} (${row.name}) is still pending`);
      continue;
    }
    const hub = hubRows.get(id);
    if (hub === undefined) {
      problems.push(`the hub has no result for mutation ${id}`);
      continue;
    }
    if (hub.name !== row.name) problems.push(`mutation ${id}: the hub recorded ${hub.name}, the device sent ${row.name}`);
    if (hub.status !== row.status || (hub.refusal_code ?? null) !== row.result_code || (hub.reason ?? null) !== row.result_reason) {
      problems.push(
        `mutation ${id}: the hub says ${hub.status} ${hub.refusal_code ?? ''} "${hub.reason ?? ''}", the outbox says ${row.status} ${row.result_code ?? ''} "${row.result_reason ?? ''}"`,
      );
    }
    if (row.status === 'refused') {
      refusedByCode[row.result_code ?? '?'] = (refusedByCode[row.result_code ?? '?'] ?? 0) + 1;
      if (row.result_code === null || row.result_reason === null || row.result_reason.trim() === '')
        problems.push(`mutation ${id} was refused without a code and a reason`);
      // What the person's screens read.
      if (row.resident_id !== null) {
        const shown = residentMutations(device.db, row.resident_id, 10_000).find((entry) => entry.mutationId === id);
        if (shown?.outcome.status !== 'refused' || shown.outcome.reason !== row.result_reason)
          problems.push(`mutation ${id}'s refusal is not what the resident's screens show`);
      }
    } else {
      applied += 1;
    }
    const isApplied = row.status === 'applied';

    const m = mutation.data;
    switch (m.name) {
      case 'sendMessage': {
        const messages = await hubDb.query<{ sent_by_device_id: string | null; body: string; stamps_charged: number }>(
          'SELECT sent_by_device_id, body, stamps_charged FROM messages WHERE message_id = $1',
          [m.args.messageId],
        );
        const entries = await countOf(hubDb, "SELECT count(*) AS n FROM stamp_ledger WHERE kind = 'messageSent' AND reference = $1", [m.args.messageId]);
        if (isApplied) {
          const [message] = messages;
          if (messages.length !== 1 || message === undefined) problems.push(`sendMessage ${id}: ${messages.length} messages at the hub with its id`);
          else {
            if (message.sent_by_device_id !== device.deviceId || message.body !== m.args.body)
              problems.push(`sendMessage ${id}: the hub's message is not the one sent`);
            const cost = messageCost(m.args.body, 0, m.args.useReturnStamp, stampRules).fromOwnStamps;
            if (message.stamps_charged !== cost) problems.push(`sendMessage ${id}: charged ${message.stamps_charged} stamps, costs ${cost}`);
            if (entries !== (cost > 0 ? 1 : 0)) problems.push(`sendMessage ${id}: ${entries} messageSent ledger entries`);
          }
        } else if (row.result_code !== 'duplicateMessageId') {
          if (messages.length !== 0) problems.push(`sendMessage ${id} was refused, yet the hub holds its message`);
          if (entries !== 0) problems.push(`sendMessage ${id} was refused, yet ${entries} stamps were charged for it`);
        }
        break;
      }
      case 'buyStamps': {
        const purchases = await countOf(hubDb, 'SELECT count(*) AS n FROM stamp_purchases WHERE request_id = $1', [m.args.requestId]);
        const debits = await countOf(hubDb, "SELECT count(*) AS n FROM debit_ledger WHERE kind = 'stampPurchase' AND reference = $1", [m.args.requestId]);
        const stamps = await countOf(hubDb, "SELECT count(*) AS n FROM stamp_ledger WHERE kind = 'purchase' AND reference = $1", [m.args.requestId]);
        const expected = isApplied ? 1 : 0;
        if (purchases !== expected || debits !== expected || stamps !== expected) {
          problems.push(
            `buyStamps ${id} (${row.status}): ${purchases} purchases, ${debits} debit entries, ${stamps} stamp entries at the hub; expected ${expected} of each`,
          );
        }
        break;
      }
      case 'markRead': {
        if (isApplied) {
          const [message] = await hubDb.query<{ status: string }>('SELECT status FROM messages WHERE message_id = $1', [m.args.messageId]);
          if (message?.status !== 'read') problems.push(`markRead ${id} was applied, yet the message is ${message?.status ?? 'missing'}`);
        }
        break;
      }
      case 'chooseLanguage': {
        // Applied, the hub keeps this choice or a newer one, so the record has a choice time; refused, it says nothing.
        if (isApplied) {
          const [resident] = await hubDb.query<{ language_chosen_at: number | null }>('SELECT language_chosen_at FROM residents WHERE resident_id = $1', [
            m.args.residentId,
          ]);
          if (resident?.language_chosen_at === null || resident?.language_chosen_at === undefined)
            problems.push(`chooseLanguage ${id} was applied, yet the hub's record has no choice time`);
        }
        break;
      }
      case 'appendAuditEntry': {
        // Applied or refused, the hub keeps the entry: in the chain, or aside.
        const inChain = await countOf(hubDb, 'SELECT count(*) AS n FROM audit_entries WHERE device_id = $1 AND seq = $2 AND hash = $3', [
          device.deviceId,
          m.args.seq,
          m.args.hash,
        ]);
        const aside = await countOf(hubDb, 'SELECT count(*) AS n FROM audit_entries_set_aside WHERE device_id = $1 AND mutation_id = $2', [
          device.deviceId,
          id,
        ]);
        if (inChain + aside !== 1)
          problems.push(`appendAuditEntry ${id} (seq ${m.args.seq}): ${inChain} chain rows and ${aside} set-aside rows at the hub; expected one`);
        break;
      }
      default: {
        const unknownMutation: never = m;
        throw new Error(`unknown mutation ${JSON.stringify(unknownMutation)}`);
      }
    }
  }

  if (options.complete) {
    const sentByDevice = await countOf(hubDb, 'SELECT count(*) AS n FROM messages WHERE sent_by_device_id = $1', [device.deviceId]);
    const appliedSends = rows.filter((row) => row.name === 'sendMessage' && row.status === 'applied').length;
    if (sentByDevice !== appliedSends)
      problems.push(`the hub holds ${sentByDevice} messages from this device; ${appliedSends} sendMessage mutations were applied`);
    const purchases = await countOf(hubDb, 'SELECT count(*) AS n FROM stamp_purchases WHERE device_id = $1', [device.deviceId]);
    const appliedBuys = rows.filter((row) => row.name === 'buyStamps' && row.status === 'applied').length;
    if (purchases !== appliedBuys) problems.push(`the hub holds ${purchases} purchases from this device; ${appliedBuys} buyStamps mutations were applied`);
  }
  return { problems, mutations: rows.length, applied, refusedByCode };
}

export interface RunningBalances {
  /** Balances after each ledger write, in commit order (the change log's order). */
  readonly stamps: number[];
  readonly cents: number[];
}

/**
 * Replays both ledgers of a resident in the order their entries were committed (each entry is published in the
 * transaction that writes it, and the change log's order is commit order), giving the balance after every write.
 */
export async function runningBalances(db: SqlExecutor, residentId: string): Promise<RunningBalances> {
  const rows = await db.query<{ entity: 'stampEntry' | 'debitEntry'; record_id: string; first_seq: number }>(
    `SELECT entity, record_id, min(seq) AS first_seq FROM change_log
      WHERE entity IN ('stampEntry', 'debitEntry') AND op = 'upsert' AND data->>'residentId' = $1
      GROUP BY entity, record_id ORDER BY first_seq`,
    [residentId],
  );
  const amounts = new Map<string, number>();
  for (const [entity, table] of [
    ['stampEntry', 'stamp_ledger'],
    ['debitEntry', 'debit_ledger'],
  ] as const) {
    for (const entry of await db.query<{ entry_id: string; amount: number }>(`SELECT entry_id, amount FROM ${table} WHERE resident_id = $1`, [residentId]))
      amounts.set(`${entity}:${entry.entry_id}`, entry.amount);
  }
  if (amounts.size !== rows.length) throw new Error(`${amounts.size} ledger entries, ${rows.length} of them in the change log`);
  let stamps = 0;
  let cents = 0;
  const result = { stamps: [] as number[], cents: [] as number[] };
  for (const row of rows) {
    const amount = amounts.get(`${row.entity}:${row.record_id}`);
    if (amount === undefined) throw new Error(`change log entry ${row.record_id} is not in the ledger`);
    if (row.entity === 'stampEntry') {
      stamps += amount;
      result.stamps.push(stamps);
    } else {
      cents += amount;
      result.cents.push(cents);
    }
  }
  return result;
}
