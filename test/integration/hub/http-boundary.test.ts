// The HTTP boundary: bearer authentication (missing or wrong → 401 with nothing to learn), the rate limit on bad
// tokens, bodies too large (413), malformed JSON and invalid fields (400 naming the field), unknown paths, and logs
// that never hold secrets, PINs, enrollment codes or message bodies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPaths, maxRequestBytes } from '../../../hub/protocol/index';
import { issueEnrollmentCode, transferStamps } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { call, enroll, errorCodeOf, parsePush, seedFacility, sendMessageMutation, startTestHub, type Facility, type TestHub } from './fixture';

useHubDatabases();

describe.each(hubBackends)('HTTP boundary (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;

  beforeEach(async () => {
    testHub = await startTestHub(backend, { rateLimit: { maxFailures: 4, windowMs: 60_000 } });
    facility = await seedFacility(testHub.hub);
  });
  afterEach(async () => testHub.close());

  it('answers a missing, malformed or wrong token with the same 401, and rate-limits bad tokens from an address that keeps trying, never its good ones', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const attempts = [
      await call(testHub.url, hubPaths.pull, { body: { cursor: null } }),
      await call(testHub.url, hubPaths.pull, { body: { cursor: null }, headers: { authorization: `Basic ${kiosk.secret}` } }),
      await call(testHub.url, hubPaths.pull, { token: `${kiosk.secret.slice(0, -1)}${kiosk.secret.endsWith('A') ? 'B' : 'A'}`, body: { cursor: null } }),
      await call(testHub.url, hubPaths.push, { token: 'x'.repeat(43), body: { deviceId: kiosk.deviceId, mutations: [] } }),
    ];
    for (const answer of attempts) {
      expect(answer.status).toBe(401);
      expect(errorCodeOf(answer)).toBe('unauthorized');
      expect(answer.json).toEqual(attempts[0]?.json);
      expect(JSON.stringify(answer.json)).not.toContain(kiosk.deviceId);
    }

    // Four failures in the window: another bad token from this address is refused without a word about it, while
    // the right token from the same address is never held up by them (one broken device must not lock out its unit).
    const badAgain = await call(testHub.url, hubPaths.pull, { token: 'y'.repeat(43), body: { cursor: null } });
    expect(badAgain.status).toBe(429);
    expect(errorCodeOf(badAgain)).toBe('rateLimited');
    expect((await call(testHub.url, hubPaths.pull, { token: kiosk.secret, body: { cursor: null } })).status).toBe(200);
    testHub.clock.advance(60_001);
    expect((await call(testHub.url, hubPaths.pull, { token: 'y'.repeat(43), body: { cursor: null } })).status).toBe(401);
  });

  it('refuses a body larger than the limit with 413 and malformed JSON with 400, without echoing the body', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const huge = JSON.stringify({
      deviceId: kiosk.deviceId,
      mutations: [sendMessageMutation(1, { residentId: facility.ana.resident_id, contactId: facility.anaMom, body: 'z'.repeat(maxRequestBytes) })],
    });
    const tooLarge = await call(testHub.url, hubPaths.push, { token: kiosk.secret, rawBody: huge });
    expect(tooLarge.status).toBe(413);
    expect(errorCodeOf(tooLarge)).toBe('payloadTooLarge');

    const malformed = await call(testHub.url, hubPaths.push, { token: kiosk.secret, rawBody: '{"deviceId": "hunter2-secret-words", "mutations": [' });
    expect(malformed.status).toBe(400);
    expect(errorCodeOf(malformed)).toBe('badRequest');
    expect(malformed.bytes.toString()).not.toContain('hunter2');

    const notJson = await call(testHub.url, hubPaths.pull, { token: kiosk.secret, rawBody: 'cursor=null', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(400);
    expect(errorCodeOf(notJson)).toBe('badRequest');
  });

  it('names the offending field of an invalid body; a malformed mutation is refused under its id, never the whole push', async () => {
    const kiosk = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    const badLimit = await call(testHub.url, hubPaths.pull, { token: kiosk.secret, body: { cursor: null, limit: 0 } });
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(badLimit.json)).toContain('limit');

    const badBook = await call(testHub.url, hubPaths.push, {
      token: kiosk.secret,
      body: {
        deviceId: kiosk.deviceId,
        mutations: [{ id: 1, name: 'buyStamps', args: { residentId: facility.ana.resident_id, requestId: 'not-a-uuid', bookSize: 5 } }],
      },
    });
    // A 400 for the batch would meet the device again on every push, for ever: the hub refuses that one mutation.
    expect(badBook.status).toBe(200);
    expect(badBook.json).toMatchObject({
      lastMutationId: 1,
      results: [{ id: 1, status: 'refused', code: 'malformedMutation', reason: expect.stringContaining('args.requestId') }],
    });

    const unknownMutation = await call(testHub.url, hubPaths.push, {
      token: kiosk.secret,
      body: { deviceId: kiosk.deviceId, mutations: [{ id: 2, name: 'escape', args: {} }] },
    });
    expect(unknownMutation.status).toBe(200);
    expect(unknownMutation.json).toMatchObject({ lastMutationId: 2, results: [{ id: 2, status: 'refused', code: 'malformedMutation' }] });

    // Without an id there is no place in the device's order to refuse it in: that is the request's fault, a 400.
    const noId = await call(testHub.url, hubPaths.push, {
      token: kiosk.secret,
      body: { deviceId: kiosk.deviceId, mutations: [{ id: 0, name: 'markRead', args: {} }] },
    });
    expect(noId.status).toBe(400);
    expect(JSON.stringify(noId.json)).toContain('mutations.0.id');

    const unknownPath = await call(testHub.url, '/v1/admin', { method: 'GET', token: kiosk.secret });
    expect(unknownPath.status).toBe(404);
    expect(errorCodeOf(unknownPath)).toBe('notFound');
  });

  it('answers health without authentication', async () => {
    const health = await call(testHub.url, hubPaths.health, { method: 'GET' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ ok: true, protocolVersion: 1, serverTime: testHub.clock.now() });
  });

  it('never logs a secret, an enrollment code, a PIN hash or a message body', async () => {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId: facility.siteId, kind: 'kiosk', housingUnitId: facility.unitA });
    const enrolled = await call(testHub.url, hubPaths.enroll, { body: { code: issued.code, deviceName: 'kiosk', appVersion: '0.1.0' } });
    const { secret, deviceId } = enrolled.json as { secret: string; deviceId: string };
    await transferStamps(testHub.hub, { residentId: facility.ana.resident_id, stamps: 3, from: 'Maria Diaz' });
    const body = 'PRIVATE-LETTER-TEXT please keep this out of the logs';
    parsePush(
      await call(testHub.url, hubPaths.push, {
        token: secret,
        body: { deviceId, mutations: [sendMessageMutation(1, { residentId: facility.ana.resident_id, contactId: facility.anaMom, body })] },
      }),
    );
    await call(testHub.url, hubPaths.pull, { token: secret, body: { cursor: null } });
    await call(testHub.url, hubPaths.push, { token: secret, rawBody: `{"oops": "${body}"` });
    await call(testHub.url, hubPaths.pull, { token: 'wrong-secret-but-long-enough-to-look-like-one-xx', body: { cursor: null } });

    const logs = testHub.logLines.join('\n');
    expect(logs).toContain(deviceId);
    for (const forbidden of [
      secret,
      issued.code,
      issued.code.replace('-', ''),
      'PRIVATE-LETTER-TEXT',
      'wrong-secret-but-long',
      facility.ana.pin_hash,
      'scrypt:',
    ]) {
      expect(logs).not.toContain(forbidden);
    }
  });
});
