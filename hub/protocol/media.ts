// What an attachment's bytes are, judged by their first bytes and never by a name or a declared type. One rule for
// the hub (which refuses an upload that is not what its kind says) and the device (which refuses to show a stored
// file that no longer starts as its type says).
import type { AttachmentRecord } from './records';

export type AttachmentMimeType = AttachmentRecord['mimeType'];

/** JPEG's SOI marker, the PNG signature, EBML (WebM) and an ISO-BMFF `ftyp` box (MP4). */
export function sniffMimeType(bytes: Uint8Array): AttachmentMimeType | null {
  const startsWith = (offset: number, ...signature: number[]) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (startsWith(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (startsWith(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm';
  if (startsWith(4, 0x66, 0x74, 0x79, 0x70)) return 'video/mp4'; // ....ftyp
  return null;
}
