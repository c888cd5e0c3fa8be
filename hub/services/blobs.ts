// Attachment bytes, stored content-addressed by their SHA-256, and handed to a device only when one of its residents
// may see a delivered attachment with that hash.
import type { SqlExecutor } from '../db/database';
import { sha256Hex } from '../security/tokens';

/** The schema's hard ceiling for one blob; each site's maxAttachmentBytes is lower. */
export const maxBlobBytes = 16 * 1024 * 1024;

export type AttachmentMimeType = 'image/jpeg' | 'image/png' | 'video/mp4' | 'video/webm';

/** The type the bytes really are (their magic numbers), never what a file name or a sender claims. */
export function sniffMimeType(bytes: Uint8Array): AttachmentMimeType | null {
  const startsWith = (offset: number, ...signature: number[]) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (startsWith(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (startsWith(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm';
  if (startsWith(4, 0x66, 0x74, 0x79, 0x70)) return 'video/mp4'; // ....ftyp
  return null;
}

export async function storeBlob(tx: SqlExecutor, bytes: Uint8Array, now: number): Promise<{ sha256: string; byteSize: number }> {
  if (bytes.length === 0 || bytes.length > maxBlobBytes) throw new RangeError(`a blob is 1 to ${maxBlobBytes} bytes, not ${bytes.length}`);
  const sha256 = sha256Hex(bytes);
  await tx.query('INSERT INTO blobs (sha256, bytes, byte_size, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING', [sha256, bytes, bytes.length, now]);
  return { sha256, byteSize: bytes.length };
}

/**
 * The bytes of a blob, if the device may have them: some delivered attachment with this hash belongs to a delivered
 * (or read) message of an active resident in the device's scope — housed in the kiosk's unit, or the tablet's
 * resident. One statement, so the device's scope and the message's state are read at one instant.
 */
export async function readBlobForDevice(db: SqlExecutor, deviceId: string, sha256: string): Promise<Buffer | null> {
  const [blob] = await db.query<{ bytes: Uint8Array }>(
    `SELECT b.bytes
       FROM blobs b
      WHERE b.sha256 = $2
        AND EXISTS (
          SELECT 1
            FROM attachments a
            JOIN messages m ON m.message_id = a.message_id
            JOIN residents r ON r.resident_id = m.resident_id
            JOIN devices d ON d.device_id = $1
           WHERE a.sha256 = b.sha256
             AND a.status = 'delivered'
             AND m.status IN ('delivered', 'read')
             AND r.status = 'active'
             AND r.site_id = d.site_id
             AND (r.housing_unit_id = d.housing_unit_id OR r.resident_id = d.assigned_resident_id))`,
    [deviceId, sha256],
  );
  if (blob === undefined) return null;
  return Buffer.from(blob.bytes);
}
