// The chooseLanguage mutation at the hub over loopback HTTP (docs/languages.md §5 "Where a choice is kept"), sent as any
// device could send it: a kiosk speaks for a person only while its own linked audit chain shows them signed in on it;
// a choice older than the one kept changes nothing but sends the record out again; a device clock ahead of the hub's
// cannot make a choice outrank the next staff edit; a language the site does not offer is kept; a tag of the wrong
// shape and an unknown person are refused with a code, and each refusal still advances lastMutationId.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEntryHash, auditGenesisHash, hashedFieldsOf, type AuditEntry, type Mutation } from '../../../hub/protocol/index';
import { runCli } from '../../../hub/commands/run';
import { assignTablet } from '../../../hub/services/index';
import { setResidentLanguage } from '../../../hub/services/resident-language';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { enroll, parsePush, seedFacility, startTestHub, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

const minute = 60_000;

function chooseLanguage(id: number, residentId: string, language: string, chosenAt: number): Mutation {
  return { id, name: 'chooseLanguage', args: { residentId, language, chosenAt } };
}

/** A linked audit entry of the kiosk's chain: seq 1 from the genesis hash, or after `previous`. */
function auditEntry(deviceId: string, previous: AuditEntry | null, event: AuditEntry['event'], at: number): AuditEntry {
  const unhashed = { deviceId, seq: (previous?.seq ?? 0) + 1, at, event, prevHash: previous?.hash ?? auditGenesisHash };
  return { ...unhashed, hash: auditEntryHash(hashedFieldsOf(unhashed)) };
}

describe.each(hubBackends)('chooseLanguage at the hub (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kiosk: TestDevice;
  let tablet: TestDevice;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
  });
  afterEach(async () => testHub.close());

  async function residentLanguage(residentId: string): Promise<{ language: string; chosenAt: number | null; version: number }> {
    const [row] = await testHub.hub.database.query<{ language: string; language_chosen_at: string | number | null; version: string | number }>(
      'SELECT language, language_chosen_at, version FROM residents WHERE resident_id = $1',
      [residentId],
    );
    if (row === undefined) throw new Error(`no resident ${residentId}`);
    return { language: row.language, chosenAt: row.language_chosen_at === null ? null : Number(row.language_chosen_at), version: Number(row.version) };
  }

  it('takes a kiosk’s choice only for the person its linked chain shows signed in, and only while they are', async () => {
    const ana = facility.ana.resident_id;
    const ben = facility.ben.resident_id;
    // A minute after booking: a choice made at the very moment of the booking's would lose the tie to it.
    testHub.clock.advance(minute);
    const at = testHub.clock.now();
    const signIn = auditEntry(kiosk.deviceId, null, { kind: 'signIn', actor: { kind: 'resident', id: ana }, details: {} }, at);
    const signOut = auditEntry(kiosk.deviceId, signIn, { kind: 'signOut', actor: { kind: 'resident', id: ana }, details: { reason: 'signedOut' } }, at);
    // An entry that claims Ben signed in next but does not link (its hash is not its own) proves nothing.
    const forged = { ...auditEntry(kiosk.deviceId, signOut, { kind: 'signIn', actor: { kind: 'resident', id: ben }, details: {} }, at), hash: signIn.hash };

    const answer = parsePush(
      await kiosk.push([
        chooseLanguage(1, ana, 'vi', at),
        { id: 2, name: 'appendAuditEntry', args: signIn },
        chooseLanguage(3, ana, 'vi', at),
        chooseLanguage(4, ben, 'vi', at),
        { id: 5, name: 'appendAuditEntry', args: signOut },
        chooseLanguage(6, ana, 'ar', at),
        { id: 7, name: 'appendAuditEntry', args: forged },
        chooseLanguage(8, ben, 'ar', at),
      ]),
    );
    expect(answer.lastMutationId).toBe(8);
    expect(answer.results.map((result) => (result.status === 'refused' ? result.code : result.status))).toEqual([
      'notSignedInOnDevice',
      'applied',
      'applied',
      'notSignedInOnDevice',
      'applied',
      'notSignedInOnDevice',
      'auditHashMismatch',
      'notSignedInOnDevice',
    ]);
    expect(await residentLanguage(ana)).toMatchObject({ language: 'vi', chosenAt: at });
    expect(await residentLanguage(ben)).toMatchObject({ language: 'en', chosenAt: null });
  });

  it('keeps the newest of a tablet’s choice and a staff edit, by when each was made, and sends a stale device the record again', async () => {
    const ana = facility.ana.resident_id;
    const seeded = await residentLanguage(ana);
    // Ana was booked in Spanish: that is a choice made by staff at booking.
    expect(seeded).toMatchObject({ language: 'es', chosenAt: testHub.clock.now() });

    testHub.clock.advance(minute);
    const chosenAt = testHub.clock.now();
    testHub.clock.advance(minute);
    // Staff set Arabic after the tablet's choice was made, but before it arrived: the edit stands.
    await setResidentLanguage(testHub.hub, { residentId: ana, language: 'ar' });
    const afterEdit = await residentLanguage(ana);
    expect(afterEdit).toMatchObject({ language: 'ar', chosenAt: testHub.clock.now() });
    const { cursor } = await tablet.pullAll(null);
    expect(parsePush(await tablet.push([chooseLanguage(1, ana, 'vi', chosenAt)])).results).toEqual([{ id: 1, status: 'applied' }]);
    const kept = await residentLanguage(ana);
    expect(kept).toMatchObject({ language: 'ar', chosenAt: afterEdit.chosenAt });
    // The tablet shows Vietnamese on its copy under the version it had: the record comes to it again, in Arabic.
    expect(kept.version).toBeGreaterThan(afterEdit.version);
    const { changes } = await tablet.pullAll(cursor);
    expect(changes).toContainEqual(
      expect.objectContaining({ entity: 'resident', id: ana, version: kept.version, data: expect.objectContaining({ language: 'ar' }) }),
    );

    // A choice made after the edit wins, even from a clock that runs an hour ahead: it counts as made no later than now,
    // so a staff edit a minute later still wins over it.
    testHub.clock.advance(minute);
    expect(parsePush(await tablet.push([chooseLanguage(2, ana, 'zh-Hans', testHub.clock.now() + 60 * minute)])).results).toEqual([
      { id: 2, status: 'applied' },
    ]);
    expect(await residentLanguage(ana)).toMatchObject({ language: 'zh-Hans', chosenAt: testHub.clock.now() });
    testHub.clock.advance(minute);
    await setResidentLanguage(testHub.hub, { residentId: ana, language: 'es' });
    expect(await residentLanguage(ana)).toMatchObject({ language: 'es', chosenAt: testHub.clock.now() });

    // A language the site does not offer is kept (the offer may change; devices show the default meanwhile).
    testHub.clock.advance(minute);
    expect(parsePush(await tablet.push([chooseLanguage(3, ana, 'pt-BR', testHub.clock.now())])).results).toEqual([{ id: 3, status: 'applied' }]);
    expect(await residentLanguage(ana)).toMatchObject({ language: 'pt-BR' });
  });

  it('lets staff set a language with resident-language, refusing a tag of the wrong shape in words', async () => {
    const cli = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await runCli(args, {
        out: (line) => lines.push(line),
        err: (line) => lines.push(line),
        env: {},
        database: testHub.hub.database,
        now: testHub.clock.now,
      });
      return { code, out: lines.join('\n') };
    };
    testHub.clock.advance(minute);
    expect(await cli('resident-language', '--resident', facility.ana.credential_id, '--language', 'zh-Hans')).toEqual({
      code: 0,
      out: 'Ana Diaz now reads in zh-Hans. Their devices take it at their next sync; a choice they make on a device later replaces it.',
    });
    expect(await residentLanguage(facility.ana.resident_id)).toMatchObject({ language: 'zh-Hans', chosenAt: testHub.clock.now() });
    const refused = await cli('resident-language', '--resident', facility.ana.credential_id, '--language', 'Chinese');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('"Chinese" is not a language tag such as es, vi or zh-Hans.');
    expect(await residentLanguage(facility.ana.resident_id)).toMatchObject({ language: 'zh-Hans' });
  });

  it('refuses a tag of the wrong shape, an unknown person and another person’s tablet with codes, and the queue goes on', async () => {
    const ana = facility.ana.resident_id;
    const now = testHub.clock.now();
    testHub.clock.advance(minute);
    const answer = parsePush(
      await tablet.push([
        chooseLanguage(1, ana, 'Klingon', now),
        chooseLanguage(2, ana, 'vi"; DROP TABLE residents; --', now),
        chooseLanguage(3, '00000000-0000-4000-8000-000000000000', 'vi', now),
        chooseLanguage(4, facility.ben.resident_id, 'vi', now),
        chooseLanguage(5, ana, 'vi', testHub.clock.now()),
      ]),
    );
    expect(answer.lastMutationId).toBe(5);
    expect(answer.results.map((result) => (result.status === 'refused' ? result.code : result.status))).toEqual([
      'malformedMutation',
      'malformedMutation',
      'residentNotFound',
      'outOfScope',
      'applied',
    ]);
    expect(await residentLanguage(ana)).toMatchObject({ language: 'vi' });
    expect(await residentLanguage(facility.ben.resident_id)).toMatchObject({ language: 'en', chosenAt: null });
  });
});
