// The audit log end to end (issue 7): a kiosk runtime — real store, real session machine, real sync engine — against
// the real hub on loopback, on PGlite and on a real PostgreSQL server. Cards nobody holds, five wrong PINs and the
// lockout, a locked-out card, a sign-in and a sign-out are appended on the device, synced, and verify-audit at the hub
// says the chain is intact; a row changed in the hub's database is named by its seq; a push repeated after a lost
// answer stores nothing twice; an entry that does not continue the chain is stored, marked and refused in words.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../../../hub/commands/run';
import { auditEntryHash, hashedFieldsOf, type AuditEntry, type Mutation } from '../../../hub/protocol/index';
import { applyPush } from '../../../hub/services/index';
import type { CallName, SessionView } from '../../../main/contract';
import { createDeviceLogger } from '../../../main/logging';
import { createDeviceRuntime, type DeviceRuntime } from '../../../main/runtime';
import { verifyLocalAuditChain } from '../../../main/audit/audit-log';
import { syncStateQueries } from '../../../main/store/sync-state';
import { testSiteConfig } from '../../support/device-fixture';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { makeTempDir } from '../../support/temp-dir';
import { enroll, seedFacility, startTestHub, type TestHub } from '../hub/fixture';
import { issueEnrollmentCode } from '../../../hub/services/index';
import { fakeScanner } from '../../support/fake-scanner';

useHubDatabases();

let testHub: TestHub | null = null;
let runtime: DeviceRuntime | null = null;
let dir: ReturnType<typeof makeTempDir> | null = null;
afterEach(async () => {
  await runtime?.stop();
  await testHub?.close();
  dir?.remove();
  runtime = null;
  testHub = null;
  dir = null;
});

function nextView(device: DeviceRuntime, predicate: (view: SessionView) => boolean): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching session.changed event')), 10_000);
    const stop = device.bridge.onEvent((name, payload) => {
      if (name === 'session.changed' && predicate(payload as SessionView)) {
        clearTimeout(timer);
        stop();
        resolve(payload as SessionView);
      }
    });
  });
}

async function cli(hub: TestHub, args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {}, database: hub.hub.database, now: hub.clock.now });
  return { code, out, err };
}

async function syncUntilPushed(device: DeviceRuntime): Promise<void> {
  for (let cycle = 0; cycle < 20; cycle++) {
    device.sync?.send({ type: 'SYNC_NOW' });
    const status = await device.sync?.whenResting();
    if (status?.state === 'idle' && status.pendingMutations === 0) return;
  }
  throw new Error('the device did not push everything');
}

/** The hub's trigger refuses changes to audit rows; someone with the database's owner rights can switch it off first. */
async function tamper(hub: TestHub, sql: string, params: (string | number)[]): Promise<void> {
  await hub.hub.database.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
  });
}

describe.each(hubBackends)('the audit log, device to hub (%s)', (backend) => {
  it('sign-in events reach the hub as an intact chain; a changed row is named by its seq', async () => {
    testHub = await startTestHub(backend);
    const facility = await seedFacility(testHub.hub);
    const code = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    dir = makeTempDir();
    const scanner = fakeScanner();
    const config = testSiteConfig('/dev/null', {
      credentials: { resident: { pattern: '^(B\\d{4})$', symbologies: ['code39'] }, staff: { pattern: '^(STAFF-\\d+)$' } },
    });
    const device = await createDeviceRuntime({
      config,
      dataDir: join(dir.path, 'data'),
      readers: [scanner.reader],
      random: () => 0.5,
      logger: createDeviceLogger({ dataDir: null }),
    });
    runtime = device;
    const enrolled = await device.enroll(testHub.url, code.code);
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    await syncUntilPushed(device);
    const call = (name: CallName, input: unknown = {}) => device.bridge.call(name, input);

    // A card no one here holds.
    let view = nextView(device, (next) => next.phase === 'attract' && next.notice === 'cardNotRecognized');
    scanner.scan('B9999');
    await view;

    // Ana: five wrong PINs, locked out; her card again while locked out.
    view = nextView(device, (next) => next.phase === 'pinEntry');
    scanner.scan(facility.ana.credential_id);
    await view;
    for (let attempt = 1; attempt <= 4; attempt++)
      await expect(call('session.enterPin', { pin: '0000' })).resolves.toMatchObject({ ok: true, value: { notice: 'wrongPin' } });
    await expect(call('session.enterPin', { pin: '0000' })).resolves.toMatchObject({ ok: true, value: { phase: 'lockedOut' } });
    await call('session.cancel');
    view = nextView(device, (next) => next.phase === 'lockedOut');
    scanner.scan(facility.ana.credential_id);
    await view;
    await call('session.cancel');

    // Ben signs in and out.
    view = nextView(device, (next) => next.phase === 'pinEntry');
    scanner.scan(facility.ben.credential_id);
    await view;
    await expect(call('session.enterPin', { pin: '2345' })).resolves.toMatchObject({ ok: true, value: { phase: 'signedIn' } });
    await call('session.signOut');
    // A card no rule accepts (after the sign-out notice, so the screen has a change to announce).
    view = nextView(device, (next) => next.phase === 'attract' && next.notice === 'cardNotRecognized');
    scanner.scan('not a card');
    await view;

    await syncUntilPushed(device);
    const deviceId = syncStateQueries(device.database).get().deviceId;
    if (deviceId === null) throw new Error('not enrolled');
    const kinds = await testHub.hub.database.query<{ seq: number; kind: string; actor_id: string | null; details: string; link: string }>(
      'SELECT seq, kind, actor_id, details, link FROM audit_entries WHERE device_id = $1 ORDER BY seq',
      [deviceId],
    );
    expect(kinds.map((row) => [row.seq, row.kind, row.actor_id, JSON.parse(row.details) as unknown, row.link])).toEqual([
      [1, 'credentialUnrecognized', null, { reader: 'front-scanner', reason: 'notKnownHere' }, 'linked'],
      [2, 'pinRejected', facility.ana.resident_id, { attemptsLeft: 4 }, 'linked'],
      [3, 'pinRejected', facility.ana.resident_id, { attemptsLeft: 3 }, 'linked'],
      [4, 'pinRejected', facility.ana.resident_id, { attemptsLeft: 2 }, 'linked'],
      [5, 'pinRejected', facility.ana.resident_id, { attemptsLeft: 1 }, 'linked'],
      [6, 'pinRejected', facility.ana.resident_id, { attemptsLeft: 0 }, 'linked'],
      [7, 'lockedOut', facility.ana.resident_id, { until: expect.any(Number) as number }, 'linked'],
      [8, 'lockedOutAttempt', facility.ana.resident_id, { until: expect.any(Number) as number }, 'linked'],
      [9, 'signIn', facility.ben.resident_id, {}, 'linked'],
      [10, 'signOut', facility.ben.resident_id, { reason: 'signedOut' }, 'linked'],
      [11, 'credentialUnrecognized', null, { reader: 'front-scanner', reason: 'notAPersonCard' }, 'linked'],
    ]);
    // Nothing of a PIN or a card in what the hub holds (the hashes and uuids are hex, so they are left out of the search).
    const secrets = ['0000', '2345', 'B9999', 'not a card', facility.ana.credential_id, facility.ben.credential_id];
    for (const row of kinds) {
      for (const secret of secrets) expect(`${row.kind} ${row.details}`).not.toContain(secret);
      expect(secrets).not.toContain(row.actor_id);
    }
    expect(verifyLocalAuditChain(device.database)).toEqual({ chain: 1, entries: 11, problem: null });

    const intact = await cli(testHub, ['verify-audit', '--device', deviceId]);
    expect(intact).toEqual({ code: 0, out: [`Test Kiosk (${deviceId}): 11 entries, chain intact.`], err: [] });
    // Without --device: every device of the site that has a log.
    await expect(cli(testHub, ['verify-audit'])).resolves.toMatchObject({ code: 0, out: [`Test Kiosk (${deviceId}): 11 entries, chain intact.`] });

    await tamper(testHub, 'UPDATE audit_entries SET details = $3 WHERE device_id = $1 AND seq = $2', [deviceId, 5, '{"attemptsLeft":4}']);
    const broken = await cli(testHub, ['verify-audit', '--device', deviceId]);
    expect(broken.code).toBe(1);
    expect(broken.out).toEqual([
      `Test Kiosk (${deviceId}): BROKEN at seq 5: hash mismatch — its fields do not hash to its stored hash (changed after it was written). 4 entries before it verified; 11 stored.`,
    ]);

    await tamper(testHub, 'DELETE FROM audit_entries WHERE device_id = $1 AND seq = $2', [deviceId, 3]);
    const gap = await cli(testHub, ['verify-audit', '--device', deviceId]);
    expect(gap.code).toBe(1);
    expect(gap.out[0]).toContain('BROKEN at seq 3: gap — entry 3 is missing (the next stored entry is seq 4)');

    await expect(cli(testHub, ['verify-audit', '--device', 'no-such-device'])).resolves.toMatchObject({
      code: 1,
      err: ['There is no device no-such-device (see devices).'],
    });
  }, 60_000);

  it('a push repeated after a lost answer stores nothing twice; entries that break the chain are kept and refused in words', async () => {
    testHub = await startTestHub(backend);
    const facility = await seedFacility(testHub.hub);
    const device = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const actor = { kind: 'resident', id: facility.ana.resident_id } as const;
    const seal = (seq: number, prevHash: string, details: { attemptsLeft: number }): AuditEntry => {
      const unsealed = { deviceId: device.deviceId, seq, at: 1_000 + seq, event: { kind: 'pinRejected' as const, actor, details }, prevHash };
      return { ...unsealed, hash: auditEntryHash(hashedFieldsOf(unsealed)) };
    };
    const first = seal(1, '0'.repeat(64), { attemptsLeft: 4 });
    const second = seal(2, first.hash, { attemptsLeft: 3 });
    const asMutation = (id: number, entry: AuditEntry): Mutation => ({ id, name: 'appendAuditEntry', args: entry });

    const batch = [asMutation(1, first), asMutation(2, second)];
    await expect(applyPush(testHub.hub, device.deviceId, batch)).resolves.toMatchObject({ kind: 'accepted', lastMutationId: 2 });
    // The answer was lost; the device sends the same batch again.
    await expect(applyPush(testHub.hub, device.deviceId, batch)).resolves.toEqual({
      kind: 'accepted',
      lastMutationId: 2,
      results: [
        { id: 1, status: 'applied' },
        { id: 2, status: 'applied' },
      ],
    });
    const count = async (table: string) =>
      (await testHub?.hub.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE device_id = $1`, [device.deviceId]))?.[0]?.n;
    expect(await count('audit_entries')).toBe(2);

    // The same entry again under a new mutation id (renumbered): nothing new. A different entry under seq 2: kept aside.
    const forged = seal(2, first.hash, { attemptsLeft: 0 });
    const third = seal(3, second.hash, { attemptsLeft: 2 });
    const gapped = seal(5, third.hash, { attemptsLeft: 1 });
    const relinked = seal(6, first.hash, { attemptsLeft: 0 });
    const outcome = await applyPush(testHub.hub, device.deviceId, [
      asMutation(3, second),
      asMutation(4, forged),
      asMutation(5, third),
      asMutation(6, gapped),
      asMutation(7, relinked),
    ]);
    expect(outcome).toMatchObject({
      kind: 'accepted',
      results: [
        { id: 3, status: 'applied' },
        { id: 4, status: 'refused', code: 'auditSeqTaken' },
        { id: 5, status: 'applied' },
        { id: 6, status: 'refused', code: 'auditSeqNotNext', reason: 'Audit entry 5 does not follow entry 3, the last the hub holds; it was kept and marked.' },
        { id: 7, status: 'refused', code: 'auditPrevHashMismatch' },
      ],
    });
    expect(await count('audit_entries')).toBe(5);
    expect(await count('audit_entries_set_aside')).toBe(1);
    const report = await cli(testHub, ['verify-audit', '--device', device.deviceId]);
    expect(report.code).toBe(1);
    expect(report.out).toEqual([
      expect.stringContaining(
        `(${device.deviceId}): BROKEN at seq 4: gap — entry 4 is missing (the next stored entry is seq 5). 3 entries before it verified; 5 stored.`,
      ),
      '  1 entry was kept aside on arrival; the first, seq 2: a different entry under a seq the hub already held.',
    ]);
  });
});
