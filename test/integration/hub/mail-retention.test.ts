// Retention for reviewed mail, on both backends: `mail-retention --reviewed-mail-retention-days 90` and
// `purge-reviewed-mail` remove the words, pictures and captions of family letters review stopped (rejected, or
// withdrawn after delivery) more than 90 days ago, keep every other letter and any bytes a kept letter shares, leave
// the change log's positions so a device's cursor still holds and a pull from the start still reads, and write one
// entry on the hub's audit chain, which still verifies. Bad values are refused in words and change nothing.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../hub/commands/run';
import { deposit, reviewMessage, sendFamilyMessage, withdrawMessage } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import {
  buyStampsMutation,
  enroll,
  fakeJpeg,
  parsePush,
  seedFacility,
  sendMessageMutation,
  startTestHub,
  type Facility,
  type TestDevice,
  type TestHub,
} from './fixture';

useHubDatabases();

const day = 24 * 60 * 60 * 1000;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe.each(hubBackends)('reviewed mail retention (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kiosk: TestDevice;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
  });
  afterEach(async () => testHub.close());

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: { USER: 'records.officer' },
      database: testHub.hub.database,
      now: testHub.clock.now,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  async function letter(messageId: string): Promise<{ body: string; content_purged_at: number | null } | undefined> {
    const [row] = await testHub.hub.database.query<{ body: string; content_purged_at: number | null }>(
      'SELECT body, content_purged_at FROM messages WHERE message_id = $1',
      [messageId],
    );
    return row;
  }

  async function blobKept(bytes: Buffer): Promise<boolean> {
    return (await testHub.hub.database.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256(bytes)])).length === 1;
  }

  it('purges the content of letters review stopped longer ago than the retention, and nothing else', async () => {
    const reviewer = 'Reviewer Kim';
    const shared = fakeJpeg('a photo two letters carry');
    const rejectedPhoto = fakeJpeg('only in the rejected letter');
    const withdrawnPhoto = fakeJpeg('only in the withdrawn letter');
    const recentPhoto = fakeJpeg('only in the recently rejected letter');

    // The kiosk's first pull: a cursor from before any of the letters, which it can still read on from.
    const beforeTheLetters = (await kiosk.pullAll(null)).cursor;
    const rejected = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Words review stopped',
      attachments: [
        { kind: 'photo', bytes: rejectedPhoto },
        { kind: 'photo', bytes: shared },
      ],
    });
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: rejected.message_id, reviewer, reason: 'Gang signs in the photo.' });
    const delivered = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Words that were delivered',
      attachments: [{ kind: 'photo', bytes: shared }],
    });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: delivered.message_id, reviewer });
    const withdrawn = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Words delivered and then withdrawn',
      attachments: [{ kind: 'photo', bytes: withdrawnPhoto }],
    });
    await reviewMessage(testHub.hub, { decision: 'approve', messageId: withdrawn.message_id, reviewer });
    // The kiosk had the withdrawn letter before it was withdrawn; its cursor is from then.
    const beforeWithdrawal = await kiosk.pullAll(beforeTheLetters);
    expect(beforeWithdrawal.changes.some((change) => change.entity === 'message' && change.id === withdrawn.message_id && change.op === 'upsert')).toBe(true);
    await withdrawMessage(testHub.hub, { messageId: withdrawn.message_id, reviewer, reason: 'Found a hidden note later.' });
    // The resident's own letter, rejected: it is on her kiosk, and is never purged.
    await deposit(testHub.hub, { residentId: facility.ana.resident_id, amountCents: 1000, source: 'online' });
    const ownPush = parsePush(
      await kiosk.push([
        buyStampsMutation(1, facility.ana.resident_id, 5),
        sendMessageMutation(2, { residentId: facility.ana.resident_id, contactId: facility.anaMom, body: 'My own letter' }),
      ]),
    );
    expect(ownPush.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    const [own] = await testHub.hub.database.query<{ message_id: string }>("SELECT message_id FROM messages WHERE direction = 'outbound'");
    if (own === undefined) throw new Error('the pushed letter is not at the hub');
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: own.message_id, reviewer, reason: 'Names an officer.' });

    testHub.clock.advance(80 * day);
    const recent = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Stopped only recently',
      attachments: [{ kind: 'photo', bytes: recentPhoto }],
    });
    await reviewMessage(testHub.hub, { decision: 'reject', messageId: recent.message_id, reviewer, reason: 'Not yet.' });
    const cursorBeforePurge = (await kiosk.pullAll(beforeWithdrawal.cursor)).cursor;
    const logBefore = await testHub.hub.database.query<{ seq: number; entity: string; record_id: string; version: number; op: string }>(
      'SELECT seq, entity, record_id, version, op FROM change_log ORDER BY seq',
    );

    expect(await cli('purge-reviewed-mail')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Nothing purged: the site keeps letters review stopped for good/) as string,
    });
    expect(await cli('mail-retention')).toMatchObject({ code: 0, out: expect.stringMatching(/keeps family letters that review stopped for good/) as string });
    expect(await cli('mail-retention', '--reviewed-mail-retention-days', '90')).toMatchObject({
      code: 0,
      out: 'purge-reviewed-mail removes the words, pictures and captions of family letters review stopped (rejected or withdrawn) 90 days after the decision; their envelopes, reasons and review decisions stay.',
    });
    testHub.clock.advance(11 * day); // 91 days after the first decisions, 11 after the recent one

    const purged = await cli('purge-reviewed-mail');
    expect(purged.err).toBe('');
    expect(purged.code).toBe(0);
    expect(purged.out).toMatch(
      /^Purged 2 letters review stopped before .*: their words, 3 attachments and \d+ bytes of stored files \(2 files\)\. Their envelopes, reasons and review decisions stay\.$/,
    );

    expect(await letter(rejected.message_id)).toEqual({ body: '', content_purged_at: testHub.clock.now() });
    expect(await letter(withdrawn.message_id)).toEqual({ body: '', content_purged_at: testHub.clock.now() });
    expect(await letter(delivered.message_id)).toEqual({ body: 'Words that were delivered', content_purged_at: null });
    expect(await letter(recent.message_id)).toEqual({ body: 'Stopped only recently', content_purged_at: null });
    expect(await letter(own.message_id)).toEqual({ body: 'My own letter', content_purged_at: null });
    expect(await blobKept(rejectedPhoto)).toBe(false);
    expect(await blobKept(withdrawnPhoto)).toBe(false);
    expect(await blobKept(shared)).toBe(true); // the delivered letter holds the same bytes
    expect(await blobKept(recentPhoto)).toBe(true);
    // The envelopes stay: attachment rows, reasons, review decisions, what the sender was told.
    expect(
      await testHub.hub.database.query('SELECT 1 FROM attachments WHERE message_id IN ($1, $2)', [rejected.message_id, withdrawn.message_id]),
    ).toHaveLength(3);
    const [stopped] = await testHub.hub.database.query<{ rejection_reason: string }>('SELECT rejection_reason FROM messages WHERE message_id = $1', [
      rejected.message_id,
    ]);
    expect(stopped?.rejection_reason).toBe('Gang signs in the photo.');
    expect((await cli('family-notices')).out).toContain('Gang signs in the photo.');

    // The change log keeps every position, version and operation; only the withdrawn letter's words left it.
    const logAfter = await testHub.hub.database.query<{ seq: number; entity: string; record_id: string; version: number; op: string }>(
      'SELECT seq, entity, record_id, version, op FROM change_log ORDER BY seq',
    );
    expect(logAfter).toEqual(logBefore);
    expect(await testHub.hub.database.query("SELECT 1 FROM change_log WHERE data::text LIKE '%delivered and then withdrawn%'")).toEqual([]);
    expect(await testHub.hub.database.query("SELECT 1 FROM change_log WHERE data::text LIKE '%Words that were delivered%'")).not.toEqual([]);

    // The kiosk's cursor still holds; read on from before the letters, it gets the emptied letter and then its delete.
    expect((await kiosk.pull(cursorBeforePurge)).changes).toEqual([]);
    const replayed = await kiosk.pullAll(beforeTheLetters);
    const withdrawnChanges = replayed.changes.filter((change) => change.entity === 'message' && change.id === withdrawn.message_id);
    expect(withdrawnChanges.map((change) => change.op)).toEqual(['upsert', 'delete']);
    const emptied = withdrawnChanges[0];
    expect(emptied?.op === 'upsert' && emptied.entity === 'message' ? [emptied.data.body, emptied.data.attachments] : null).toEqual(['', []]);
    expect(replayed.changes.some((change) => change.entity === 'message' && change.id === rejected.message_id)).toBe(false);
    // A device starting afresh gets the delivered letter, and nothing of the purged ones.
    const fresh = await kiosk.pullAll(null);
    const freshMessages = fresh.changes.filter((change) => change.entity === 'message').map((change) => change.id);
    expect(freshMessages).toContain(delivered.message_id);
    expect(freshMessages).not.toContain(withdrawn.message_id);
    expect(freshMessages).not.toContain(rejected.message_id);

    // One entry on the hub's chain, and the chain verifies.
    const entries = await testHub.hub.database.query<{ details: unknown }>("SELECT details FROM hub_audit_entries WHERE kind = 'reviewedMailPurged'");
    expect(entries).toHaveLength(1);
    const details: unknown = typeof entries[0]?.details === 'string' ? JSON.parse(entries[0].details) : entries[0]?.details;
    expect(details).toMatchObject({ siteId: facility.siteId, retentionDays: 90, letters: 2, attachments: 3, blobsDeleted: 2 });
    const verified = await cli('verify-audit');
    expect(verified.code).toBe(0);

    expect(await cli('purge-reviewed-mail')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^Nothing to purge: no letter review stopped before .* \(90 days ago\) still has its content\.$/) as string,
    });
  });

  it('refuses a retention that is not a whole number of days from 1 to 36500, or both choices at once, changing nothing', async () => {
    expect((await cli('mail-retention', '--reviewed-mail-retention-days', '30')).code).toBe(0);
    for (const [args, says] of [
      [['--reviewed-mail-retention-days', '0'], /--reviewed-mail-retention-days must be between 1 and 36500/],
      [['--reviewed-mail-retention-days', 'ninety'], /--reviewed-mail-retention-days must be a whole number/],
      [['--reviewed-mail-retention-days', '36501'], /must be between 1 and 36500/],
      [['--reviewed-mail-retention-days', '30', '--keep-forever'], /^Give --reviewed-mail-retention-days or --keep-forever, not both\./],
    ] as const) {
      const refused = await cli('mail-retention', ...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.err, args.join(' ')).toMatch(says);
    }
    expect((await cli('mail-retention')).out).toMatch(/ 30 days after the decision/);
    expect((await cli('mail-retention', '--keep-forever')).out).toMatch(/keeps family letters that review stopped for good/);
  });
});
