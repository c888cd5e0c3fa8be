// docs/sync.md §15 "What the tests prove", item 5: ledgers balance at every step, under concurrent spending from a kiosk and a
// tablet for the same person.
//
// Ana is served by two devices at once: the A-Pod kiosk (her unit) and her tablet, each a real store on disk with the
// real outbox and push (main/sync/outbox.ts, main/sync/push.ts) over HTTP to the real hub. Round after round the money
// office deposits the price of exactly one book of stamps while both devices, at the same moment (Promise.all), buy a
// book and send a three-stamp letter for her — one mutation per request or all in one, in either order. At most one
// book can be paid for each round (two, when the deposit of the round before came too late for either), and the stamps
// may or may not cover the letters. After every round: the hub's
// ledger audit balances (each balance equals the sum of its entries and is not negative), the running balances in
// commit order never went below zero, the money and stamps add up to what was applied, every refusal (notEnoughMoney,
// notEnoughStamps) sits in the outbox of the device that asked with the hub's words, and both devices pull the same
// balance the hub holds. On PostgreSQL the two pushes really run at once, in two connections.
import { afterEach, describe, expect, it } from 'vitest';
import { assignTablet, auditLedgers, deposit } from '../../../hub/services/index';
import { createHubClient } from '../../../main/sync/hub-client';
import { recordMutation } from '../../../main/sync/outbox';
import { pushPending } from '../../../main/sync/push';
import { seededRandom } from '../../support/seeded-random';
import { checkExactlyOnce, outboxRows, runningBalances } from '../../support/hub-audit';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { seededUuid, syncToQuiet, writeLocalEffect, type SyncedDevice } from '../../support/synced-device';
import { seedFacility, startTestHub, testEpoch, type TestHub } from '../hub/fixture';
import { enrollOn } from './harness';

useHubDatabases();

let testHub: TestHub | null = null;
let devices: SyncedDevice[] = [];
afterEach(async () => {
  for (const device of devices) await device.stop();
  await testHub?.close();
  devices = [];
  testHub = null;
});

const bookPriceCents = 250; // a book of 5 at the default site rules
const letter = 'Querida mamá, '.repeat(300); // 4,200 characters: 3 stamps at 2,000 a stamp
const letterStamps = 3;
const rounds = 14;

describe.each(hubBackends)('ledgers under concurrent spending (%s)', (backend) => {
  it('a kiosk and a tablet spending for one person at once never overdraw, and every refusal reaches the device that asked', async () => {
    testHub = await startTestHub(backend);
    const hub = testHub.hub;
    const f = await seedFacility(hub);
    const ana = f.ana.resident_id;
    // The engines pull (and settle anything left); the pushes under test are made directly, so they start together.
    const kiosk = await enrollOn(testHub, { name: 'A-Pod kiosk', siteId: f.siteId, kind: 'kiosk', housingUnitId: f.unitA });
    const tablet = await enrollOn(testHub, { name: 'Ana’s tablet', siteId: f.siteId, kind: 'tablet' });
    devices = [kiosk, tablet];
    await assignTablet(hub, { deviceId: tablet.deviceId, residentId: ana });
    await Promise.all(devices.map((device) => syncToQuiet(device)));
    const pushers = devices.map((device) => {
      const client = createHubClient({ hubUrl: device.credential.hubUrl, secret: device.credential.secret });
      return (batchSize: number) => pushPending(device.db, client, { deviceId: device.deviceId, now: Date.now, batchSize });
    });

    const random = seededRandom(backend === 'pglite' ? 55 : 56);
    let deposited = 0;
    const spend = (device: SyncedDevice, action: 'buy' | 'send'): void => {
      const key = seededUuid(random);
      if (action === 'buy') {
        recordMutation(device.db, 'buyStamps', { residentId: ana, requestId: key, bookSize: 5 }, (db, mutationId) =>
          writeLocalEffect(db, mutationId, 'buyStamps', `buy:${key}`),
        );
      } else {
        const args = {
          residentId: ana,
          messageId: key,
          contactId: f.anaMom,
          body: letter,
          writtenAt: testEpoch,
          replyToMessageId: null,
          useReturnStamp: false,
        };
        recordMutation(device.db, 'sendMessage', args, (db, mutationId) => writeLocalEffect(db, mutationId, 'sendMessage', `send:${key}`));
      }
    };

    for (let round = 1; round <= rounds; round++) {
      for (const device of devices) {
        const first: 'buy' | 'send' = random() < 0.5 ? 'buy' : 'send';
        spend(device, first);
        spend(device, first === 'buy' ? 'send' : 'buy');
      }
      // All at once: the deposit and both devices' pushes (each mutation its own request, or both in one).
      const [kioskPush, tabletPush] = await Promise.all([
        ...pushers.map((push) => push(random() < 0.5 ? 1 : 10)),
        deposit(hub, { residentId: ana, amountCents: bookPriceCents, source: 'online', reference: `round ${round}` }).then(() => {
          deposited += bookPriceCents;
        }),
      ]);
      expect(kioskPush, `round ${round}: the kiosk's push`).toMatchObject({ ok: true });
      expect(tabletPush, `round ${round}: the tablet's push`).toMatchObject({ ok: true });

      const audit = await auditLedgers(hub.database, ana);
      expect(audit, `round ${round}: the hub's ledger audit`).toMatchObject({ balanced: true });
      const running = await runningBalances(hub.database, ana);
      expect(Math.min(0, ...running.stamps, ...running.cents), `round ${round}: a running balance went below zero`).toBe(0);
      expect(running.stamps.at(-1) ?? 0).toBe(audit.stampBalance);
      expect(running.cents.at(-1) ?? 0).toBe(audit.debitBalanceCents);

      // Everything both devices asked for was applied once or refused in words, and the sums follow from what was applied.
      const reports = await Promise.all(devices.map((device) => checkExactlyOnce(hub.database, device, { complete: true })));
      expect(
        reports.flatMap((report) => report.problems),
        `round ${round}`,
      ).toEqual([]);
      const all = devices.flatMap((device) => outboxRows(device.db));
      const applied = (name: string) => all.filter((row) => row.name === name && row.status === 'applied').length;
      const refused = (code: string) => all.filter((row) => row.result_code === code).length;
      expect(applied('buyStamps') + refused('notEnoughMoney')).toBe(2 * round);
      // Two books are asked for each round and the money for one comes in: at least one of them cannot be paid.
      expect(refused('notEnoughMoney')).toBeGreaterThanOrEqual(round);
      expect(audit.debitBalanceCents).toBe(deposited - bookPriceCents * applied('buyStamps'));
      expect(audit.stampBalance).toBe(5 * applied('buyStamps') - letterStamps * applied('sendMessage'));
      expect(applied('sendMessage') + refused('notEnoughStamps')).toBe(2 * round);
      expect(
        all.every((row) => row.status !== 'pending' && (row.status === 'applied' || ['notEnoughMoney', 'notEnoughStamps'].includes(row.result_code ?? ''))),
      ).toBe(true);

      // Both devices see the balance the hub holds.
      await Promise.all(devices.map((device) => syncToQuiet(device)));
      for (const device of devices) {
        const balance = device.db
          .prepare<[string], { stamps: number; available_cents: number }>('SELECT stamps, available_cents FROM balances WHERE resident_id = ?')
          .get(ana);
        expect(balance, `${device.name} after round ${round}`).toEqual({ stamps: audit.stampBalance, available_cents: audit.debitBalanceCents });
      }
    }
    // Both kinds of refusal happened along the way.
    const all = devices.flatMap((device) => outboxRows(device.db));
    expect(all.filter((row) => row.result_code === 'notEnoughStamps').length).toBeGreaterThan(0);
    expect(all.filter((row) => row.result_code === 'notEnoughMoney').length).toBeGreaterThan(0);
  }, 120_000);
});
