// Attachment bytes are served only for the signed-in person's own delivered attachment, and only while the file is
// exactly what the hub declared: its size, its hash and the format its type names. Real store file, real blob folder.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAttachmentContent } from '../../../main/mail/attachment-content';
import { openDeviceDatabase, type DeviceDatabase } from '../../../main/store/database';
import { mailQueries } from '../../../main/store/mail';
import { openBlobStore, type BlobStore } from '../../../main/sync/blobs';
import { makeTempDir } from '../../support/temp-dir';
import { patternPng } from '../../support/test-images';

let dir: ReturnType<typeof makeTempDir>;
let db: DeviceDatabase;
let blobs: BlobStore;
beforeEach(() => {
  dir = makeTempDir();
  db = openDeviceDatabase(join(dir.path, 'device.sqlite'));
  blobs = openBlobStore(dir.path);
});
afterEach(() => {
  db.close();
  dir.remove();
});

const photo = patternPng(32, 24, [[200, 40, 40]]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function storeLetter(options: {
  messageId: string;
  residentId: string;
  status?: string;
  attachmentStatus?: string;
  downloaded?: 0 | 1;
  bytes?: Buffer;
  declaredType?: string;
  declaredSize?: number;
}): void {
  const bytes = options.bytes ?? photo;
  db.prepare(
    `INSERT INTO messages (message_id, resident_id, contact_id, direction, body, written_at, received_at, status, status_changed_at,
    carries_return_stamp, return_stamp_used, stamps_charged, stamps_returned, version) VALUES (?, ?, 'c1', 'inbound', 'a photo for you', 1, 2, ?, 2, 0, 0, 0, 0, 2)`,
  ).run(options.messageId, options.residentId, options.status ?? 'delivered');
  db.prepare(
    `INSERT INTO message_attachments (message_id, attachment_id, position, kind, sha256, byte_size, mime_type, status, rejection_reason, downloaded)
    VALUES (?, 'a1', 0, 'photo', ?, ?, ?, ?, NULL, ?)`,
  ).run(
    options.messageId,
    sha256(bytes),
    options.declaredSize ?? bytes.length,
    options.declaredType ?? 'image/png',
    options.attachmentStatus ?? 'delivered',
    options.downloaded ?? 1,
  );
  const path = blobs.pathOf(sha256(bytes));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const read = (residentId: string, messageId: string, attachmentId = 'a1') =>
  readAttachmentContent({ queries: mailQueries(db), pathOf: blobs.pathOf }, residentId, messageId, attachmentId);

describe('attachment content', () => {
  it("serves the person's own delivered photo, byte for byte, with its type", () => {
    storeLetter({ messageId: 'm1', residentId: 'r1' });
    const content = read('r1', 'm1');
    expect(content).toEqual({ ok: true, bytes: photo, mimeType: 'image/png' });
  });

  it("refuses someone else's, a withheld one, one not downloaded yet, one of a letter still in review, and names that do not exist", () => {
    storeLetter({ messageId: 'm1', residentId: 'r1' });
    storeLetter({ messageId: 'm2', residentId: 'r1', attachmentStatus: 'rejected', bytes: patternPng(8, 8, [[1, 2, 3]]) });
    storeLetter({ messageId: 'm3', residentId: 'r1', downloaded: 0, bytes: patternPng(9, 9, [[1, 2, 3]]) });
    storeLetter({ messageId: 'm4', residentId: 'r1', status: 'inReview', bytes: patternPng(10, 10, [[1, 2, 3]]) });
    expect(read('r2', 'm1')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(read('r1', 'm2')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(read('r1', 'm3')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(read('r1', 'm4')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(read('r1', 'm1', 'a2')).toMatchObject({ ok: false, refusal: 'notFound' });
    expect(read('r1', '../../etc/passwd')).toMatchObject({ ok: false, refusal: 'notFound' });
  });

  it('refuses a file changed on disk, cut short, missing, or not the format its type names', () => {
    storeLetter({ messageId: 'm1', residentId: 'r1' });
    const path = blobs.pathOf(sha256(photo));
    const flipped = Buffer.from(photo);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 20) ^ 0xff, flipped.length - 20);
    writeFileSync(path, flipped);
    expect(read('r1', 'm1')).toMatchObject({ ok: false, refusal: 'damaged', problem: 'the file does not match its hash' });
    writeFileSync(path, photo.subarray(0, 40));
    expect(read('r1', 'm1')).toMatchObject({ ok: false, refusal: 'damaged' });
    blobs.remove(sha256(photo));
    expect(read('r1', 'm1')).toMatchObject({ ok: false, refusal: 'damaged' });

    // Declared a JPEG, but the bytes (whose hash matches) are a PNG: not shown as what it is not.
    const other = patternPng(12, 12, [[9, 9, 9]]);
    storeLetter({ messageId: 'm5', residentId: 'r1', bytes: other, declaredType: 'image/jpeg' });
    expect(read('r1', 'm5')).toMatchObject({ ok: false, refusal: 'damaged', problem: 'the file is not image/jpeg' });
  });
});
