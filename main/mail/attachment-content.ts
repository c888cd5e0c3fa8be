// The bytes of a photo, eCard or video, for the screen (docs/security.md §10 "Content and the page": attachments are served through the app protocol
// or the host's route, after a check of type, size and hash; nothing is loaded from a path the renderer names). The
// renderer names a message and an attachment of it; the runtime finds the signed-in person's own delivered attachment,
// reads the content-addressed file, and serves it only if its size and hash are still those the hub declared and its
// first bytes are the format its type claims. A file damaged on disk is refused, never shown half.
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { AttachmentRecord, checkCaptions, sniffMimeType, type AttachmentMimeType } from '../../hub/protocol';
import { storedCaptionTracks } from '../store/caption-tracks';
import type { MailQueries } from '../store/mail';

/** The largest attachment served, whatever a record claims: a 30-second kiosk video is well under it. */
export const maxServedAttachmentBytes = 64 * 1024 * 1024;

export type AttachmentRefusal =
  /** Nobody is signed in: nothing of anyone's is served. */
  | 'notSignedIn'
  /** No such attachment of the signed-in person's, or withheld by review, or its bytes are not here yet. */
  | 'notFound'
  /** The file is not what the hub declared (size, hash or format): damaged or tampered with on this device. */
  | 'damaged';

/** What the routes serve: an attachment's own type, or a video's caption track. */
export type ServedMimeType = AttachmentMimeType | 'text/vtt';

/** The Content-Type header for served bytes: a caption track says its charset, so a player never guesses it. */
export function contentTypeHeader(mimeType: ServedMimeType): string {
  return mimeType === 'text/vtt' ? 'text/vtt; charset=utf-8' : mimeType;
}

export type AttachmentContent =
  | { readonly ok: true; readonly bytes: Buffer; readonly mimeType: ServedMimeType }
  | { readonly ok: false; readonly refusal: AttachmentRefusal; readonly problem: string };

function readWhole(path: string, expectedSize: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    if (size !== expectedSize || size > maxServedAttachmentBytes) return null;
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) return null;
      offset += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

export interface AttachmentContentDependencies {
  readonly queries: Pick<MailQueries, 'attachmentContent'>;
  /** Where the blob store keeps the bytes of a hash (main/sync/blobs.ts). */
  readonly pathOf: (sha256: string) => string;
}

export function readAttachmentContent(deps: AttachmentContentDependencies, residentId: string, messageId: string, attachmentId: string): AttachmentContent {
  const row = deps.queries.attachmentContent(residentId, messageId, attachmentId);
  if (row === null) return { ok: false, refusal: 'notFound', problem: 'no such attachment here' };
  const mimeType = AttachmentRecord.shape.mimeType.safeParse(row.mimeType);
  if (!mimeType.success) return { ok: false, refusal: 'damaged', problem: 'the stored type is not one this device shows' };
  const bytes = readWhole(deps.pathOf(row.sha256), row.byteSize);
  if (bytes === null) return { ok: false, refusal: 'damaged', problem: 'the file is missing or not the size the hub declared' };
  if (createHash('sha256').update(bytes).digest('hex') !== row.sha256) return { ok: false, refusal: 'damaged', problem: 'the file does not match its hash' };
  if (sniffMimeType(bytes) !== mimeType.data) return { ok: false, refusal: 'damaged', problem: `the file is not ${mimeType.data}` };
  return { ok: true, bytes, mimeType: mimeType.data };
}

/**
 * A video's caption track in one language, for the player's <track>: only for a video the person may play (their own,
 * delivered, its bytes here), and only a track that is still plain WebVTT by the hub's rule, checked again here.
 */
export function readCaptionTrack(
  deps: AttachmentContentDependencies,
  residentId: string,
  messageId: string,
  attachmentId: string,
  language: string,
): AttachmentContent {
  const row = deps.queries.attachmentContent(residentId, messageId, attachmentId);
  if (row === null || row.captions === null) return { ok: false, refusal: 'notFound', problem: 'no such caption track here' };
  const track = storedCaptionTracks(row.captions).find((candidate) => candidate.language === language);
  if (track === undefined) return { ok: false, refusal: 'notFound', problem: 'no caption track in that language' };
  const bytes = Buffer.from(track.text, 'utf8');
  if (!checkCaptions(bytes).ok) return { ok: false, refusal: 'damaged', problem: 'the caption track is not plain WebVTT' };
  return { ok: true, bytes, mimeType: 'text/vtt' };
}
