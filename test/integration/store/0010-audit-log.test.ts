// Migration 0010: the append-only audit_log, and the outbox rebuilt so it can carry audit entries (a new mutation
// name, and no resident). The outbox rows of version 9 come through whole — pending and settled, their results, the
// message-id column and its index — and the mail trigger that reads the outbox still keeps a reply waiting to be sent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { auditGenesisHash } from '../../../hub/protocol/index';
import { createAuditLog, verifyLocalAuditChain } from '../../../main/audit/audit-log';
import { auditLogQueries } from '../../../main/store/audit-log';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { schemaVersion } from '../../../main/store/migrate';
import { outboxQueries } from '../../../main/store/outbox';
import { syncStateQueries } from '../../../main/store/sync-state';
import { pendingMutations, recordMutation, residentMutations } from '../../../main/sync/outbox';
import { adoptDeviceIdentity } from '../../../main/sync/identity';
import { makeTempDir } from '../../support/temp-dir';

let dir: ReturnType<typeof makeTempDir>;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'device.sqlite');
});
afterEach(() => dir.remove());

const sendArgs = (messageId: string) =>
  JSON.stringify({ messageId, residentId: 'r1', contactId: 'c1', body: 'See you Sunday', writtenAt: 5, replyToMessageId: null, useReturnStamp: false });
const insertOutbox =
  'INSERT INTO outbox (mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const insertOutgoing = `INSERT INTO mail_outgoing (message_id, resident_id, contact_id, body, written_at, reply_to_message_id, use_return_stamp, own_stamps)
  VALUES (?, 'r1', 'c1', 'See you Sunday', 5, NULL, 0, 1)`;

const resident = { kind: 'resident', id: 'res-100001' } as const;

function auditLogOf(db: DeviceDatabase, now = () => 1_000) {
  return createAuditLog({ db, now, recordMutation: (name, args, effect) => recordMutation(db, name, args, effect, { now: now() }) });
}

describe('0010 audit log', () => {
  it('carries the version-9 outbox across whole, and the mail trigger still reads it', () => {
    const before = openDeviceDatabase(file, { upToVersion: 9 });
    before
      .prepare(
        "INSERT INTO residents (resident_id, credential_id, display_name, pin_hash, language, updated_at, version) VALUES ('r1', '100001', 'Ana', 'h', 'es', 1, 1)",
      )
      .run();
    before.prepare(insertOutbox).run(1, 'sendMessage', sendArgs('11111111-1111-4111-8111-111111111111'), 'r1', 10, 'applied', null, null, 20);
    before
      .prepare(insertOutbox)
      .run(
        2,
        'buyStamps',
        JSON.stringify({ residentId: 'r1', requestId: '22222222-2222-4222-8222-222222222222', bookSize: 5 }),
        'r1',
        11,
        'refused',
        'notEnoughMoney',
        'Too little money.',
        21,
      );
    before.prepare(insertOutbox).run(3, 'sendMessage', sendArgs('33333333-3333-4333-8333-333333333333'), 'r1', 12, 'pending', null, null, null);
    before.prepare(insertOutgoing).run('11111111-1111-4111-8111-111111111111');
    before.prepare(insertOutgoing).run('33333333-3333-4333-8333-333333333333');
    before.prepare('UPDATE sync_state SET last_mutation_id = 3').run();
    const rowsBefore = before
      .prepare(
        'SELECT mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, message_id FROM outbox ORDER BY mutation_id',
      )
      .all();
    before.close();

    const db = openDeviceDatabase(file, { upToVersion: 10 });
    expect(schemaVersion(db)).toBe(10);
    expect(
      db
        .prepare(
          'SELECT mutation_id, name, args, resident_id, created_at, status, result_code, result_reason, settled_at, message_id FROM outbox ORDER BY mutation_id',
        )
        .all(),
    ).toEqual(rowsBefore);
    const indexes = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all();
    expect(indexes.map((index) => index.name)).toEqual(['outbox_by_message', 'outbox_by_resident', 'outbox_pending']);
    db.close();

    // Today's outbox code reads today's schema (0011 adds a column to the outbox); the rows carried across still read right.
    const latest = openDeviceDatabase(file);
    expect(pendingMutations(latest, 10)).toMatchObject({ ok: true, mutations: [{ id: 3, name: 'sendMessage' }] });
    expect(residentMutations(latest, 'r1').map((mutation) => [mutation.mutationId, mutation.outcome.status])).toEqual([
      [3, 'pending'],
      [2, 'refused'],
      [1, 'applied'],
    ]);

    // The person leaves: the answered reply goes, the one still waiting in the outbox stays to be pushed.
    latest.prepare("DELETE FROM residents WHERE resident_id = 'r1'").run();
    expect(latest.prepare('SELECT message_id FROM mail_outgoing').all()).toEqual([{ message_id: '33333333-3333-4333-8333-333333333333' }]);
    expect(latest.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(latest.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    latest.close();
  });

  it('appends entries chained by hash, each with its outbox row, numbered after the version-9 mutations', () => {
    const before = openDeviceDatabase(file, { upToVersion: 9 });
    before.prepare(insertOutbox).run(1, 'sendMessage', sendArgs('11111111-1111-4111-8111-111111111111'), 'r1', 10, 'pending', null, null, null);
    before.prepare('UPDATE sync_state SET last_mutation_id = 1').run();
    before.close();

    const db = openDeviceDatabase(file);
    const audit = auditLogOf(db);
    const first = audit.append('pinRejected', resident, { attemptsLeft: 4 });
    const second = audit.append('lockedOut', resident, { until: 61_000 });
    expect(first).toMatchObject({ seq: 1, deviceId: null, prevHash: auditGenesisHash });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    const outbox = db
      .prepare<[], { mutation_id: number; name: string; resident_id: string | null }>('SELECT mutation_id, name, resident_id FROM outbox ORDER BY mutation_id')
      .all();
    expect(outbox).toEqual([
      { mutation_id: 1, name: 'sendMessage', resident_id: 'r1' },
      { mutation_id: 2, name: 'appendAuditEntry', resident_id: null },
      { mutation_id: 3, name: 'appendAuditEntry', resident_id: null },
    ]);
    // The person's screens list their own actions, not the device's audit entries about them.
    expect(residentMutations(db, 'res-100001')).toEqual([]);
    expect(pendingMutations(db, 10)).toMatchObject({ ok: true, mutations: [{ id: 1 }, { id: 2, args: first }, { id: 3, args: second }] });
    expect(verifyLocalAuditChain(db)).toEqual({ chain: 1, entries: 2, problem: null });
    db.close();
  });

  it('is append-only, and a refused event leaves neither an entry nor an outbox row', () => {
    const db = openDeviceDatabase(file);
    const audit = auditLogOf(db);
    audit.append('signIn', resident, {});
    expect(() => db.prepare('UPDATE audit_log SET details = \'{"x":1}\'').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    // A PIN where an actor id belongs; a detail the schema does not know. The error names the field, never the value.
    expect(() => audit.append('signIn', { kind: 'resident', id: '4821' }, {})).toThrow(/^signIn: actor\.id: custom$/);
    expect(() => audit.append('pinRejected', resident, { attemptsLeft: 2, pin: '4821' } as { attemptsLeft: number })).toThrow(
      /pinRejected: details: unrecognized_keys/,
    );
    expect(auditLogQueries(db).count()).toBe(1);
    expect(outboxQueries(db).pendingCount()).toBe(1);
    expect(JSON.stringify(db.prepare('SELECT * FROM audit_log').all())).not.toContain('4821');
    db.close();
  });

  it('a new device identity starts a new chain that names where the old one ended; the old entries stay', () => {
    const db = openDeviceDatabase(file);
    adoptDeviceIdentity(db, { deviceId: 'dev-old', hubUrl: 'https://hub.example/' }, { now: 500 });
    const audit = auditLogOf(db);
    const pushed = audit.append('signIn', resident, {});
    outboxQueries(db).settle(1, { status: 'applied' }, 600);
    const unsent = audit.append('signOut', resident, { reason: 'signedOutIdle' });
    expect(adoptDeviceIdentity(db, { deviceId: 'dev-new', hubUrl: 'https://hub.example/' }, { now: 700 })).toBe('replaced');
    const pending = pendingMutations(db, 10);
    expect(pending).toMatchObject({
      ok: true,
      mutations: [
        {
          id: 1,
          name: 'appendAuditEntry',
          args: {
            deviceId: 'dev-new',
            seq: 1,
            prevHash: auditGenesisHash,
            event: {
              kind: 'chainRestarted',
              actor: null,
              details: { previousDeviceId: 'dev-old', previousSeq: 2, previousHash: unsent.hash, unsentEntries: 1 },
            },
          },
        },
      ],
    });
    expect(syncStateQueries(db).get().lastMutationId).toBe(1);
    expect(
      auditLogQueries(db)
        .entries(1, 0, 10)
        .map((row) => row.hash),
    ).toEqual([pushed.hash, unsent.hash]);
    expect(audit.append('signIn', resident, {})).toMatchObject({ seq: 2, deviceId: 'dev-new' });
    expect(verifyLocalAuditChain(db)).toEqual({ chain: 2, entries: 2, problem: null });
    db.close();
  });
});
