// Enrollment over real loopback HTTP: a good code, a code used twice, an expired code, an unknown code, and the
// rate limit on bad codes from one address — on PGlite and on a PostgreSQL server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnrollResponse, hubPaths } from '../../../hub/protocol/index';
import { addHousingUnit, createSite, enrollmentCodeLifetimeMs, issueEnrollmentCode } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { call, errorCodeOf, startTestHub, type TestHub } from './fixture';

useHubDatabases();

describe.each(hubBackends)('enrollment (%s)', (backend) => {
  let testHub: TestHub;
  let siteId: string;
  let unitId: string;

  beforeEach(async () => {
    testHub = await startTestHub(backend, { rateLimit: { maxFailures: 5, windowMs: 60_000 } });
    const site = await createSite(testHub.hub, { name: 'Enrollment Test Facility' });
    siteId = site.siteId;
    unitId = (await addHousingUnit(testHub.hub, { siteId, name: 'C-Pod' })).housingUnitId;
  });
  afterEach(async () => testHub.close());

  const enrollWith = (code: string) => call(testHub.url, hubPaths.enroll, { body: { code, deviceName: 'C-Pod kiosk 1', appVersion: '0.1.0' } });

  it('trades a good code for a device id and a 256-bit secret, storing only its hash', async () => {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind: 'kiosk', housingUnitId: unitId });
    expect(issued.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(issued.expiresAt).toBe(testHub.clock.now() + enrollmentCodeLifetimeMs);

    const answer = await enrollWith(issued.code);
    expect(answer.status).toBe(200);
    const enrollment = EnrollResponse.parse(answer.json);
    expect(enrollment).toMatchObject({ siteId, siteName: 'Enrollment Test Facility', kind: 'kiosk', housingUnitId: unitId });
    expect(Buffer.from(enrollment.secret, 'base64url')).toHaveLength(32);

    const stored = await testHub.hub.database.query<{ secret_hash: string }>('SELECT secret_hash FROM devices WHERE device_id = $1', [enrollment.deviceId]);
    expect(stored[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await testHub.hub.database.query('SELECT * FROM devices'))).not.toContain(enrollment.secret);
    expect(JSON.stringify(await testHub.hub.database.query('SELECT * FROM enrollment_codes'))).not.toContain(issued.code.replace('-', ''));

    // The secret works at once.
    const health = await call(testHub.url, hubPaths.pull, { token: enrollment.secret, body: { cursor: null } });
    expect(health.status).toBe(200);
  });

  it('accepts the code without its dash and in lower case, and enrolls a tablet with no housing unit', async () => {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind: 'tablet' });
    const answer = await enrollWith(issued.code.replace('-', ''));
    expect(answer.status).toBe(200);
    expect(EnrollResponse.parse(answer.json)).toMatchObject({ kind: 'tablet', housingUnitId: null });
  });

  it('refuses a code the second time with enrollmentCodeUsed', async () => {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind: 'kiosk', housingUnitId: unitId });
    expect((await enrollWith(issued.code)).status).toBe(200);
    const again = await enrollWith(issued.code);
    expect(again.status).toBe(409);
    expect(errorCodeOf(again)).toBe('enrollmentCodeUsed');
  });

  it('refuses an expired code with enrollmentCodeExpired', async () => {
    const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind: 'kiosk', housingUnitId: unitId });
    testHub.clock.advance(enrollmentCodeLifetimeMs);
    const answer = await enrollWith(issued.code);
    expect(answer.status).toBe(410);
    expect(errorCodeOf(answer)).toBe('enrollmentCodeExpired');
  });

  it('refuses an unknown code with enrollmentCodeInvalid, and a malformed one as a bad request naming the field', async () => {
    const unknown = await enrollWith('ZZZZ-9999');
    expect(unknown.status).toBe(400);
    expect(errorCodeOf(unknown)).toBe('enrollmentCodeInvalid');

    const malformed = await enrollWith('not a code');
    expect(malformed.status).toBe(400);
    expect(errorCodeOf(malformed)).toBe('badRequest');
    expect(JSON.stringify(malformed.json)).toContain('code');
  });

  it('rate-limits an address after repeated bad codes, even for a good code, until the window passes', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expect((await enrollWith(`ZZZZ-${2000 + attempt}`)).status).toBe(400);
    const issued = await issueEnrollmentCode(testHub.hub, { siteId, kind: 'kiosk', housingUnitId: unitId });
    const limited = await enrollWith(issued.code);
    expect(limited.status).toBe(429);
    expect(errorCodeOf(limited)).toBe('rateLimited');

    testHub.clock.advance(60_001);
    expect((await enrollWith(issued.code)).status).toBe(200);
  });
});
