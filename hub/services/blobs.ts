// Attachment bytes, stored content-addressed by their SHA-256, and handed to a device only when one of its residents
// may see a delivered attachment with that hash.
import type { SqlExecutor } from '../db/database';
import { sha256Hex } from '../security/tokens';

/** The schema's hard ceiling for one blob; each site's maxAttachmentBytes is lower. */
export const maxBlobBytes = 16 * 1024 * 1024;

export async function storeBlob(tx: SqlExecutor, bytes: Uint8Array, now: number): Promise<{ sha256: string; byteSize: number }> {
  if (bytes.length === 0 || bytes.length > maxBlobBytes) throw new RangeError(`a blob is 1 to ${maxBlobBytes} bytes, not ${bytes.length}`);
  const sha256 = sha256Hex(bytes);
  await tx.query('INSERT INTO blobs (sha256, bytes, byte_size, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING', [
    sha256,
    bytes,
    bytes.length,
    now,
  ]);
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
