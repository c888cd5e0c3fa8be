// A device is trusted with nothing it cannot prove — each finding of the attack, reproduced against a real hub over
// loopback on PGlite and on a PostgreSQL server, and now refused:
// - a tablet credential with a staff id (which every device receives) assigned the tablet to anyone: now the staff
//   member's PIN is checked at the hub, wrong ones are counted per staff member with a growing lockout, a request id
//   works once, and every outcome is on the hub's audit chain;
// - no credential could be withdrawn: revoke-device and re-enrolling revoke it at once (401 deviceRevoked), and a lost
//   device revoked with --wipe is told to wipe itself (401 deviceWipeOrdered);
// - ten bad tokens from one address locked out every device at that address: now a valid credential is never refused
//   for its address's bad tokens, and behind a trusted proxy the forwarded address is the one counted;
// - a flood of bad tokens was visible only as log lines: now the hub counts its refusals by code (the health route)
//   and puts an address that reaches the limit on its audit chain (unknownTokensThrottled), once per crossing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultFailureRateLimit } from '../../../hub/http/rate-limiter';
import { runCli } from '../../../hub/commands/run';
import { HubErrorBody, hubPaths, TabletAssignment } from '../../../hub/protocol/index';
import {
  changeStaffPin,
  hubAuditEntries,
  issueEnrollmentCode,
  listStaff,
  tabletAssignmentLog,
  transferStamps,
  verifyHubAuditChain,
} from '../../../hub/services/index';
import { staffProofRules } from '../../../hub/services/staff-proof';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import {
  call,
  deviceFor,
  enroll,
  errorCodeOf,
  parsePush,
  Replica,
  seedFacility,
  sendMessageMutation,
  startTestHub,
  testPinCost,
  type Facility,
  type HubAnswer,
  type TestDevice,
  type TestHub,
} from './fixture';

useHubDatabases();

/** seedFacility's Officer Grant. */
const officerPin = '9876';
const wrongPin = '1111';
const lockoutMs = staffProofRules.lockoutBaseSeconds * 1000;

/** What the health route says the hub refused since it started. */
const HealthRefusals = z.object({ refusals: z.object({ since: z.number(), byCode: z.record(z.string(), z.number()) }) });

function errorOf(answer: HubAnswer): HubErrorBody['error'] {
  return HubErrorBody.parse(answer.json).error;
}

async function hubAuditKinds(testHub: TestHub): Promise<string[]> {
  return (await hubAuditEntries(testHub.hub.database)).map((entry) => entry.kind);
}

async function cli(testHub: TestHub, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { USER: 'console' },
    database: testHub.hub.database,
    pinCost: testPinCost,
    now: testHub.clock.now,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.each(hubBackends)(
  'a device is trusted with nothing it cannot prove (%s)',
  (backend) => {
    let testHub: TestHub;
    let facility: Facility;
    let tablet: TestDevice;
    let staffId: string;

    beforeEach(async () => {
      // The tablet's own throttle is set high here so that the staff lockout, not the throttle, is what these tests see.
      testHub = await startTestHub(backend, { rateLimit: { maxFailures: 50, windowMs: 10 * 60_000 } });
      facility = await seedFacility(testHub.hub);
      tablet = await enroll(testHub, facility.siteId, 'tablet');
      const [officer] = await listStaff(testHub.hub.database, facility.siteId);
      if (officer === undefined) throw new Error('the seeded facility has no staff');
      staffId = officer.staff_id;
    }, 60_000);
    afterEach(async () => testHub.close(), 60_000);

    const assignBody = (bookingNumber: string, staffPin: string) => ({ bookingNumber, staffId, staffPin, requestId: randomUUID() });
    const assign = (body: unknown, token = tablet.secret) => call(testHub.url, hubPaths.tabletAssign, { token, body });
    const releaseBody = (residentId: string, staffPin: string) => ({ residentId, staffId, staffPin, requestId: randomUUID() });
    const release = (body: unknown, token = tablet.secret) => call(testHub.url, hubPaths.tabletRelease, { token, body });
    const assignedResident = async (deviceId: string): Promise<string | null> => {
      const [row] = await testHub.hub.database.query<{ assigned_resident_id: string | null }>('SELECT assigned_resident_id FROM devices WHERE device_id = $1', [
        deviceId,
      ]);
      return row?.assigned_resident_id ?? null;
    };

    it('a staff id alone is worth nothing: without the PIN it is a 400, with a wrong one a 403, and the tablet receives nobody', async () => {
      const withoutPin = await assign({ bookingNumber: 'B1001', staffId });
      expect([withoutPin.status, errorOf(withoutPin).code]).toEqual([400, 'badRequest']);
      expect(errorOf(withoutPin).message).toContain('staffPin');

      const wrong = await assign(assignBody('B1001', wrongPin));
      expect(wrong.status).toBe(403);
      expect(errorOf(wrong)).toMatchObject({ code: 'staffPinWrong', attemptsLeft: staffProofRules.maxAttempts - 1 });

      // What the attack pulled — the person's letters, contacts, balance and PIN hash — does not come.
      const replica = new Replica();
      replica.apply((await tablet.pullAll(null)).changes);
      expect(replica.residents()).toEqual(new Set());
      expect(await assignedResident(tablet.deviceId)).toBeNull();
      expect(await tabletAssignmentLog(testHub.hub.database, tablet.deviceId)).toEqual([]);

      const [entry] = await hubAuditEntries(testHub.hub.database);
      expect(entry).toMatchObject({ kind: 'staffPinRejected', actor_kind: 'staff', actor_id: staffId });
      expect(JSON.parse(entry?.details ?? 'null')).toEqual({ action: 'assign', attemptsLeft: staffProofRules.maxAttempts - 1, deviceId: tablet.deviceId });
      // The right PIN is what gives the tablet to Ana, and that is on the chain too.
      const right = await assign(assignBody('B1001', officerPin));
      expect(TabletAssignment.parse(right.json)).toMatchObject({ residentId: facility.ana.resident_id });
      expect(await hubAuditKinds(testHub)).toEqual(['staffPinRejected', 'tabletAssigned']);
    });

    it('an old PIN stops working the moment the staff member changes it, and counts toward the lockout like any wrong one', async () => {
      await changeStaffPin(testHub.hub, { staffId, pin: '5555' });
      const olds: HubAnswer[] = [];
      for (let attempt = 0; attempt < staffProofRules.maxAttempts; attempt += 1) olds.push(await assign(assignBody('B1001', officerPin)));
      expect(olds.slice(0, -1).map((answer) => [answer.status, errorOf(answer).code, errorOf(answer).attemptsLeft])).toEqual(
        [4, 3, 2, 1].map((left) => [403, 'staffPinWrong', left]),
      );
      expect(errorOf(olds.slice(0, -1)[0] as HubAnswer).message).toMatch(/not the staff member’s PIN/);
      expect(errorOf(olds.at(-1) as HubAnswer)).toMatchObject({
        code: 'staffLockedOut',
        lockedUntil: testHub.clock.now() + lockoutMs,
        message: expect.stringMatching(/Too many wrong PINs/),
      });
      expect(await assignedResident(tablet.deviceId)).toBeNull();
      // Locked out by the old PIN, the new one waits too; then it works.
      expect(errorOf(await assign(assignBody('B1001', '5555'))).code).toBe('staffLockedOut');
      testHub.clock.advance(lockoutMs);
      expect((await assign(assignBody('B1001', '5555'))).status).toBe(200);

      const rejected = Array.from({ length: staffProofRules.maxAttempts - 1 }, () => 'staffPinRejected');
      expect(await hubAuditKinds(testHub)).toEqual([...rejected, 'staffLockedOut', 'staffLockedOutAttempt', 'tabletAssigned']);
      const counts = HealthRefusals.parse((await call(testHub.url, hubPaths.health, { method: 'GET' })).json).refusals.byCode;
      expect(counts).toEqual({ staffLockedOut: 2, staffPinWrong: staffProofRules.maxAttempts - 1 });
    });

    it('refuses a replayed request, even once the tablet has been released and the replay would act again', async () => {
      const first = assignBody('B1001', officerPin);
      expect((await assign(first)).status).toBe(200);
      const replayed = await assign(first);
      expect([replayed.status, errorOf(replayed).code]).toEqual([409, 'requestReplayed']);

      const releasing = releaseBody(facility.ana.resident_id, officerPin);
      expect((await release(releasing)).status).toBe(200);
      const replayedAssign = await assign(first);
      expect([replayedAssign.status, errorOf(replayedAssign).code]).toEqual([409, 'requestReplayed']);
      expect(await assignedResident(tablet.deviceId)).toBeNull();
      const replayedRelease = await release(releasing);
      expect([replayedRelease.status, errorOf(replayedRelease).code]).toEqual([409, 'requestReplayed']);
      expect((await tabletAssignmentLog(testHub.hub.database, tablet.deviceId)).map((row) => row.action)).toEqual(['assigned', 'released']);
      // A replay is refused before the PIN is looked at: it counts against nobody.
      expect(await hubAuditKinds(testHub)).toEqual(['tabletAssigned', 'tabletReleased']);
    });

    it('locks a staff member out at the hub after wrong PINs, on every tablet, for longer each time, and audits each', async () => {
      const otherTablet = await enroll(testHub, facility.siteId, 'tablet');
      const wrongPins = async (times: number): Promise<HubAnswer[]> => {
        const answers: HubAnswer[] = [];
        for (let attempt = 0; attempt < times; attempt += 1) answers.push(await assign(assignBody('B1001', wrongPin)));
        return answers;
      };

      const firstRound = await wrongPins(staffProofRules.maxAttempts);
      expect(firstRound.slice(0, -1).map((answer) => errorOf(answer).attemptsLeft)).toEqual([4, 3, 2, 1]);
      const firstLockout = errorOf(firstRound.at(-1) as HubAnswer);
      expect(firstLockout).toMatchObject({ code: 'staffLockedOut', lockedUntil: testHub.clock.now() + lockoutMs });

      // The right PIN, from another tablet, is not even checked while the lockout lasts: the count is the staff member's.
      const elsewhere = await assign(assignBody('B1002', officerPin), otherTablet.secret);
      expect([elsewhere.status, errorOf(elsewhere).code]).toEqual([403, 'staffLockedOut']);
      expect(await assignedResident(otherTablet.deviceId)).toBeNull();

      testHub.clock.advance(lockoutMs);
      const secondRound = await wrongPins(staffProofRules.maxAttempts);
      // The second lockout lasts twice as long as the first.
      expect(errorOf(secondRound.at(-1) as HubAnswer)).toMatchObject({ code: 'staffLockedOut', lockedUntil: testHub.clock.now() + 2 * lockoutMs });

      testHub.clock.advance(2 * lockoutMs);
      expect((await assign(assignBody('B1001', officerPin))).status).toBe(200);

      const rejected = Array.from({ length: staffProofRules.maxAttempts - 1 }, () => 'staffPinRejected');
      expect(await hubAuditKinds(testHub)).toEqual([...rejected, 'staffLockedOut', 'staffLockedOutAttempt', ...rejected, 'staffLockedOut', 'tabletAssigned']);
      expect(await verifyHubAuditChain(testHub.hub.database)).toMatchObject({ entries: 12, verified: 12, problem: null });
    });

    it('a revoked credential opens nothing, at once; one revoked with --wipe is ordered to wipe itself, audited once', async () => {
      expect((await assign(assignBody('B1001', officerPin))).status).toBe(200);
      const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);

      const revoked = await cli(testHub, 'revoke-device', '--device', tablet.deviceId, '--reason', 'retired');
      expect(revoked).toMatchObject({ code: 0, out: expect.stringContaining('is revoked (retired)') });
      const refusals = [
        await call(testHub.url, hubPaths.pull, { token: tablet.secret, body: { cursor: null } }),
        await tablet.push([]),
        await call(testHub.url, `${hubPaths.blobs}/${'0'.repeat(64)}`, { method: 'GET', token: tablet.secret }),
        await release(releaseBody(facility.ana.resident_id, officerPin)),
      ];
      expect(refusals.map((answer) => [answer.status, errorCodeOf(answer)])).toEqual(Array.from({ length: 4 }, () => [401, 'deviceRevoked']));
      // The hub no longer counts the revoked tablet as holding Ana's data.
      expect(await assignedResident(tablet.deviceId)).toBeNull();

      // A lost kiosk: revoked with --wipe, it is told to wipe itself every time it calls, and the order is audited once.
      expect(await cli(testHub, 'revoke-device', '--device', kiosk.deviceId, '--wipe')).toMatchObject({ code: 0, out: expect.stringContaining('wipe itself') });
      for (let contact = 0; contact < 2; contact += 1) {
        const answer = await call(testHub.url, hubPaths.pull, { token: kiosk.secret, body: { cursor: null } });
        expect([answer.status, errorCodeOf(answer)]).toEqual([401, 'deviceWipeOrdered']);
      }
      expect(await hubAuditKinds(testHub)).toEqual(['tabletAssigned', 'deviceRevoked', 'deviceRevoked', 'deviceWipeOrdered']);

      // Revoking twice says so; a device of no site is not found.
      expect(await cli(testHub, 'revoke-device', '--device', tablet.deviceId)).toMatchObject({ code: 1, err: expect.stringContaining('revoked already') });
      expect(await cli(testHub, 'revoke-device', '--device', randomUUID())).toMatchObject({ code: 1 });
      expect(await cli(testHub, 'revoke-device', '--device', tablet.deviceId, '--reason', 'stolen')).toMatchObject({
        code: 2,
        err: expect.stringContaining('lost, reenrolled, retired'),
      });

      const listing = (await cli(testHub, 'devices')).out;
      expect(listing).toMatch(new RegExp(`tablet not assigned, .*REVOKED .*\\(retired\\)  \\(id ${tablet.deviceId}\\)`));
      expect(listing).toMatch(new RegExp(`REVOKED .*\\(lost, wipes itself on contact\\)  \\(id ${kiosk.deviceId}\\)`));
    });

    it('enrolling again with the old credential revokes it in the same transaction; a stranger’s bearer replaces nothing', async () => {
      const issued = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'tablet' });
      const answer = await call(testHub.url, hubPaths.enroll, {
        token: tablet.secret,
        body: { code: issued.code, deviceName: 'tablet again', appVersion: '0.1.0' },
      });
      expect(answer.status).toBe(200);
      const renewed = answer.json as { deviceId: string; secret: string };
      const old = await call(testHub.url, hubPaths.pull, { token: tablet.secret, body: { cursor: null } });
      expect([old.status, errorCodeOf(old)]).toEqual([401, 'deviceRevoked']);
      await expect(deviceFor(testHub, renewed.deviceId, renewed.secret, 'tablet').pull(null)).resolves.toMatchObject({ hasMore: false });
      expect((await cli(testHub, 'devices')).out).toContain(`(reenrolled, replaced by ${renewed.deviceId})`);

      // A bearer that names no device (or a revoked one) is no reason to refuse an enrollment, and revokes nothing.
      const second = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'tablet' });
      const withJunk = await call(testHub.url, hubPaths.enroll, {
        token: randomBytes(32).toString('base64url'),
        body: { code: second.code, deviceName: 'another', appVersion: '0.1.0' },
      });
      expect(withJunk.status).toBe(200);
      await expect(deviceFor(testHub, renewed.deviceId, renewed.secret, 'tablet').pull(null)).resolves.toMatchObject({ hasMore: false });
    });
  },
  90_000,
);

describe.each(hubBackends)(
  'throttles that cannot be turned against others (%s)',
  (backend) => {
    let testHub: TestHub;
    afterEach(async () => testHub.close(), 60_000);

    const badToken = (index: number): string => (index % 3 === 0 ? 'not-even-a-token' : randomBytes(32).toString('base64url'));
    const pullWith = (token: string, headers: Record<string, string> = {}) => call(testHub.url, hubPaths.pull, { token, body: { cursor: null }, headers });
    const refusalCounts = async (): Promise<Record<string, number>> =>
      HealthRefusals.parse((await call(testHub.url, hubPaths.health, { method: 'GET' })).json).refusals.byCode;

    // The issue's numbers by default; DAYROOM_STORM_BAD_TOKENS and DAYROOM_STORM_DEVICES make it larger or smaller (both
    // backends together take about half a minute on a loaded 2-core machine, most of it PGlite).
    const stormNumber = (name: string, fallback: number, least: number): number => {
      const value = Number(process.env[name] ?? fallback);
      // A typo in the variable must not quietly run a storm of NaN requests that proves nothing.
      if (!Number.isSafeInteger(value) || value < least) throw new TypeError(`${name} must be a whole number of at least ${least}, not "${process.env[name]}"`);
      return value;
    };
    // More bad tokens than the limit, so the 429s are seen; two devices at least, one per unit.
    const stormBadTokens = stormNumber('DAYROOM_STORM_BAD_TOKENS', 1000, defaultFailureRateLimit.maxFailures + 1);
    const stormDevices = stormNumber('DAYROOM_STORM_DEVICES', 50, 2);

    it(`${stormBadTokens} bad tokens from one address beside ${stormDevices} devices pulling and pushing: every device keeps syncing, every bad token is refused in words, counted and the throttle audited`, async () => {
      testHub = await startTestHub(backend);
      const facility = await seedFacility(testHub.hub);
      // Stamps for every letter the kiosks send: three rounds each, half the kiosks writing for Ana, half for Cruz.
      for (const resident of [facility.ana, facility.cruz])
        for (let given = 0; given < stormDevices * 3; given += 1000)
          await transferStamps(testHub.hub, { residentId: resident.resident_id, stamps: Math.min(1000, stormDevices * 3 - given), from: 'test' });
      const devices: TestDevice[] = [];
      for (let index = 0; index < stormDevices; index += 1)
        devices.push(await enroll(testHub, facility.siteId, 'kiosk', index % 2 === 0 ? facility.unitA : facility.unitB));

      const badAnswers: HubAnswer[] = [];
      const flood = async (): Promise<void> => {
        let next = 0;
        // 20 at a time: enough to interleave with the devices' requests on a loaded machine without swamping it.
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            while (next < stormBadTokens) {
              const index = next;
              next += 1;
              badAnswers.push(await pullWith(badToken(index)));
            }
          }),
        );
      };
      const cursors = new Map<string, string>();
      const sent = new Map<string, number>();
      const syncRound = async (device: TestDevice, index: number): Promise<void> => {
        const page = await device.pullAll(cursors.get(device.deviceId) ?? null);
        cursors.set(device.deviceId, page.cursor);
        const mutationId = (sent.get(device.deviceId) ?? 0) + 1;
        const letter =
          index % 2 === 0
            ? { residentId: facility.ana.resident_id, contactId: facility.anaMom }
            : { residentId: facility.cruz.resident_id, contactId: facility.cruzSister };
        // parsePush throws on anything but 200, as pullAll does: a device refused while the flood runs fails the test here.
        const pushed = parsePush(await device.push([sendMessageMutation(mutationId, letter)]));
        expect(pushed.results).toEqual([{ id: mutationId, status: 'applied' }]);
        sent.set(device.deviceId, mutationId);
      };
      const syncing = async (device: TestDevice, index: number): Promise<void> => {
        for (let round = 0; round < 3; round += 1) await syncRound(device, index);
      };
      await Promise.all([flood(), ...devices.map(syncing)]);
      // And after it, with the address over its limit for certain, every device still syncs.
      await Promise.all(devices.map(async (device, index) => syncRound(device, index)));
      expect([...sent.values()]).toEqual(devices.map(() => 4));

      // Refused in words: the first maxFailures are the 401 every bad credential gets, then 429 rateLimited with a sentence.
      const { maxFailures, windowMs } = defaultFailureRateLimit;
      expect(badAnswers).toHaveLength(stormBadTokens);
      const refusals = badAnswers.map((answer) => [answer.status, errorOf(answer).code]);
      expect(refusals.filter(([status, code]) => status === 401 && code === 'unauthorized')).toHaveLength(maxFailures);
      expect(refusals.filter(([status, code]) => status === 429 && code === 'rateLimited')).toHaveLength(stormBadTokens - maxFailures);
      for (const answer of badAnswers)
        expect(errorOf(answer).message).toMatch(answer.status === 429 ? /^Too many failed attempts; wait a few minutes/ : /credential is not valid/);

      // Counted: the hub's health route reports its refusals by code — these and nothing else (no good device was refused).
      expect(await refusalCounts()).toEqual({ rateLimited: stormBadTokens - maxFailures, unauthorized: maxFailures });
      const refusedLines = testHub.logLines.filter((line) => line.includes('"msg":"request refused"'));
      expect(refusedLines.filter((line) => line.includes('"code":"unauthorized"'))).toHaveLength(maxFailures);
      expect(refusedLines.filter((line) => line.includes('"code":"rateLimited"'))).toHaveLength(stormBadTokens - maxFailures);

      // Audited: once, when the address reached the limit — not once per refused request.
      const throttled = (await hubAuditEntries(testHub.hub.database)).filter((entry) => entry.kind === 'unknownTokensThrottled');
      expect(throttled).toHaveLength(1);
      const throttledDetails: unknown = JSON.parse(throttled[0]?.details ?? 'null');
      expect(throttledDetails).toEqual({ address: expect.stringMatching(/127\.0\.0\.1|::1/), failures: maxFailures, windowMs });

      // Once the window has passed the address is heard again, and crossing the limit again is a second entry.
      testHub.clock.advance(windowMs);
      const again: number[] = [];
      for (let index = 0; index <= maxFailures; index += 1) again.push((await pullWith(badToken(index))).status);
      expect(again).toEqual([...Array.from({ length: maxFailures }, () => 401), 429]);
      expect(await hubAuditKinds(testHub)).toEqual(['unknownTokensThrottled', 'unknownTokensThrottled']);
      expect(await verifyHubAuditChain(testHub.hub.database)).toMatchObject({ entries: 2, verified: 2, problem: null });
    }, 240_000);

    it('a revoked credential presented again and again is refused in its own words each time, and counts against no address', async () => {
      testHub = await startTestHub(backend, { rateLimit: { maxFailures: 3, windowMs: 60_000 } });
      const facility = await seedFacility(testHub.hub);
      const revoked = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
      const neighbour = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
      expect((await cli(testHub, 'revoke-device', '--device', revoked.deviceId, '--reason', 'retired')).code).toBe(0);
      // Three times the limit, from the same address as the neighbour: every answer is deviceRevoked, never 429.
      for (let attempt = 0; attempt < 9; attempt += 1) {
        const answer = await pullWith(revoked.secret);
        expect([answer.status, errorCodeOf(answer)]).toEqual([401, 'deviceRevoked']);
        expect(errorOf(answer).message).toMatch(/withdrawn at the hub/);
      }
      // None of them was counted against the address: a junk token from it is still the first failure's 401, not 429,
      // and the neighbour syncs.
      expect((await pullWith(badToken(1))).status).toBe(401);
      await expect(neighbour.pull(null)).resolves.toMatchObject({ hasMore: false });
      expect(await refusalCounts()).toEqual({ deviceRevoked: 9, unauthorized: 1 });
      expect(await hubAuditKinds(testHub)).toEqual(['deviceRevoked']);
    });

    it('a device’s own failures count against it alone: a guessing tablet is stopped, its neighbour and its own sync go on', async () => {
      testHub = await startTestHub(backend, { rateLimit: { maxFailures: 3, windowMs: 60_000 } });
      const facility = await seedFacility(testHub.hub);
      const [officer] = await listStaff(testHub.hub.database, facility.siteId);
      const guessing = await enroll(testHub, facility.siteId, 'tablet');
      const neighbour = await enroll(testHub, facility.siteId, 'tablet');
      const body = (staffPin: string) => ({ bookingNumber: 'B1001', staffId: officer?.staff_id, staffPin, requestId: randomUUID() });
      for (let attempt = 0; attempt < 3; attempt += 1)
        expect(errorCodeOf(await call(testHub.url, hubPaths.tabletAssign, { token: guessing.secret, body: body(`000${attempt}`) }))).toBe('staffPinWrong');
      const limited = await call(testHub.url, hubPaths.tabletAssign, { token: guessing.secret, body: body(officerPin) });
      expect([limited.status, errorCodeOf(limited)]).toEqual([429, 'rateLimited']);
      await expect(guessing.pull(null)).resolves.toMatchObject({ hasMore: false });
      expect((await call(testHub.url, hubPaths.tabletAssign, { token: neighbour.secret, body: body(officerPin) })).status).toBe(200);
    });

    it('behind a trusted proxy each client is counted by its forwarded address; without one the header is not believed', async () => {
      testHub = await startTestHub(backend, { rateLimit: { maxFailures: 3, windowMs: 60_000 }, trustProxy: ['127.0.0.1', '::1'] });
      const facility = await seedFacility(testHub.hub);
      const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
      const from = (address: string) => ({ 'x-forwarded-for': address });
      for (let index = 0; index < 3; index += 1) expect((await pullWith(badToken(index + 1), from('10.0.0.1'))).status).toBe(401);
      expect((await pullWith(badToken(1), from('10.0.0.1'))).status).toBe(429);
      // Another client behind the same balancer is its own address.
      expect((await pullWith(badToken(1), from('10.0.0.2'))).status).toBe(401);
      // And a good credential from the throttled address is never refused for it.
      expect((await pullWith(kiosk.secret, from('10.0.0.1'))).status).toBe(200);
      await testHub.close();

      // A hub that trusts no proxy counts the socket's address, whatever the header claims: no client can name another.
      testHub = await startTestHub(backend, { rateLimit: { maxFailures: 3, windowMs: 60_000 } });
      for (let index = 0; index < 3; index += 1) expect((await pullWith(badToken(index + 1), from(`10.0.1.${index}`))).status).toBe(401);
      expect((await pullWith(badToken(1), from('10.0.2.1'))).status).toBe(429);
    });
  },
  90_000,
);
