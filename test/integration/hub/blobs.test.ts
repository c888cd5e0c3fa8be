// Attachment bytes over loopback HTTP: served by content hash only to devices whose residents may see a delivered
// attachment with that hash; everything else is a 404 that says nothing about whether the blob exists.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hubPaths } from '../../../hub/protocol/index';
import { assignTablet, listReviewQueue, reviewMessage, sendFamilyMessage, unassignTablet } from '../../../hub/services/index';
import { hubBackends, useHubDatabases } from '../../support/hub-databases';
import { call, enroll, errorCodeOf, fakeJpeg, seedFacility, startTestHub, tinyPng, type Facility, type TestDevice, type TestHub } from './fixture';

useHubDatabases();

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(hubBackends)('blobs (%s)', (backend) => {
  let testHub: TestHub;
  let facility: Facility;
  let kioskA: TestDevice;
  let kioskB: TestDevice;
  let tablet: TestDevice;

  beforeEach(async () => {
    testHub = await startTestHub(backend);
    facility = await seedFacility(testHub.hub);
    kioskA = await enroll(testHub, facility.siteId, 'kiosk', facility.unitA);
    kioskB = await enroll(testHub, facility.siteId, 'kiosk', facility.unitB);
    tablet = await enroll(testHub, facility.siteId, 'tablet');
    await assignTablet(testHub.hub, { deviceId: tablet.deviceId, residentId: facility.ana.resident_id });
  });
  afterEach(async () => testHub.close());

  const fetchBlob = (device: TestDevice | null, hash: string) =>
    call(testHub.url, `${hubPaths.blobs}/${hash}`, { method: 'GET', ...(device === null ? {} : { token: device.secret }) });

  it('serves a delivered photo, verified by its hash, only to the devices of its resident, and only after review', async () => {
    const photo = fakeJpeg('birthday cake');
    const withheldPhoto = fakeJpeg('withheld');
    const family = await sendFamilyMessage(testHub.hub, {
      contactId: facility.anaMom,
      body: 'Happy birthday',
      attachments: [
        { kind: 'photo', bytes: photo },
        { kind: 'photo', bytes: withheldPhoto },
      ],
    });

    // In review: nobody gets it yet.
    expect((await fetchBlob(kioskA, sha256(photo))).status).toBe(404);

    const [queued] = await listReviewQueue(testHub.hub.database, facility.siteId);
    await reviewMessage(testHub.hub, {
      decision: 'approve',
      messageId: family.message_id,
      reviewer: 'Reviewer Kim',
      rejectedAttachments: [{ attachmentId: queued?.attachments[1]?.attachmentId ?? '', reason: 'Not allowed.' }],
    });

    for (const device of [kioskA, tablet]) {
      const answer = await fetchBlob(device, sha256(photo));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/octet-stream');
      expect(sha256(answer.bytes)).toBe(sha256(photo));
      expect(answer.bytes.equals(photo)).toBe(true);
    }
    // Another unit's kiosk, a withheld attachment, a blob that does not exist: all the same 404.
    for (const [device, hash] of [
      [kioskB, sha256(photo)],
      [kioskA, sha256(withheldPhoto)],
      [kioskA, sha256(tinyPng)],
    ] as const) {
      const answer = await fetchBlob(device, hash);
      expect(answer.status).toBe(404);
      expect(errorCodeOf(answer)).toBe('notFound');
    }

    // The tablet loses the blob with its resident.
    await unassignTablet(testHub.hub, { deviceId: tablet.deviceId });
    expect((await fetchBlob(tablet, sha256(photo))).status).toBe(404);
  });

  it('stores a photo sent twice once (content-addressed), refuses a malformed hash and an unauthenticated request', async () => {
    await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'One', attachments: [{ kind: 'photo', bytes: tinyPng }] });
    await sendFamilyMessage(testHub.hub, { contactId: facility.anaMom, body: 'Two', attachments: [{ kind: 'ecard', bytes: tinyPng }] });
    const [count] = await testHub.hub.database.query<{ blobs: number; attachments: number }>(
      'SELECT (SELECT count(*) FROM blobs)::bigint AS blobs, (SELECT count(*) FROM attachments)::bigint AS attachments',
    );
    expect(count).toEqual({ blobs: 1, attachments: 2 });

    const malformed = await fetchBlob(kioskA, 'NOT-A-HASH');
    expect(malformed.status).toBe(400);
    expect(errorCodeOf(malformed)).toBe('badRequest');
    const anonymous = await fetchBlob(null, sha256(tinyPng));
    expect(anonymous.status).toBe(401);
  });
});
